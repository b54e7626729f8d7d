import type { INodeProperties } from 'n8n-workflow';

import { PROCESS_OPERATIONS } from './input';

const show = { show: { operation: PROCESS_OPERATIONS } };

/** Presets Deep Image documents; others exist (and come), so a name can also be typed. */
export const KNOWN_PRESETS = ['ecommerce', 'ecommerce_upscaled', 'real_estate', 'real_estate_upscaled'];

const ENHANCEMENT_TYPES = [
	{ name: 'Contrast', value: 'contrast' },
	{ name: 'HDR Light', value: 'hdr_light' },
	{ name: 'HDR Light (Advanced)', value: 'hdr_light_advanced' },
];

const level = (displayName: string, name: string, what: string): INodeProperties => ({
	displayName,
	name,
	type: 'number',
	typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
	default: 1,
	description: `Strength of ${what}, 0 to 1`,
});

/** Preset, size, enhancements and upscaling: what happens to the picture. */
export const processingProperties: INodeProperties[] = [
	{
		displayName: 'Preset',
		name: 'preset',
		type: 'options',
		options: [
			{ name: 'E-Commerce', value: 'ecommerce', description: 'Product photo clean-up' },
			{ name: 'E-Commerce Upscaled', value: 'ecommerce_upscaled' },
			{ name: 'None', value: '', description: 'Only the settings below' },
			{ name: 'Other (Type Its Name)', value: 'custom', description: 'A preset not listed here, e.g. one of your account' },
			{ name: 'Real Estate', value: 'real_estate', description: 'Interior and exterior photo enhancement' },
			{ name: 'Real Estate Upscaled', value: 'real_estate_upscaled' },
		],
		default: '',
		description: 'A ready-made set of settings; the settings below are applied on top',
		displayOptions: show,
	},
	{
		displayName: 'Preset Name',
		name: 'presetName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. auto_enhance',
		description: 'The preset’s name as Deep Image spells it; an unknown one is refused with "Preset … not found!"',
		displayOptions: { show: { operation: PROCESS_OPERATIONS, preset: ['custom'] } },
	},
	{
		displayName: 'Size',
		name: 'size',
		type: 'collection',
		placeholder: 'Add Size Setting',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Fit',
				name: 'fit',
				type: 'options',
				options: [
					{ name: 'Bounds', value: 'bounds', description: 'Fit inside width × height, keeping proportions' },
					{ name: 'Canvas', value: 'canvas', description: 'Fit inside and fill the rest of the canvas' },
					{ name: 'Cover', value: 'cover', description: 'Cover width × height, cutting what overflows' },
					{ name: 'Crop', value: 'crop', description: 'Crop to width × height' },
					{ name: 'Crop to Center', value: 'crop:center', description: 'Crop around the centre' },
					{ name: 'Crop to Content', value: 'crop:content', description: 'Crop around the content' },
					{ name: 'Crop to Item', value: 'crop:item', description: 'Crop around the main item (products)' },
				],
				default: 'canvas',
				description: 'How the image fits a target of both width and height',
			},
			{
				displayName: 'Height',
				name: 'height',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2000 or 200%',
				description: 'Target height in pixels, or a percentage of the original',
			},
			{
				displayName: 'Min Length',
				name: 'minLength',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 2000,
				description: 'Scale so that the shorter side is at least this many pixels',
			},
			{
				displayName: 'Padding',
				name: 'padding',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Space around the content, in pixels',
			},
			{
				displayName: 'Width',
				name: 'width',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2000 or 200%',
				description: 'Target width in pixels, or a percentage of the original',
			},
		],
	},
	{
		displayName: 'Enhancements',
		name: 'enhancements',
		type: 'collection',
		placeholder: 'Add Enhancement Setting',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Apply',
				name: 'apply',
				type: 'multiOptions',
				options: [
					{ name: 'Clean', value: 'clean' },
					{ name: 'Color', value: 'color' },
					{ name: 'Deblur', value: 'deblur' },
					{ name: 'Denoise', value: 'denoise' },
					{ name: 'Exposure Correction', value: 'exposure_correction' },
					{ name: 'Face Enhance', value: 'face_enhance' },
					{ name: 'Light', value: 'light' },
					{ name: 'White Balance', value: 'white_balance' },
				],
				default: [],
				description: 'The enhancements to run; the settings below tune the ones that have any',
			},
			level('Color Level', 'colorLevel', 'the colour enhancement'),
			{ displayName: 'Color Type', name: 'colorType', type: 'options', options: ENHANCEMENT_TYPES, default: 'hdr_light' },
			{
				displayName: 'Deblur Version',
				name: 'deblurType',
				type: 'options',
				options: [
					{ name: 'V1', value: 'v1' },
					{ name: 'V2', value: 'v2' },
				],
				default: 'v2',
			},
			{
				displayName: 'Denoise Version',
				name: 'denoiseType',
				type: 'options',
				options: [
					{ name: 'V1', value: 'v1' },
					{ name: 'V2', value: 'v2' },
				],
				default: 'v2',
			},
			level('Light Level', 'lightLevel', 'the light enhancement'),
			{ displayName: 'Light Type', name: 'lightType', type: 'options', options: ENHANCEMENT_TYPES, default: 'hdr_light' },
			level('White Balance Level', 'whiteBalanceLevel', 'the white balance correction'),
		],
	},
	{
		displayName: 'Upscaling',
		name: 'upscaling',
		type: 'collection',
		placeholder: 'Add Upscaling Setting',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Generative Upscale',
				name: 'generativeUpscale',
				type: 'boolean',
				default: true,
				description: 'Whether to invent plausible detail while upscaling (generative) instead of only sharpening',
			},
			{
				displayName: 'Upscale Strength',
				name: 'upscaleStrength',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 9 },
				default: 5,
				description: 'How strongly generative upscaling changes the image, 1 to 9',
			},
			{
				displayName: 'Upscale Model',
				name: 'upscaleType',
				type: 'options',
				options: [
					{ name: 'V1', value: 'v1', description: 'General images' },
					{ name: 'Text ×4', value: 'text_x4', description: 'Images with text' },
				],
				default: 'v1',
				description: 'AI upscaling goes up to 4×; beyond that Deep Image scales bicubically',
			},
		],
	},
];
