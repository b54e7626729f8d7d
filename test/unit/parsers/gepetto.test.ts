import type { IDataObject } from 'n8n-workflow';

import {
	parseGepettoCallback,
	parseGepettoJob,
	parseGepettoSyncResponse,
} from '../../../nodes/Gepetto/parser';
import {
	BLUE_PNG,
	RECEIVED_AT,
	RED_PNG,
	asJson,
	describeFixtures,
	expectPayloadError,
	expectRenderResult,
	marker,
} from './contract';

const parseFixture = describeFixtures('gepetto', {
	'callback-seed.json': (body) => parseGepettoCallback(body, RECEIVED_AT),
	'callback-no-output.json': (body) => parseGepettoCallback(body, RECEIVED_AT),
	'job-success.json': (body) => parseGepettoJob('Zp3kq8Lr2VxY7mN1cT0a', body, RECEIVED_AT),
	'submit-pending.json': (body) => parseGepettoJob('', body, RECEIVED_AT),
	'sync-success.json': (body) => parseGepettoSyncResponse(body, RECEIVED_AT),
});

describe('parseGepettoCallback', () => {
	it('reads the seed callback', () => {
		const { body, parsed, result } = parseFixture('callback-seed.json');
		expect(result.provider).toBe('gepetto');
		expect(result.jobId).toBe('xxxxxxxxxxxxxxxxxxx');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([{ index: 0, url: '<Image URL>' }]);
		expect(parsed.inlineImages).toEqual({});
		expect(result.error).toBeUndefined();
		expect(result.request).toBeUndefined();
		expect(result.timings).toBeUndefined();
		expect(result.raw).toEqual(body);
	});

	it('reads a callback without output as failed', () => {
		const { body, result } = parseFixture('callback-no-output.json');
		expect(result.status).toBe('failed');
		expect(result.jobId).toBe('Zp3kq8Lr2VxY7mN1cT0a');
		expect(result.outputs).toEqual([]);
		expect(result.error).toEqual({
			message: "Gepetto's callback for job Zp3kq8Lr2VxY7mN1cT0a carried no output image URL",
		});
		expect(result.raw).toEqual(body);
	});

	it.each([
		[
			'a status and error text',
			{ id: 'g1', status: 'failed', error: 'Model overloaded' },
			{ message: 'Model overloaded' },
		],
		[
			'an error object',
			{ id: 'g1', status: 'error', error: { message: 'Bad mask size' } },
			{ message: 'Bad mask size' },
		],
		[
			'a message and code',
			{ id: 'g1', message: 'Invalid styleId', code: 'BAD_REQUEST' },
			{ message: 'Invalid styleId', code: 'BAD_REQUEST' },
		],
		[
			'only a status',
			{ id: 'g1', status: 'error' },
			{ message: "Gepetto reported job g1 with status 'error' and no error message" },
		],
		[
			'a status other than success next to an output',
			{ id: 'g1', status: 'pending', output: 'https://x.example/a.png' },
			{ message: "Gepetto reported job g1 with status 'pending' and no error message" },
		],
	])('reads a failed callback with %s', (_label, body, error) => {
		const result = expectRenderResult(parseGepettoCallback(body, RECEIVED_AT));
		expect(result.status).toBe('failed');
		expect(result.error).toEqual(error);
	});

	it('accepts an explicit success status', () => {
		const result = parseGepettoCallback({
			id: 'g2',
			status: 'success',
			output: 'https://x.example/a.png',
		}).result;
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([{ index: 0, url: 'https://x.example/a.png' }]);
	});

	it('takes long base64 in output as an inline image', () => {
		const long = `${BLUE_PNG}${'A'.repeat(300)}`;
		const parsed = parseGepettoCallback({ id: 'g3', output: long }, RECEIVED_AT);
		expectRenderResult(parsed);
		expect(parsed.result.outputs).toEqual([{ index: 0 }]);
		expect(parsed.inlineImages).toEqual({ 0: long });
	});

	it.each([
		['null', null, 'null'],
		['a string', 'https://x.example/a.png', 'a string'],
		['an array', ['a'], 'an array of 1 items'],
		['an object missing id', { output: 'https://x.example/a.png' }, 'an object with keys: output'],
		['an object with an empty id', { id: '', output: 'u' }, 'an object with keys: id, output'],
	])('rejects %s', (_label, body, described) => {
		expectPayloadError(
			() => parseGepettoCallback(body),
			`Gepetto callback needs a string 'id' and an 'output' image URL; got ${described}`,
		);
	});
});

