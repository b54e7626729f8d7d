import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionNodeHints, actionNodeProperties } from '../shared/descriptions';
import { RESUME_WEBHOOKS, resumeAfterCallback } from '../shared/resume';
import { executeOperation } from '../shared/router';
import { NO_REMOTE_REGISTRATION } from '../shared/trigger';
import { inputProperties } from './descriptions/input';
import { SUBMIT_OPERATIONS, endpointAndJobProperties } from './descriptions/operations';
import { runPodSubtitle } from './descriptions/subtitle';
import { searchEndpoints } from './endpoints';
import { runPodProvider } from './provider';

export class RunPod implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RunPod',
		name: 'runPod',
		icon: { light: 'file:runpod.svg', dark: 'file:runpod.dark.svg' },
		group: ['transform'],
		// Version 2 picks the endpoint with a resource locator; version 1 keeps its text field.
		// Version 3 groups the operations under a Resource (Job, Endpoint); earlier versions keep
		// one flat Operation list, so saved workflows open unchanged.
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: runPodSubtitle,
		description: 'Run Stable Diffusion and any other RunPod Serverless worker; get the images as files',
		defaults: { name: 'RunPod' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'runPodApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		hints: actionNodeHints(runPodProvider),
		properties: actionNodeProperties(runPodProvider, {
			defaultOperation: 'run',
			resourcesSince: 3,
			target: endpointAndJobProperties,
			inputs: inputProperties,
			resultOperations: [...SUBMIT_OPERATIONS, 'getStatus', 'stream'],
		}),
	};

	methods = { listSearch: { searchEndpoints } };

	// The resume webhook is a restart webhook, which n8n never registers: nothing to do remotely.
	webhookMethods = NO_REMOTE_REGISTRATION;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, runPodProvider);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeAfterCallback(this, runPodProvider);
	}
}
