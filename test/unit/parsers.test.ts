import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject } from 'n8n-workflow';

import {
	parseAiHomeDesignCallback,
	parseAiHomeDesignProcess,
} from '../../nodes/AiHomeDesign/parser';
import { parseDeepImageCallback, parseDeepImageJob } from '../../nodes/DeepImage/parser';
import {
	parseGepettoCallback,
	parseGepettoJob,
	parseGepettoSyncResponse,
} from '../../nodes/Gepetto/parser';
import { parseA1111Info, parseRunPodJob } from '../../nodes/RunPod/parser';
import { RenderPayloadError } from '../../nodes/shared/result';
import { isPlainObject } from '../../nodes/shared/payload';
import type { ParsedRender, RenderResult } from '../../nodes/shared/result';

const FIXTURES = join(__dirname, '..', 'fixtures');
const RECEIVED_AT = new Date('2024-05-14T09:30:00.000Z');

/** The two 2x2 PNGs embedded in the fixtures (red and blue). */
const RED_PNG =
	'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8DwnwGMgRQAH+4D/dJQfRoAAAAASUVORK5CYII=';
const BLUE_PNG =
	'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR4nGNgYPgPRmAKABf2A/1+6zfzAAAAAElFTkSuQmCC';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const STATUSES = ['completed', 'failed', 'cancelled', 'timedOut', 'pending', 'running'];
const BASE64_LIKE = /^(data:[\w/+.-]+;base64,)?[A-Za-z0-9+/\r\n]+={0,2}$/;

function fixture(name: string): IDataObject {
	return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as IDataObject;
}

function marker(text: string): string {
	return `[base64 image removed: ${text.length} chars]`;
}

