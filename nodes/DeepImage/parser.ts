import type { IDataObject } from 'n8n-workflow';

import { RenderPayloadError } from '../shared/result';
import { describeValue, isPlainObject, removedImageMarker, stripBase64, isHttpUrl } from '../shared/payload';
import type { ParsedRender, RenderError, RenderOutput, RenderResult, RenderStatus } from '../shared/result';

/** The `provider` of every Deep Image RenderResult. */
export const DEEP_IMAGE_PROVIDER = 'deepImage';

const DEEP_IMAGE_STATUSES = new Map<string, RenderStatus>([
	['received', 'pending'],
	['not_started', 'pending'],
	['in_progress', 'running'],
	['complete', 'completed'],
	['failed', 'failed'],
]);

/** Base64 text, optionally as a data URL: what `url` holds when the image was sent inline. */
const BASE64_TEXT = /^(data:[\w/+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/;


/**
 * The webhook callback `{job, data, result_url, results}`: Deep Image sends it when a job ends, so a
 * callback without `result_url` is a failed job.
 */
export function parseDeepImageCallback(body: unknown, receivedAt: Date = new Date()): ParsedRender {
	if (!isPlainObject(body) || typeof body.job !== 'string' || body.job === '') {
		throw new RenderPayloadError(
			`Deep Image callback needs a string 'job' and a 'result_url'; got ${describeValue(body)}`,
		);
	}
	const jobId = body.job;
	let status: RenderStatus = 'completed';
	let error: RenderError | undefined;
	// The callback has no status of its own; honour one if a future version sends "failed".
	if (body.status === 'failed') {
		status = 'failed';
		error = providerError(body) ?? {
			message: `Deep Image reported job ${jobId} as failed without a message`,
		};
	} else if (!hasResultUrl(body)) {
		status = 'failed';
		error = providerError(body) ?? {
			message: `Deep Image reported job ${jobId} finished without a result_url`,
		};
	}
	return buildParsedRender(jobId, status, error, body, receivedAt);
}

/**
 * An answer of `POST /rest_api/process`, `/process_result` or `GET /rest_api/result/{job}`:
 * `{job, status, result_url?}`, including the HTTP 500 body of a failed job `{message, status: "failed", job}`.
 */
export function parseDeepImageJob(body: unknown, receivedAt: Date = new Date()): ParsedRender {
	if (
		!isPlainObject(body) ||
		typeof body.job !== 'string' ||
		body.job === '' ||
		typeof body.status !== 'string'
	) {
		throw new RenderPayloadError(
			`Deep Image job status needs a string 'job' and a 'status'; got ${describeValue(body)}`,
		);
	}
	const jobId = body.job;
	let status = DEEP_IMAGE_STATUSES.get(body.status);
	if (status === undefined) {
		throw new RenderPayloadError(
			`Deep Image job ${jobId} has the unknown status '${body.status}'; expected one of ${[...DEEP_IMAGE_STATUSES.keys()].join(', ')}`,
		);
	}
	let error: RenderError | undefined;
	if (status === 'failed') {
		error = providerError(body) ?? {
			message: `Deep Image reported job ${jobId} as failed without a message`,
		};
	} else if (status === 'completed' && !hasResultUrl(body)) {
		status = 'failed';
		error = providerError(body) ?? {
			message: `Deep Image reported job ${jobId} as complete without a result_url`,
		};
	}
	return buildParsedRender(jobId, status, error, body, receivedAt);
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
	const outputs: RenderOutput[] = resultUrls(body).map((url, index) => ({ index, url }));
	const raw = rawWithoutImages(body);
	const result: RenderResult = {
		provider: DEEP_IMAGE_PROVIDER,
		jobId,
		status,
		outputs,
		receivedAt: receivedAt.toISOString(),
		raw,
	};
	if (error) result.error = error;
	if (isPlainObject(raw.data)) result.request = raw.data;
	return { result, inlineImages: {} };
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

/**
 * The body without base64. The echoed request's `url` may be the input image as base64: it is a
 * file, so it goes even when short.
 */
function rawWithoutImages(body: IDataObject): IDataObject {
	const raw = stripBase64(body) as IDataObject;
	if (isPlainObject(raw.data) && isInlineImage(raw.data.url)) {
		raw.data.url = removedImageMarker(raw.data.url);
	}
	return raw;
}

function isInlineImage(value: unknown): value is string {
	return (
		typeof value === 'string' && value !== '' && !value.includes('://') && BASE64_TEXT.test(value)
	);
}

/** Deep Image's errors are `{message, code?}`. */
function providerError(body: IDataObject): RenderError | undefined {
	const text = [body.message, body.error].find(
		(candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '',
	);
	if (text === undefined) return undefined;
	return typeof body.code === 'string' && body.code !== ''
		? { message: text, code: body.code }
		: { message: text };
}
