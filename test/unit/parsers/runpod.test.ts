import type { IDataObject } from 'n8n-workflow';

import { parseA1111Info, parseRunPodJob, parseRunPodStream } from '../../../nodes/RunPod/parser';
import { RenderPayloadError } from '../../../nodes/shared/result';
import type { ParsedRender } from '../../../nodes/shared/result';
import {
	BLUE_PNG,
	RECEIVED_AT,
	RED_PNG,
	asJson,
	describeFixtures,
	expectPayloadError,
	expectRenderResult,
	fixture,
	marker,
} from './contract';

const parseFixture = describeFixtures('runpod', {
	'callback-completed-seed.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-completed-two-pngs.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-completed-img2img.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-failed.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-cancelled.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-timed-out.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'status-in-progress.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'run-in-queue.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-completed-comfyui.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-completed-comfyui-s3.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-failed-comfyui.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-completed-worker-comfy.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-completed-comfyui-named.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'callback-failed-a1111-oom.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'status-completed-a1111-validation.json': (body) => parseRunPodJob(body, RECEIVED_AT),
	'stream-failed-not-generator.json': (body) => parseRunPodStream(body, 'test-3f9c2a71-8e4b-4d0a-b6c5-1e2f3a4b5c6d', RECEIVED_AT),
});

