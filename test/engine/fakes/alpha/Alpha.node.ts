import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionNodeProperties } from '../../../../nodes/shared/descriptions';
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
		properties: actionNodeProperties(alphaProvider, {
			defaultOperation: 'render',
			inputs: [
				{ displayName: 'Prompt', name: 'prompt', type: 'string', default: '', displayOptions: { show: { operation: ['render'] } } },
				{ displayName: 'Render ID', name: 'renderId', type: 'string', default: '', displayOptions: { show: { operation: ['getRender'] } } },
			],
			resultOperations: ['render', 'getRender'],
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, alphaProvider);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeAfterCallback(this, alphaProvider);
	}
}
