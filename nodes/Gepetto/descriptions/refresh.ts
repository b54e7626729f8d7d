import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

const WALL_COLOURS = ['white', 'egg shell', 'black', 'gray', 'blue', 'deep blue', 'olive', 'terracotta'];
const FLOORS = ['parquet', 'tile', 'marble', 'carpet', 'concrete', 'hardwood'];

function valueOptions(values: string[]): INodePropertyOptions[] {
	const label = (value: string) => value.replace(/\b\w/g, (letter) => letter.toUpperCase());
	return values.map((value) => ({ name: label(value), value })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Refresh's transformation and value, and Sunshine's sky. */
export const refreshAndSkyProperties: INodeProperties[] = [
	{
		displayName: 'Transformation',
		name: 'transformation',
		type: 'options',
		options: [
			{ name: 'Walls', value: 'walls', description: 'Repaint the walls' },
			{ name: 'Floor', value: 'floor', description: 'Replace the floor covering' },
		],
		default: 'walls',
		displayOptions: { show: { operation: ['refresh'] } },
	},
	{
		displayName: 'Wall Colour',
		name: 'wallValue',
		type: 'options',
		options: valueOptions(WALL_COLOURS),
		default: 'white',
		displayOptions: { show: { operation: ['refresh'], transformation: ['walls'] } },
	},
	{
		displayName: 'Floor',
		name: 'floorValue',
		type: 'options',
		options: valueOptions(FLOORS),
		default: 'parquet',
		displayOptions: { show: { operation: ['refresh'], transformation: ['floor'] } },
	},
	{
		displayName: 'Sky Name or ID',
		name: 'skyId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getSkies' },
		default: '',
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Optional: a sky from Gepetto’s sky list; Gepetto’s Default leaves the choice to Gepetto',
		displayOptions: { show: { operation: ['sunshine'] } },
	},
];