describe('parseGepettoJob', () => {
	it('reads a success answer of GET /job/{id}', () => {
		const { body, result } = parseFixture('job-success.json');
		expect(result.jobId).toBe('Zp3kq8Lr2VxY7mN1cT0a');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([
			{ index: 0, url: 'https://storage.googleapis.com/gepetto-renders/Zp3kq8Lr2VxY7mN1cT0a.png' },
		]);
		expect(result.request).toEqual({ mode: 'redesign' });
		expect(result.error).toBeUndefined();
		expect(result.raw).toEqual(body);
	});

	it('reads the submit answer, taking the id from the body when none is given', () => {
		const { result } = parseFixture('submit-pending.json');
		expect(result.jobId).toBe('Zp3kq8Lr2VxY7mN1cT0a');
		expect(result.status).toBe('pending');
		expect(result.outputs).toEqual([]);
		expect(result.request).toEqual({ mode: 'redesign', styleId: 'modern', roomId: 'living_room' });
	});

	it.each([
		[
			'/redesign, which echoes creativity',
			{ status: 'pending', id: 'g9', styleId: 'modern', roomId: 'bedroom', mode: 'redesign', creativity: 15 },
			{ mode: 'redesign', styleId: 'modern', roomId: 'bedroom', creativity: 15 },
		],
		[
			'/sunshine, which echoes a skyId',
			{ status: 'pending', id: 'g9', mode: 'sunshine', skyId: 'blue-sky' },
			{ mode: 'sunshine', skyId: 'blue-sky' },
		],
	])('keeps what the submit answer of %s echoes as request', (_label, body, request) => {
		expect(parseGepettoJob('', body, RECEIVED_AT).result.request).toEqual(request);
	});

	it.each([
		['processing', 'running'],
		['in_progress', 'running'],
		['queued', 'pending'],
		['cancelled', 'cancelled'],
	])('maps status %s to %s', (gepettoStatus, status) => {
		const result = expectRenderResult(
			parseGepettoJob('g4', { status: gepettoStatus }, RECEIVED_AT),
		);
		expect(result.status).toBe(status);
	});

	it.each([
		['failed', { status: 'failed', message: 'GPU error' }, { message: 'GPU error' }],
		[
			'error without text',
			{ status: 'error' },
			{ message: "Gepetto reported job g5 as 'error' without an error message" },
		],
		[
			'success without output',
			{ status: 'success', mode: 'upscale' },
			{ message: "Gepetto reported job g5 as 'success' but sent no image" },
		],
	])('reads %s as failed', (_label, body, error) => {
		const result = expectRenderResult(parseGepettoJob('g5', body, RECEIVED_AT));
		expect(result.status).toBe('failed');
		expect(result.error).toEqual(error);
	});

	it('prefers the id it was given over one in the body', () => {
		expect(parseGepettoJob('asked', { id: 'other', status: 'pending' }).result.jobId).toBe('asked');
	});

	it('rejects a body without status', () => {
		expectPayloadError(
			() => parseGepettoJob('g6', { output: 'https://x.example/a.png' }),
			`Gepetto job status needs a string 'status' (and 'output' once it is "success"); got an object with keys: output`,
		);
		expectPayloadError(
			() => parseGepettoJob('g6', null),
			`Gepetto job status needs a string 'status' (and 'output' once it is "success"); got null`,
		);
	});

	it('rejects a job with no id at all', () => {
		expectPayloadError(
			() => parseGepettoJob('', { status: 'success', output: 'https://x.example/a.png' }),
			'Gepetto job status has no job id: pass the id that was asked for',
		);
	});
});

