import type { IDataObject } from 'n8n-workflow';

import { RenderPayloadError } from './result';
import type { ParsedRender, RenderError, RenderOutput, RenderResult, RenderStatus } from './result';

/**
 * Helpers for reading provider bodies: the toolkit every provider parser uses, so that a parser
 * says only what is particular to its provider (field names, statuses, default messages).
 */

export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of an unexpected body, for error messages. */
export function describeValue(value: unknown): string {
	if (value === null) return 'null';
	if (value === undefined) return 'nothing';
	if (Array.isArray(value)) return `an array of ${value.length} items`;
	if (isPlainObject(value)) {
		const keys = Object.keys(value);
		return keys.length ? `an object with keys: ${keys.join(', ')}` : 'an empty object';
	}
	return `a ${typeof value}`;
}

/** The error a parser throws for a body that is not its provider's shape: what it needs, what came. */
export function unexpectedBody(expectation: string, body: unknown): RenderPayloadError {
	return new RenderPayloadError(`${expectation}; got ${describeValue(body)}`);
}

/**
 * A body that names its job: a non-empty string id in `idField` and a string `status`. Any other
 * body is not the provider's shape: `expectation` says what was needed.
 */
export function jobBody(
	body: unknown,
	idField: string,
	expectation: string,
): { body: IDataObject; jobId: string; reportedStatus: string } {
	if (!isPlainObject(body)) throw unexpectedBody(expectation, body);
	const { [idField]: jobId, status } = body;
	if (typeof jobId !== 'string' || jobId === '' || typeof status !== 'string') {
		throw unexpectedBody(expectation, body);
	}
	return { body, jobId, reportedStatus: status };
}

/** A provider's status words by the RenderStatus each means, in the order its docs list them. */
export function statusWords(
	table: Partial<Record<RenderStatus, readonly string[]>>,
): ReadonlyMap<string, RenderStatus> {
	const entries = Object.entries(table) as Array<[RenderStatus, readonly string[]]>;
	return new Map(entries.flatMap(([status, words]) => words.map((word) => [word, status] as const)));
}

/**
 * The RenderStatus of a provider's status word. `subject` names the job in the error (e.g. "Acme job
 * j1"); a word the table does not know is an unknown shape, never guessed.
 */
export function knownStatus(
	statuses: ReadonlyMap<string, RenderStatus>,
	reported: string,
	subject: string,
): RenderStatus {
	const status = statuses.get(reported);
	if (status === undefined) {
		throw new RenderPayloadError(
			`${subject} has the unknown status '${reported}'; expected one of ${[...statuses.keys()].join(', ')}`,
		);
	}
	return status;
}

// ---------------------------------------------------------------------------------------------
// Base64

