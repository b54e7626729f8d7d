/**
 * Request bodies as the simulated APIs read them: raw with a size limit, JSON, and multipart/form-data.
 * Multipart is parsed by Node's own fetch implementation (undici's Request.formData), so the simulators
 * read uploads the way a standards-following server would, with no dependency.
 */
import type { IncomingMessage } from 'http';
import { BodyTooLargeError, readBody } from '../http';

/** An error the simulated API answers with its own status and message. */
export class SimulatorError extends Error {
	constructor(
		readonly statusCode: number,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.name = 'SimulatorError';
	}
}

export interface UploadedFile {
	field: string;
	fileName: string;
	mimeType: string;
	data: Buffer;
}

export interface MultipartBody {
	/** Text fields by name; a name sent several times keeps every value, in order. */
	fields: Record<string, string[]>;
	/** File parts in the order they were sent. */
	files: UploadedFile[];
}

/** `limitBytes` in the words the simulators use in their 413 answers. */
export function describeLimit(limitBytes: number): string {
	const megabytes = Math.round((limitBytes / 1_000_000) * 100) / 100;
	return megabytes > 0 ? `${megabytes} MB (${limitBytes} bytes)` : `${limitBytes} bytes`;
}

/** Reads the whole body; more than `limitBytes` is answered 413 with `tooLargeMessage`. */
export async function readLimitedBody(
	req: IncomingMessage,
	limitBytes: number,
	tooLargeMessage = `Request body too large: at most ${describeLimit(limitBytes)}`,
): Promise<Buffer> {
	try {
		return await readBody(req, limitBytes);
	} catch (error) {
		if (error instanceof BodyTooLargeError) throw new SimulatorError(413, tooLargeMessage);
		throw error;
	}
}

/** Parses JSON; an empty body is `emptyValue`; anything unparsable is answered 400. */
export function parseJsonBody(raw: Buffer, emptyValue: unknown = {}): unknown {
	if (raw.length === 0) return emptyValue;
	try {
		return JSON.parse(raw.toString('utf8'));
	} catch (error) {
		throw new SimulatorError(400, `Invalid JSON body: ${(error as Error).message}`);
	}
}

/** Parses a multipart/form-data body; another content type or a broken body is answered 400. */
export async function parseMultipartBody(raw: Buffer, contentType: string | undefined): Promise<MultipartBody> {
	if (!contentType || !/^multipart\/form-data\s*;.*boundary=/i.test(contentType)) {
		throw new SimulatorError(400, 'Expected a multipart/form-data body with a boundary');
	}
	let form: FormData;
	try {
		form = await new Request('http://simulator/', {
			method: 'POST',
			headers: { 'content-type': contentType },
			body: raw,
		}).formData();
	} catch (error) {
		throw new SimulatorError(400, `Invalid multipart body: ${(error as Error).message}`);
	}
	const body: MultipartBody = { fields: {}, files: [] };
	for (const [field, value] of form.entries()) {
		if (typeof value === 'string') {
			(body.fields[field] ??= []).push(value);
		} else {
			body.files.push({
				field,
				fileName: value.name,
				mimeType: value.type || 'application/octet-stream',
				data: Buffer.from(await value.arrayBuffer()),
			});
		}
	}
	return body;
}
