import type { INodeProperties } from 'n8n-workflow';

import { PROCESS_OPERATIONS } from './tool';

// Version 2 (resources) lists projects as n8n's Get Many does (Return All, Limit); version 1 by page.
const SINCE_RESOURCES = { '@version': [{ _cnd: { gte: 2 } }] };
const BEFORE_RESOURCES = { '@version': [{ _cnd: { lt: 2 } }] };

/** The inputs of the single steps: order and assets, process, project list, upload options. */
export const stepProperties: INodeProperties[] = [
	{
		displayName: 'Order ID',
		name: 'orderId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 69a6aa03a374700bff4a1328',
		description: 'The order_id that Upload Order returned',
		displayOptions: { show: { operation: ['startProcess'] } },
	},
	{
		displayName: 'Photo Asset ID',
		name: 'primaryAssetId',
		type: 'string',
		required: true,
		default: '',
		description: 'The asset of the photo (for Darkness: the photo before), from Upload Order’s assets',
		displayOptions: { show: { operation: ['startProcess'] } },
	},
	{
		displayName: 'Second Asset ID',
		name: 'secondAssetId',
		type: 'string',
		default: '',
		description: 'Item Removal with Mask: the mask’s asset. Darkness: the after photo’s asset.',
		displayOptions: { show: { operation: ['startProcess'], tool: ['tool-item-removal-mask', 'tool-darkness'] } },
	},
	{
		displayName: 'Process ID',
		name: 'processId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 69a6bb11a374700bff4a1333',
		description: 'The process, as Render or Start Process returned it (jobId) or the trigger received it',
		displayOptions: { show: { operation: ['getProcess'] } },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show: { operation: ['listProjects'], ...SINCE_RESOURCES } },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { operation: ['listProjects'], returnAll: [false], ...SINCE_RESOURCES } },
	},
	{
		displayName: 'Page',
		name: 'page',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 1,
		displayOptions: { show: { operation: ['listProjects'], ...BEFORE_RESOURCES } },
	},
	{
		displayName: 'Page Size',
		name: 'pageSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 30 },
		default: 30,
		description: 'Projects per page, at most 30',
		displayOptions: { show: { operation: ['listProjects'], ...BEFORE_RESOURCES } },
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'options',
		options: [
			{ name: 'Newest First', value: 'desc' },
			{ name: 'Oldest First', value: 'asc' },
			{ name: 'Last Modified', value: 'modified' },
		],
		default: 'desc',
		displayOptions: { show: { operation: ['listProjects'] } },
	},
	{
		displayName: 'Search',
		name: 'search',
		type: 'string',
		default: '',
		description: 'Only projects whose address contains this text',
		displayOptions: { show: { operation: ['listProjects'] } },
	},
	{
		displayName: 'Upload Options',
		name: 'uploadOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['render', 'uploadOrder'] } },
		options: [
			{
				displayName: 'Role Field Name',
				name: 'roleField',
				type: 'options',
				options: [
					{ name: 'Asset_role (Vendor Client)', value: 'asset_role', description: 'One asset_role field per file, as AI Home Design’s own client sends it' },
					{ name: 'Asset_roles (Docs)', value: 'asset_roles', description: 'One asset_roles field per file, as the API docs name it' },
				],
				default: 'asset_role',
				description: 'The docs and the vendor’s client spell the role field differently; the API takes the client’s',
			},
		],
	},
];

export { PROCESS_OPERATIONS };
