import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CALLBACK_WEBHOOKS, NO_REMOTE_REGISTRATION, emitReceivedRenders, receiveCallback, triggerProperties } from '../../../../nodes/shared/trigger';
import { betaProvider } from './provider';

export class BetaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Beta Trigger',
		name: 'betaTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow when Beta calls its dashboard webhook with a process result',
		defaults: { name: 'Beta Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'betaApi', required: true }],
		webhooks: CALLBACK_WEBHOOKS,
		properties: [
			{
				displayName: 'Paste this trigger’s Production URL with ?token=<Webhook Token> into Beta’s dashboard.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			...triggerProperties('Beta', { confirmedSince: 2 }),
		],
	};

	webhookMethods = NO_REMOTE_REGISTRATION;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this, betaProvider);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitReceivedRenders(this);
	}
}
