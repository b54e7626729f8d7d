import type { INodeProperties } from 'n8n-workflow';

/** Operations that render an image from a photo. */
export const RENDER_OPERATIONS = [
	'redesign',
	'creativeRedesign',
	'furnish',
	'smartStaging',
	'smartStagingLegacy',
	'refresh',
	'declutter',
	'sunshine',
	'upscale',
];

const URL_ONLY_HINT = 'Gepetto downloads images itself and has no upload: give a public http(s) URL, not a file from an earlier node';

/** The photo of every render operation and the optional masks. */
export const imageProperties: INodeProperties[] = [
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/photos/living-room.jpg',
		description: 'Public URL of the room photo (JPEG or PNG)',
		hint: URL_ONLY_HINT,
		displayOptions: { show: { operation: RENDER_OPERATIONS } },
	},
	{
		displayName: 'Mask URL',
		name: 'maskUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://example.com/photos/living-room-mask.png',
		description: 'Optional, recommended for precision: a mask image of the same size as the photo. Redesign: the area to keep or change. Furnish: the area to furnish (Preserve Windows is then ignored).',
		hint: URL_ONLY_HINT,
		displayOptions: { show: { operation: ['redesign', 'furnish'] } },
	},
	{
		displayName: 'Declutter Mode',
		name: 'declutterMode',
		type: 'options',
		options: [
			{ name: 'Automatic', value: 'automatic', description: 'Gepetto finds what to remove' },
			{ name: 'Manual (Mask)', value: 'manual', description: 'Remove only what the mask covers' },
		],
		default: 'automatic',
		displayOptions: { show: { operation: ['declutter'] } },
	},
	{
		displayName: 'Mask URL',
		name: 'declutterMaskUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/photos/clutter-mask.png',
		description: 'A mask image of the same size as the photo, covering what to remove',
		hint: URL_ONLY_HINT,
		displayOptions: { show: { operation: ['declutter'], declutterMode: ['manual'] } },
	},
];

/** What Get Job acts on: right under the operation. */
export const jobIdProperty: INodeProperties = {
	displayName: 'Job ID',
	name: 'jobId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. Zp3kq8Lr2VxY7mN1cT0a',
	description: 'ID of the job, as a render operation or the Gepetto Trigger returned it (jobId)',
	displayOptions: { show: { operation: ['getJob'] } },
};
