import { isFailedJobAnswer, parseDeepImageCallback, parseDeepImageJob, requestWithoutImages } from '../../../nodes/DeepImage/parser';
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

const parseFixture = describeFixtures('deepimage', {
	'callback-seed.json': (body) => parseDeepImageCallback(body, RECEIVED_AT),
	'callback-without-result-url.json': (body) => parseDeepImageCallback(body, RECEIVED_AT),
	'job-complete.json': (body) => parseDeepImageJob(body, RECEIVED_AT),
	'job-in-progress.json': (body) => parseDeepImageJob(body, RECEIVED_AT),
	'job-failed-500.json': (body) => parseDeepImageJob(body, RECEIVED_AT),
});

describe('parseDeepImageCallback', () => {
	it('reads the seed callback with the seed request as data', () => {
		const { body, parsed, result } = parseFixture('callback-seed.json');
		expect(result.provider).toBe('deepImage');
		expect(result.jobId).toBe('ce0e7624-634e-11ee-a699-0242ac14000b');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([
			{
				index: 0,
				url: 'https://localhost:8073/images/2023-10-05/1f48bcdb-0117-49aa-b9e3-c5df10680642.png',
			},
		]);
		expect(parsed.inlineImages).toEqual({});
		expect(result.error).toBeUndefined();
		expect(result.request).toEqual({
			url: 'https://deep-image.ai/api-example.png',
			width: 1000,
			height: 1000,
			webhooks: { complete: 'https://YOUR-WEBHOOK' },
		});
		expect(result.raw).toEqual(body);
	});

	it('reads a callback without result_url as failed', () => {
		const { body, result } = parseFixture('callback-without-result-url.json');
		expect(result.status).toBe('failed');
		expect(result.outputs).toEqual([]);
		expect(result.error).toEqual({
			message:
				'Deep Image reported job 0b7d1e52-8a3c-11ee-b9d1-0242ac120002 finished without a result_url',
		});
		expect(result.request).toEqual(body.data);
	});

	it.each([
		['null', null],
		['an empty string', ''],
	])('reads result_url as %s as missing', (_label, resultUrl) => {
		const result = parseDeepImageCallback({ job: 'd1', result_url: resultUrl }).result;
		expect(result.status).toBe('failed');
	});

	it('adds the URLs of results after result_url, without repeats', () => {
		const first = 'https://deep-image.ai/r/1.png';
		const body = {
			job: 'd2',
			result_url: first,
			results: [
				first,
				'https://deep-image.ai/r/2.png',
				{ url: 'https://deep-image.ai/r/3.png' },
				'not a url',
				7,
			],
		};
		const result = expectRenderResult(parseDeepImageCallback(body, RECEIVED_AT));
		expect(result.outputs).toEqual([
			{ index: 0, url: first },
			{ index: 1, url: 'https://deep-image.ai/r/2.png' },
			{ index: 2, url: 'https://deep-image.ai/r/3.png' },
		]);
	});

	it('reads results given as an object of URLs', () => {
		const body = {
			job: 'd3',
			result_url: 'https://deep-image.ai/r/a.png',
			results: { small: 'https://deep-image.ai/r/b.png' },
		};
		expect(parseDeepImageCallback(body).result.outputs).toEqual([
			{ index: 0, url: 'https://deep-image.ai/r/a.png' },
			{ index: 1, url: 'https://deep-image.ai/r/b.png' },
		]);
	});

	it('removes an input image sent as base64 from request and raw', () => {
		const body = {
			job: 'd4',
			data: { url: RED_PNG, width: 2 },
			result_url: 'https://deep-image.ai/r/c.png',
		};
		const result = expectRenderResult(parseDeepImageCallback(body, RECEIVED_AT));
		expect(result.request).toEqual({ url: marker(RED_PNG), width: 2 });
		expect(result.raw.data).toEqual(result.request);
	});

	it("removes base64 in Deep Image's own `base64,<data>` form from request and raw", () => {
		const short = `base64,${RED_PNG}`;
		const long = `base64,${BLUE_PNG}${'A'.repeat(400)}`;
		const body = {
			job: 'd4b',
			data: { url: short, background: { replace: long } },
			result_url: 'https://deep-image.ai/r/c.png',
		};
		const result = expectRenderResult(parseDeepImageCallback(body, RECEIVED_AT));
		expect(result.request).toEqual({ url: marker(short), background: { replace: marker(long) } });
		expect(result.raw.data).toEqual(result.request);
	});

	it('keeps a storage:// input url', () => {
		const body = {
			job: 'd5',
			data: { url: 'storage://my-bucket/in.png' },
			result_url: 'https://x.example/o.png',
		};
		expect(parseDeepImageCallback(body).result.request).toEqual({
			url: 'storage://my-bucket/in.png',
		});
	});

	it('reads a callback that says failed', () => {
		const result = parseDeepImageCallback({
			job: 'd6',
			status: 'failed',
			message: 'Bad image',
		}).result;
		expect(result).toMatchObject({ status: 'failed', error: { message: 'Bad image' } });
	});

	it.each([
		['null', null, 'null'],
		['a string', 'done', 'a string'],
		['an array', [], 'an array of 0 items'],
		[
			'an object missing job',
			{ result_url: 'https://x.example/o.png' },
			'an object with keys: result_url',
		],
	])('rejects %s', (_label, body, described) => {
		expectPayloadError(
			() => parseDeepImageCallback(body),
			`Deep Image callback needs a string 'job' and a 'result_url'; got ${described}`,
		);
	});
});

