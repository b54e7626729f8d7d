import type { INodeProperties } from 'n8n-workflow';

import { SUBMIT_OPERATIONS } from './operations';

const forComfyUi = (extra: Record<string, unknown[]> = {}) => ({
	show: { operation: SUBMIT_OPERATIONS, inputType: ['comfyui'], ...extra },
});

/** The parameters of the ComfyUI Workflow input (worker-comfyui). */
export const comfyUiProperties: INodeProperties[] = [
	{
		displayName: 'Workflow (API Format JSON)',
		name: 'comfyWorkflow',
		type: 'json',
		required: true,
		default: '{}',
		description:
			'The workflow as ComfyUI exports it with Workflow → Export (API): an object of numbered nodes, each with "class_type" and "inputs". The normal Save (with "nodes" and "links") does not run on the worker.',
		displayOptions: forComfyUi(),
	},
	{
		displayName: 'Input Images',
		name: 'comfyImages',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Input Image',
		default: {},
		description:
			'Images the worker uploads to ComfyUI before it runs the workflow. A Load Image node of the workflow finds each one by its file name.',
		displayOptions: forComfyUi(),
		options: [
			{
				displayName: 'Image',
				name: 'image',
				values: [
					{
						displayName: 'File Name in Workflow',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. input.png',
						description: 'The name the workflow’s Load Image node uses. Empty: the file’s own name.',
					},
					{
						displayName: 'Source',
						name: 'source',
						type: 'options',
						options: [
							{ name: 'Binary Property', value: 'binary', description: 'An image file of the incoming item' },
							{ name: 'URL', value: 'url', description: 'An image on the web; n8n downloads it and sends it along' },
						],
						default: 'binary',
					},
					{
						displayName: 'Binary Property',
						name: 'binaryProperty',
						type: 'string',
						default: 'data',
						description: 'Name of the incoming item’s binary property holding the image',
						displayOptions: { show: { source: ['binary'] } },
					},
					{
						displayName: 'Image URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'e.g. https://example.com/room.jpg',
						displayOptions: { show: { source: ['url'] } },
					},
				],
			},
		],
	},
];
