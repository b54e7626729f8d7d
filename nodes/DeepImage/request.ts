import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { inputImageFile } from '../shared/binary';
import { isHttpUrl, isPlainObject } from '../shared/payload';
import type { RequestBody } from '../shared/transport';

/** Deep Image's own form of base64 input: `base64,<data>`, with no `data:` prefix. */
export const DEEP_IMAGE_BASE64_PREFIX = 'base64,';

type Parameters = IDataObject;

/** Deep Image's multipart form: the file in `image`, the settings as JSON text in `parameters`. */
const MULTIPART_FILE_FIELD = 'image';
const MULTIPART_SETTINGS_FIELD = 'parameters';

const collection = (context: IExecuteFunctions, name: string, itemIndex: number): Parameters =>
	(context.getNodeParameter(name, itemIndex, {}) ?? {}) as Parameters;

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** Copies `from[name]` to `to[field]` when the user set it (collections hold only what was added). */
function copySet(to: IDataObject, from: Parameters, pairs: Array<[string, string]>): void {
	for (const [name, field] of pairs) {
		const value = from[name];
		if (value === undefined || value === '' || value === null) continue;
		to[field] = value;
	}
}

/** Width and height take pixels or a percentage: "2000" is sent as the number 2000, "200%" as it is. */
function sizeValue(value: unknown): number | string | undefined {
	const given = text(typeof value === 'number' ? String(value) : value);
	if (given === '') return undefined;
	return /^\d+$/.test(given) ? Number(given) : given;
}

function sizeSettings(size: Parameters): IDataObject {
	const body: IDataObject = {};
	const width = sizeValue(size.width);
	const height = sizeValue(size.height);
	if (width !== undefined) body.width = width;
	if (height !== undefined) body.height = height;
	copySet(body, size, [
		['minLength', 'min_length'],
		['padding', 'padding'],
	]);
	const fit = text(size.fit);
	if (fit) body.fit = fit.startsWith('crop:') ? { crop: fit.slice('crop:'.length) } : fit;
	return body;
}

function enhancementSettings(settings: Parameters): IDataObject {
	const body: IDataObject = {};
	const apply = Array.isArray(settings.apply) ? settings.apply : [];
	if (apply.length) body.enhancements = apply;
	if (settings.denoiseType) body.denoise_parameters = { type: settings.denoiseType };
	if (settings.deblurType) body.deblur_parameters = { type: settings.deblurType };
	for (const kind of ['light', 'color'] as const) {
		const parameters: IDataObject = {};
		copySet(parameters, settings, [
			[`${kind}Type`, 'type'],
			[`${kind}Level`, 'level'],
		]);
		if (Object.keys(parameters).length) body[`${kind}_parameters`] = parameters;
	}
	if (settings.whiteBalanceLevel !== undefined) body.white_balance_parameters = { level: settings.whiteBalanceLevel };
	return body;
}

function upscalingSettings(settings: Parameters): IDataObject {
	const body: IDataObject = {};
	copySet(body, settings, [
		['generativeUpscale', 'generative_upscale'],
		['upscaleStrength', 'upscale_strength'],
	]);
	if (settings.upscaleType) body.upscale_parameters = { type: settings.upscaleType };
	return body;
}

function backgroundSettings(context: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	const choice = context.getNodeParameter('background', itemIndex, 'keep') as string;
	if (choice === 'keep') return undefined;
	if (choice === 'generate') {
		const options = collection(context, 'generateOptions', itemIndex);
		const generate: IDataObject = { description: text(context.getNodeParameter('generateDescription', itemIndex, '')) };
		copySet(generate, options, [
			['itemAreaPercentage', 'item_area_percentage'],
			['sampleNum', 'sample_num'],
			['color', 'color'],
			['additionalPrompt', 'additional_prompt'],
			['negativePrompt', 'negative_prompt'],
			['adapterType', 'adapter_type'],
		]);
		return { generate };
	}
	const background: IDataObject = { remove: context.getNodeParameter('backgroundSubject', itemIndex, 'auto') };
	if (choice === 'replace') {
		background.replace = text(context.getNodeParameter('backgroundReplaceUrl', itemIndex, ''));
	} else {
		const color = text(context.getNodeParameter('backgroundColor', itemIndex, ''));
		if (color) background.color = color;
	}
	return background;
}

function outputSettings(output: Parameters): IDataObject {
	const body: IDataObject = {};
	copySet(body, output, [
		['outputFormat', 'output_format'],
		['quality', 'quality'],
		['maxFileSize', 'max_file_size'],
		['dpi', 'dpi'],
		['printSize', 'print_size'],
		['printReorientation', 'print_reorientation'],
		['target', 'target'],
	]);
	return body;
}

/** A JSON parameter as an object: n8n hands it over as text or already parsed. */
function jsonObject(context: IExecuteFunctions, value: unknown, label: string, itemIndex: number): IDataObject {
	let parsed = value;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		try {
			parsed = JSON.parse(value);
		} catch (error) {
			throw new NodeOperationError(context.getNode(), `${label} is not valid JSON: ${(error as Error).message}`, { itemIndex });
		}
	}
	if (!isPlainObject(parsed)) throw new NodeOperationError(context.getNode(), `${label} must be a JSON object`, { itemIndex });
	return parsed;
}

