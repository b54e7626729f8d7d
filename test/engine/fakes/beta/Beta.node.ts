import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionNodeProperties } from '../../../../nodes/shared/descriptions';
import { executeOperation } from '../../../../nodes/shared/router';
import { betaProvider } from './provider';

/** No webhook: Beta's callbacks go to one dashboard URL, so nothing resumes a waiting execution. */
export class Beta implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Beta',
		name: 'beta',
		group: ['transform'],
		version: 1,
		description: 'A fake provider made for the engine contract suite (dashboard callbacks, multipart)',
		defaults: { name: 'Beta' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'betaApi', required: true }],
		properties: actionNodeProperties(betaProvider, {
			defaultOperation: 'enhance',
			inputs: [
				{ displayName: 'Binary Property', name: 'binaryProperty', type: 'string', default: 'data', displayOptions: { show: { operation: ['enhance'] } } },
				{ displayName: 'Effect', name: 'effect', type: 'string', default: 'sharpen', displayOptions: { show: { operation: ['enhance'] } } },
				{ displayName: 'Process UID', name: 'processUid', type: 'string', default: '', displayOptions: { show: { operation: ['getProcess'] } } },
			],
			resultOperations: ['enhance', 'getProcess'],
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, betaProvider);
	}
}
