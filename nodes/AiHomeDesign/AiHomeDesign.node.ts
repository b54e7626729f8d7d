import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { actionNodeProperties, operationSubtitle } from '../shared/descriptions';
import { executeOperation } from '../shared/router';
import { imageProperties } from './descriptions/images';
import { stepProperties } from './descriptions/steps';
import { toolProperties } from './descriptions/tool';
import { AI_HOME_DESIGN_LOAD_OPTIONS, searchProjects } from './lists';
import { aiHomeDesignProvider } from './provider';

export class AiHomeDesign implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AI Home Design',
		name: 'aiHomeDesign',
		icon: { light: 'file:aihomedesign.svg', dark: 'file:aihomedesign.dark.svg' },
		group: ['transform'],
		// Version 2 groups the operations under a Resource; version 1 keeps one flat Operation list.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: operationSubtitle(aiHomeDesignProvider),
		description: 'Virtual staging, restaging, renovation previews, enhancement, item removal and day to dusk with AI Home Design; get the images as files',
		defaults: { name: 'AI Home Design' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aiHomeDesignApi', required: true }],
		// AI Home Design calls back only to the URL in its dashboard: no Wait for Callback here.
		properties: actionNodeProperties(aiHomeDesignProvider, {
			defaultOperation: 'render',
			resourcesSince: 2,
			inputs: [...toolProperties, ...imageProperties, ...stepProperties],
		}),
	};

	methods = { loadOptions: AI_HOME_DESIGN_LOAD_OPTIONS, listSearch: { searchProjects } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeOperation(this, aiHomeDesignProvider);
	}
}
