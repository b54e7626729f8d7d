import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ImageSource, InputFile } from '../shared/binary';
import { inputImageFile } from '../shared/binary';
import type { MultipartField } from '../shared/transport';
import type { WidgetKind } from './tools';
import { ROLE_OF_INPUT, TOOL_OPTIONS, documentedTool, itemSlug, widgetSlug } from './tools';

export interface Widget extends IDataObject {
	slug: string;
	item_slugs: string[];
}

/** A file for the order, with its role and the tool input it feeds (if any). */
export interface OrderFile {
	role: string;
	input?: string;
	file: InputFile;
}

const text = (context: IExecuteFunctions, name: string, itemIndex: number) =>
	String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();

/** The parameters that fill each widget kind; several on/off options fill one widget. */
const WIDGET_PARAMETER: Partial<Record<WidgetKind, string>> = {
	space: 'space',
	style: 'style',
	colour: 'palette',
	material: 'material',
	area: 'area',
	sky: 'sky',
	factor: 'darknessFactor',
};

const OPTION_PARAMETER: Record<string, string> = {
	'add-fire-to-fireplace': 'addFireToFireplace',
	'add-screen-to-tv': 'addScreenToTv',
	'shadow-removal': 'shadowRemoval',
	'lawn-touch-up': 'lawnTouchUp',
};

/** The widgets of one item: the tool's own from its parameters, then Extra Widgets. Checked before any call. */
export function toolWidgets(context: IExecuteFunctions, itemIndex: number, tool: string): Widget[] {
	const widgets: Widget[] = [];
	for (const kind of documentedTool(tool)?.widgets ?? []) {
		const slug = widgetSlug(kind, tool);
		if (kind === 'options') {
			const chosen = (TOOL_OPTIONS[tool] ?? []).filter((option) => context.getNodeParameter(OPTION_PARAMETER[option], itemIndex, false) === true);
			if (chosen.length) widgets.push({ slug, item_slugs: chosen.map((option) => itemSlug(option, slug)) });
			continue;
		}
		const value = text(context, WIDGET_PARAMETER[kind] as string, itemIndex);
		if (!value && kind === 'material') {
			throw new NodeOperationError(context.getNode(), `Material is empty: ${tool} needs the new material`, {
				itemIndex,
				description: 'Give the material’s name as AI Home Design’s dashboard shows it (e.g. oak-parquet), or its full item slug.',
			});
		}
		if (value) widgets.push({ slug, item_slugs: [itemSlug(value, slug)] });
	}
	return [...widgets, ...extraWidgets(context, itemIndex)];
}

function extraWidgets(context: IExecuteFunctions, itemIndex: number): Widget[] {
	const options = context.getNodeParameter('processOptions', itemIndex, {}) as IDataObject;
	const raw = options.extraWidgets;
	if (raw === undefined || raw === '' || raw === '[]') return [];
	let parsed: unknown = raw;
	if (typeof raw === 'string') {
		try {
			parsed = JSON.parse(raw);
		} catch (error) {
			throw new NodeOperationError(context.getNode(), `Extra Widgets is not valid JSON: ${(error as Error).message}`, { itemIndex });
		}
	}
	const valid = Array.isArray(parsed) && parsed.every((entry) => typeof entry?.slug === 'string' && Array.isArray(entry.item_slugs));
	if (!valid) {
		throw new NodeOperationError(context.getNode(), 'Extra Widgets must be a list of {"slug": "widget-…", "item_slugs": ["item-…"]}', { itemIndex });
	}
	return parsed as Widget[];
}

/** Where an image parameter pair (binary property or URL) points for this item; empty: none. */
function imageSource(context: IExecuteFunctions, itemIndex: number, name: string): ImageSource | undefined {
	if (context.getNodeParameter('imageSource', itemIndex, 'binary') === 'url') {
		const url = text(context, `${name}Url`, itemIndex);
		return url ? { kind: 'url', url } : undefined;
	}
	const property = text(context, `${name}BinaryProperty`, itemIndex);
	return property ? { kind: 'binary', property } : undefined;
}

async function required(context: IExecuteFunctions, itemIndex: number, name: string, label: string, why: string): Promise<InputFile> {
	const source = imageSource(context, itemIndex, name);
	const binary = source?.kind === 'binary' ? context.getInputData()[itemIndex]?.binary?.[source.property] : true;
	if (!source || !binary) {
		const where = source?.kind === 'binary' ? ` (the item has no binary property "${source.property}")` : '';
		throw new NodeOperationError(context.getNode(), `${label} is missing${where}: ${why}`, {
			itemIndex,
			description: `Give ${label.toLowerCase()} as a binary property of the input item or as a URL (Image Source).`,
		});
	}
	return await inputImageFile(context, itemIndex, source);
}

async function optional(context: IExecuteFunctions, itemIndex: number, name: string): Promise<InputFile | undefined> {
	const source = imageSource(context, itemIndex, name);
	return source ? await inputImageFile(context, itemIndex, source) : undefined;
}

/** The files Render uploads for a tool: the photo, and the mask or after photo it needs. */
export async function renderFiles(context: IExecuteFunctions, itemIndex: number, tool: string): Promise<OrderFile[]> {
	const inputs = documentedTool(tool)?.inputs ?? ['image'];
	const files: OrderFile[] = [];
	for (const input of inputs) {
		const [name, label, why] =
			input === 'mask'
				? ['mask', 'The mask', `${tool} removes what a mask (#7878CD) covers`]
				: input === 'image-after'
					? ['after', 'The after photo', `${tool} compares a photo before and after`]
					: ['image', 'The photo', 'every tool needs the room photo'];
		files.push({ role: ROLE_OF_INPUT[input], input, file: await required(context, itemIndex, name, label, why) });
	}
	return files;
}

/** The files Upload Order sends: the photo, and an optional second angle and mask. */
export async function uploadFiles(context: IExecuteFunctions, itemIndex: number): Promise<OrderFile[]> {
	const files: OrderFile[] = [{ role: 'primary_angle', file: await required(context, itemIndex, 'image', 'The photo', 'an order needs one primary photo') }];
	const secondary = await optional(context, itemIndex, 'secondary');
	if (secondary) files.push({ role: 'secondary_angle', file: secondary });
	const mask = await optional(context, itemIndex, 'uploadMask');
	if (mask) files.push({ role: 'mask', file: mask });
	return files;
}

/** The multipart body of `POST /order`: project_id, then per file asset_file and its role. */
export function orderBody(files: OrderFile[], projectId: string | undefined, roleField: string): MultipartField[] {
	const textField = (fieldName: string, value: string): MultipartField => ({ name: fieldName, value });
	const fields: MultipartField[] = projectId ? [textField('project_id', projectId)] : [];
	for (const { role, file } of files) {
		fields.push({ name: 'asset_file', file }, textField(roleField, role));
	}
	return fields;
}
