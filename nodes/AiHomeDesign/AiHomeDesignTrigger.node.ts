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
	emitReceivedRenders,
	receiveCallback,
	triggerProperties,
} from '../shared/trigger';
import { aiHomeDesignProvider } from './provider';

export class AiHomeDesignTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AI Home Design Trigger',
		name: 'aiHomeDesignTrigger',
		icon: { light: 'file:aihomedesign.svg', dark: 'file:aihomedesign.dark.svg' },
		group: ['trigger'],
		// Version 2 only spares n8n an expression evaluation per callback (it checks a binaryData
		// option on version 1 nodes); both versions behave alike. Version 3 confirms each callback
		// with the API by default (Confirm with API).
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: 'On process completed',
		description: 'Starts the workflow when AI Home Design posts a finished process to the webhook URL of its dashboard',
		defaults: { name: 'AI Home Design Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aiHomeDesignApi', required: true }],
		webhooks: CALLBACK_WEBHOOKS,
		hints: triggerHints(aiHomeDesignProvider),
		properties: [
			{
				displayName:
					'In AI Home Design’s dashboard (API → Webhook → Add Endpoint) paste this trigger’s <b>Production URL</b> followed by <b>?token=</b> and the Webhook Token of the credential, e.g. https://n8n.example.com/webhook/…/callback?token=YOUR-TOKEN. The URL must be HTTPS and the workflow active. Calls with a missing or wrong token are refused (401); only “process.completed” results start the workflow, other events are answered 200 and dropped.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			...triggerProperties('AI Home Design', { confirmedSince: 3 }),
		],
	};

	// The URL is pasted into the vendor's dashboard by hand: nothing to register remotely.
	webhookMethods = NO_REMOTE_REGISTRATION;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this, aiHomeDesignProvider);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitReceivedRenders(this);
	}
}
