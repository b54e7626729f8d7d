/**
 * Small HTTP helpers shared by the provider simulators: a throwaway server, a bounded body reader, JSON
 * answers, a sliding-window rate limiter and a JSON POST for callbacks. Nothing provider-specific here.
 */
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface RunningServer {
	/** `http://127.0.0.1:PORT`, no trailing slash. */
	url: string;
	port: number;
	server: http.Server;
	/** Stops listening and drops open (keep-alive) connections. */
	close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1, on `port` or a free one. A handler that throws answers 500. */
export async function startServer(handler: RequestHandler, port = 0): Promise<RunningServer> {
	const server = http.createServer((req, res) => {
		Promise.resolve()
			.then(() => handler(req, res))
			.catch((error: unknown) => {
				if (!res.headersSent) {
					sendJson(res, 500, { error: `Simulator handler failed: ${(error as Error)?.message ?? error}` });
				} else {
					res.destroy();
				}
			});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port: boundPort } = server.address() as AddressInfo;
	let closing: Promise<void> | undefined;
	return {
		url: `http://127.0.0.1:${boundPort}`,
		port: boundPort,
		server,
		close() {
			closing ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}

/** Thrown by readBody when a request body is larger than allowed. */
export class BodyTooLargeError extends Error {
	constructor(
		readonly limitBytes: number,
		/** Bytes read, or the declared content-length, when the limit was found exceeded. */
		readonly receivedBytes: number,
	) {
		super(`Request body exceeds the limit of ${limitBytes} bytes`);
		this.name = 'BodyTooLargeError';
	}
}

/**
 * Reads a request body, refusing more than `limitBytes`. Past the limit nothing more is kept: the rest is
 * read and thrown away, so the client can finish sending and actually sees the error answer (closing the
 * socket mid-upload would show it a connection reset instead). A body far past the limit gets the socket
 * destroyed.
 */
export function readBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
	const discardCeiling = limitBytes * 4 + 1024 * 1024;
	return new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let received = 0;
		let tooLarge = false;

		const refuse = (size: number) => {
			tooLarge = true;
			chunks.length = 0;
			reject(new BodyTooLargeError(limitBytes, size));
		};

		// A declared length over the limit is refused before any byte is read.
		const declared = Number(req.headers['content-length']);
		if (Number.isFinite(declared) && declared > limitBytes) refuse(declared);

		req.on('data', (data: Buffer) => {
			received += data.length;
			if (tooLarge) {
				if (received > discardCeiling) req.destroy();
				return;
			}
			if (received > limitBytes) {
				refuse(received);
				return;
			}
			chunks.push(data);
		});
		req.on('end', () => {
			if (!tooLarge) resolve(Buffer.concat(chunks));
		});
		req.on('error', (error) => {
			if (!tooLarge) reject(error);
		});
	});
}

export function sendJson(
	res: http.ServerResponse,
	status: number,
	body: unknown,
	headers: http.OutgoingHttpHeaders = {},
): void {
	const payload = Buffer.from(JSON.stringify(body));
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': payload.length,
		...headers,
	});
	res.end(payload);
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Sliding-window limiter: at most `limit` events per `windowMs` for each key. `limit` and `windowMs` are
 * public so a simulator can change them while running.
 */
export class RateLimiter {
	private readonly events = new Map<string, number[]>();

	constructor(
		public limit: number,
		public windowMs: number,
	) {}

	/** Records an event for `key` if it fits in the window; otherwise says how long until it would. */
	tryAcquire(key = '', now = Date.now()): RateDecision {
		const windowStart = now - this.windowMs;
		const times = (this.events.get(key) ?? []).filter((time) => time > windowStart);
		if (times.length >= this.limit) {
			this.events.set(key, times);
			const oldestThatMustExpire = times[times.length - this.limit];
			return { allowed: false, retryAfterMs: Math.max(1, oldestThatMustExpire + this.windowMs - now) };
		}
		times.push(now);
		this.events.set(key, times);
		return { allowed: true };
	}

	reset(): void {
		this.events.clear();
	}
}

export interface PostJsonResult {
	statusCode: number;
	body: string;
}

/** POSTs JSON (http or https) and resolves with the status and text body; rejects on network errors. */
export function postJson(
	url: string,
	body: unknown,
	options: { timeoutMs?: number; headers?: http.OutgoingHttpHeaders; signal?: AbortSignal } = {},
): Promise<PostJsonResult> {
	const payload = Buffer.from(JSON.stringify(body));
	const target = new URL(url);
	const transport = target.protocol === 'https:' ? https : http;
	return new Promise<PostJsonResult>((resolve, reject) => {
		const request = transport.request(
			target,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': payload.length, ...options.headers },
				signal: options.signal,
				timeout: options.timeoutMs,
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (data: Buffer) => chunks.push(data));
				response.on('end', () =>
					resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
				);
				response.on('error', reject);
			},
		);
		request.on('timeout', () => request.destroy(new Error(`No answer within ${options.timeoutMs} ms`)));
		request.on('error', reject);
		request.end(payload);
	});
}
