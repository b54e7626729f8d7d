/**
 * The HTTP side of a provider simulator: routes, then for each request the same gateway steps in the
 * same order (fault switches, authentication, the provider's guard, 405, rate limit) before the route's
 * handler runs. Every answered request lands in the request log.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { RateLimiter, sendJson, startServer } from '../http';
import { SimulatorError, parseJsonBody, parseMultipartBody, readLimitedBody } from './body';
import { FaultSwitches, type FaultKind } from './faults';
import { compileRoute, findRoute, type SimCall, type SimRoute } from './routes';

export interface RequestRecord {
	method: string;
	path: string;
	/** The status answered; 0 when the connection closed unanswered (a stall). */
	status: number;
	/** The route's name; absent for a path no route knows. */
	route?: string;
	/** Epoch ms when the request arrived. */
	at: number;
}

export interface SimServerOptions {
	/** Port on 127.0.0.1; 0 picks a free one. */
	port?: number;
	routes: SimRoute[];
	/** Throws a SimulatorError (401, 403, ...) for a request without valid credentials. */
	authenticate?(req: IncomingMessage): void;
	/** Provider checks after authentication and before the route, e.g. an unknown endpoint id: throws. */
	guard?(call: SimCall): void;
	/** The provider's error body for a message (default `{error: message}`). */
	errorBody?(message: string, status: number): unknown;
	/** Fault switches; one is made when not given. */
	faults?: FaultSwitches;
	/** How long every answer waits first (an API's own latency); default none. */
	answerDelayMs?(): number;
	/** Retry-After of the rateLimit fault's 429 (default 1 s). */
	faultRetryAfterMs?: number;
	/** What the garbage fault answers with status 200 (default an HTML 502 page from a proxy). */
	garbage?: { contentType: string; body: string };
}

export interface SimServer {
	/** `http://127.0.0.1:PORT`. */
	url: string;
	port: number;
	faults: FaultSwitches;
	/** Every request, in the order they were answered. */
	requests: RequestRecord[];
	/** Empties the request log and rate-limit history, drops stalled requests (fault switches stay). */
	reset(): void;
	close(): Promise<void>;
}

export const PROXY_ERROR_PAGE =
	'<html><head><title>502 Bad Gateway</title></head><body>upstream connect error or disconnect/reset before headers</body></html>';

/** A 429 answer with Retry-After in whole seconds (at least 1). */
export function tooManyRequests(message: string, retryAfterMs: number): SimulatorError {
	return new SimulatorError(429, message, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) });
}

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
	const routes = options.routes.map(compileRoute);
	const faults = options.faults ?? new FaultSwitches();
	const errorBody = options.errorBody ?? ((message: string) => ({ error: message }));
	const garbage = options.garbage ?? { contentType: 'text/html', body: PROXY_ERROR_PAGE };
	const requests: RequestRecord[] = [];
	const limiters = new Map<string, RateLimiter>();
	const stalled = new Set<ServerResponse>();
	/** Bumped by reset(), so a request of before the reset that ends after it stays out of the new log. */
	let generation = 0;

	function logRequest(req: IncomingMessage, res: ServerResponse, path: string, route?: string): void {
		const record: RequestRecord = { method: req.method ?? 'GET', path, status: 0, at: Date.now() };
		if (route !== undefined) record.route = route;
		const loggedGeneration = generation;
		let logged = false;
		const settle = () => {
			if (logged) return;
			logged = true;
			stalled.delete(res);
			if (loggedGeneration !== generation) return;
			record.status = res.writableFinished ? res.statusCode : 0;
			requests.push(record);
		};
		res.on('finish', settle);
		res.on('close', settle);
	}

	function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers = {}): void {
		// An unread body would stall the keep-alive connection behind this answer.
		req.resume();
		sendJson(res, status, body, headers);
	}

	/** Answers as the fault says; a stall answers nothing. */
	function answerFault(kind: FaultKind, req: IncomingMessage, res: ServerResponse): void {
		req.resume();
		if (kind === 'serverError') return send(req, res, 500, errorBody('Internal Server Error', 500));
		if (kind === 'rateLimit') {
			const error = tooManyRequests('Too Many Requests (simulated)', options.faultRetryAfterMs ?? 1000);
			return send(req, res, 429, errorBody(error.message, 429), error.headers);
		}
		if (kind === 'garbage') {
			res.writeHead(200, { 'content-type': garbage.contentType });
			res.end(garbage.body);
			return;
		}
		stalled.add(res); // stall: never answered; reset() or close() drops the connection
	}

	function rateLimit(call: SimCall, rule: ReturnType<NonNullable<SimRoute['rateLimit']>>): void {
		if (!rule) return;
		const name = `${call.route} ${rule.key}`;
		let limiter = limiters.get(name);
		if (!limiter) limiters.set(name, (limiter = new RateLimiter(rule.limit, rule.windowMs)));
		limiter.limit = rule.limit;
		limiter.windowMs = rule.windowMs;
		const decision = limiter.tryAcquire();
		if (!decision.allowed) throw tooManyRequests(rule.message, decision.retryAfterMs);
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://simulator');
		const method = (req.method ?? 'GET').toUpperCase();
		const match = findRoute(routes, method, url.pathname);
		logRequest(req, res, url.pathname, match.kind === 'none' ? undefined : match.route.name);
		const delayMs = options.answerDelayMs?.() ?? 0;
		if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
		try {
			if (match.kind === 'none') throw new SimulatorError(404, 'Not Found');
			const route = match.route;
			if (route.faults !== false) {
				const fault = faults.draw(route.name);
				if (fault) return answerFault(fault, req, res);
			}
			if (route.auth !== false) options.authenticate?.(req);
			const call: SimCall = {
				req,
				res,
				method,
				url,
				route: route.name,
				params: match.params,
				query: url.searchParams,
				body: (limit, message) => readLimitedBody(req, limit, message),
				json: async (limit, message) => parseJsonBody(await readLimitedBody(req, limit, message)),
				multipart: async (limit, message) =>
					parseMultipartBody(await readLimitedBody(req, limit, message), req.headers['content-type']),
				send: (status, body, headers) => send(req, res, status, body, headers),
			};
			options.guard?.(call);
			if (match.kind === 'wrongMethod') {
				throw new SimulatorError(405, 'Method Not Allowed', { allow: match.allow.join(', ') });
			}
			rateLimit(call, route.rateLimit?.(call));
			await route.handle(call);
		} catch (error) {
			if (!(error instanceof SimulatorError)) throw error;
			if (!res.headersSent) send(req, res, error.statusCode, errorBody(error.message, error.statusCode), error.headers);
		}
	}

	const server = await startServer(handle, options.port ?? 0);

	function dropStalled(): void {
		for (const res of stalled) res.destroy();
		stalled.clear();
	}

	return {
		url: server.url,
		port: server.port,
		faults,
		requests,
		reset() {
			generation++;
			dropStalled();
			requests.length = 0;
			limiters.clear();
		},
		async close() {
			dropStalled();
			await server.close();
		},
	};
}
