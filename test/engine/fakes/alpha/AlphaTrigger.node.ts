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
import { alphaProvider } from './provider';

export class AlphaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alpha Trigger',
		name: 'alphaTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow when an Alpha render reports its result',
		defaults: { name: 'Alpha Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alphaApi', required: true }],
		webhooks: CALLBACK_WEBHOOKS,
		properties: triggerProperties('Alpha', { confirmedSince: 2 }),
	};

	webhookMethods = NO_REMOTE_REGISTRATION;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this, alphaProvider);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitReceivedRenders(this);
	}
}
