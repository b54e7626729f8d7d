import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	CALLBACK_WEBHOOKS,
	NO_REMOTE_REGISTRATION,
	emitReceivedRenders,
	receiveCallback,
	triggerProperties,
} from '../shared/trigger';
import { triggerHints } from '../shared/descriptions';
import { gepettoProvider } from './provider';

export class GepettoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gepetto Trigger',
		name: 'gepettoTrigger',
		icon: { light: 'file:gepetto.svg', dark: 'file:gepetto.dark.svg' },
		group: ['trigger'],
		// Version 2 only spares n8n an expression evaluation per callback (it checks a binaryData
		// option on version 1 nodes); both versions behave alike. Version 3 confirms each callback
		// with the API by default (Confirm with API).
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: 'On render result',
		description: 'Starts the workflow when Gepetto sends a finished render to its webhook',
		defaults: { name: 'Gepetto Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'gepettoApi', required: true }],
		webhooks: CALLBACK_WEBHOOKS,
		hints: triggerHints(gepettoProvider),
		properties: [
			{
				displayName:
					'Copy this trigger’s Production URL into the Callback URL of a Gepetto node (Wait for Result: Don’t Wait) that uses the same credential. The node signs the URL per job; callbacks without a valid signature are refused with 401. Gepetto’s callback carries only the job ID and the image URL: a callback with an image is a completed job.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			...triggerProperties('Gepetto', { confirmedSince: 3 }),
		],
	};

	// Gepetto takes its webhook URL with each job, so there is nothing to register remotely.
	webhookMethods = NO_REMOTE_REGISTRATION;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this, gepettoProvider);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitReceivedRenders(this);
	}
}
