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
import { inputProperties } from './descriptions/input';
import { SUBMIT_OPERATIONS, endpointAndJobProperties } from './descriptions/operations';
import { searchEndpoints } from './endpoints';
import { runPodProvider } from './provider';

export class RunPod implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RunPod',
		name: 'runPod',
		icon: { light: 'file:runpod.svg', dark: 'file:runpod.dark.svg' },
		group: ['transform'],
		// Version 2 picks the endpoint with a resource locator; version 1 keeps its text field.
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ ({ run: "Run", runSync: "Run Sync", getStatus: "Get Status", cancel: "Cancel", retry: "Retry", purgeQueue: "Purge Queue", health: "Health", stream: "Stream" })[$parameter["operation"]] + ((typeof $parameter["endpointId"] === "object" ? $parameter["endpointId"].value : $parameter["endpointId"]) ? " · " + (typeof $parameter["endpointId"] === "object" ? $parameter["endpointId"].value : $parameter["endpointId"]) : "") }}',
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
			target: endpointAndJobProperties,
			inputs: inputProperties,
			resultOperations: [...SUBMIT_OPERATIONS, 'getStatus', 'stream'],
		}),
	};

	methods = { listSearch: { searchEndpoints } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, runPodProvider);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeAfterCallback(this, runPodProvider);
	}
}
