import type { IDataObject } from 'n8n-workflow';

import { isBase64Text, isHttpUrl, isPlainObject, jobBody, knownStatus, parsedRender, providerError, looksLikeBase64Blob, removedImageMarker, statusWords, unexpectedBody, withoutFiles } from '../shared/payload';
import type { ParsedRender, RenderError, RenderStatus } from '../shared/result';

/** The `provider` of every Deep Image RenderResult. */
export const DEEP_IMAGE_PROVIDER = 'deepImage';

const DEEP_IMAGE_STATUSES = statusWords({
	pending: ['received', 'not_started'],
	running: ['in_progress'],
	completed: ['complete'],
	failed: ['failed'],
});

/**
 * The webhook callback `{job, data, result_url, results}`: Deep Image sends it when a job ends, so a
 * callback without `result_url` is a failed job.
 */
export function parseDeepImageCallback(body: unknown, receivedAt: Date = new Date()): ParsedRender {
	if (!isPlainObject(body) || typeof body.job !== 'string' || body.job === '') {
		throw unexpectedBody("Deep Image callback needs a string 'job' and a 'result_url'", body);
	}
	const jobId = body.job;
	let status: RenderStatus = 'completed';
	let error: RenderError | undefined;
	// The callback has no status of its own; honour one if a future version sends "failed".
	if (body.status === 'failed') {
		status = 'failed';
		error = deepImageError(body) ?? {
			message: `Deep Image reported job ${jobId} as failed without a message`,
		};
	} else if (!hasResultUrl(body)) {
		status = 'failed';
		error = deepImageError(body) ?? {
			message: `Deep Image reported job ${jobId} finished without a result_url`,
		};
	}
	return buildParsedRender(jobId, status, error, body, receivedAt);
}

/**
 * An answer of `POST /rest_api/process`, `/process_result` or `GET /rest_api/result/{job}`:
 * `{job, status, result_url?}`, including the HTTP 500 body of a failed job `{message, status: "failed", job}`
 * (api.ts hands over no other error body: see `isFailedJobAnswer`).
 */
export function parseDeepImageJob(answer: unknown, receivedAt: Date = new Date()): ParsedRender {
	const { body, jobId, reportedStatus } = jobBody(
		answer,
		'job',
		"Deep Image job status needs a string 'job' and a 'status'",
	);
	let status = knownStatus(DEEP_IMAGE_STATUSES, reportedStatus, `Deep Image job ${jobId}`);
	let error: RenderError | undefined;
	if (status === 'failed') {
		error = deepImageError(body) ?? {
			message: `Deep Image reported job ${jobId} as failed without a message`,
		};
	} else if (status === 'completed' && !hasResultUrl(body)) {
		status = 'failed';
		error = deepImageError(body) ?? {
			message: `Deep Image reported job ${jobId} as complete without a result_url`,
		};
	}
	return buildParsedRender(jobId, status, error, body, receivedAt);
}

/**
 * Whether an HTTP 500 body is Deep Image's answer for a failed job, `{message, status: "failed", job}`:
 * only that 500 is a (failed) job. Any other 500, such as `{message: "Internal error"}`, is Deep Image
 * failing itself, and says nothing of the job.
 */
export function isFailedJobAnswer(body: unknown): body is IDataObject {
	return isPlainObject(body) && body.status === 'failed' && typeof body.job === 'string' && body.job !== '';
}

function hasResultUrl(body: IDataObject): boolean {
	return typeof body.result_url === 'string' && body.result_url.trim() !== '';
}

function buildParsedRender(
	jobId: string,
	status: RenderStatus,
	error: RenderError | undefined,
	body: IDataObject,
	receivedAt: Date,
): ParsedRender {
	const raw = rawWithoutImages(body);
	return parsedRender({
		provider: DEEP_IMAGE_PROVIDER,
		jobId,
		status,
		images: resultUrls(body).map((url) => ({ url })),
		receivedAt,
		raw,
		error,
		request: isPlainObject(raw.data) ? raw.data : undefined,
	});
}

/**
 * `result_url` first, then any further URL in `results` (its shape is undocumented: an array or an
 * object of URLs, or of `{url}` objects, is accepted), without repeats.
 */
function resultUrls(body: IDataObject): string[] {
	const urls = [
		...(hasResultUrl(body) ? [(body.result_url as string).trim()] : []),
		...urlsIn(body.results),
	];
	return [...new Set(urls)];
}

function urlsIn(results: unknown): string[] {
	const entries: unknown[] = Array.isArray(results)
		? results
		: isPlainObject(results)
			? Object.values(results)
			: typeof results === 'string'
				? [results]
				: [];
	return entries.flatMap((entry) => {
		const candidate = isPlainObject(entry) ? (entry.url ?? entry.result_url) : entry;
		return typeof candidate === 'string' && isHttpUrl(candidate) ? [candidate.trim()] : [];
	});
}

/** Deep Image's own form of base64 input (providers.md): `base64,<data>`, with no `data:` prefix. */
const DEEP_IMAGE_BASE64_PREFIX = 'base64,';

/** The base64 of a Deep Image file text, without Deep Image's own prefix. */
function base64Part(text: string): string {
	return text.startsWith(DEEP_IMAGE_BASE64_PREFIX) ? text.slice(DEEP_IMAGE_BASE64_PREFIX.length) : text;
}

/**
 * The body without base64, including blobs in Deep Image's `base64,<data>` form. The echoed
 * request's `url` may be the input image as base64: it is a file, so it goes even when short.
 */
function rawWithoutImages(body: IDataObject): IDataObject {
	const raw = withoutFiles(body, (text) => looksLikeBase64Blob(base64Part(text))) as IDataObject;
	if (isPlainObject(raw.data) && isInlineImage(raw.data.url)) {
		raw.data.url = removedImageMarker(raw.data.url);
	}
	return raw;
}

/**
 * A request as the RenderResult's `request` shows it: the input image sent as base64 (any form)
 * replaced by a short marker, so a result never carries the input file.
 */
export function requestWithoutImages(request: IDataObject): IDataObject {
	return rawWithoutImages({ data: request }).data as IDataObject;
}

function isInlineImage(value: unknown): value is string {
	return typeof value === 'string' && isBase64Text(base64Part(value)) && !value.includes('://');
}

/** Deep Image's errors are `{message, code?}`. */
function deepImageError(body: IDataObject): RenderError | undefined {
	return providerError([body.message, body.error], [body.code]);
}