describe('parseGepettoSyncResponse', () => {
	it('reads the blocking answer as one inline image', () => {
		const { parsed, result } = parseFixture('sync-success.json');
		expect(result.jobId).toBe('sync');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([{ index: 0 }]);
		expect(parsed.inlineImages).toEqual({ 0: RED_PNG });
		expect(result.raw).toEqual({ base64: marker(RED_PNG), status: 'success' });
	});

	it('uses an id when the answer has one and keeps a data URL as given', () => {
		const dataUrl = `data:image/jpeg;base64,${BLUE_PNG}`;
		const parsed = parseGepettoSyncResponse(
			{ id: 'g7', base64: dataUrl, status: 'success' },
			RECEIVED_AT,
		);
		expectRenderResult(parsed);
		expect(parsed.result.jobId).toBe('g7');
		expect(parsed.inlineImages).toEqual({ 0: dataUrl });
	});

	it('reads a failed answer', () => {
		const result = expectRenderResult(
			parseGepettoSyncResponse({ status: 'failed', error: 'Image too small' }, RECEIVED_AT),
		);
		expect(result).toMatchObject({
			jobId: 'sync',
			status: 'failed',
			outputs: [],
			error: { message: 'Image too small' },
		});
	});

	it('reads success without an image as failed', () => {
		const result = expectRenderResult(
			parseGepettoSyncResponse({ status: 'success', base64: '' }, RECEIVED_AT),
		);
		expect(result.error).toEqual({
			message: "Gepetto reported job sync as 'success' but sent no image",
		});
	});

	it('reads a pending submit answer given to it', () => {
		const result = parseGepettoSyncResponse({
			status: 'pending',
			id: 'g8',
			mode: 'furnish',
		}).result;
		expect(result).toMatchObject({ jobId: 'g8', status: 'pending', request: { mode: 'furnish' } });
	});

	it.each([
		['null', null, 'null'],
		['a string', 'iVBOR', 'a string'],
		['an object with neither base64 nor status', { image: 'x' }, 'an object with keys: image'],
	])('rejects %s', (_label, body, described) => {
		expectPayloadError(
			() => parseGepettoSyncResponse(body),
			`Gepetto answer needs a 'base64' image and a 'status'; got ${described}`,
		);
	});
});

/**
 * Property-ish: every combination of status, image shape and error a provider can send gives a
 * result that keeps the contract.
 */
describe('the RenderResult contract over generated bodies', () => {
	const url = 'https://cdn.example.com/img.png';
	const longBase64 = `${BLUE_PNG}${'Q'.repeat(500)}`;

	it('holds for Gepetto', () => {
		const statuses: unknown[] = [
			undefined,
			'success',
			'pending',
			'processing',
			'failed',
			'error',
			'cancelled',
			3,
		];
		const outputs: unknown[] = [undefined, null, '', url, longBase64, [url, url], { url }];
		const extras: IDataObject[] = [
			{},
			{ error: 'x' },
			{ message: 'y', code: 'Z' },
			{ mode: 'redesign', styleId: 'modern' },
		];
		for (const status of statuses)
			for (const output of outputs)
				for (const extra of extras) {
					expectRenderResult(
						parseGepettoCallback(asJson({ id: 'gen', status, output, ...extra }), RECEIVED_AT),
					);
					if (typeof status === 'string') {
						expectRenderResult(
							parseGepettoJob('gen', asJson({ status, output, ...extra }), RECEIVED_AT),
						);
					}
					expectRenderResult(
						parseGepettoSyncResponse(
							asJson({ status, base64: typeof output === 'string' ? output : RED_PNG, ...extra }),
							RECEIVED_AT,
						),
					);
				}
	});
});
