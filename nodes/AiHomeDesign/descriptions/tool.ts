import type { INodeProperties } from 'n8n-workflow';

import { AREAS, SPACES, STYLES, titleCase, toolsWith } from '../tools';

/** Operations that start a process with a tool. */
export const PROCESS_OPERATIONS = ['render', 'startProcess'];

const forTools = (tools: string[]) => ({ show: { operation: PROCESS_OPERATIONS, tool: tools } });
const valueOptions = (values: string[]) => values.map((value) => ({ name: titleCase(value), value }));

function toggle(name: string, displayName: string, description: string, tool: string): INodeProperties {
	return { displayName, name, type: 'boolean', default: false, description, displayOptions: forTools([tool]) };
}

/** The tool, and per tool only the widgets it has. */
export const toolProperties: INodeProperties[] = [
	{
		displayName: 'Tool Name or ID',
		name: 'tool',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTools' },
		required: true,
		default: 'tool-virtual-staging',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'The active tools of AI Home Design’s live catalogue; the documented tools when it cannot be read',
		displayOptions: { show: { operation: PROCESS_OPERATIONS } },
	},
	{
		displayName: 'Space',
		name: 'space',
		type: 'options',
		options: valueOptions(SPACES),
		default: 'living-room',
		description: 'The kind of room in the photo',
		displayOptions: forTools(toolsWith('space')),
	},
	{
		displayName: 'Style',
		name: 'style',
		type: 'options',
		options: valueOptions(STYLES),
		default: 'modern',
		displayOptions: forTools(toolsWith('style')),
	},
	{
		displayName: 'Palette',
		name: 'palette',
		type: 'string',
		default: '',
		placeholder: 'e.g. earthy-neutrals',
		description: 'Optional. AI Home Design publishes no list of palettes: seen are earthy-neutrals, warm-tones, cool-tones, monochrome, pastel. A full item slug (item-…) is sent as it is.',
		displayOptions: forTools(toolsWith('colour')),
	},
	{
		displayName: 'Material',
		name: 'material',
		type: 'string',
		default: '',
		placeholder: 'e.g. oak-parquet',
		description: 'The new material. AI Home Design publishes no list of materials: give the name as their dashboard shows it, or a full item slug (item-…).',
		displayOptions: forTools(toolsWith('material')),
	},
	{
		displayName: 'Area',
		name: 'area',
		type: 'options',
		options: valueOptions(AREAS),
		default: 'indoor',
		displayOptions: forTools(toolsWith('area')),
	},
	toggle('addFireToFireplace', 'Add Fire to Fireplace', 'Whether to light the fireplace in the photo', 'tool-image-enhancement'),
	toggle('addScreenToTv', 'Add Screen to TV', 'Whether to put a picture on the TV screen', 'tool-image-enhancement'),
	{
		displayName: 'Sky',
		name: 'sky',
		type: 'string',
		default: '',
		placeholder: 'e.g. golden-hour',
		description: 'Optional. Sky slugs are not published: seen are dusk-with-cloud, clear-dusk, golden-hour. A full item slug (item-…) is sent as it is.',
		displayOptions: forTools(toolsWith('sky')),
	},
	toggle('shadowRemoval', 'Shadow Removal', 'Whether to remove shadows', 'tool-day-to-dusk'),
	toggle('lawnTouchUp', 'Lawn Touch-Up', 'Whether to green the lawn', 'tool-day-to-dusk'),
	{
		displayName: 'Darkness Factor',
		name: 'darknessFactor',
		type: 'string',
		default: '',
		placeholder: 'e.g. darker',
		description: 'Optional. Not published: seen are darker and lighter. A full item slug (item-…) is sent as it is.',
		displayOptions: forTools(toolsWith('factor')),
	},
	{
		displayName: 'Process Options',
		name: 'processOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: PROCESS_OPERATIONS } },
		options: [
			{
				displayName: 'Extra Widgets (JSON)',
				name: 'extraWidgets',
				type: 'json',
				default: '[]',
				description: 'More widgets as AI Home Design takes them, [{"slug": "widget-…", "item_slugs": ["item-…"]}], e.g. for a tool of the live catalogue this node does not know yet',
			},
			{
				displayName: 'Process Group ID',
				name: 'processGroupId',
				type: 'string',
				default: '',
				description: 'Continue a group of processes (mask removal makes one and returns its ID)',
			},
		],
	},
];
