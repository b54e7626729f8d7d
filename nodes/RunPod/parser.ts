import type { IDataObject } from 'n8n-workflow';

import { RenderPayloadError } from '../shared/result';
import { describeValue, isPlainObject, removedImageMarker, stripBase64, toMilliseconds, isHttpUrl } from '../shared/payload';
import type { ParsedRender, RenderError, RenderOutput, RenderResult, RenderStatus } from '../shared/result';

/** The `provider` of every RunPod RenderResult. */
export const RUNPOD_PROVIDER = 'runPod';

const RUNPOD_STATUSES = new Map<string, RenderStatus>([
	['IN_QUEUE', 'pending'],
	['IN_PROGRESS', 'running'],
	// The docs name the running state both IN_PROGRESS and RUNNING.
	['RUNNING', 'running'],
	['COMPLETED', 'completed'],
	['FAILED', 'failed'],
	['CANCELLED', 'cancelled'],
	['TIMED_OUT', 'timedOut'],
]);

/**
 * RunPod often ends a job without saying why (a cancel, an execution timeout, a worker that crashed
 * before reporting). A final status that is not COMPLETED always carries an error in the result, so
 * workflows can branch on `error` alone; RunPod's own text wins when it sent one.
 */
function defaultErrorMessage(runPodStatus: string, jobId: string): string | undefined {
	switch (runPodStatus) {
		case 'FAILED':
			return `RunPod reported job ${jobId} as FAILED without an error message; see the worker logs of the endpoint`;
		case 'CANCELLED':
			return `RunPod job ${jobId} was cancelled before it finished`;
		case 'TIMED_OUT':
			return `RunPod job ${jobId} exceeded its execution timeout (policy.executionTimeout) and was stopped`;
		default:
			return undefined;
	}
}

/** An image found in a job's output: a URL to fetch, or base64 to decode. */
type FoundImage = { url: string } | { base64: string };

/** Stream chunks and worker wrappers nest a little; deeper structures are not images. */
const MAX_OUTPUT_DEPTH = 4;

/** Base64 text, optionally as a data URL. Used where the field is known to hold an image. */
const BASE64_TEXT = /^(data:[\w/+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/;
/** Shorter than this, a string in an unnamed place is text, not an image (a 1x1 PNG is ~90 chars). */
const MIN_LOOSE_BASE64_LENGTH = 64;


/**
 * Turns a RunPod job body into a RenderResult: the webhook callback, and the answers of `/status`,
 * `/runsync`, `/run` and `/cancel` (the same shape; the callback adds `input` and `webhook`).
 */
export function parseRunPodJob(body: unknown, receivedAt: Date = new Date()): ParsedRender {
	if (
		!isPlainObject(body) ||
		typeof body.id !== 'string' ||
		body.id === '' ||
		typeof body.status !== 'string'
	) {
		throw new RenderPayloadError(
			`RunPod callback or job status needs a string 'id' and a 'status'; got ${describeValue(body)}`,
		);
	}
	const jobId = body.id;
	const runPodStatus = body.status;
	const status = RUNPOD_STATUSES.get(runPodStatus);
	if (status === undefined) {
		throw new RenderPayloadError(
			`RunPod job ${jobId} has the unknown status '${runPodStatus}'; expected one of ${[...RUNPOD_STATUSES.keys()].join(', ')}`,
		);
	}

	const images = findOutputImages(body.output, 0);
	const inlineImages: Record<number, string> = {};
	const outputs: RenderOutput[] = images.map((image, index) => {
		if ('url' in image) return { index, url: image.url };
		inlineImages[index] = image.base64;
		return { index };
	});

	const imageTexts = new Set<string>([
		...images.flatMap((image) => ('base64' in image ? [image.base64] : [])),
		...findInputImages(body.input),
	]);
	const raw = stripBase64(replaceImageTexts(body, imageTexts)) as IDataObject;

	const result: RenderResult = {
		provider: RUNPOD_PROVIDER,
		jobId,
		status,
		outputs,
		receivedAt: receivedAt.toISOString(),
		raw,
	};
	const error = runPodError(body.error, runPodStatus, jobId);
	if (error) result.error = error;
	if (isPlainObject(raw.input)) result.request = raw.input;
	const timings = runPodTimings(body);
	if (timings) result.timings = timings;
	return { result, inlineImages };
}

function runPodTimings(body: IDataObject): { queueMs?: number; runMs?: number } | undefined {
	const queueMs = toMilliseconds(body.delayTime);
	const runMs = toMilliseconds(body.executionTime);
	if (queueMs === undefined && runMs === undefined) return undefined;
	return {
		...(queueMs !== undefined ? { queueMs } : {}),
		...(runMs !== undefined ? { runMs } : {}),
	};
}

// ---------------------------------------------------------------------------------------------
// Errors

function runPodError(
	reported: unknown,
	runPodStatus: string,
	jobId: string,
): RenderError | undefined {
	const fromRunPod = errorFromReported(reported);
	if (fromRunPod) return fromRunPod;
	const message = defaultErrorMessage(runPodStatus, jobId);
	return message ? { message, code: runPodStatus } : undefined;
}

/**
 * RunPod's `error` takes several forms: plain text (a handler that returned `{error}`), a JSON
 * string `{error_type, error_message, error_traceback, ...}` (the Python SDK after an exception), or
 * an object from other SDKs.
 */
function errorFromReported(reported: unknown): RenderError | undefined {
	if (typeof reported === 'string') {
		if (reported.trim() === '') return undefined;
		return errorFromObject(parseJsonObject(reported)) ?? { message: reported };
	}
	if (isPlainObject(reported)) {
		return errorFromObject(reported) ?? { message: JSON.stringify(stripBase64(reported)) };
	}
	return undefined;
}

function errorFromObject(value: IDataObject | undefined): RenderError | undefined {
	if (!value) return undefined;
	const message = [value.error_message, value.message].find(
		(text): text is string => typeof text === 'string' && text.trim() !== '',
	);
	if (message === undefined) return undefined;
	const code = [value.code, value.error_type, value.type].find(
		(text): text is string => typeof text === 'string' && text !== '',
	);
	return code === undefined ? { message } : { message, code: pythonClassName(code) };
}

/** "<class 'ValueError'>" (str(type(err)) in Python) → "ValueError". */
function pythonClassName(text: string): string {
	const match = /^<class '([^']+)'>$/.exec(text);
	return match ? match[1] : text;
}