describe('parseDeepImageJob', () => {
	it('reads a complete answer', () => {
		const { result } = parseFixture('job-complete.json');
		expect(result.jobId).toBe('3ea04185-8a3c-11ee-b9d1-0242ac120002');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([
			{ index: 0, url: 'https://deep-image.ai/images/2024-05-14/3ea04185.jpg' },
		]);
		expect(result.request).toBeUndefined();
	});

	it('reads an in-progress answer', () => {
		const { result } = parseFixture('job-in-progress.json');
		expect(result).toMatchObject({ status: 'running', outputs: [] });
		expect(result.error).toBeUndefined();
	});

	it('reads the HTTP 500 body of a failed job', () => {
		const { body, result } = parseFixture('job-failed-500.json');
		expect(result.status).toBe('failed');
		expect(result.jobId).toBe('1c8e2f63-8a3c-11ee-b9d1-0242ac120002');
		expect(result.error).toEqual({ message: 'Image could not be downloaded from the given url' });
		expect(result.raw).toEqual(body);
	});

	it.each([
		['received', 'pending'],
		['not_started', 'pending'],
		['in_progress', 'running'],
	])('maps %s to %s', (deepImageStatus, status) => {
		const result = expectRenderResult(
			parseDeepImageJob({ job: 'd7', status: deepImageStatus }, RECEIVED_AT),
		);
		expect(result.status).toBe(status);
	});

	it('gives a failed job without message a default error', () => {
		const result = parseDeepImageJob({ job: 'd8', status: 'failed' }).result;
		expect(result.error).toEqual({
			message: 'Deep Image reported job d8 as failed without a message',
		});
	});

	it('reads complete without result_url as failed', () => {
		const result = expectRenderResult(
			parseDeepImageJob({ job: 'd9', status: 'complete' }, RECEIVED_AT),
		);
		expect(result.status).toBe('failed');
		expect(result.error).toEqual({
			message: 'Deep Image reported job d9 as complete without a result_url',
		});
	});

	it('rejects an unknown status', () => {
		expectPayloadError(
			() => parseDeepImageJob({ job: 'd10', status: 'done' }),
			"Deep Image job d10 has the unknown status 'done'; expected one of received, not_started, in_progress, complete, failed",
		);
	});

	it.each([
		['null', null, 'null'],
		['a 404 body', { message: 'Job not found' }, 'an object with keys: message'],
		[
			'a 429 body',
			{ code: 'TOO_MANY_REQUESTS', message: 'Your rate limit is 2' },
			'an object with keys: code, message',
		],
		['a body without status', { job: 'd11' }, 'an object with keys: job'],
	])('rejects %s', (_label, body, described) => {
		expectPayloadError(
			() => parseDeepImageJob(body),
			`Deep Image job status needs a string 'job' and a 'status'; got ${described}`,
		);
	});
});

describe('isFailedJobAnswer', () => {
	it('is the HTTP 500 body of a failed job: status "failed" with the job', () => {
		expect(isFailedJobAnswer(parseFixture('job-failed-500.json').body)).toBe(true);
		expect(isFailedJobAnswer({ job: 'd12', status: 'failed' })).toBe(true);
	});

	it.each([
		['Deep Image failing itself', { message: 'Internal error' }],
		['a failed status without the job', { message: 'Internal error', status: 'failed' }],
		['a job that has not failed', { job: 'd13', status: 'in_progress' }],
		['an empty job id', { job: '', status: 'failed' }],
		['text', '{"job":"d14","status":"failed"}'],
		['null', null],
	])('is not %s', (_label, body) => {
		expect(isFailedJobAnswer(body)).toBe(false);
	});
});

/**
 * Property-ish: every combination of status, image shape and error a provider can send gives a
 * result that keeps the contract.
 */
describe('the RenderResult contract over generated bodies', () => {
	const url = 'https://cdn.example.com/img.png';
	const longBase64 = `${BLUE_PNG}${'Q'.repeat(500)}`;

	it('holds for Deep Image', () => {
		const statuses = ['received', 'not_started', 'in_progress', 'complete', 'failed'];
		const resultUrls: unknown[] = [undefined, null, '', url];
		const results: unknown[] = [
			null,
			[url, 'https://cdn.example.com/2.png'],
			{ a: url },
			'https://cdn.example.com/3.png',
		];
		const data: unknown[] = [
			undefined,
			{ url: RED_PNG },
			{ url: longBase64, background: { replace: longBase64 } },
		];
		for (const result_url of resultUrls)
			for (const result of results)
				for (const request of data) {
					const body = { job: 'gen', result_url, results: result, data: request };
					expectRenderResult(parseDeepImageCallback(asJson(body), RECEIVED_AT));
					for (const status of statuses)
						expectRenderResult(parseDeepImageJob(asJson({ ...body, status }), RECEIVED_AT));
				}
	});
});

describe('requestWithoutImages', () => {
	it('replaces an input sent as base64 (Deep Image’s form or bare) by a marker and keeps every other field', () => {
		const base64 = BLUE_PNG;
		expect(requestWithoutImages({ url: `base64,${base64}`, preset: 'ecommerce', background: { remove: 'auto' } })).toEqual({
			url: marker(`base64,${base64}`),
			preset: 'ecommerce',
			background: { remove: 'auto' },
		});
		expect(requestWithoutImages({ url: base64 })).toEqual({ url: marker(base64) });
	});

	it('keeps http and storage:// inputs as they are', () => {
		expect(requestWithoutImages({ url: 'storage://shop/chair.jpg', width: '200%' })).toEqual({ url: 'storage://shop/chair.jpg', width: '200%' });
		expect(requestWithoutImages({ url: 'https://x.example/a.png' })).toEqual({ url: 'https://x.example/a.png' });
	});
});
