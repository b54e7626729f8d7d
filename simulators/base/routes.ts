/**
 * Route patterns for the simulated APIs: `/v2/:endpointId/status/:jobId`, where `:name` takes one
 * segment and a final `*` takes one or more. Matching is by path first, so a known path asked with the
 * wrong method can be answered 405 (after faults and auth, like a gateway in front of the API would).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { MultipartBody } from './body';

/** One request as a route handler sees it. */
export interface SimCall {
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	url: URL;
	/** The route's name (see SimRoute.name). */
	route: string;
	/** Decoded `:name` segments of the path. */
	params: Record<string, string>;
	query: URLSearchParams;
	/** The raw body; past `limitBytes` the call is answered 413 with `tooLargeMessage`. */
	body(limitBytes: number, tooLargeMessage?: string): Promise<Buffer>;
	/** The body as JSON (empty: `{}`); invalid JSON is answered 400. */
	json(limitBytes: number, tooLargeMessage?: string): Promise<unknown>;
	/** The body as multipart/form-data; anything else is answered 400. */
	multipart(limitBytes: number, tooLargeMessage?: string): Promise<MultipartBody>;
	/** Answers JSON. */
	send(status: number, body: unknown, headers?: Record<string, string>): void;
}

export interface RateLimitRule {
	/** Requests allowed per window; the limiter is kept per route and key. */
	limit: number;
	windowMs: number;
	/** Whose budget this request uses (an endpoint, a user, an API key). */
	key: string;
	/** The 429 answer's message. */
	message: string;
}

export interface SimRoute {
	/** Names the route in fault switches, rate limits and the request log. */
	name: string;
	/** HTTP method, or `*` for a catch-all considered only when no other route's path matches. */
	method: string;
	path: string;
	/** Checked against the server's authenticate (default true). */
	auth?: boolean;
	/** Fault switches apply (default true). */
	faults?: boolean;
	/** Read for every request, so limits can change while running; undefined: unlimited. */
	rateLimit?(call: SimCall): RateLimitRule | undefined;
	handle(call: SimCall): void | Promise<void>;
}

type Segment = { literal: string } | { param: string } | { rest: true };

export interface CompiledRoute extends SimRoute {
	segments: Segment[];
}

export function compileRoute(route: SimRoute): CompiledRoute {
	const parts = route.path.split('/').filter(Boolean);
	const segments = parts.map((part, index): Segment => {
		if (part === '*') {
			if (index !== parts.length - 1) throw new Error(`Route ${route.name}: '*' must end the path ${route.path}`);
			return { rest: true };
		}
		return part.startsWith(':') ? { param: part.slice(1) } : { literal: part };
	});
	return { ...route, segments };
}

/** The decoded params when `path` fits the route, else undefined. */
function matchPath(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
	const params: Record<string, string> = {};
	for (let index = 0; index < route.segments.length; index++) {
		const segment = route.segments[index];
		if ('rest' in segment) return parts.length > index ? params : undefined;
		const part = parts[index];
		if (part === undefined) return undefined;
		if ('literal' in segment) {
			if (segment.literal !== part) return undefined;
		} else {
			try {
				params[segment.param] = decodeURIComponent(part);
			} catch {
				return undefined;
			}
		}
	}
	return parts.length === route.segments.length ? params : undefined;
}

export type RouteMatch =
	| { kind: 'found'; route: CompiledRoute; params: Record<string, string> }
	| { kind: 'wrongMethod'; route: CompiledRoute; params: Record<string, string>; allow: string[] }
	| { kind: 'none' };

export function findRoute(routes: readonly CompiledRoute[], method: string, pathname: string): RouteMatch {
	const parts = pathname.split('/').filter(Boolean);
	let wrongMethod: Extract<RouteMatch, { kind: 'wrongMethod' }> | undefined;
	for (const route of routes) {
		if (route.method === '*') continue;
		const params = matchPath(route, parts);
		if (!params) continue;
		if (route.method === method) return { kind: 'found', route, params };
		if (wrongMethod) wrongMethod.allow.push(route.method);
		else wrongMethod = { kind: 'wrongMethod', route, params, allow: [route.method] };
	}
	if (wrongMethod) return wrongMethod;
	for (const route of routes) {
		if (route.method !== '*') continue;
		const params = matchPath(route, parts);
		if (params) return { kind: 'found', route, params };
	}
	return { kind: 'none' };
}
