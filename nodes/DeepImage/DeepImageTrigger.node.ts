import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { triggerHints } from '../shared/descriptions';
import {
	CALLBACK_WEBHOOKS,
	NO_REMOTE_REGISTRATION,
	callbackSourceProperties,
	emitReceivedRenders,
	receiveCallback,
	triggerProperties,
} from '../shared/trigger';
import { deepImageProvider } from './provider';

export class DeepImageTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Deep Image Trigger',
		name: 'deepImageTrigger',
		icon: { light: 'file:deepimage.svg', dark: 'file:deepimage.dark.svg' },
		group: ['trigger'],
		// Version 2 only spares n8n an expression evaluation per callback (it checks a binaryData
		// option on version 1 nodes); both versions behave alike. Version 3 adds Callback URL From:
		// Deep Image's account-wide webhook with a token, besides the signed per-job URLs (the only
		// ones versions 1 and 2 accept).
		// Version 4 confirms each callback with the API by default (Confirm with API).
		version: [1, 2, 3, 4],
		defaultVersion: 4,
		subtitle: 'On processed image',
		description: 'Starts the workflow when Deep Image reports a processed image to its webhook',
		defaults: { name: 'Deep Image Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'deepImageApi', required: true }],
		webhooks: CALLBACK_WEBHOOKS,
		hints: triggerHints(deepImageProvider),
		properties: [
			...callbackSourceProperties(deepImageProvider, {
				since: 3,
				signedNotice:
					'Copy this trigger’s Production URL into the Callback URL of a Deep Image node (Wait for Result: Don’t Wait) that uses the same credential. The node signs the URL per job (webhooks.complete); callbacks without a valid signature are refused with 401.',
				note: 'Deep Image calls back only for completed jobs, echoing the request: send files as multipart, not base64, to keep callbacks small.',
			}),
			...triggerProperties('Deep Image', { confirmedSince: 4 }),
		],
	};

	// Deep Image takes its webhook URL with each job, or its support sets one on the account: there
	// is nothing to register remotely.
	webhookMethods = NO_REMOTE_REGISTRATION;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this, deepImageProvider);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitReceivedRenders(this);
	}
}
