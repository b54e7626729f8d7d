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
import { endpointLocator } from './descriptions/endpoint';
import { searchEndpoints } from './endpoints';
import { runPodProvider } from './provider';

export class RunPodTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RunPod Trigger',
		name: 'runPodTrigger',
		icon: { light: 'file:runpod.svg', dark: 'file:runpod.dark.svg' },
		group: ['trigger'],
		// Version 2 only spares n8n an expression evaluation per callback (it checks a binaryData
		// option on version 1 nodes). Version 3 picks the endpoint with a resource locator, shown
		// only for Confirm with API, the one thing that needs it.
		// Version 4 confirms each callback with the API by default (Confirm with API).
		version: [1, 2, 3, 4],
		defaultVersion: 4,
		subtitle: 'On job result',
		description: 'Starts the workflow when a RunPod Serverless job reports its result',
		defaults: { name: 'RunPod Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'runPodApi', required: true }],
		webhooks: CALLBACK_WEBHOOKS,
		hints: triggerHints(runPodProvider),
		properties: [
			{
				displayName:
					'Copy this trigger’s Production URL into the Callback URL of a RunPod node (Wait for Result: Don’t Wait) that uses the same credential. The node signs the URL per job; callbacks without a valid signature are refused with 401.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Endpoint ID',
				name: 'endpointId',
				type: 'string',
				default: '',
				placeholder: 'e.g. a1b2c3d4e5f6g7',
				description: 'Your serverless endpoint. Needed only for Confirm with API, which asks it for the job.',
				displayOptions: { show: { '@version': [1, 2] } },
			},
			...triggerProperties('RunPod', {
				confirmedSince: 4,
				forConfirmation: [
					endpointLocator({
						description: 'The serverless endpoint Confirm with API asks for the job',
						displayOptions: { show: { '@version': [{ _cnd: { gte: 3 } }], confirmWithApi: [true] } },
					}),
				],
			}),
		],
	};

	methods = { listSearch: { searchEndpoints } };

	// RunPod takes its callback URL with each job, so there is nothing to register remotely.
	webhookMethods = NO_REMOTE_REGISTRATION;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveCallback(this, runPodProvider);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await emitReceivedRenders(this);
	}
}

