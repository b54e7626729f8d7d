import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';

import type { IDataObject } from 'n8n-workflow';

/**
 * What n8n's express request carries by the time a node's webhook() reads it (raw body reader,
 * body parser, query parser). Nodes reach it through `this.getRequestObject()` and friends.
 */
export interface HarnessRequest extends IncomingMessage {
	method: string;
	url: string;
	path: string;
	query: IDataObject;
	params: Record<string, string>;
	body: unknown;
	rawBody: Buffer;
	/** Media type without parameters, as n8n's `parseIncomingMessage` sets it. */
	contentType?: string;
	encoding: BufferEncoding;
	readRawBody(): Promise<void>;
	get(headerName: string): string | undefined;
	header(headerName: string): string | undefined;
}

/** The express response methods node code calls, on top of node's ServerResponse. */
export interface HarnessResponse extends ServerResponse {
	status(code: number): HarnessResponse;
	json(body: unknown): HarnessResponse;
	send(body?: unknown): HarnessResponse;
	sendStatus(code: number): HarnessResponse;
	set(field: string | Record<string, string>, value?: string): HarnessResponse;
	header(field: string | Record<string, string>, value?: string): HarnessResponse;
	get(field: string): string | undefined;
	type(contentType: string): HarnessResponse;
}

/** An HTTP error that becomes `{ code, message, hint }` like n8n's ResponseError. */
export class HttpError extends Error {
	constructor(
		readonly httpStatus: number,
		message: string,
		readonly hint?: string,
		/** n8n's `code` field: the status for its ResponseErrors, 0 for anything else. */
		readonly errorCode: number = httpStatus,
	) {
		super(message);
	}
}

const ENCODINGS = new Set<string>(['utf8', 'utf-8', 'latin1', 'ascii', 'utf16le', 'ucs2', 'base64']);

function parseContentType(header: string | undefined): { contentType?: string; encoding: BufferEncoding } {
	if (!header) return { encoding: 'utf8' };
	const [mediaType, ...parameters] = header.split(';').map((part) => part.trim());
	const charset = parameters
		.map((parameter) => parameter.split('='))
		.find(([key]) => key.toLowerCase() === 'charset')?.[1]
		?.toLowerCase()
		.replace(/"/g, '');
	const encoding = (charset && ENCODINGS.has(charset) ? charset : 'utf8') as BufferEncoding;
	return { contentType: mediaType.toLowerCase(), encoding };
}

/**
 * Reads the whole body; past the limit it keeps draining (so the answer reaches the client) but
 * stops buffering. n8n 2.40.7 answers an oversized webhook body with a 500 "There was a problem
 * executing the workflow" (seen against a real server), not with a 413.
 */
const OVERSIZED_BODY_MESSAGE = 'There was a problem executing the workflow';

async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > limitBytes) {
		req.resume();
		throw new HttpError(500, OVERSIZED_BODY_MESSAGE);
	}
	return await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let received = 0;
		req.on('data', (chunk: Buffer) => {
			received += chunk.length;
			if (received <= limitBytes) chunks.push(chunk);
		});
		req.on('error', reject);
		req.on('end', () => {
			if (received > limitBytes) reject(new HttpError(500, OVERSIZED_BODY_MESSAGE));
			else resolve(Buffer.concat(chunks));
		});
	});
}

/**
 * Reads and parses the body the way n8n does before a webhook node runs (rawBodyReader with
 * N8N_PAYLOAD_SIZE_MAX, then parseBody): JSON → object, urlencoded → object, text/plain → string.
 * Unparsable JSON is answered with n8n's UnprocessableRequestError (422) before any node runs.
 */
export async function toHarnessRequest(
	req: IncomingMessage,
	options: { payloadSizeMaxBytes: number; invalidJsonStatus: number },
): Promise<HarnessRequest> {
	const request = req as HarnessRequest;
	const url = new URL(req.url ?? '/', 'http://localhost');
	const { contentType, encoding } = parseContentType(req.headers['content-type']);
	request.path = url.pathname;
	request.query = parseQueryString(url.search.slice(1)) as IDataObject;
	request.params = {};
	request.contentType = contentType;
	request.encoding = encoding;
	request.get = (headerName) => {
		const value = req.headers[headerName.toLowerCase()];
		return Array.isArray(value) ? value.join(', ') : value;
	};
	request.header = request.get;
	request.rawBody = await readBody(req, options.payloadSizeMaxBytes);
	request.readRawBody = async () => {};

	request.body = {};
	if (request.rawBody.length === 0) return request;
	const text = request.rawBody.toString(encoding);
	if (contentType === 'application/json' || contentType?.endsWith('+json')) {
		try {
			request.body = JSON.parse(text);
		} catch (error) {
			throw new HttpError(options.invalidJsonStatus, 'Failed to parse request body', (error as Error).message);
		}
	} else if (contentType === 'application/x-www-form-urlencoded') {
		request.body = parseQueryString(text);
	} else if (contentType === 'text/plain') {
		request.body = text;
	}
	return request;
}

/** Adds the express response methods that node code uses to node's ServerResponse. */
export function toHarnessResponse(res: ServerResponse): HarnessResponse {
	const response = res as HarnessResponse;
	response.status = (code) => {
		response.statusCode = code;
		return response;
	};
	response.set = (field, value) => {
		if (typeof field === 'string') response.setHeader(field, value ?? '');
		else for (const [name, headerValue] of Object.entries(field)) response.setHeader(name, headerValue);
		return response;
	};
	response.header = response.set;
	response.get = (field) => {
		const value = response.getHeader(field);
		return value === undefined ? undefined : String(value);
	};
	response.type = (contentType) => response.set('content-type', contentType.includes('/') ? contentType : `application/${contentType}`);
	response.json = (body) => {
		if (!response.hasHeader('content-type')) response.setHeader('content-type', 'application/json; charset=utf-8');
		response.end(JSON.stringify(body));
		return response;
	};
	response.send = (body) => {
		if (body === undefined || body === null) {
			response.end();
		} else if (Buffer.isBuffer(body)) {
			if (!response.hasHeader('content-type')) response.setHeader('content-type', 'application/octet-stream');
			response.end(body);
		} else if (typeof body === 'string') {
			if (!response.hasHeader('content-type')) response.setHeader('content-type', 'text/html; charset=utf-8');
			response.end(body);
		} else {
			response.json(body);
		}
		return response;
	};
	response.sendStatus = (code) => {
		response.statusCode = code;
		return response.send(String(code));
	};
	return response;
}

/** Sends a JSON body unless the response was already sent (e.g. by the node itself). */
export function sendJson(res: HarnessResponse, statusCode: number, body: unknown, headers: IDataObject = {}): void {
	if (res.headersSent || res.writableEnded) return;
	res.statusCode = statusCode;
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, String(value));
	if (body === undefined) {
		res.end();
	} else if (typeof body === 'string' || Buffer.isBuffer(body)) {
		res.send(body);
	} else {
		res.json(body);
	}
}

/** n8n's error body: `{ code, message, hint }`. */
export function sendError(res: HarnessResponse, error: unknown): void {
	if (error instanceof HttpError) {
		sendJson(res, error.httpStatus, {
			code: error.errorCode,
			message: error.message,
			...(error.hint && { hint: error.hint }),
		});
		return;
	}
	sendJson(res, 500, { code: 0, message: error instanceof Error ? error.message : String(error) });
}
