import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';

import { RenderPayloadError } from '../../../nodes/shared/result';
import { isPlainObject } from '../../../nodes/shared/payload';
import type { ParsedRender, RenderResult } from '../../../nodes/shared/result';

/** What every provider's parser test shares: the fixtures, the RenderResult contract, the helpers. */

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');
export const RECEIVED_AT = new Date('2024-05-14T09:30:00.000Z');

/** The two 2x2 PNGs embedded in the fixtures (red and blue); fixtures.test.ts checks their pixels. */
export const RED_PNG =
	'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8DwnwGMgRQAH+4D/dJQfRoAAAAASUVORK5CYII=';
export const BLUE_PNG =
	'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR4nGNgYPgPRmAKABf2A/1+6zfzAAAAAElFTkSuQmCC';

const STATUSES = ['completed', 'failed', 'cancelled', 'timedOut', 'pending', 'running'];
const BASE64_LIKE = /^(data:[\w/+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/;

/** Bodies arrive as JSON: no undefined members. */
export const asJson = (body: unknown): unknown => JSON.parse(JSON.stringify(body));

export function fixture(name: string): IDataObject {
	return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as IDataObject;
}

export function marker(text: string): string {
	return `[base64 image removed: ${text.length} chars]`;
}

export function stringsIn(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.flatMap(stringsIn);
	if (isPlainObject(value)) return Object.values(value).flatMap(stringsIn);
	return [];
}

/** No string in raw is a base64 blob, and none of the images handed out inline is left in it. */
function expectNoBase64(parsed: ParsedRender): void {
	const blobs = stringsIn(parsed.result.raw).filter(
		(text) => text.length > 200 && BASE64_LIKE.test(text),
	);
	expect(blobs).toEqual([]);
	const rawText = JSON.stringify(parsed.result.raw);
	for (const image of [...Object.values(parsed.inlineImages), RED_PNG, BLUE_PNG]) {
		expect(rawText.includes(image)).toBe(false);
	}
}

/** The RenderResult contract, checked on every result any parser returns. */
export function expectRenderResult(parsed: ParsedRender, receivedAt: Date = RECEIVED_AT): RenderResult {
	const { result, inlineImages } = parsed;
	expect(typeof result.provider).toBe('string');
	expect(result.provider).not.toBe('');
	expect(typeof result.jobId).toBe('string');
	expect(result.jobId).not.toBe('');
	expect(STATUSES).toContain(result.status);
	expect(result.receivedAt).toBe(receivedAt.toISOString());
	expect(isPlainObject(result.raw)).toBe(true);
	expect(result.correlationId).toBeUndefined();

	expect(Array.isArray(result.outputs)).toBe(true);
	result.outputs.forEach((output, position) => {
		expect(output.index).toBe(position);
		expect(output.binaryProperty).toBeUndefined();
		expect(output.mimeType).toBeUndefined();
		// A parser names a file only with the provider's own name for it; the engine does the rest.
		if (output.fileName !== undefined) {
			expect(typeof output.fileName).toBe('string');
			expect(output.fileName).not.toBe('');
		}
		if (output.url !== undefined) expect(typeof output.url).toBe('string');
		if (output.thumbnailUrl !== undefined) expect(typeof output.thumbnailUrl).toBe('string');
		// Every output can be turned into a file: by URL, or from the inline base64.
		expect(output.url !== undefined || inlineImages[output.index] !== undefined).toBe(true);
	});
	for (const key of Object.keys(inlineImages)) {
		const output = result.outputs[Number(key)];
		expect(output).toBeDefined();
		expect(output.url).toBeUndefined();
		expect(typeof inlineImages[Number(key)]).toBe('string');
	}

	if (result.error !== undefined) {
		expect(typeof result.error.message).toBe('string');
		expect(result.error.message.length).toBeGreaterThan(0);
		if (result.error.code !== undefined) expect(typeof result.error.code).toBe('string');
	}
	// A job that ended without success always says why.
	if (['failed', 'cancelled', 'timedOut'].includes(result.status))
		expect(result.error).toBeDefined();
	if (result.request !== undefined) expect(isPlainObject(result.request)).toBe(true);
	if (result.timings !== undefined) {
		for (const value of Object.values(result.timings)) {
			expect(typeof value).toBe('number');
			expect(value).toBeGreaterThanOrEqual(0);
		}
	}
	// Plain JSON, no undefined members: what n8n stores is what the parser returned.
	expect(JSON.parse(JSON.stringify(result))).toStrictEqual(result);
	expectNoBase64(parsed);
	return result;
}

export function expectPayloadError(parse: () => unknown, message: string): void {
	let thrown: unknown;
	try {
		parse();
	} catch (error) {
		thrown = error;
	}
	expect(thrown).toBeInstanceOf(RenderPayloadError);
	expect((thrown as Error).message).toBe(message);
}


/** Parses a fixture of one provider folder: `name` is the file name in it. */
export type FixtureParsers = Record<string, (body: unknown) => ParsedRender>;

/**
 * The fixture tests of one provider folder: every file has a parser, every result keeps the
 * contract, no parser changes its body. Returns a reader of the folder's fixtures for the rest.
 */
export function describeFixtures(
	folder: string,
	parsers: FixtureParsers,
): (name: string) => { body: IDataObject; parsed: ParsedRender; result: RenderResult } {
	const path = (name: string): string => `${folder}/${name}`;
	describe(`${folder} fixtures`, () => {
		it('every fixture file has a parser in this test, and every listed fixture exists', () => {
			expect(readdirSync(join(FIXTURES, folder)).sort()).toEqual(Object.keys(parsers).sort());
		});

		it.each(Object.keys(parsers).map(path))('%s satisfies the RenderResult contract', (name) => {
			expectRenderResult(parsers[name.slice(folder.length + 1)](fixture(name)));
		});

		it('does not change the body it parses', () => {
			for (const name of Object.keys(parsers)) {
				const body = fixture(path(name));
				parsers[name](body);
				expect(body).toEqual(fixture(path(name)));
			}
		});
	});
	return (name) => {
		const body = fixture(path(name));
		const parsed = parsers[name](body);
		return { body, parsed, result: expectRenderResult(parsed) };
	};
}
