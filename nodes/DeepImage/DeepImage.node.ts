import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionNodeHints, actionNodeProperties, operationSubtitle } from '../shared/descriptions';
import { RESUME_WEBHOOKS, resumeAfterCallback } from '../shared/resume';
import { executeOperation } from '../shared/router';
import { NO_REMOTE_REGISTRATION } from '../shared/trigger';
import { finishingProperties } from './descriptions/finishing';
import { inputProperties } from './descriptions/input';
import { processingProperties } from './descriptions/processing';
import { deepImageProvider } from './provider';

export class DeepImage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Deep Image',
		name: 'deepImage',
		icon: { light: 'file:deepimage.svg', dark: 'file:deepimage.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(deepImageProvider),
		description: 'Upscale, enhance, relight and remove or generate backgrounds of photos with Deep Image; get the images as files',
		defaults: { name: 'Deep Image' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'deepImageApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		hints: actionNodeHints(deepImageProvider),
		properties: actionNodeProperties(deepImageProvider, {
			defaultOperation: 'process',
			inputs: [...inputProperties, ...processingProperties, ...finishingProperties],
		}),
	};

	// The resume webhook is a restart webhook: n8n never registers it, and Deep Image takes the
	// URL with each job. Declared so the webhook lifecycle is complete, as n8n's lint asks.
	webhookMethods = NO_REMOTE_REGISTRATION;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, deepImageProvider);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeAfterCallback(this, deepImageProvider);
	}
}
