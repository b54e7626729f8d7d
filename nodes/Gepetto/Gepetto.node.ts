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
import { designProperties } from './descriptions/design';
import { imageProperties, jobIdProperty } from './descriptions/image';
import { refreshAndSkyProperties } from './descriptions/refresh';
import { GEPETTO_LOAD_OPTIONS } from './lists';
import { gepettoProvider } from './provider';

export class Gepetto implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Gepetto',
		name: 'gepetto',
		icon: { light: 'file:gepetto.svg', dark: 'file:gepetto.dark.svg' },
		group: ['transform'],
		// Version 2 groups the operations under a Resource (Room Photo, Job, Catalog); version 1
		// keeps one flat Operation list, so saved workflows open unchanged.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: operationSubtitle(gepettoProvider),
		description: 'Redesign, furnish, stage, declutter and brighten room photos with Gepetto; get the images as files',
		defaults: { name: 'Gepetto' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'gepettoApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		hints: actionNodeHints(gepettoProvider),
		properties: actionNodeProperties(gepettoProvider, {
			defaultOperation: 'furnish',
			resourcesSince: 2,
			target: [jobIdProperty],
			inputs: [...imageProperties, ...designProperties, ...refreshAndSkyProperties],
		}),
	};

	methods = { loadOptions: GEPETTO_LOAD_OPTIONS };

	// The resume webhook is a restart webhook, which n8n never registers: nothing to do remotely.
	webhookMethods = NO_REMOTE_REGISTRATION;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, gepettoProvider);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeAfterCallback(this, gepettoProvider);
	}
}