function parseJsonObject(text: string): IDataObject | undefined {
	if (!text.trimStart().startsWith('{')) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return isPlainObject(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------------------------------------
// Images

/**
 * The images of a job's `output`, in the worker's order. Understands the A1111 worker
 * (`{images: [base64...], info, parameters}`), worker-comfyui (`{images: [{filename, type, data}]}`),
 * and the loose shapes of other workers: a URL or base64 string, an array of them, `image_url` /
 * `image`, and `/stream` chunks `[{output: ...}]`. Anything else yields no image (raw keeps it).
 */
function findOutputImages(output: unknown, depth: number): FoundImage[] {
	if (depth > MAX_OUTPUT_DEPTH) return [];
	if (typeof output === 'string') return imageFromLooseText(output);
	if (Array.isArray(output)) {
		return output.flatMap((entry: unknown) =>
			isPlainObject(entry) && 'output' in entry
				? findOutputImages(entry.output, depth + 1)
				: findOutputImages(entry, depth + 1),
		);
	}
	if (!isPlainObject(output)) return [];
	if (Array.isArray(output.images)) return output.images.flatMap(imageFromImagesEntry);
	for (const key of ['images', 'image_url', 'image']) {
		const value = output[key];
		if (typeof value === 'string') {
			const found = imageFromLooseText(value);
			if (found.length) return found;
		}
	}
	return [];
}

/** A string found where the worker's format is unknown: only a URL or unmistakable base64 counts. */
function imageFromLooseText(text: string): FoundImage[] {
	if (isHttpUrl(text)) return [{ url: text.trim() }];
	if (text.startsWith('data:image/') || isLongBase64(text)) return [{ base64: text }];
	return [];
}

/** Base64 long enough to be an image, with or without a data URL prefix. */
function isLongBase64(text: string): boolean {
	return text.length >= MIN_LOOSE_BASE64_LENGTH && BASE64_TEXT.test(text);
}

/**
 * An entry of `output.images`. The field is known to hold files, so any string that is not a URL
 * is taken as base64 (A1111 sends bare base64 PNGs).
 */
function imageFromImagesEntry(entry: unknown): FoundImage[] {
	if (typeof entry === 'string') return entry === '' ? [] : [imageFromKnownText(entry)];
	if (!isPlainObject(entry)) return [];
	for (const key of ['url', 'image_url', 'data', 'image', 'base64']) {
		const value = entry[key];
		if (typeof value === 'string' && value !== '') return [imageFromKnownText(value)];
	}
	return [];
}

function imageFromKnownText(text: string): FoundImage {
	return isHttpUrl(text) ? { url: text.trim() } : { base64: text };
}

/**
 * Base64 images in a job's `input` (img2img's `init_images` and `mask`, worker-comfyui's
 * `images[].image`), with or without A1111's `{api, payload}` wrapper. They are files even when short.
 */
function findInputImages(input: unknown): string[] {
	if (!isPlainObject(input)) return [];
	const places = isPlainObject(input.payload) ? [input, input.payload] : [input];
	return places
		.flatMap((place) => [
			...stringsOf(place.init_images),
			...stringsOf(place.mask),
			...(Array.isArray(place.images)
				? place.images.flatMap((entry: unknown) =>
						isPlainObject(entry) ? stringsOf(entry.image) : stringsOf(entry),
					)
				: []),
		])
		.filter((text) => text !== '' && !isHttpUrl(text));
}

function stringsOf(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value))
		return value.filter((entry): entry is string => typeof entry === 'string');
	return [];
}

/** A copy of `value` with every occurrence of the given image texts replaced by a short marker. */
function replaceImageTexts(value: unknown, imageTexts: ReadonlySet<string>): unknown {
	if (imageTexts.size === 0) return value;
	if (typeof value === 'string') {
		return imageTexts.has(value) ? removedImageMarker(value) : value;
	}
	if (Array.isArray(value))
		return value.map((entry: unknown) => replaceImageTexts(entry, imageTexts));
	if (isPlainObject(value)) {
		const copy: IDataObject = {};
		for (const [key, entry] of Object.entries(value)) {
			copy[key] = replaceImageTexts(entry, imageTexts) as IDataObject;
		}
		return copy;
	}
	return value;
}

// ---------------------------------------------------------------------------------------------
// A1111 info

/**
 * The A1111 worker's `output.info`: a JSON string with `seed`, `all_seeds`, `infotexts`, ... .
 * Returns the parsed object, or undefined when `info` is missing or not a JSON object.
 */
export function parseA1111Info(info: unknown): IDataObject | undefined {
	if (isPlainObject(info)) return info;
	if (typeof info !== 'string') return undefined;
	try {
		const parsed: unknown = JSON.parse(info);
		return isPlainObject(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}
