import type { IDataObject } from 'n8n-workflow';

import { RenderPayloadError } from '../shared/result';
import { describeValue, isPlainObject, stripBase64 } from '../shared/payload';
import type { ParsedRender, RenderError, RenderOutput, RenderResult, RenderStatus } from '../shared/result';

/** The `provider` of every AI Home Design RenderResult. */
export const AI_HOME_DESIGN_PROVIDER = 'aiHomeDesign';

const AI_HOME_DESIGN_STATUSES = new Map<string, RenderStatus>([
	['pending', 'pending'],
	['processing', 'running'],
	['done', 'completed'],
	['failed', 'failed'],
]);

/** Fields of a process that say what was asked for. */
const REQUEST_FIELDS = ['tool', 'order_id'];


/**
 * The dashboard webhook `{event: "process.completed", process_id, order_id, tool, status, final_assets[]}`,
 * status "done" or "failed".
 */
export function parseAiHomeDesignCallback(
	body: unknown,
	receivedAt: Date = new Date(),
): ParsedRender {
	if (
		!isPlainObject(body) ||
		typeof body.process_id !== 'string' ||
		body.process_id === '' ||
		typeof body.status !== 'string'
	) {
		throw new RenderPayloadError(
			`AI Home Design webhook needs a string 'process_id' and a 'status'; got ${describeValue(body)}`,
		);
	}
	return parseProcess(body.process_id, body, body, receivedAt);
}

/**
 * An answer of `GET /v3/process/{id}`: the process at the top level or wrapped as `{data: {...}}`.
 * The caller passes the id it asked for; the body's own id is used only when none is given.
 */
export function parseAiHomeDesignProcess(
	processId: string,
	body: unknown,
	receivedAt: Date = new Date(),
): ParsedRender {
	const details = unwrapProcess(body);
	if (!details || typeof details.status !== 'string') {
		throw new RenderPayloadError(
			`AI Home Design process needs a 'status' (at the top level or in 'data'); got ${describeValue(body)}`,
		);
	}
	const id = processId !== '' ? processId : processIdIn(details);
	if (id === undefined) {
		throw new RenderPayloadError(
			`AI Home Design process has no id: pass the process_id that was asked for`,
		);
	}
	return parseProcess(id, details, body as IDataObject, receivedAt);
}

function unwrapProcess(body: unknown): IDataObject | undefined {
	if (!isPlainObject(body)) return undefined;
	if (body.status === undefined && isPlainObject(body.data)) return body.data;
	return body;
}

function processIdIn(details: IDataObject): string | undefined {
	return [details.process_id, details.id, details._id].find(
		(candidate): candidate is string => typeof candidate === 'string' && candidate !== '',
	);
}

/** `details` is where the process fields are; `body` is the whole answer, kept as raw. */
function parseProcess(
	processId: string,
	details: IDataObject,
	body: IDataObject,
	receivedAt: Date,
): ParsedRender {
	const reportedStatus = details.status as string;
	let status = AI_HOME_DESIGN_STATUSES.get(reportedStatus);
	if (status === undefined) {
		throw new RenderPayloadError(
			`AI Home Design process ${processId} has the unknown status '${reportedStatus}'; expected one of ${[...AI_HOME_DESIGN_STATUSES.keys()].join(', ')}`,
		);
	}
	const outputs = assetOutputs(details.final_assets);
	let error: RenderError | undefined;
	if (status === 'failed') {
		error = providerError(details) ??
			providerError(body) ?? {
				message: `AI Home Design reported process ${processId}${toolSuffix(details)} as failed; retry it or contact their support`,
			};
	} else if (status === 'completed' && outputs.length === 0) {
		status = 'failed';
		error = providerError(details) ?? {
			message: `AI Home Design reported process ${processId} as done, but final_assets holds no image URL (temp_src)`,
		};
	}

	const result: RenderResult = {
		provider: AI_HOME_DESIGN_PROVIDER,
		jobId: processId,
		status,
		outputs,
		receivedAt: receivedAt.toISOString(),
		raw: stripBase64(body) as IDataObject,
	};
	if (error) result.error = error;
	const request = requestOf(details);
	if (request) result.request = request;
	return { result, inlineImages: {} };
}

/**
 * One output per asset with an image URL, in the provider's order. The webhook names them
 * `temp_src`/`temp_thumbnail_src`; `src`/`url` and `thumbnail_src`/`thumbnail` are accepted in case
 * the polling answer names them differently (it is not documented field by field).
 */
function assetOutputs(finalAssets: unknown): RenderOutput[] {
	if (!Array.isArray(finalAssets)) return [];
	const outputs: RenderOutput[] = [];
	for (const asset of finalAssets) {
		if (!isPlainObject(asset)) continue;
		const url = firstText(asset.temp_src, asset.src, asset.url);
		if (url === undefined) continue;
		const thumbnailUrl = firstText(asset.temp_thumbnail_src, asset.thumbnail_src, asset.thumbnail);
		outputs.push(
			thumbnailUrl === undefined
				? { index: outputs.length, url }
				: { index: outputs.length, url, thumbnailUrl },
		);
	}
	return outputs;
}

function firstText(...candidates: unknown[]): string | undefined {
	return candidates.find(
		(candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '',
	);
}

function requestOf(details: IDataObject): IDataObject | undefined {
	const request: IDataObject = {};
	for (const field of REQUEST_FIELDS) {
		if (details[field] !== undefined && details[field] !== null) request[field] = details[field];
	}
	return Object.keys(request).length ? request : undefined;
}

function toolSuffix(details: IDataObject): string {
	return typeof details.tool === 'string' && details.tool !== '' ? ` (${details.tool})` : '';
}

/** AI Home Design's errors are `{error, key: "api_error_..."}`; a process may also carry `message`. */
function providerError(source: IDataObject): RenderError | undefined {
	// "ok" is the envelope's success message, not an error.
	const text = firstText(source.error, source.error_message, source.reason, source.message);
	if (text === undefined || text === 'ok') return undefined;
	return typeof source.key === 'string' && source.key !== ''
		? { message: text, code: source.key }
		: { message: text };
}
