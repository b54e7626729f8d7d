import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationProperty, outputOptionsProperty, waitProperties } from '../../../../nodes/shared/descriptions';
import { RESUME_WEBHOOKS, resumeAfterCallback } from '../../../../nodes/shared/resume';
import { executeOperation } from '../../../../nodes/shared/router';
import { alphaProvider } from './provider';

export class Alpha implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alpha',
		name: 'alpha',
		group: ['transform'],
		version: 1,
		description: 'A fake provider made for the engine contract suite (perJob callbacks, JSON)',
		defaults: { name: 'Alpha' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alphaApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		properties: [
			operationProperty(alphaProvider, 'render'),
			{ displayName: 'Prompt', name: 'prompt', type: 'string', default: '', displayOptions: { show: { operation: ['render'] } } },
			{ displayName: 'Render ID', name: 'renderId', type: 'string', default: '', displayOptions: { show: { operation: ['getRender'] } } },
			...waitProperties(alphaProvider),
			outputOptionsProperty({ show: { operation: ['render', 'getRender'] } }),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, alphaProvider);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeAfterCallback(this, alphaProvider);
	}
}