/** Objects merged key by key, `extra` winning: more parameters can add to `background` without replacing it. */
function mergeDeep(base: IDataObject, extra: IDataObject): IDataObject {
	const merged: IDataObject = { ...base };
	for (const [key, value] of Object.entries(extra)) {
		merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeDeep(merged[key] as IDataObject, value) : value;
	}
	return merged;
}

function presetSetting(context: IExecuteFunctions, itemIndex: number): string {
	const preset = context.getNodeParameter('preset', itemIndex, '') as string;
	if (preset !== 'custom') return preset;
	const name = text(context.getNodeParameter('presetName', itemIndex, ''));
	if (name) return name;
	throw new NodeOperationError(context.getNode(), 'Preset Name is empty', {
		itemIndex,
		description: 'Type the preset’s name, or choose a listed preset or None.',
	});
}

/** Every processing setting of one item, as Deep Image's request fields, without the image and webhooks. */
export function processSettings(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const settings: IDataObject = {};
	const preset = presetSetting(context, itemIndex);
	if (preset) settings.preset = preset;
	Object.assign(
		settings,
		sizeSettings(collection(context, 'size', itemIndex)),
		enhancementSettings(collection(context, 'enhancements', itemIndex)),
		upscalingSettings(collection(context, 'upscaling', itemIndex)),
	);
	const background = backgroundSettings(context, itemIndex);
	if (background) settings.background = background;
	Object.assign(settings, outputSettings(collection(context, 'output', itemIndex)));
	const safety = collection(context, 'safety', itemIndex);
	if (safety.safe !== undefined) settings.safe = safety.safe;
	if (safety.nsfwParameters !== undefined) {
		const nsfw = jsonObject(context, safety.nsfwParameters, 'NSFW Parameters', itemIndex);
		if (Object.keys(nsfw).length) settings.nsfw_parameters = nsfw;
	}
	const caption: IDataObject = {};
	copySet(caption, collection(context, 'caption', itemIndex), [
		['url', 'url'],
		['position', 'position'],
		['targetWidthPercentage', 'target_width_percentage'],
		['padding', 'padding'],
		['opacity', 'opacity'],
	]);
	if (Object.keys(caption).length) settings.caption = caption;
	const extra = jsonObject(context, context.getNodeParameter('additionalParameters', itemIndex, '{}'), 'More Parameters', itemIndex);
	return mergeDeep(settings, extra);
}

function requiredText(context: IExecuteFunctions, name: string, itemIndex: number, label: string): string {
	const value = text(context.getNodeParameter(name, itemIndex, ''));
	if (value) return value;
	throw new NodeOperationError(context.getNode(), `${label} is empty`, { itemIndex });
}

/**
 * The request of one item: JSON with `url` (an http URL, `base64,<data>` or a storage:// path), or
 * multipart with the file in `image` and the settings as JSON text in `parameters`.
 */
export async function processRequestBody(context: IExecuteFunctions, itemIndex: number, webhook: string | undefined): Promise<{ body: RequestBody; sent: IDataObject }> {
	const settings = processSettings(context, itemIndex);
	if (webhook) settings.webhooks = mergeDeep(isPlainObject(settings.webhooks) ? settings.webhooks : {}, { complete: webhook });
	const source = context.getNodeParameter('inputSource', itemIndex, 'url') as string;
	if (source === 'url') {
		const url = requiredText(context, 'imageUrl', itemIndex, 'Image URL');
		if (!isHttpUrl(url)) {
			throw new NodeOperationError(context.getNode(), `Image URL "${url.slice(0, 60)}" is not an http(s) URL`, {
				itemIndex,
				description: 'Give a public http(s) URL, choose Binary File to send a file of the item, or Deep Image Storage for a storage:// path.',
			});
		}
		return json({ ...settings, url });
	}
	if (source === 'storage') {
		const path = requiredText(context, 'storagePath', itemIndex, 'Storage Path');
		if (!path.startsWith('storage://')) {
			throw new NodeOperationError(context.getNode(), `Storage Path "${path.slice(0, 60)}" does not start with storage://`, { itemIndex });
		}
		return json({ ...settings, url: path });
	}
	const property = requiredText(context, 'binaryPropertyName', itemIndex, 'Input Binary Field');
	const file = await inputImageFile(context, itemIndex, { kind: 'binary', property });
	if (context.getNodeParameter('binaryUpload', itemIndex, 'multipart') === 'base64') {
		return json({ ...settings, url: `${DEEP_IMAGE_BASE64_PREFIX}${file.data.toString('base64')}` });
	}
	return {
		body: {
			multipart: [
				{ name: MULTIPART_FILE_FIELD, file },
				{ name: MULTIPART_SETTINGS_FIELD, value: JSON.stringify(settings) },
			],
		},
		sent: settings,
	};
}

function json(body: IDataObject): { body: RequestBody; sent: IDataObject } {
	return { body: { json: body }, sent: body };
}
