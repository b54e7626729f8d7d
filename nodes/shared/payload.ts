import type { IDataObject } from 'n8n-workflow';

/** Helpers for reading provider bodies: the toolkit every provider parser uses. */

export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Anything at least this long that decodes as base64 is treated as an inline file, not text. */
const MIN_BASE64_BLOB_LENGTH = 256;
const BASE64_BLOB = /^(data:[\w/+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/;

export function looksLikeBase64Blob(value: unknown): boolean {
	return (
		typeof value === 'string' && value.length >= MIN_BASE64_BLOB_LENGTH && BASE64_BLOB.test(value)
	);
}

/** What stands in a body's copy where a file was cut out. */
export function removedImageMarker(base64: string): string {
	return `[base64 image removed: ${base64.length} chars]`;
}

/** An absolute http(s) URL, as providers give output images. */
export function isHttpUrl(value: unknown): boolean {
	return typeof value === 'string' && /^https?:\/\//i.test(value.trim());
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

/** A deep copy of a provider body with every base64 blob replaced by a short marker. */
export function stripBase64(value: unknown): unknown {
	if (typeof value === 'string' && looksLikeBase64Blob(value)) return removedImageMarker(value);
	if (Array.isArray(value)) return value.map(stripBase64);
	if (isPlainObject(value)) {
		const copy: IDataObject = {};
		for (const [key, entry] of Object.entries(value)) copy[key] = stripBase64(entry) as IDataObject;
		return copy;
	}
	return value;
}

export function toMilliseconds(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
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