describe('parseRunPodJob', () => {
	it('reads the seed callback (A1111 worker, one inline image)', () => {
		const { body, parsed, result } = parseFixture('callback-completed-seed.json');
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
		const { body, parsed, result } = parseFixture('callback-completed-two-pngs.json');
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
		const { parsed, result } = parseFixture('callback-completed-img2img.json');
		expect(result.outputs).toEqual([{ index: 0 }]);
		expect(parsed.inlineImages).toEqual({ 0: RED_PNG });
		const payload = (result.request as IDataObject).payload as IDataObject;
		expect(payload.init_images).toEqual([marker(BLUE_PNG)]);
		expect(payload.mask).toBe(marker(RED_PNG));
		expect(payload.denoising_strength).toBe(0.75);
		expect(result.raw.input).toEqual(result.request);
	});

	it('reads a FAILED callback with the Python SDK error', () => {
		const { body, result } = parseFixture('callback-failed.json');
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

	describe('A1111 errors (worker-a1111 passes A1111\'s answer through as the job output)', () => {
		// A1111's modules/api/api.py handle_exception answers {error: type(e).__name__, detail, body,
		// errors: str(e)}; the RunPod SDK (rp_job.run_job) moves `error` to the job's top level and
		// FAILs it, the other keys stay in `output`.
		it('gives a FAILED out-of-memory job A1111\'s own text, the class name as code', () => {
			const { body, result } = parseFixture('callback-failed-a1111-oom.json');
			expect(result.status).toBe('failed');
			expect(result.error).toEqual({
				message: (body.output as IDataObject).errors,
				code: 'OutOfMemoryError',
			});
			expect(result.error?.message).toMatch(/^CUDA out of memory\. Tried to allocate 9\.00 GiB/);
			expect(result.raw).toEqual(body);
		});

		it.each([
			[
				'an exception (detail empty, str(e) in errors)',
				{ error: 'OutOfMemoryError', detail: '', body: '', errors: 'CUDA out of memory. Tried to allocate 2.00 GiB' },
				{ message: 'CUDA out of memory. Tried to allocate 2.00 GiB', code: 'OutOfMemoryError' },
			],
			[
				'an HTTPException (its detail)',
				{ error: 'HTTPException', detail: 'Sampler not found', body: '', errors: '404: Sampler not found' },
				{ message: 'Sampler not found', code: 'HTTPException' },
			],
			[
				'nothing but the class name',
				{ error: 'RuntimeError', detail: '', body: '', errors: '' },
				{ message: 'RuntimeError', code: 'RuntimeError' },
			],
		])('reads A1111\'s error body as a COMPLETED output: %s', (_label, output, error) => {
			const result = expectRenderResult(parseRunPodJob({ id: 'a1', status: 'COMPLETED', output }, RECEIVED_AT));
			expect(result.status).toBe('failed');
			expect(result.error).toEqual(error);
		});

		it('reads the community worker\'s failure, A1111\'s body in output.output', () => {
			// runpod-worker-a1111 (ashleykleynhans): {error: 'A1111 status code: 500', output: response.json()}.
			const output = { output: { error: 'OutOfMemoryError', detail: '', body: '', errors: 'CUDA out of memory. Tried to allocate 2.00 GiB' } };
			const result = expectRenderResult(
				parseRunPodJob({ id: 'a2', status: 'FAILED', error: 'A1111 status code: 500', output }, RECEIVED_AT),
			);
			expect(result.error).toEqual({
				message: 'A1111 status code: 500: CUDA out of memory. Tried to allocate 2.00 GiB',
				code: 'OutOfMemoryError',
			});
		});

		it('fails a COMPLETED job whose output is A1111\'s validation error (FastAPI\'s 422 body)', () => {
			const { result } = parseFixture('status-completed-a1111-validation.json');
			expect(result.status).toBe('failed');
			expect(result.outputs).toEqual([]);
			expect(result.error).toEqual({
				message:
					'A1111 rejected the request: body → steps: value is not a valid integer; body → override_settings → CLIP_stop_at_last_layers: value is not a valid integer',
				code: 'RequestValidationError',
			});
		});

		it('reads list positions in a validation error\'s loc', () => {
			const output = { detail: [{ loc: ['body', 'init_images', 0], msg: 'str type expected', type: 'type_error.str' }] };
			const { result } = parseRunPodJob({ id: 'a3', status: 'COMPLETED', output }, RECEIVED_AT);
			expect(result.error?.message).toBe('A1111 rejected the request: body → init_images → 0: str type expected');
		});

		it('leaves a FAILED job without A1111\'s body, and images with a detail field, as they were', () => {
			expect(parseRunPodJob({ id: 'a4', status: 'FAILED', error: 'OutOfMemoryError' }).result.error).toEqual({ message: 'OutOfMemoryError' });
			for (const output of [
				{ images: [RED_PNG], detail: [{ loc: ['x'], msg: 'y' }] },
				{ images: [RED_PNG], detail: 'x', body: '', errors: 'y' },
			]) {
				const withImages = parseRunPodJob({ id: 'a5', status: 'COMPLETED', output }).result;
				expect(withImages.status).toBe('completed');
				expect(withImages.error).toBeUndefined();
			}
		});
	});

	it('reads a worker-comfyui callback: the base64 image, the input image out of request and raw', () => {
		const { parsed, result } = parseFixture('callback-completed-comfyui.json');
		expect(result).toMatchObject({ status: 'completed', outputs: [{ index: 0, fileName: 'ComfyUI_00001_.png' }] });
		expect(parsed.inlineImages).toEqual({ 0: RED_PNG });
		expect(JSON.stringify(result)).not.toContain(RED_PNG);
		expect(JSON.stringify(result)).not.toContain(BLUE_PNG);
		expect((result.request?.workflow as IDataObject)['10']).toEqual({ class_type: 'LoadImage', inputs: { image: 'room.png' } });
	});

	it('reads a worker-comfyui callback with an S3 URL', () => {
		const { parsed, result } = parseFixture('callback-completed-comfyui-s3.json');
		expect(result.outputs).toEqual([
			{
				index: 0,
				url: 'https://bucket.s3.eu-central-1.amazonaws.com/0d2b9f41-7c3e-4a18-b6d5-93e0a1f4c2b7-e1/ComfyUI_00001_.png',
				fileName: 'ComfyUI_00001_.png',
			},
		]);
		expect(parsed.inlineImages).toEqual({});
	});

	it("names each output with worker-comfyui's filename, ComfyUI's own name as the parser found it", () => {
		const { body, parsed, result } = parseFixture('callback-completed-comfyui-named.json');
		const images = (body.output as IDataObject).images as IDataObject[];
		expect(result.outputs).toEqual([
			{ index: 0, url: images[0].data, fileName: 'living room_00001_.png' },
			{ index: 1, url: images[1].data, fileName: 'living room_00001_.png' },
		]);
		expect(parsed.inlineImages).toEqual({});
	});

	it('reads a failed worker-comfyui callback with its details', () => {
		const { result } = parseFixture('callback-failed-comfyui.json');
		expect(result).toMatchObject({
			status: 'failed',
			outputs: [],
			error: { message: 'Workflow validation failed: Node 10 (image): Invalid image file: room.png' },
		});
	});

	it('reads an older worker-comfy callback {status: success, message} as one image', () => {
		const { parsed, result } = parseFixture('callback-completed-worker-comfy.json');
		expect(result).toMatchObject({ status: 'completed', outputs: [{ index: 0 }] });
		expect(parsed.inlineImages).toEqual({ 0: RED_PNG });
		expect((result.raw.output as IDataObject).message).toBe(marker(RED_PNG));
	});

	it('reads a CANCELLED callback', () => {
		const { result } = parseFixture('callback-cancelled.json');
		expect(result.status).toBe('cancelled');
		expect(result.error).toEqual({ message: 'Job was cancelled by the user' });
		expect(result.timings).toEqual({ queueMs: 31000 });
		expect(result.outputs).toEqual([]);
	});

	it('reads a TIMED_OUT callback', () => {
		const { result } = parseFixture('callback-timed-out.json');
		expect(result.status).toBe('timedOut');
		expect(result.error).toEqual({ message: 'Job exceeded its execution timeout of 600000 ms' });
		expect(result.timings).toEqual({ queueMs: 1200, runMs: 600000 });
	});

	it('reads /status and /run answers of unfinished jobs', () => {
		const running = parseFixture('status-in-progress.json').result;
		expect(running).toMatchObject({ status: 'running', outputs: [], timings: { queueMs: 2345 } });
		expect(running.error).toBeUndefined();
		expect(running.request).toBeUndefined();
		const queued = parseFixture('run-in-queue.json').result;
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
				[{ index: 0, fileName: 'a.png' }, { index: 1, url, fileName: 'b.png' }],
				{ 0: RED_PNG },
			],
			[
				'worker-comfyui images, one without a filename, inside a stream chunk',
				[{ output: { images: [{ type: 'base64', data: RED_PNG }, { filename: ' ', type: 's3_url', data: url }, { filename: 'sub/c.png', type: 's3_url', data: url2 }] } }],
				[{ index: 0 }, { index: 1, url }, { index: 2, url: url2, fileName: 'sub/c.png' }],
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

		it('reads the older worker-comfy {status: success, message} as one image, the base64 out of raw', () => {
			const parsed = parseOutput({ status: 'success', message: RED_PNG });
			expect(expectRenderResult(parsed)).toMatchObject({ status: 'completed', outputs: [{ index: 0 }] });
			expect(parsed.inlineImages).toEqual({ 0: RED_PNG });
			expect(parsed.result.raw.output).toEqual({ status: 'success', message: marker(RED_PNG) });
			expect(parseOutput({ status: 'success', message: url }).result.outputs).toEqual([{ index: 0, url }]);
		});

		it('reads the older worker-comfy {status: error, message} as a failed render with its message', () => {
			const { result } = parseOutput({ status: 'error', message: 'the image does not exist in the output folder' });
			expect(result.status).toBe('failed');
			expect(result.error).toEqual({ message: 'the image does not exist in the output folder', code: 'WORKER_ERROR' });
		});

		it('fails a COMPLETED job whose output has only an error or errors, and keeps warnings beside images', () => {
			expect(parseOutput({ error: 'Missing workflow parameter' }).result).toMatchObject({
				status: 'failed',
				error: { message: 'Missing workflow parameter' },
			});
			expect(parseOutput({ errors: ['Node 9 failed', 'No outputs found'] }).result).toMatchObject({
				status: 'failed',
				error: { message: 'Node 9 failed; No outputs found', code: 'WORKER_ERROR' },
			});
			const withImage = parseOutput({ images: [{ filename: 'a.png', type: 'base64', data: RED_PNG }], errors: ['Node 4 produced unhandled output keys'] });
			expect(withImage.result).toMatchObject({ status: 'completed', outputs: [{ index: 0 }] });
			expect(withImage.result.error).toBeUndefined();
			expect((withImage.result.raw.output as IDataObject).errors).toEqual(['Node 4 produced unhandled output keys']);
		});

		it('keeps worker-comfyui success_no_images as completed with no output', () => {
			const { result } = parseOutput({ status: 'success_no_images', images: [] });
			expect(result).toMatchObject({ status: 'completed', outputs: [] });
			expect(result.error).toBeUndefined();
		});

		it("joins worker-comfyui's failure details to RunPod's error", () => {
			const { result } = parseRunPodJob(
				{ id: 'w2', status: 'FAILED', error: 'Job processing failed', output: { details: ['Workflow execution error: Node Type: KSampler, Node ID: 3, Message: out of memory'] } },
				RECEIVED_AT,
			);
			expect(result.status).toBe('failed');
			expect(result.error?.message).toBe('Job processing failed: Workflow execution error: Node Type: KSampler, Node ID: 3, Message: out of memory');
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

describe('parseRunPodStream', () => {
	const jobId = 'test-3f9c2a71-8e4b-4d0a-b6c5-1e2f3a4b5c6d';

	it("keeps RunPod's error of a FAILED stream answer (the SDK's local server: handler not a generator)", () => {
		const { result } = parseFixture('stream-failed-not-generator.json');
		expect(result).toMatchObject({ jobId, status: 'failed', outputs: [], error: { message: 'Stream not supported, handler must be a generator.' } });
	});

	it("keeps the error of the cloud's stream answer {status, stream, error}", () => {
		const result = expectRenderResult(parseRunPodStream({ status: 'FAILED', stream: [], error: 'worker exited with code 137' }, 'job 7', RECEIVED_AT));
		expect(result).toMatchObject({ jobId: 'job 7', status: 'failed', error: { message: 'worker exited with code 137' } });
	});

	it('reads the chunks of a running stream, with no error', () => {
		const url = 'https://cdn.example.com/1.png';
		const result = expectRenderResult(parseRunPodStream({ status: 'IN_PROGRESS', stream: [{ output: { image_url: url } }] }, 'j8', RECEIVED_AT));
		expect(result).toMatchObject({ status: 'running', outputs: [{ index: 0, url }] });
		expect(result.error).toBeUndefined();
	});

	it('refuses a stream answer that is no object', () => {
		expectPayloadError(() => parseRunPodStream('FAILED', 'j9'), "RunPod stream answer needs a 'status'; got a string");
		expectPayloadError(
			() => parseRunPodStream({ stream: [] }, 'j9'),
			"RunPod callback or job status needs a string 'id' and a 'status'; got an object with keys: id, status, output",
		);
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

/**
 * Property-ish: every combination of status, image shape and error a provider can send gives a
 * result that keeps the contract.
 */
describe('the RenderResult contract over generated bodies', () => {
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
});
