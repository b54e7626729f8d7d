import type { IDataObject } from 'n8n-workflow';

import { firstText, isBase64Text, isHttpUrl, isPlainObject, jobBody, knownStatus, parsedRender, providerError, statusWords, stripBase64, toMilliseconds, unexpectedBody, withoutFiles } from '../shared/payload';
import type { FoundImage } from '../shared/payload';
import type { ParsedRender, RenderError } from '../shared/result';

/** The `provider` of every RunPod RenderResult. */
export const RUNPOD_PROVIDER = 'runPod';

const RUNPOD_STATUSES = statusWords({
	pending: ['IN_QUEUE'],
	// The docs name the running state both IN_PROGRESS and RUNNING.
	running: ['IN_PROGRESS', 'RUNNING'],
	completed: ['COMPLETED'],
	failed: ['FAILED'],
	cancelled: ['CANCELLED'],
	timedOut: ['TIMED_OUT'],
});

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

/**
 * Turns a RunPod job body into a RenderResult: the webhook callback, and the answers of `/status`,
 * `/runsync`, `/run` and `/cancel` (the same shape; the callback adds `input` and `webhook`).
 */
export function parseRunPodJob(answer: unknown, receivedAt: Date = new Date()): ParsedRender {
	const { body, jobId, reportedStatus: runPodStatus } = jobBody(
		answer,
		'id',
		"RunPod callback or job status needs a string 'id' and a 'status'",
	);
	const status = knownStatus(RUNPOD_STATUSES, runPodStatus, `RunPod job ${jobId}`);

	const images = findOutputImages(body.output, 0);
	const workerError = status === 'completed' && !images.length ? errorInCompletedOutput(body.output) : undefined;
	const imageTexts = new Set<string>([
		...images.flatMap((image) => ('base64' in image ? [image.base64] : [])),
		...findInputImages(body.input),
	]);
	const raw = withoutFiles(body, (text) => imageTexts.has(text)) as IDataObject;
	const error =
		(status === 'failed' ? a1111ErrorOfFailedJob(body.error, body.output) : undefined) ??
		withOutputDetails(runPodError(body.error, runPodStatus, jobId), body.output);
	return parsedRender({
		provider: RUNPOD_PROVIDER,
		jobId,
		status: workerError ? 'failed' : status,
		images,
		receivedAt,
		raw,
		error: error ?? workerError,
		request: isPlainObject(raw.input) ? raw.input : undefined,
		timings: runPodTimings(body),
	});
}

/**
 * The answer of `GET /stream/{id}` for job `jobId`: `{status, stream: [{output}, ...], error?}`; the
 * SDK's local server adds `id`, and answers a handler that is no generator with
 * `{id, status: 'FAILED', error: 'Stream not supported, handler must be a generator.'}`
 * (runpod-python, serverless/modules/rp_fastapi.py `_sim_stream`). The chunks parse as the job's
 * output, RunPod's `error` as any job's.
 */
export function parseRunPodStream(answer: unknown, jobId: string, receivedAt?: Date): ParsedRender {
	if (!isPlainObject(answer)) throw unexpectedBody("RunPod stream answer needs a 'status'", answer);
	const { status, stream, error } = answer;
	return parseRunPodJob(
		{ id: jobId, status, output: stream ?? [], ...(error !== undefined && error !== null ? { error } : {}) },
		receivedAt,
	);
}

/**
 * A RunPod webhook body. RunPod's SDK local test server (`--rp_serve_api`, what RunPod tells worker
 * developers to test with) posts only the handler's result: `{output}`, or `[{output}, ...]` after
 * /stream, with no id and no status, and nothing for a failed job (runpod-python,
 * serverless/modules/rp_fastapi.py `_send_webhook`). Where the URL says which job it was issued for
 * (`expectedJobId`: Wait for Callback), such a body is that job's COMPLETED result; elsewhere the
 * job is unknown and the body is refused with the reason.
 */
