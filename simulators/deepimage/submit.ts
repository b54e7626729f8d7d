/**
 * What Deep Image checks before it queues an image, answered 400 `{message, code: "BAD_REQUEST"}`:
 * the settings (JSON body, or multipart `image` + `parameters`), the input (`url` as http(s), Deep
 * Image's `base64,<data>` or `storage://`), the preset and the upscale limit. An http(s) image is
 * downloaded while the job runs, as Deep Image does: one that cannot be had fails the job.
 */
import { SimulatorError, type SimCall } from '../base';
import type { DeepImageSimulatorConfig } from './config';
import type { NewJob } from './jobs';

/** The presets the simulator knows: the documented ones and `auto_enhance` (seen in the wild). */
export const KNOWN_PRESETS = ['real_estate', 'real_estate_upscaled', 'ecommerce', 'ecommerce_upscaled', 'auto_enhance'];

export const BASE64_PREFIX = 'base64,';

type Body = Record<string, unknown>;

const bad = (message: string) => new SimulatorError(400, message);

function isObject(value: unknown): value is Body {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isHttpUrl(value: unknown): boolean {
	if (typeof value !== 'string') return false;
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

/** Width and height of a PNG (from its header) or undefined for another format. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
	if (bytes.length < 24 || bytes.readUInt32BE(0) !== 0x89504e47) return undefined;
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export function isImage(bytes: Buffer): boolean {
	const starts = (signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
	return starts([0x89, 0x50, 0x4e, 0x47]) || starts([0xff, 0xd8, 0xff]) || (starts([0x52, 0x49, 0x46, 0x46]) && bytes.subarray(8, 12).toString() === 'WEBP');
}

/** The settings and file of a submit, JSON or multipart, as the job keeps them. */
export async function readSubmission(call: SimCall, config: DeepImageSimulatorConfig): Promise<NewJob & { inline?: Buffer }> {
	const tooLarge = 'Request Entity Too Large';
	if (/^multipart\/form-data/i.test(call.req.headers['content-type'] ?? '')) {
		const form = await call.multipart(config.bodyLimitBytes, tooLarge);
		const file = form.files.find((part) => part.field === 'image');
		const text = form.fields.parameters?.[0] ?? '{}';
		let request: unknown;
		try {
			request = JSON.parse(text);
		} catch (error) {
			throw bad(`parameters is not valid JSON: ${(error as Error).message}`);
		}
		if (!isObject(request)) throw bad('parameters must be a JSON object');
		if (!file) {
			if (request.url === undefined) throw bad('No image given: send a file in "image" or a url');
			return { request };
		}
		return { request, upload: { fileName: file.fileName, mimeType: file.mimeType, data: file.data }, inline: file.data };
	}
	const request = await call.json(config.bodyLimitBytes, tooLarge);
	if (!isObject(request)) throw bad('Request body must be a JSON object');
	return { request };
}

/** The 400s Deep Image answers before queueing; returns the inline image, if the request carries one. */
export function checkSubmission(submission: NewJob & { inline?: Buffer }, config: DeepImageSimulatorConfig): Buffer | undefined {
	const { request } = submission;
	let inline = submission.inline;
	if (!inline) {
		const { url } = request;
		if (typeof url !== 'string' || url === '') throw bad('Missing required field: url');
		if (url.startsWith(BASE64_PREFIX)) inline = Buffer.from(url.slice(BASE64_PREFIX.length), 'base64');
		else if (!isHttpUrl(url) && !url.startsWith('storage://')) throw bad('Unidentified image');
	}
	if (inline && !isImage(inline)) throw bad('Unidentified image');
	const preset = request.preset;
	if (preset !== undefined && (typeof preset !== 'string' || !KNOWN_PRESETS.includes(preset))) {
		throw bad(`Preset ${String(preset)} not found!`);
	}
	const webhooks = request.webhooks;
	if (webhooks !== undefined && (!isObject(webhooks) || (webhooks.complete !== undefined && !isHttpUrl(webhooks.complete)))) {
		throw bad('webhooks.complete must be an http(s) URL');
	}
	checkUpscaleLimit(request, inline, config.maxOutputSide);
	return inline;
}

/** A target side in pixels: a number, or a percentage of the input's side when that is known. */
function targetSide(value: unknown, inputSide: number | undefined): number | undefined {
	if (typeof value === 'number') return value;
	if (typeof value !== 'string') return undefined;
	const percent = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
	if (percent) return inputSide === undefined ? undefined : (inputSide * Number(percent[1])) / 100;
	return /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}

function checkUpscaleLimit(request: Body, inline: Buffer | undefined, maxSide: number): void {
	const size = inline ? imageSize(inline) : undefined;
	const width = targetSide(request.width, size?.width) ?? 0;
	const height = targetSide(request.height, size?.height) ?? 0;
	const minLength = typeof request.min_length === 'number' ? request.min_length : 0;
	if (Math.max(width, height, minLength) > maxSide) {
		throw bad(`Image cannot be upscaled above ${maxSide} x ${maxSide} pixels limit.`);
	}
}

/** Downloads an http(s) input as Deep Image would; the job's failure message when that fails. */
export async function inputProblem(url: string, timeoutMs: number): Promise<string | undefined> {
	let response: Response;
	try {
		response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
	} catch {
		return 'Image could not be downloaded from the given url';
	}
	if (!response.ok) return 'Image could not be downloaded from the given url';
	return isImage(Buffer.from(await response.arrayBuffer())) ? undefined : 'Unidentified image';
}