/** Base64 text, optionally as a data URL. */
const BASE64_TEXT = /^(data:[\w/+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/;

/** Anything at least this long that decodes as base64 is treated as an inline file, not text. */
const MIN_BASE64_BLOB_LENGTH = 256;

/**
 * Base64 text (bare or as a data URL) of at least `minLength` characters. Where a field is known to
 * hold a file, any length counts; in an unnamed place only a long one is taken for a file.
 */
export function isBase64Text(value: unknown, minLength = 1): value is string {
	return typeof value === 'string' && value.length >= minLength && BASE64_TEXT.test(value);
}

export function looksLikeBase64Blob(value: unknown): boolean {
	return isBase64Text(value, MIN_BASE64_BLOB_LENGTH);
}

/** What stands in a body's copy where a file was cut out. */
export function removedImageMarker(base64: string): string {
	return `[base64 image removed: ${base64.length} chars]`;
}

/**
 * A deep copy of a provider body where every string that is a file is replaced by a short marker:
 * every base64 blob, and every string `isFile` picks (files the provider's shape names, even short).
 */
export function withoutFiles(value: unknown, isFile: (text: string) => boolean = () => false): unknown {
	if (typeof value === 'string') {
		return isFile(value) || looksLikeBase64Blob(value) ? removedImageMarker(value) : value;
	}
	if (Array.isArray(value)) return value.map((entry: unknown) => withoutFiles(entry, isFile));
	if (isPlainObject(value)) {
		const copy: IDataObject = {};
		for (const [key, entry] of Object.entries(value)) copy[key] = withoutFiles(entry, isFile) as IDataObject;
		return copy;
	}
	return value;
}

/** A deep copy of a provider body with every base64 blob replaced by a short marker. */
export function stripBase64(value: unknown): unknown {
	return withoutFiles(value);
}

// ---------------------------------------------------------------------------------------------
// Images and the result

/** An absolute http(s) URL, as providers give output images. */
export function isHttpUrl(value: unknown): boolean {
	return typeof value === 'string' && /^https?:\/\//i.test(value.trim());
}

/**
 * An image a provider delivered: a URL to fetch (with its thumbnail, if any), or base64 to decode;
 * with the provider's own name for the file, when it gives one (it becomes RenderOutput.fileName).
 */
export type FoundImage = ({ url: string; thumbnailUrl?: string } | { base64: string }) & { fileName?: string };

export function toMilliseconds(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Fields of a provider body that echo what was asked for, or nothing when none is there. */
export function echoedRequest(body: IDataObject, fields: readonly string[]): IDataObject | undefined {
	const request: IDataObject = {};
	for (const field of fields) {
		if (body[field] !== undefined && body[field] !== null) request[field] = body[field];
	}
	return Object.keys(request).length ? request : undefined;
}

export interface RenderParts {
	provider: string;
	jobId: string;
	status: RenderStatus;
	/** The job's images in the provider's order: each becomes one output, the same index. */
	images: readonly FoundImage[];
	receivedAt: Date;
	/** The provider's body without its files (see `withoutFiles`). */
	raw: IDataObject;
	error?: RenderError;
	request?: IDataObject;
	timings?: RenderResult['timings'];
}

/** The ParsedRender of a job: URL images become outputs with a URL, base64 ones inline images. */
export function parsedRender(parts: RenderParts): ParsedRender {
	const inlineImages: Record<number, string> = {};
	const outputs: RenderOutput[] = parts.images.map((image, index) => {
		const named = (output: RenderOutput): RenderOutput =>
			image.fileName ? { ...output, fileName: image.fileName } : output;
		if ('base64' in image) {
			inlineImages[index] = image.base64;
			return named({ index });
		}
		return named(
			image.thumbnailUrl === undefined
				? { index, url: image.url }
				: { index, url: image.url, thumbnailUrl: image.thumbnailUrl },
		);
	});
	const result: RenderResult = {
		provider: parts.provider,
		jobId: parts.jobId,
		status: parts.status,
		outputs,
		receivedAt: parts.receivedAt.toISOString(),
		raw: parts.raw,
	};
	if (parts.error) result.error = parts.error;
	if (parts.request) result.request = parts.request;
	if (parts.timings) result.timings = parts.timings;
	return { result, inlineImages };
}

// ---------------------------------------------------------------------------------------------
// Errors

/** The first candidate that is a string with more than white space in it. */
export function firstText(candidates: readonly unknown[]): string | undefined {
	return candidates.find(
		(candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '',
	);
}

/**
 * A RenderError in the provider's own words: the first message candidate with text, and the first
 * code candidate that is a non-empty string, if any. Nothing when no candidate has text.
 */
export function providerError(
	messages: readonly unknown[],
	codes: readonly unknown[] = [],
): RenderError | undefined {
	const message = firstText(messages);
	if (message === undefined) return undefined;
	const code = codes.find((candidate): candidate is string => typeof candidate === 'string' && candidate !== '');
	return code === undefined ? { message } : { message, code };
}

/** The provider's own words from an error body: `error`, `error.message`, `message` or `detail`. */
export function providerErrorMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim().slice(0, 500) || undefined;
	if (!isPlainObject(body)) return undefined;
	const { error, message, detail } = body;
	if (typeof error === 'string' && error) return error;
	if (isPlainObject(error) && typeof error.message === 'string') return error.message;
	if (typeof message === 'string' && message) return message;
	if (typeof detail === 'string' && detail) return detail;
	return undefined;
}