export function parseRunPodCallback(body: unknown, receivedAt: Date = new Date(), expectedJobId?: string): ParsedRender {
	if (!isLocalTestServerBody(body)) return parseRunPodJob(body, receivedAt);
	if (!expectedJobId) {
		throw unexpectedBody(
			"RunPod callback has no 'id' and 'status', only 'output', as RunPod's local test server (--rp_serve_api) sends it: this URL does not say which job it reports. Test locally with the RunPod node's Wait for Callback, whose URL names the job, or with a deployed endpoint",
			body,
		);
	}
	const output = Array.isArray(body) ? body : (body as IDataObject).output;
	return parseRunPodJob({ id: expectedJobId, status: 'COMPLETED', output }, receivedAt);
}

function isLocalTestServerBody(body: unknown): boolean {
	if (Array.isArray(body)) return body.length > 0 && body.every((chunk) => isPlainObject(chunk) && 'output' in chunk);
	return isPlainObject(body) && 'output' in body && body.id === undefined && body.status === undefined;
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
 * A job RunPod calls COMPLETED whose worker still says it failed and made no image: the older
 * worker-comfy's `{status: 'error', message}`, or a handler's `{error}` / `{errors: [...]}` that
 * the SDK passed through as output.
 */
function errorInCompletedOutput(output: unknown): RenderError | undefined {
	if (!isPlainObject(output)) return undefined;
	if (isA1111ErrorBody(output)) return a1111Error(output);
	const rejected = validationProblems(output.detail);
	if (rejected) return { message: `A1111 rejected the request: ${rejected}`, code: 'RequestValidationError' };
	if (output.status === 'error' && typeof output.message === 'string') {
		return { message: output.message, code: 'WORKER_ERROR' };
	}
	const reported = errorFromReported(output.error);
	if (reported) return withOutputDetails(reported, output);
	const errors = stringsOf(output.errors).filter((text) => text.trim() !== '');
	return errors.length ? { message: errors.join('; '), code: 'WORKER_ERROR' } : undefined;
}

/**
 * worker-comfyui fails with `{error: 'Job processing failed', details: [...]}`; RunPod puts the
 * other keys in `output`. The details say what went wrong, so they join the message.
 */
function withOutputDetails(error: RenderError | undefined, output: unknown): RenderError | undefined {
	if (!error || !isPlainObject(output)) return error;
	const details = stringsOf(output.details).filter((text) => text.trim() !== '');
	return details.length ? { ...error, message: `${error.message}: ${details.join('; ')}` } : error;
}

/**
 * A1111 (stable-diffusion-webui, modules/api/api.py `handle_exception`) answers every error with
 * `{error: type(e).__name__, detail, body, errors: str(e)}`, which worker-a1111 returns as the job's
 * output. A body with those three fields is A1111's error.
 */
function isA1111ErrorBody(value: IDataObject): boolean {
	return ['detail', 'body', 'errors'].every((field) => field in value);
}

/**
 * A1111's error in its own words: `detail` (an HTTPException's text) or else `errors` (str(e), e.g.
 * "CUDA out of memory. …"); the exception's class name is the code, and the message only when
 * A1111 said nothing more. `className` stands in for a body whose `error` the SDK moved out.
 */
function a1111Error(body: IDataObject, className?: unknown): RenderError | undefined {
	const code = [body.error, className];
	return providerError([validationProblems(body.detail), body.detail, body.errors, ...code], code);
}

/**
 * A1111's error in a FAILED job. The RunPod SDK (rp_job.py `run_job`) fails a job whose handler
 * returned a dict with `error`, moves that to the job's top level and keeps the rest as `output`:
 * worker-a1111 thus gives `error: <class name>` and `output: {detail, body, errors}`. The community
 * worker (runpod-worker-a1111) fails with its own `error` ("A1111 status code: 500") and A1111's
 * whole body in `output.output`; its text comes first.
 */
function a1111ErrorOfFailedJob(reported: unknown, output: unknown): RenderError | undefined {
	if (!isPlainObject(output)) return undefined;
	if (isA1111ErrorBody(output)) return a1111Error(output, reported);
	if (!isPlainObject(output.output) || !isA1111ErrorBody(output.output)) return undefined;
	const error = a1111Error(output.output);
	const workerText = firstText([reported]);
	return error && workerText ? { ...error, message: `${workerText}: ${error.message}` } : error;
}

/**
 * What a FastAPI validation error lists (`detail: [{loc, msg, type}, ...]`, the 422 body A1111 answers
 * a payload its models refuse with; pydantic 2 adds `input` and `url`), one "body → steps: value is
 * not a valid integer" per entry. Undefined for any other `detail`.
 */
function validationProblems(detail: unknown): string | undefined {
	if (!Array.isArray(detail) || detail.length === 0) return undefined;
	const problems = detail.map((entry: unknown) =>
		isPlainObject(entry) && Array.isArray(entry.loc) && typeof entry.msg === 'string'
			? `${entry.loc.map(String).join(' → ')}: ${entry.msg}`
			: undefined,
	);
	return problems.every((problem) => problem !== undefined) ? problems.join('; ') : undefined;
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
	const error = providerError(
		[value.error_message, value.message],
		[value.code, value.error_type, value.type],
	);
	return error?.code === undefined ? error : { ...error, code: pythonClassName(error.code) };
}

/** "<class 'ValueError'>" (str(type(err)) in Python) → "ValueError". */
function pythonClassName(text: string): string {
	const match = /^<class '([^']+)'>$/.exec(text);
	return match ? match[1] : text;
}

