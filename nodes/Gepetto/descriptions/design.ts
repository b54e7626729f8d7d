import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** Room ids as the docs list them for each Smart Staging version (v2 lists `kitchen` in one place only: kept). */
const STAGING_V2_ROOMS = ['living_room', 'living_dining', 'kitchen', 'kitchen_living', 'bedroom', 'dining_room', 'home_office', 'outdoor_terrace'];
const STAGING_V1_ROOMS = ['living_room', 'bedroom', 'dining_room', 'home_office', 'gaming_room'];

function idOptions(ids: string[]): INodePropertyOptions[] {
	const label = (id: string) => id.split('_').map((word) => word[0].toUpperCase() + word.slice(1)).join(' ');
	return ids.map((id) => ({ name: label(id), value: id })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Style, room, furniture, creativity and the preserve toggles. */
export const designProperties: INodeProperties[] = [
	{
		displayName: 'Style Name or ID',
		name: 'styleId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getStyles' },
		required: true,
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'The style to apply, from Gepetto’s style list',
		displayOptions: { show: { operation: ['redesign', 'creativeRedesign', 'furnish', 'smartStaging', 'smartStagingLegacy'] } },
	},
	{
		displayName: 'Furnish By',
		name: 'furnishBy',
		type: 'options',
		options: [
			{ name: 'Room Type', value: 'room', description: 'Furnish the whole room for its type' },
			{ name: 'Single Furniture', value: 'furniture', description: 'Add one piece of furniture' },
		],
		default: 'room',
		description: 'Gepetto takes a room type or one piece of furniture, never both',
		displayOptions: { show: { operation: ['furnish'] } },
	},
	{
		displayName: 'Room Name or ID',
		name: 'roomId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getRooms' },
		required: true,
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'The kind of room in the photo, from Gepetto’s room list (English names)',
		displayOptions: { show: { operation: ['redesign', 'creativeRedesign', 'furnish'] }, hide: { furnishBy: ['furniture'] } },
	},
	{
		displayName: 'Furniture Name or ID',
		name: 'furnitureId',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getFurnitures' },
		required: true,
		default: '',
		description:
			'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'The piece of furniture to add, from Gepetto’s furniture list',
		displayOptions: { show: { operation: ['furnish'], furnishBy: ['furniture'] } },
	},
	{
		displayName: 'Room',
		name: 'stagingRoomId',
		type: 'options',
		options: idOptions(STAGING_V2_ROOMS),
		default: 'living_room',
		description: 'The rooms Smart Staging v2 knows. Another ID can be given by expression; Gepetto judges it.',
		displayOptions: { show: { operation: ['smartStaging'] } },
	},
	{
		displayName: 'Room',
		name: 'legacyStagingRoomId',
		type: 'options',
		options: idOptions(STAGING_V1_ROOMS),
		default: 'living_room',
		description: 'The rooms the legacy Smart Staging knows',
		displayOptions: { show: { operation: ['smartStagingLegacy'] } },
	},
	{
		displayName: 'Creativity',
		name: 'creativity',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 30 },
		default: 15,
		description: 'How far the result may stray from the photo, 0 to 30. Gepetto suggests 15–20 for a renovation.',
		displayOptions: { show: { operation: ['redesign'] } },
	},
	{
		displayName: 'Preserve Windows',
		name: 'preserveWindows',
		type: 'boolean',
		default: true,
		description: 'Whether to leave windows, doors and bay windows untouched, and so the view. Ignored when a mask is given.',
		displayOptions: { show: { operation: ['redesign', 'furnish'] } },
	},
	...(['Walls', 'Ceiling', 'Floor'] as const).map(
		(part): INodeProperties => ({
			displayName: `Preserve ${part}`,
			name: `preserve${part}`,
			type: 'boolean',
			default: false,
			description: `Whether to leave the ${part.toLowerCase()} as in the photo`,
			displayOptions: { show: { operation: ['redesign'] } },
		}),
	),
];
