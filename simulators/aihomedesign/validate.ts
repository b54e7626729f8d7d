/**
 * The checks AI Home Design makes before it accepts an order or starts a process, answered with its
 * error body `{error, key: "api_error_..."}` and the documented statuses: 400 bad field, 403 tool not
 * in the plan, 404 unknown id, 422 asset_map/widget mismatch.
 */
import { SimulatorError, type MultipartBody } from '../base';
import { KNOWN_ITEMS, findTool } from './catalog';
import type { AiHomeDesignSimulatorConfig, OrderView } from './config';

export const ROLES = ['primary_angle', 'secondary_angle', 'mask'];

export class ApiError extends SimulatorError {
	constructor(
		statusCode: number,
		message: string,
		readonly key: string,
		headers: Record<string, string> = {},
	) {
		super(statusCode, message, headers);
	}
}

const IMAGE_SIGNATURES = [
	[0x89, 0x50, 0x4e, 0x47],
	[0xff, 0xd8, 0xff],
	[0x52, 0x49, 0x46, 0x46],
];

/**
 * The role of each uploaded file. The docs name the field `asset_roles`; the vendor's client sends
 * `asset_role` once per file. Either is read: repeated, or one JSON array, or comma-separated.
 */
export function uploadRoles(form: MultipartBody): { roles: string[]; field: string } {
	for (const field of ['asset_roles', 'asset_role', 'asset_roles[]']) {
		const values = form.fields[field];
		if (!values?.length) continue;
		const roles = values.flatMap((value) => {
			const text = value.trim();
			if (text.startsWith('[')) {
				try {
					return (JSON.parse(text) as unknown[]).map(String);
				} catch {
					throw new ApiError(400, `${field} is not a JSON array`, 'api_error_bad_field');
				}
			}
			return text.split(',').map((role) => role.trim());
		});
		return { roles, field };
	}
	throw new ApiError(400, 'asset_roles is required: one role per asset_file', 'api_error_bad_field');
}

export function checkUpload(form: MultipartBody): { roles: string[]; field: string } {
	const files = form.files.filter((file) => file.field === 'asset_file');
	if (files.length === 0) throw new ApiError(400, 'asset_file is required', 'api_error_bad_field');
	const { roles, field } = uploadRoles(form);
	if (roles.length !== files.length) {
		throw new ApiError(400, `${files.length} asset_file but ${roles.length} roles: give one role per file`, 'api_error_bad_field');
	}
	for (const role of roles) {
		if (!ROLES.includes(role)) throw new ApiError(400, `Unknown asset role '${role}'; expected one of ${ROLES.join(', ')}`, 'api_error_bad_field');
	}
	for (const single of ['primary_angle', 'secondary_angle']) {
		if (roles.filter((role) => role === single).length > 1) throw new ApiError(400, `Only one ${single} per order`, 'api_error_bad_field');
	}
	if (!roles.includes('primary_angle')) throw new ApiError(400, 'An order needs one primary_angle asset', 'api_error_bad_field');
	for (const file of files) {
		if (!IMAGE_SIGNATURES.some((signature) => signature.every((byte, index) => file.data[index] === byte))) {
			throw new ApiError(400, `asset_file '${file.fileName}' is not a JPG, PNG or WEBP image`, 'api_error_bad_file');
		}
	}
	return { roles, field };
}

export interface ProcessRequest {
	order_id: string;
	tool: string;
	asset_map: Record<string, string>;
	widgets: Array<{ slug: string; item_slugs: string[] }>;
	process_group_id?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a `POST /process` body against the order and the tool; returns it typed. */
export function checkProcess(body: unknown, orders: Map<string, OrderView>, config: AiHomeDesignSimulatorConfig): { request: ProcessRequest; order: OrderView } {
	if (!isObject(body)) throw new ApiError(400, 'Request body must be a JSON object', 'api_error_bad_field');
	const { order_id: orderId, tool: toolSlug, asset_map: assetMap, widgets = [] } = body;
	if (typeof orderId !== 'string' || !orderId) throw new ApiError(400, 'order_id is required', 'api_error_bad_field');
	if (typeof toolSlug !== 'string' || !toolSlug) throw new ApiError(400, 'tool is required', 'api_error_bad_field');
	const tool = findTool(toolSlug);
	if (!tool) throw new ApiError(400, `Unknown tool '${toolSlug}'`, 'api_error_unknown_tool');
	if (config.planTools !== 'all' && !config.planTools.includes(toolSlug)) {
		throw new ApiError(403, `The tool '${toolSlug}' is not included in your plan`, 'api_error_tool_not_in_plan');
	}
	const order = orders.get(orderId);
	if (!order) throw new ApiError(404, `Order '${orderId}' not found`, 'api_error_not_found');
	if (!isObject(assetMap)) throw new ApiError(400, 'asset_map must be an object', 'api_error_bad_field');
	const expected = tool.inputs.map((input) => `${toolSlug}-input-${input}`).sort();
	const given = Object.keys(assetMap).sort();
	if (expected.join() !== given.join()) {
		throw new ApiError(422, `asset_map of ${toolSlug} needs the keys ${expected.join(', ')}; got ${given.join(', ') || 'none'}`, 'api_error_asset_map_mismatch');
	}
	for (const [key, assetId] of Object.entries(assetMap)) {
		const asset = order.assets.find((entry) => entry.id === assetId);
		if (!asset) throw new ApiError(422, `asset_map ${key}: asset '${String(assetId)}' is not in order ${orderId}`, 'api_error_asset_map_mismatch');
		if (key.endsWith('-input-mask') && asset.role !== 'mask') {
			throw new ApiError(422, `asset_map ${key}: asset '${asset.id}' was uploaded as ${asset.role}, not as mask`, 'api_error_asset_map_mismatch');
		}
	}
	if (!Array.isArray(widgets)) throw new ApiError(400, 'widgets must be an array', 'api_error_bad_field');
	for (const widget of widgets as unknown[]) checkWidget(widget, tool.widgets, toolSlug);
	const groupId = typeof body.process_group_id === 'string' ? body.process_group_id : undefined;
	return { request: { order_id: orderId, tool: toolSlug, asset_map: assetMap as Record<string, string>, widgets: widgets as ProcessRequest['widgets'], process_group_id: groupId }, order };
}

function checkWidget(widget: unknown, purposes: string[], toolSlug: string): void {
	if (!isObject(widget) || typeof widget.slug !== 'string' || !Array.isArray(widget.item_slugs)) {
		throw new ApiError(400, 'Each widget needs a slug and item_slugs[]', 'api_error_bad_field');
	}
	const purpose = purposes.find((entry) => widget.slug === `widget-${entry}-${toolSlug}`);
	if (!purpose) {
		throw new ApiError(422, `Widget '${widget.slug}' is not a widget of ${toolSlug} (it has: ${purposes.map((entry) => `widget-${entry}-${toolSlug}`).join(', ') || 'none'})`, 'api_error_widget_mismatch');
	}
	for (const item of widget.item_slugs as unknown[]) {
		const suffix = `-${widget.slug}`;
		if (typeof item !== 'string' || !item.startsWith('item-') || !item.endsWith(suffix) || item.length <= 5 + suffix.length) {
			throw new ApiError(422, `Item '${String(item)}' is not an item of ${widget.slug}`, 'api_error_widget_mismatch');
		}
		const value = item.slice(5, -suffix.length);
		const known = KNOWN_ITEMS[purpose];
		if (known && !known.includes(value)) {
			throw new ApiError(422, `Item '${item}' is not an item of ${widget.slug} (known: ${known.join(', ')})`, 'api_error_widget_mismatch');
		}
	}
}
