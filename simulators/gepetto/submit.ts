/**
 * What each render endpoint accepts: the body checks Gepetto makes before it starts a job, answered
 * 400 with `{error}` (Gepetto's error body is undocumented). Images are fetched as Gepetto would: an
 * unreachable URL or a file that is no image is refused.
 */
import { SimulatorError } from '../base';
import { FLOOR_VALUES, FURNITURES, ROOMS, SKIES, STAGING_V1_ROOMS, STAGING_V2_ROOMS, STYLES, WALL_VALUES, ids } from './catalog';

type Body = Record<string, unknown>;

/** Each endpoint's mode (echoed in answers) and its own checks after `url`. */
export const RENDER_ENDPOINTS: Record<string, { mode: string; check(body: Body): void; imageFields: string[] }> = {
	'/redesign': { mode: 'redesign', check: checkRedesign, imageFields: ['url', 'mask'] },
	'/creative-redesign': { mode: 'creative-redesign', check: (body) => requireStyleAndRoom(body), imageFields: ['url'] },
	'/furnish': { mode: 'furnish', check: checkFurnish, imageFields: ['url', 'mask'] },
	'/smart-staging-v2': { mode: 'smart-staging-v2', check: (body) => checkStaging(body, STAGING_V2_ROOMS), imageFields: ['url'] },
	'/smart-staging': { mode: 'smart-staging', check: (body) => checkStaging(body, STAGING_V1_ROOMS), imageFields: ['url'] },
	'/refresh': { mode: 'refresh', check: checkRefresh, imageFields: ['url'] },
	'/declutter': { mode: 'declutter', check: () => undefined, imageFields: ['url', 'mask'] },
	'/sunshine': { mode: 'sunshine', check: checkSunshine, imageFields: ['url'] },
	'/upscale': { mode: 'upscale', check: () => undefined, imageFields: ['url'] },
};

const bad = (message: string) => new SimulatorError(400, message);

function isObject(value: unknown): value is Body {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: unknown): value is string {
	if (typeof value !== 'string') return false;
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

function oneOf(body: Body, field: string, allowed: string[], label = field): void {
	const value = body[field];
	if (value === undefined || value === null || value === '') throw bad(`Missing required field: ${label}`);
	if (typeof value !== 'string' || !allowed.includes(value)) throw bad(`Unknown ${label} '${String(value)}'`);
}

function requireStyleAndRoom(body: Body): void {
	oneOf(body, 'styleId', ids(STYLES));
	oneOf(body, 'roomId', ids(ROOMS));
}

function checkRedesign(body: Body): void {
	requireStyleAndRoom(body);
	const { creativity } = body;
	if (typeof creativity !== 'number' || !Number.isFinite(creativity) || creativity < 0 || creativity > 30) {
		throw bad('creativity must be a number between 0 and 30');
	}
	for (const toggle of ['preserveWindows', 'preserveWalls', 'preserveCeiling', 'preserveFloor']) {
		if (body[toggle] !== undefined && typeof body[toggle] !== 'boolean') throw bad(`${toggle} must be true or false`);
	}
}

function checkFurnish(body: Body): void {
	oneOf(body, 'styleId', ids(STYLES));
	const hasRoom = body.roomId !== undefined && body.roomId !== '';
	const hasFurniture = body.furnitureId !== undefined && body.furnitureId !== '';
	if (hasRoom && hasFurniture) throw bad('roomId and furnitureId cannot be used together');
	if (hasFurniture) oneOf(body, 'furnitureId', ids(FURNITURES));
	else oneOf(body, 'roomId', ids(ROOMS), 'roomId or furnitureId');
}

function checkStaging(body: Body, rooms: string[]): void {
	oneOf(body, 'styleId', ids(STYLES));
	oneOf(body, 'roomId', rooms);
}

function checkRefresh(body: Body): void {
	oneOf(body, 'transformation', ['walls', 'floor']);
	oneOf(body, 'value', body.transformation === 'floor' ? FLOOR_VALUES : WALL_VALUES);
}

function checkSunshine(body: Body): void {
	if (body.skyId !== undefined && body.skyId !== '') oneOf(body, 'skyId', ids(SKIES));
}

/** Checks a parsed render body: shape, fields, webhook. Images are checked separately (fetchImage). */
export function checkRenderBody(path: string, body: unknown): Body {
	if (!isObject(body)) throw bad('Request body must be a JSON object');
	if (body.url === undefined || body.url === '') throw bad('Missing required field: url');
	if (!isHttpUrl(body.url)) throw bad('url must be an http(s) URL of an image');
	if (body.mask !== undefined && !isHttpUrl(body.mask)) throw bad('mask must be an http(s) URL of an image');
	if (body.webhook !== undefined && !isHttpUrl(body.webhook)) throw bad('webhook must be an http(s) URL');
	RENDER_ENDPOINTS[path].check(body);
	return body;
}

const SIGNATURES: Array<[string, number[]]> = [
	['png', [0x89, 0x50, 0x4e, 0x47]],
	['jpeg', [0xff, 0xd8, 0xff]],
	['webp', [0x52, 0x49, 0x46, 0x46]],
];

/** Downloads an input image as Gepetto would; unreachable or not an image is answered 400. */
export async function fetchImage(field: string, url: string, timeoutMs: number): Promise<Buffer> {
	let response: Response;
	try {
		response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
	} catch (error) {
		throw bad(`Could not download the image at ${field} (${url}): ${(error as Error).message}`);
	}
	if (!response.ok) throw bad(`Could not download the image at ${field} (${url}): HTTP ${response.status}`);
	const bytes = Buffer.from(await response.arrayBuffer());
	const isImage = SIGNATURES.some(([, signature]) => signature.every((byte, index) => bytes[index] === byte));
	if (!isImage) {
		const type = response.headers.get('content-type') ?? 'unknown type';
		throw bad(`The file at ${field} (${url}) is not an image (${type})`);
	}
	return bytes;
}