/** The JSON object `text` holds, or undefined when it holds none (or is not JSON). */
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

/** Stream chunks and worker wrappers nest a little; deeper structures are not images. */
const MAX_OUTPUT_DEPTH = 4;

/** Shorter than this, a string in an unnamed place is text, not an image (a 1x1 PNG is ~90 chars). */
const MIN_LOOSE_BASE64_LENGTH = 64;

/**
 * The images of a job's `output`, in the worker's order. Understands the A1111 worker
 * (`{images: [base64...], info, parameters}`), worker-comfyui (`{images: [{filename, type, data}]}`,
 * type `base64` or `s3_url`), the older worker-comfy (`{status: 'success', message}`),
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
	// The older worker-comfy (blib-la/runpod-worker-comfy): `{status: 'success', message: <base64 or S3 URL>}`.
	if (output.status === 'success' && typeof output.message === 'string') return imageFromLooseText(output.message);
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
	if (text.startsWith('data:image/') || isBase64Text(text, MIN_LOOSE_BASE64_LENGTH)) {
		return [{ base64: text }];
	}
	return [];
}

/**
 * An entry of `output.images`. The field is known to hold files, so any string that is not a URL
 * is taken as base64 (A1111 sends bare base64 PNGs). worker-comfyui's entries name their file:
 * `filename` is ComfyUI's own name, with the SaveImage filename prefix the workflow set
 * (runpod-workers/worker-comfyui handler.py); the engine names the stored file so.
 */
function imageFromImagesEntry(entry: unknown): FoundImage[] {
	if (typeof entry === 'string') return entry === '' ? [] : [imageFromKnownText(entry)];
	if (!isPlainObject(entry)) return [];
	const fileName = firstText([entry.filename]);
	for (const key of ['url', 'image_url', 'data', 'image', 'base64']) {
		const value = entry[key];
		if (typeof value === 'string' && value !== '') {
			const image = imageFromKnownText(value);
			return [fileName === undefined ? image : { ...image, fileName }];
		}
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

// ---------------------------------------------------------------------------------------------
// A1111 info

/**
 * The A1111 worker's `output.info`: a JSON string with `seed`, `all_seeds`, `infotexts`, ... .
 * Returns the parsed object, or undefined when `info` is missing or not a JSON object.
 */
export function parseA1111Info(info: unknown): IDataObject | undefined {
	if (isPlainObject(info)) return info;
	return typeof info === 'string' ? parseJsonObject(info) : undefined;
}
