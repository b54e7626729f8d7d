import type { IDataObject } from 'n8n-workflow';

import { RenderPayloadError } from '../shared/result';
import { echoedRequest, firstText, isPlainObject, jobBody, knownStatus, parsedRender, providerError, statusWords, stripBase64, unexpectedBody } from '../shared/payload';
import type { FoundImage } from '../shared/payload';
import type { ParsedRender, RenderError } from '../shared/result';

/** The `provider` of every AI Home Design RenderResult. */
export const AI_HOME_DESIGN_PROVIDER = 'aiHomeDesign';

const AI_HOME_DESIGN_STATUSES = statusWords({
	pending: ['pending'],
	running: ['processing'],
	completed: ['done'],
	failed: ['failed'],
});

/** Fields of a process that say what was asked for. */
const REQUEST_FIELDS = ['tool', 'order_id', 'project_id', 'process_group_id'];


/**
 * The dashboard webhook `{event: "process.completed", process_id, order_id, tool, status, final_assets[]}`,
 * status "done" or "failed".
 */
export function parseAiHomeDesignCallback(
	answer: unknown,
	receivedAt: Date = new Date(),
): ParsedRender {
	const { body, jobId } = jobBody(
		answer,
		'process_id',
		"AI Home Design webhook needs a string 'process_id' and a 'status'",
	);
	return parseProcess(jobId, body, body, receivedAt);
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
		throw unexpectedBody(
			"AI Home Design process needs a 'status' (at the top level or in 'data')",
			body,
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
	let status = knownStatus(
		AI_HOME_DESIGN_STATUSES,
		reportedStatus,
		`AI Home Design process ${processId}`,
	);
	const images = assetImages(details.final_assets);
	let error: RenderError | undefined;
	if (status === 'failed') {
		error = aiHomeDesignError(details) ??
			aiHomeDesignError(body) ?? {
				message: `AI Home Design reported process ${processId}${toolSuffix(details)} as failed; retry it or contact their support`,
			};
	} else if (status === 'completed' && images.length === 0) {
		status = 'failed';
		error = aiHomeDesignError(details) ?? {
			message: `AI Home Design reported process ${processId} as done, but final_assets holds no image URL (temp_src)`,
		};
	}

	return parsedRender({
		provider: AI_HOME_DESIGN_PROVIDER,
		jobId: processId,
		status,
		images,
		receivedAt,
		raw: stripBase64(body) as IDataObject,
		error,
		request: echoedRequest(details, REQUEST_FIELDS),
	});
}

/**
 * One output per asset with an image URL, in the provider's order. The webhook names them
 * `temp_src`/`temp_thumbnail_src`; `src`/`url` and `thumbnail_src`/`thumbnail` are accepted in case
 * the polling answer names them differently (it is not documented field by field).
 */
function assetImages(finalAssets: unknown): FoundImage[] {
	if (!Array.isArray(finalAssets)) return [];
	return finalAssets.flatMap((asset: unknown): FoundImage[] => {
		if (!isPlainObject(asset)) return [];
		const url = firstText([asset.temp_src, asset.src, asset.url]);
		if (url === undefined) return [];
		const thumbnailUrl = firstText([asset.temp_thumbnail_src, asset.thumbnail_src, asset.thumbnail]);
		return [thumbnailUrl === undefined ? { url } : { url, thumbnailUrl }];
	});
}

function toolSuffix(details: IDataObject): string {
	return typeof details.tool === 'string' && details.tool !== '' ? ` (${details.tool})` : '';
}

/** AI Home Design's errors are `{error, key: "api_error_..."}`; a process may also carry `message`. */
function aiHomeDesignError(source: IDataObject): RenderError | undefined {
	const error = providerError(
		[source.error, source.error_message, source.reason, source.message],
		[source.key],
	);
	// "ok" is the envelope's success message, not an error.
	return error?.message === 'ok' ? undefined : error;
}

/** The one event of the dashboard webhook that carries a process result. */
export const PROCESS_COMPLETED_EVENT = 'process.completed';

/**
 * Any body the dashboard URL receives. Older AI Home Design products post their own bodies to the
 * same URL (v1 `{order_id, image, service_name, user_id}`, upscale `{generated_image_id, ...}`):
 * every JSON object that is not `process.completed` is answered 2xx and emits nothing (null), or the
 * vendor would retry it forever. A `process.completed` that is not a process is a payload error.
 */
export function parseAiHomeDesignEvent(body: unknown, receivedAt: Date = new Date()): ParsedRender | null {
	if (!isPlainObject(body)) throw unexpectedBody('AI Home Design webhook needs a JSON object', body);
	if (body.event !== PROCESS_COMPLETED_EVENT) return null;
	return parseAiHomeDesignCallback(body, receivedAt);
}