function stringsIn(value: unknown): string[] {
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
function expectRenderResult(parsed: ParsedRender, receivedAt: Date = RECEIVED_AT): RenderResult {
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
		expect(output.fileName).toBeUndefined();
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

function expectPayloadError(parse: () => unknown, message: string): void {
	let thrown: unknown;
	try {
		parse();
	} catch (error) {
		thrown = error;
	}
	expect(thrown).toBeInstanceOf(RenderPayloadError);
	expect((thrown as Error).message).toBe(message);
}

/** Every fixture and the parser that reads it. */
const FIXTURE_PARSERS: Record<string, (body: unknown) => ParsedRender> = {
	'runpod/callback-completed-seed.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'runpod/callback-completed-two-pngs.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'runpod/callback-completed-img2img.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'runpod/callback-failed.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'runpod/callback-cancelled.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'runpod/callback-timed-out.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'runpod/status-in-progress.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'runpod/run-in-queue.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'gepetto/callback-seed.json': (body) => parseGepettoCallback(body, RECEIVED_AT),
	'gepetto/callback-no-output.json': (body) => parseGepettoCallback(body, RECEIVED_AT),
	'gepetto/job-success.json': (body) => parseGepettoJob('Zp3kq8Lr2VxY7mN1cT0a', body, RECEIVED_AT),
	'gepetto/submit-pending.json': (body) => parseGepettoJob('', body, RECEIVED_AT),
	'gepetto/sync-success.json': (body) => parseGepettoSyncResponse(body, RECEIVED_AT),
	'deepimage/callback-seed.json': (body) => parseDeepImageCallback(body, RECEIVED_AT),
	'deepimage/callback-without-result-url.json': (body) => parseDeepImageCallback(body, RECEIVED_AT),
	'deepimage/job-complete.json': (body) => parseDeepImageJob(body, RECEIVED_AT),
	'deepimage/job-in-progress.json': (body) => parseDeepImageJob(body, RECEIVED_AT),
	'deepimage/job-failed-500.json': (body) => parseDeepImageJob(body, RECEIVED_AT),
	'aihomedesign/callback-done-seed.json': (body) => parseAiHomeDesignCallback(body, RECEIVED_AT),
	'aihomedesign/callback-failed.json': (body) => parseAiHomeDesignCallback(body, RECEIVED_AT),
	'aihomedesign/process-done.json': (body) =>
		parseAiHomeDesignProcess('69a6bb11a374700bff4a1336', body, RECEIVED_AT),
	'aihomedesign/process-processing-wrapped.json': (body) =>
		parseAiHomeDesignProcess('69a6bb11a374700bff4a1335', body, RECEIVED_AT),
};

function parseFixture(name: string): {
	body: IDataObject;
	parsed: ParsedRender;
	result: RenderResult;
} {
	const body = fixture(name);
	const parsed = FIXTURE_PARSERS[name](body);
	return { body, parsed, result: expectRenderResult(parsed) };
}

describe('fixtures', () => {
	it('every fixture file has a parser in this test, and every listed fixture exists', () => {
		const onDisk = readdirSync(FIXTURES).flatMap((provider) =>
			readdirSync(join(FIXTURES, provider)).map((file) => `${provider}/${file}`),
		);
		expect(onDisk.sort()).toEqual(Object.keys(FIXTURE_PARSERS).sort());
	});

	it.each(Object.keys(FIXTURE_PARSERS))('%s satisfies the RenderResult contract', (name) => {
		parseFixture(name);
	});

	it('does not change the body it parses', () => {
		for (const name of Object.keys(FIXTURE_PARSERS)) {
			const body = fixture(name);
			FIXTURE_PARSERS[name](body);
			expect(body).toEqual(fixture(name));
		}
	});

	it('embeds real PNGs', () => {
		for (const png of [RED_PNG, BLUE_PNG]) {
			expect(Buffer.from(png, 'base64').subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		}
	});
});

describe('parseRunPodJob', () => {
	it('reads the seed callback (A1111 worker, one inline image)', () => {
		const { body, parsed, result } = parseFixture('runpod/callback-completed-seed.json');
		expect(result.provider).toBe('runPod');
		expect(result.jobId).toBe('sync-102c2af4-8ea7-4abb-a9ec-c2a56cf80a16');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([{ index: 0 }]);
		expect(parsed.inlineImages).toEqual({ 0: 'basee64 encoded image' });
		expect(result.error).toBeUndefined();
		expect(result.timings).toEqual({ queueMs: 67461, runMs: 21171 });
		expect(result.request).toEqual(body.input);
		const output = body.output as IDataObject;
		expect(result.raw).toEqual({
			...body,
			output: { ...output, images: [marker('basee64 encoded image')] },
		});
	});

	it('reads a callback with two base64 PNGs', () => {
		const { body, parsed, result } = parseFixture('runpod/callback-completed-two-pngs.json');
		expect(result.jobId).toBe('2f4b8e1c-7d3a-4a39-9a51-0c2e6b7d9f10-e1');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([{ index: 0 }, { index: 1 }]);
		expect(parsed.inlineImages).toEqual({ 0: RED_PNG, 1: BLUE_PNG });
		expect(result.timings).toEqual({ queueMs: 1523, runMs: 4210 });
		expect(result.request).toEqual(body.input);
		expect((result.raw.output as IDataObject).images).toEqual([marker(RED_PNG), marker(BLUE_PNG)]);
		expect(result.raw.webhook).toBe(body.webhook);
	});

	it('removes img2img input images from request and raw', () => {
		const { parsed, result } = parseFixture('runpod/callback-completed-img2img.json');
		expect(result.outputs).toEqual([{ index: 0 }]);
		expect(parsed.inlineImages).toEqual({ 0: RED_PNG });
		const payload = (result.request as IDataObject).payload as IDataObject;
		expect(payload.init_images).toEqual([marker(BLUE_PNG)]);
		expect(payload.mask).toBe(marker(RED_PNG));
		expect(payload.denoising_strength).toBe(0.75);
		expect(result.raw.input).toEqual(result.request);
	});

	it('reads a FAILED callback with the Python SDK error', () => {
		const { body, result } = parseFixture('runpod/callback-failed.json');
		expect(result.status).toBe('failed');
		expect(result.jobId).toBe('b19e5c40-2a7f-4c8e-9d3b-71f0e6a2c4d5-e1');
		expect(result.error).toEqual({
			message: 'CUDA out of memory. Tried to allocate 2.00 GiB',
			code: 'torch.cuda.OutOfMemoryError',
		});
		expect(result.outputs).toEqual([]);
		expect(result.timings).toEqual({ queueMs: 2210, runMs: 15873 });
		expect(result.request).toEqual(body.input);
		expect(result.raw).toEqual(body);
	});

	it('reads a CANCELLED callback', () => {
		const { result } = parseFixture('runpod/callback-cancelled.json');
		expect(result.status).toBe('cancelled');
		expect(result.error).toEqual({ message: 'Job was cancelled by the user' });
		expect(result.timings).toEqual({ queueMs: 31000 });
		expect(result.outputs).toEqual([]);
	});

	it('reads a TIMED_OUT callback', () => {
		const { result } = parseFixture('runpod/callback-timed-out.json');
		expect(result.status).toBe('timedOut');
		expect(result.error).toEqual({ message: 'Job exceeded its execution timeout of 600000 ms' });
		expect(result.timings).toEqual({ queueMs: 1200, runMs: 600000 });
	});

	it('reads /status and /run answers of unfinished jobs', () => {
		const running = parseFixture('runpod/status-in-progress.json').result;
		expect(running).toMatchObject({ status: 'running', outputs: [], timings: { queueMs: 2345 } });
		expect(running.error).toBeUndefined();
		expect(running.request).toBeUndefined();
		const queued = parseFixture('runpod/run-in-queue.json').result;
		expect(queued.status).toBe('pending');
		expect(queued.jobId).toBe('f6a8b0c2-4d6e-4f8a-0b2c-4d6e8f0a2b3c-e1');
		expect(queued.timings).toBeUndefined();
		expect(queued.raw).toEqual({
			id: 'f6a8b0c2-4d6e-4f8a-0b2c-4d6e8f0a2b3c-e1',
			status: 'IN_QUEUE',
		});
	});

	it('maps RUNNING to running', () => {
		expect(parseRunPodJob({ id: 'a', status: 'RUNNING' }).result.status).toBe('running');
	});

	it('uses its default receivedAt of now', () => {
		const before = Date.now();
		const { receivedAt } = parseRunPodJob({ id: 'a', status: 'IN_QUEUE' }).result;
		expect(Date.parse(receivedAt)).toBeGreaterThanOrEqual(before);
		expect(Date.parse(receivedAt)).toBeLessThanOrEqual(Date.now());
	});

	it.each([
		[
			'FAILED',
			'failed',
			'RunPod reported job j1 as FAILED without an error message; see the worker logs of the endpoint',
		],
		['CANCELLED', 'cancelled', 'RunPod job j1 was cancelled before it finished'],
		[
			'TIMED_OUT',
			'timedOut',
			'RunPod job j1 exceeded its execution timeout (policy.executionTimeout) and was stopped',
		],
	])('gives %s without error text a default error', (runPodStatus, status, message) => {
		const result = expectRenderResult(
			parseRunPodJob({ id: 'j1', status: runPodStatus }, RECEIVED_AT),
		);
		expect(result.status).toBe(status);
		expect(result.error).toEqual({ message, code: runPodStatus });
	});

	it.each([
		['a plain string', 'worker crashed', { message: 'worker crashed' }],
		[
			'an object with message and code',
			{ message: 'bad input', code: 'E_INPUT' },
			{ message: 'bad input', code: 'E_INPUT' },
		],
		['an object without message', { reason: 'oom' }, { message: '{"reason":"oom"}' }],
		['a JSON string without error_message', '{"detail":"x"}', { message: '{"detail":"x"}' }],
		[
			'an empty string',
			'',
			{
				message:
					'RunPod reported job j2 as FAILED without an error message; see the worker logs of the endpoint',
				code: 'FAILED',
			},
		],
	])('reads an error given as %s', (_label, error, expected) => {
		const { result } = parseRunPodJob({ id: 'j2', status: 'FAILED', error }, RECEIVED_AT);
		expect(result.error).toEqual(expected);
	});

	describe('outputs of other workers', () => {
		const url = 'https://bucket.example.com/out/1.png';
		const url2 = 'https://bucket.example.com/out/2.webp';
		const dataUrl = `data:image/png;base64,${RED_PNG}`;

		function parseOutput(output: unknown): ParsedRender {
			return parseRunPodJob({ id: 'w1', status: 'COMPLETED', output }, RECEIVED_AT);
		}

		it.each([
			['a URL string', url, [{ index: 0, url }], {}],
			['a base64 string', BLUE_PNG, [{ index: 0 }], { 0: BLUE_PNG }],
			[
				'an array of URL and base64 strings',
				[url, RED_PNG, dataUrl],
				[{ index: 0, url }, { index: 1 }, { index: 2 }],
				{ 1: RED_PNG, 2: dataUrl },
			],
			['image_url', { image_url: url, seed: 5 }, [{ index: 0, url }], {}],
			['image as a data URL', { image: dataUrl }, [{ index: 0 }], { 0: dataUrl }],
			['images as one URL string', { images: url }, [{ index: 0, url }], {}],
			[
				'images as URLs',
				{ images: [url, url2] },
				[
					{ index: 0, url },
					{ index: 1, url: url2 },
				],
				{},
			],
			[
				'worker-comfyui images',
				{
					images: [
						{ filename: 'a.png', type: 'base64', data: RED_PNG },
						{ filename: 'b.png', type: 's3_url', data: url },
					],
				},
				[{ index: 0 }, { index: 1, url }],
				{ 0: RED_PNG },
			],
			[
				'stream chunks',
				[{ output: { image_url: url } }, { output: 'progress 50%' }, { output: url2 }],
				[
					{ index: 0, url },
					{ index: 1, url: url2 },
				],
				{},
			],
			['text', 'a poem about horses', [], {}],
			['a number', 42, [], {}],
			['an object without images', { text: 'hello', tokens: 3 }, [], {}],
		])('reads output as %s', (_label, output, outputs, inlineImages) => {
			const parsed = parseOutput(output);
			const result = expectRenderResult(parsed);
			expect(result.outputs).toEqual(outputs);
			expect(parsed.inlineImages).toEqual(inlineImages);
		});

		it('keeps output it does not understand in raw', () => {
			const output = { text: 'hello', tokens: 3 };
			expect(parseOutput(output).result.raw.output).toEqual(output);
		});

		it('removes short base64 images of output.images from raw, keeps URLs', () => {
			const { result } = parseOutput({ images: [url, RED_PNG] });
			expect((result.raw.output as IDataObject).images).toEqual([url, marker(RED_PNG)]);
		});

		it('removes long base64 anywhere in raw', () => {
			const long = 'A'.repeat(4000);
			const { result } = parseOutput({ images: [], latents: long });
			expect((result.raw.output as IDataObject).latents).toBe('[base64 image removed: 4000 chars]');
		});
	});

	describe('unknown shapes', () => {
		it.each([
			['null', null, 'null'],
			['a string', 'COMPLETED', 'a string'],
			['an array', [{ id: 'a' }], 'an array of 1 items'],
			['a number', 7, 'a number'],
			['an object missing id', { foo: 1, bar: 2 }, 'an object with keys: foo, bar'],
			[
				'an object with a numeric id',
				{ id: 5, status: 'COMPLETED' },
				'an object with keys: id, status',
			],
			['an object missing status', { id: 'a' }, 'an object with keys: id'],
			['an empty object', {}, 'an empty object'],
		])('rejects %s', (_label, body, described) => {
			expectPayloadError(
				() => parseRunPodJob(body),
				`RunPod callback or job status needs a string 'id' and a 'status'; got ${described}`,
			);
		});

		it('rejects an unknown status', () => {
			expectPayloadError(
				() => parseRunPodJob({ id: 'j9', status: 'DONE' }),
				"RunPod job j9 has the unknown status 'DONE'; expected one of IN_QUEUE, IN_PROGRESS, RUNNING, COMPLETED, FAILED, CANCELLED, TIMED_OUT",
			);
		});

		it('does not take inherited names for statuses', () => {
			expect(() => parseRunPodJob({ id: 'j9', status: 'constructor' })).toThrow(RenderPayloadError);
		});
	});
});

describe('parseA1111Info', () => {
	it('parses the seed info', () => {
		const body = fixture('runpod/callback-completed-seed.json');
		const info = parseA1111Info((body.output as IDataObject).info);
		expect(info).toMatchObject({
			seed: 476701233,
			all_seeds: [476701233],
			width: 512,
			height: 512,
		});
		expect((info?.infotexts as string[])[0]).toContain('Seed: 476701233');
	});

	it('parses the seeds of a batch', () => {
		const body = fixture('runpod/callback-completed-two-pngs.json');
		expect(parseA1111Info((body.output as IDataObject).info)?.all_seeds).toEqual([1001, 1002]);
	});

	it.each([
		['missing', undefined],
		['not JSON', 'Steps: 30, Seed: 1'],
		['a JSON array', '[1,2]'],
		['a number', 3],
	])('returns undefined when info is %s', (_label, info) => {
		expect(parseA1111Info(info)).toBeUndefined();
	});

	it('returns an info that is already an object', () => {
		expect(parseA1111Info({ seed: 1 })).toEqual({ seed: 1 });
	});
});

describe('parseGepettoCallback', () => {
	it('reads the seed callback', () => {
		const { body, parsed, result } = parseFixture('gepetto/callback-seed.json');
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
		const { body, result } = parseFixture('gepetto/callback-no-output.json');
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
		const { body, result } = parseFixture('gepetto/job-success.json');
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
		const { result } = parseFixture('gepetto/submit-pending.json');
		expect(result.jobId).toBe('Zp3kq8Lr2VxY7mN1cT0a');
		expect(result.status).toBe('pending');
		expect(result.outputs).toEqual([]);
		expect(result.request).toEqual({ mode: 'redesign', styleId: 'modern', roomId: 'living_room' });
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
		const { parsed, result } = parseFixture('gepetto/sync-success.json');
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

describe('parseDeepImageCallback', () => {
	it('reads the seed callback with the seed request as data', () => {
		const { body, parsed, result } = parseFixture('deepimage/callback-seed.json');
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
		const { body, result } = parseFixture('deepimage/callback-without-result-url.json');
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
		const { result } = parseFixture('deepimage/job-complete.json');
		expect(result.jobId).toBe('3ea04185-8a3c-11ee-b9d1-0242ac120002');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([
			{ index: 0, url: 'https://deep-image.ai/images/2024-05-14/3ea04185.jpg' },
		]);
		expect(result.request).toBeUndefined();
	});

	it('reads an in-progress answer', () => {
		const { result } = parseFixture('deepimage/job-in-progress.json');
		expect(result).toMatchObject({ status: 'running', outputs: [] });
		expect(result.error).toBeUndefined();
	});

	it('reads the HTTP 500 body of a failed job', () => {
		const { body, result } = parseFixture('deepimage/job-failed-500.json');
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

describe('parseAiHomeDesignCallback', () => {
	it('reads the seed webhook', () => {
		const { body, parsed, result } = parseFixture('aihomedesign/callback-done-seed.json');
		expect(result.provider).toBe('aiHomeDesign');
		expect(result.jobId).toBe('69a6bb11a374700bff4a1333');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([
			{
				index: 0,
				url: 'https://cdn.aihomedesign.com/result.jpg',
				thumbnailUrl: 'https://cdn.aihomedesign.com/result_thumb.jpg',
			},
		]);
		expect(parsed.inlineImages).toEqual({});
		expect(result.request).toEqual({
			tool: 'tool-virtual-staging',
			order_id: '69a6aa03a374700bff4a1328',
		});
		expect(result.error).toBeUndefined();
		expect(result.timings).toBeUndefined();
		expect(result.raw).toEqual(body);
	});

	it('reads a failed webhook', () => {
		const { body, result } = parseFixture('aihomedesign/callback-failed.json');
		expect(result.status).toBe('failed');
		expect(result.outputs).toEqual([]);
		expect(result.error).toEqual({
			message:
				'AI Home Design reported process 69a6bb11a374700bff4a1334 (tool-virtual-staging) as failed; retry it or contact their support',
		});
		expect(result.raw).toEqual(body);
	});

	it('takes the provider error text and key when a failed webhook has them', () => {
		const body = {
			process_id: 'p1',
			status: 'failed',
			final_assets: [],
			error: 'No room detected',
			key: 'api_error_no_room',
		};
		expect(parseAiHomeDesignCallback(body).result.error).toEqual({
			message: 'No room detected',
			code: 'api_error_no_room',
		});
	});

	it('reads done without any image as failed', () => {
		const body = {
			process_id: 'p2',
			status: 'done',
			final_assets: [{ asset_id: 'a', asset_type: 'image' }],
		};
		const result = expectRenderResult(parseAiHomeDesignCallback(body, RECEIVED_AT));
		expect(result.status).toBe('failed');
		expect(result.error).toEqual({
			message:
				'AI Home Design reported process p2 as done, but final_assets holds no image URL (temp_src)',
		});
	});

	it.each([
		['null', null, 'null'],
		['a string', 'process.completed', 'a string'],
		['an array', [1, 2], 'an array of 2 items'],
		[
			'an object missing process_id',
			{ event: 'process.completed', status: 'done' },
			'an object with keys: event, status',
		],
		['an object missing status', { process_id: 'p3' }, 'an object with keys: process_id'],
	])('rejects %s', (_label, body, described) => {
		expectPayloadError(
			() => parseAiHomeDesignCallback(body),
			`AI Home Design webhook needs a string 'process_id' and a 'status'; got ${described}`,
		);
	});

	it('rejects an unknown status', () => {
		expectPayloadError(
			() => parseAiHomeDesignCallback({ process_id: 'p4', status: 'success' }),
			"AI Home Design process p4 has the unknown status 'success'; expected one of pending, processing, done, failed",
		);
	});
});

describe('parseAiHomeDesignProcess', () => {
	it('reads a process wrapped in data', () => {
		const { body, result } = parseFixture('aihomedesign/process-processing-wrapped.json');
		expect(result.jobId).toBe('69a6bb11a374700bff4a1335');
		expect(result.status).toBe('running');
		expect(result.outputs).toEqual([]);
		expect(result.error).toBeUndefined();
		expect(result.request).toEqual({
			tool: 'tool-day-to-dusk',
			order_id: '69a6aa03a374700bff4a1328',
		});
		expect(result.raw).toEqual(body);
	});

	it('reads a done process at the top level with two assets', () => {
		const { result } = parseFixture('aihomedesign/process-done.json');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([
			{
				index: 0,
				url: 'https://cdn.aihomedesign.com/result_1.jpg',
				thumbnailUrl: 'https://cdn.aihomedesign.com/result_1_thumb.jpg',
			},
			{ index: 1, url: 'https://cdn.aihomedesign.com/result_2.jpg' },
		]);
		expect(result.request).toEqual({
			tool: 'tool-interior-design',
			order_id: '69a6aa03a374700bff4a1329',
		});
	});

	it('maps pending to pending', () => {
		expect(parseAiHomeDesignProcess('p5', { status: 'pending' }).result.status).toBe('pending');
	});

	it('takes the id from the body when none is given', () => {
		expect(
			parseAiHomeDesignProcess('', { data: { _id: 'p6', status: 'pending' } }).result.jobId,
		).toBe('p6');
		expect(parseAiHomeDesignProcess('', { process_id: 'p7', status: 'pending' }).result.jobId).toBe(
			'p7',
		);
	});

	it('does not take the envelope message "ok" for an error', () => {
		const body = { data: { status: 'failed', tool: 'tool-darkness' }, message: 'ok' };
		expect(parseAiHomeDesignProcess('p8', body).result.error).toEqual({
			message:
				'AI Home Design reported process p8 (tool-darkness) as failed; retry it or contact their support',
		});
	});

	it('rejects a body without status', () => {
		expectPayloadError(
			() => parseAiHomeDesignProcess('p9', { data: { final_assets: [] }, message: 'ok' }),
			"AI Home Design process needs a 'status' (at the top level or in 'data'); got an object with keys: data, message",
		);
		expectPayloadError(
			() => parseAiHomeDesignProcess('p9', null),
			"AI Home Design process needs a 'status' (at the top level or in 'data'); got null",
		);
	});

	it('rejects a process with no id at all', () => {
		expectPayloadError(
			() => parseAiHomeDesignProcess('', { status: 'done' }),
			'AI Home Design process has no id: pass the process_id that was asked for',
		);
	});
});

/**
 * Property-ish: every combination of status, image shape and error a provider can send gives a
 * result that keeps the contract.
 */
describe('the RenderResult contract over generated bodies', () => {
	/** Bodies arrive as JSON: no undefined members. */
	const asJson = (body: unknown): unknown => JSON.parse(JSON.stringify(body));
	const url = 'https://cdn.example.com/img.png';
	const longBase64 = `${BLUE_PNG}${'Q'.repeat(500)}`;

	it('holds for RunPod', () => {
		const statuses = [
			'IN_QUEUE',
			'IN_PROGRESS',
			'RUNNING',
			'COMPLETED',
			'FAILED',
			'CANCELLED',
			'TIMED_OUT',
		];
		const outputs: unknown[] = [
			undefined,
			null,
			{ images: [RED_PNG, url, ''] },
			{ images: [] },
			url,
			[url, longBase64],
			[{ output: url }, { output: { images: [BLUE_PNG] } }],
			{ image: longBase64 },
			'text',
			[[[[[[url]]]]]],
		];
		const errors: unknown[] = [undefined, 'boom', { message: 'boom' }, { nothing: true }, 12];
		const inputs: unknown[] = [
			undefined,
			'raw text',
			{ api: {}, payload: { init_images: [RED_PNG, ''], mask: BLUE_PNG } },
		];
		for (const status of statuses)
			for (const output of outputs)
				for (const error of errors)
					for (const input of inputs) {
						const body = {
							id: 'gen',
							status,
							output,
							error,
							input,
							delayTime: 5,
							executionTime: -1,
						};
						expectRenderResult(parseRunPodJob(asJson(body), RECEIVED_AT));
					}
	});

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

	it('holds for AI Home Design', () => {
		const statuses = ['pending', 'processing', 'done', 'failed'];
		const assets: unknown[] = [
			undefined,
			[],
			[{ temp_src: url }, { temp_src: url, temp_thumbnail_src: url }],
			[null, { asset_id: 'x' }, { src: url }],
		];
		for (const status of statuses)
			for (const finalAssets of assets) {
				const process = {
					process_id: 'gen',
					status,
					tool: 'tool-day-to-dusk',
					final_assets: finalAssets,
				};
				expectRenderResult(parseAiHomeDesignCallback(asJson(process), RECEIVED_AT));
				expectRenderResult(parseAiHomeDesignProcess('gen', asJson(process), RECEIVED_AT));
				expectRenderResult(
					parseAiHomeDesignProcess('gen', asJson({ data: process, message: 'ok' }), RECEIVED_AT),
				);
			}
	});
});
