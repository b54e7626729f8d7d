import axios, { type AxiosInstance } from 'axios';
import { sleep } from 'n8n-workflow';
import { inflateSync } from 'zlib';
import { startServer, type RunningServer } from '../../simulators/http';
import { PNG_SIGNATURE, makePng } from '../../simulators/png';
import { startRunPodSimulator, type RunPodSimulator } from '../../simulators/runpod';

/** The seed's request (runpod-a1111-webhook.md), minus the webhook URL which each test supplies. */
const SEED_INPUT = {
	api: { method: 'POST', endpoint: '/sdapi/v1/txt2img' },
	payload: {
		prompt: 'an astronaut riding a horse',
		negative_prompt: '',
		seed: -1,
		batch_size: 1,
		steps: 30,
		cfg_scale: 7,
		width: 512,
		height: 512,
		sampler_name: 'DPM++ SDE Karras',
		sampler_index: 'DPM++ SDE Karras',
		restore_faces: false,
	},
};

const FINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

interface PngFacts {
	width: number;
	height: number;
}

/** Checks signature, IHDR and that IDAT inflates to exactly the RGB scanlines IHDR announces. */
function decodePng(base64: string): PngFacts {
	const png = Buffer.from(base64, 'base64');
	expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
	expect(png.toString('ascii', 12, 16)).toBe('IHDR');
	const width = png.readUInt32BE(16);
	const height = png.readUInt32BE(20);
	expect(png[24]).toBe(8);
	expect(png[25]).toBe(2);
	const idatLength = png.readUInt32BE(33);
	expect(png.toString('ascii', 37, 41)).toBe('IDAT');
	const pixels = inflateSync(png.subarray(41, 41 + idatLength));
	expect(pixels.length).toBe(height * (1 + width * 3));
	return { width, height };
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(10);
	}
}

describe('RunPod simulator', () => {
	let sim: RunPodSimulator;
	let api: AxiosInstance;

	async function submit(body: unknown, path = '/run') {
		return api.post(path, body);
	}

	/** Polls /status until `predicate` holds; returns every status seen on the way. */
	async function pollStatus(id: string, predicate: (status: string) => boolean, timeoutMs = 3000) {
		const seen: string[] = [];
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const response = await api.get(`/status/${id}`);
			expect(response.status).toBe(200);
			const status = response.data.status as string;
			if (seen[seen.length - 1] !== status) seen.push(status);
			if (predicate(status)) return { body: response.data, seen };
			if (Date.now() > deadline) throw new Error(`Job ${id} still ${status} after ${timeoutMs} ms`);
			await sleep(10);
		}
	}

	const untilFinal = (id: string) => pollStatus(id, (status) => FINAL.includes(status));

	beforeAll(async () => {
		sim = await startRunPodSimulator({
			queueMs: 50,
			runMs: 100,
			webhookRetryDelayMs: 100,
			policyLimits: { ttlMinMs: 100, executionTimeoutMinMs: 10 },
		});
	});

	beforeEach(() => {
		sim.reset();
		api = axios.create({
			baseURL: sim.endpointUrl('ep-1'),
			headers: { authorization: `Bearer ${sim.apiKey}` },
			validateStatus: () => true,
			maxBodyLength: Infinity,
		});
	});

	afterAll(async () => {
		await sim.close();
	});

	it('produces valid PNGs on its own', () => {
		expect(decodePng(makePng(7, 3, 5).toString('base64'))).toEqual({ width: 7, height: 3 });
		expect(makePng(4, 4, 1).equals(makePng(4, 4, 2))).toBe(false);
	});

	describe('auth and routing', () => {
		it('answers 401 without or with a wrong key, accepts Bearer and the bare key', async () => {
			const anonymous = await axios.get(`${sim.endpointUrl('ep-1')}/health`, { validateStatus: () => true });
			expect(anonymous.status).toBe(401);
			expect(anonymous.data).toEqual({ error: 'Unauthorized' });

			const wrong = await axios.get(`${sim.endpointUrl('ep-1')}/health`, {
				headers: { authorization: 'Bearer nope' },
				validateStatus: () => true,
			});
			expect(wrong.status).toBe(401);

			const bare = await axios.get(`${sim.endpointUrl('ep-1')}/health`, { headers: { authorization: sim.apiKey } });
			expect(bare.status).toBe(200);
			expect(sim.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
		});

		it('answers 404 for the unknown endpoint and unknown jobs, 400 for bad bodies', async () => {
			const missing = await axios.get(`${sim.endpointUrl('missing-endpoint')}/health`, {
				headers: { authorization: sim.apiKey },
				validateStatus: () => true,
			});
			expect(missing.status).toBe(404);
			expect((await api.get('/status/no-such-job')).status).toBe(404);

			const noInput = await submit({ webhook: 'http://127.0.0.1:1/' });
			expect(noInput.status).toBe(400);
			expect(noInput.data.error).toMatch(/input/);

			// transformRequest: axios would otherwise send a string that is not JSON as a JSON string literal.
			const badJson = await api.post('/run', '{"input": ', {
				headers: { 'content-type': 'application/json' },
				transformRequest: [(data) => data],
			});
			expect(badJson.status).toBe(400);
			expect(typeof badJson.data.error).toBe('string');
			expect(badJson.data.error).toMatch(/^Invalid JSON body/);

			const badTtl = await submit({ input: { x: 1 }, policy: { ttl: 5 } });
			expect(badTtl.status).toBe(400);
			expect(badTtl.data.error).toMatch(/policy\.ttl/);

			// A job of another endpoint is not visible here.
			const other = await axios.post(
				`${sim.endpointUrl('ep-2')}/run`,
				{ input: { x: 1 } },
				{ headers: { authorization: sim.apiKey } },
			);
			expect((await api.get(`/status/${other.data.id}`)).status).toBe(404);
		});
	});

	describe('jobs', () => {
		it('moves a /run job through IN_QUEUE and IN_PROGRESS to COMPLETED with decodable PNGs', async () => {
			const input = {
				...SEED_INPUT,
				payload: { ...SEED_INPUT.payload, width: 200, height: 1024, batch_size: 2, n_iter: 2, seed: 42 },
			};
			const submitted = await submit({ input });
			expect(submitted.status).toBe(200);
			expect(submitted.data).toEqual({ id: expect.any(String), status: 'IN_QUEUE' });

			const { body, seen } = await untilFinal(submitted.data.id);
			expect(seen).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']);
			expect(body.delayTime).toBeGreaterThanOrEqual(45);
			expect(body.executionTime).toBeGreaterThanOrEqual(95);
			expect(body.output.images).toHaveLength(4);
			for (const image of body.output.images) expect(decodePng(image)).toEqual({ width: 200, height: 256 });
			expect(body.output.parameters).toMatchObject({ width: 200, height: 1024, steps: 30, n_iter: 2, send_images: true });
			const info = JSON.parse(body.output.info);
			expect(info.all_seeds).toEqual([42, 43, 44, 45]);
			expect(info.prompt).toBe('an astronaut riding a horse');
			expect(body.output.info).toContain('"cfg_scale": 7.0');

			const job = sim.jobs.get(submitted.data.id);
			expect(job?.input).toEqual(input);
			expect(job?.status).toBe('COMPLETED');
		});

		it('returns the finished job from /runsync', async () => {
			const response = await submit({ input: SEED_INPUT }, '/runsync?wait=5000');
			expect(response.status).toBe(200);
			expect(response.data.status).toBe('COMPLETED');
			expect(response.data.id).toMatch(/^sync-/);
			expect(decodePng(response.data.output.images[0])).toEqual({ width: 256, height: 256 });
		});

		it('returns only the id and status from /runsync when the job outlasts the wait', async () => {
			const response = await submit({ input: { sim_delay_ms: 3000 } }, '/runsync?wait=1000');
			expect(response.data).toEqual({ id: expect.any(String), status: 'IN_PROGRESS' });
			expect((await submit({ input: {} }, '/runsync?wait=10')).status).toBe(400);
		});

		it("runs the official worker's plain txt2img input and echoes raw input", async () => {
			const official = await submit({ input: { prompt: 'a red chair', width: 64, height: 48 } }, '/runsync');
			expect(official.data.status).toBe('COMPLETED');
			expect(decodePng(official.data.output.images[0])).toEqual({ width: 64, height: 48 });

			const raw = await submit({ input: { text: 'hello' } }, '/runsync');
			expect(raw.data.output).toEqual({ echo: { text: 'hello' } });

			const samplers = await submit({ input: { api: { method: 'GET', endpoint: '/sdapi/v1/samplers' } } }, '/runsync');
			expect(samplers.data.output.map((sampler: { name: string }) => sampler.name)).toContain('Euler a');
		});

		it('fails img2img without init_images or with an empty mask, with a top-level error', async () => {
			const img2img = (payload: object) => ({
				input: { api: { method: 'POST', endpoint: '/sdapi/v1/img2img' }, payload },
			});
			const noImages = await submit(img2img({ prompt: 'x' }), '/runsync');
			expect(noImages.data.status).toBe('FAILED');
			expect(noImages.data.error).toMatch(/Init image/);
			expect(noImages.data.output).toBeUndefined();

			const init = makePng(8, 8).toString('base64');
			const emptyMask = await submit(img2img({ prompt: 'x', init_images: [init], mask: '' }), '/runsync');
			expect(emptyMask.data.status).toBe('FAILED');

			const good = await submit(img2img({ prompt: 'x', init_images: [init], width: 32, height: 32 }), '/runsync');
			expect(good.data.status).toBe('COMPLETED');
			expect(good.data.output.parameters).toMatchObject({ init_images: null, denoising_strength: 0.75 });
		});

		it('times a job out past policy.executionTimeout and honours the outcome switch', async () => {
			const slow = await submit({ input: { sim_delay_ms: 500 }, policy: { executionTimeout: 50 } });
			const { body } = await untilFinal(slow.data.id);
			expect(body.status).toBe('TIMED_OUT');
			expect(body.error).toMatch(/executionTimeout/);
			expect(body.executionTime).toBeLessThan(300);

			sim.setFaults({ outcome: 'FAILED' });
			const forced = await submit({ input: { x: 1 } }, '/runsync');
			expect(forced.data).toMatchObject({ status: 'FAILED', error: expect.any(String) });
		});

		it('streams an A1111 answer image by image, once', async () => {
			const submitted = await submit({
				input: { ...SEED_INPUT, payload: { ...SEED_INPUT.payload, batch_size: 3, width: 16, height: 16 } },
			});
			await untilFinal(submitted.data.id);
			const first = await api.get(`/stream/${submitted.data.id}`);
			expect(first.data.status).toBe('COMPLETED');
			expect(first.data.stream).toHaveLength(3);
			expect(decodePng(first.data.stream[2].output)).toEqual({ width: 16, height: 16 });
			const second = await api.get(`/stream/${submitted.data.id}`);
			expect(second.data.stream).toEqual([]);
		});

		it('cancels a queued job', async () => {
			sim.setFaults({ stall: true });
			const submitted = await submit({ input: { x: 1 } });
			const cancelled = await api.post(`/cancel/${submitted.data.id}`);
			expect(cancelled.data).toEqual({ id: submitted.data.id, status: 'CANCELLED' });
			expect((await api.get(`/status/${submitted.data.id}`)).data.status).toBe('CANCELLED');
			expect((await api.post('/cancel/unknown-job')).status).toBe(404);
		});

		it('retries only FAILED (or TIMED_OUT) jobs, keeping the id', async () => {
			const failing = await submit({ input: { sim_fail: 'CUDA out of memory' } });
			const { body } = await untilFinal(failing.data.id);
			expect(body).toMatchObject({ status: 'FAILED', error: 'CUDA out of memory' });

			const retried = await api.post(`/retry/${failing.data.id}`);
			expect(retried.status).toBe(200);
			expect(retried.data).toEqual({ id: failing.data.id, status: 'IN_QUEUE' });
			expect((await api.get(`/status/${failing.data.id}`)).data.status).toBe('IN_QUEUE');
			expect((await api.get('/health')).data.jobs.retried).toBe(1);

			const completed = await submit({ input: { x: 1 } }, '/runsync');
			const refused = await api.post(`/retry/${completed.data.id}`);
			expect(refused.status).toBe(400);
			expect(refused.data.error).toMatch(/only FAILED or TIMED_OUT/);
		});

		it('purges queued jobs only', async () => {
			const done = await submit({ input: { x: 1 } }, '/runsync');
			sim.setFaults({ stall: true });
			const queued = await Promise.all([1, 2, 3].map(() => submit({ input: { x: 2 } })));
			const purged = await api.post('/purge-queue');
			expect(purged.data).toEqual({ removed: 3, status: 'completed' });
			expect((await api.get(`/status/${queued[0].data.id}`)).status).toBe(404);
			expect((await api.get(`/status/${done.data.id}`)).data.status).toBe('COMPLETED');
		});

		it('counts jobs in /health', async () => {
			await submit({ input: { x: 1 } }, '/runsync');
			await submit({ input: { sim_fail: 'boom' } }, '/runsync');
			await submit({ input: { sim_delay_ms: 2000 } });
			sim.setFaults({ stall: true });
			await submit({ input: { x: 1 } });
			await sleep(80);
			const health = await api.get('/health');
			expect(health.data).toEqual({
				jobs: { completed: 1, failed: 1, inProgress: 1, inQueue: 1, retried: 0 },
				workers: { idle: 1, running: 1 },
			});
		});

		it('releases stalled jobs when the stall is cleared', async () => {
			sim.setFaults({ stall: true });
			const submitted = await submit({ input: { x: 1 } });
			await sleep(200);
			expect((await api.get(`/status/${submitted.data.id}`)).data.status).toBe('IN_QUEUE');
			sim.setFaults({ stall: false });
			expect((await untilFinal(submitted.data.id)).body.status).toBe('COMPLETED');
		});

		it('forgets a job after its ttl', async () => {
			const submitted = await submit({ input: { x: 1 }, policy: { ttl: 300, lowPriority: true } });
			await untilFinal(submitted.data.id);
			expect(sim.jobs.get(submitted.data.id)?.policy).toEqual({ ttl: 300, lowPriority: true });
			await sleep(320);
			expect((await api.get(`/status/${submitted.data.id}`)).status).toBe(404);
		});

		it('forgets a finished /run job after the result retention', async () => {
			sim.config.runResultRetentionMs = 50;
			const submitted = await submit({ input: { x: 1 } });
			await untilFinal(submitted.data.id);
			await sleep(60);
			expect((await api.get(`/status/${submitted.data.id}`)).status).toBe(404);
		});
	});

	describe('limits', () => {
		it('answers 429 with Retry-After past a route limit, and on demand', async () => {
			sim.config.rateLimits.status = 2;
			expect((await api.get('/status/x')).status).toBe(404);
			expect((await api.get('/status/x')).status).toBe(404);
			const limited = await api.get('/status/x');
			expect(limited.status).toBe(429);
			expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
			expect(limited.data.error).toMatch(/status/);
			expect((await api.get('/health')).status).toBe(200);

			sim.setFaults({ rateLimitNext: 1 });
			expect((await api.get('/health')).status).toBe(429);
			expect((await api.get('/health')).status).toBe(200);
		});

		it('limits unfinished /run jobs', async () => {
			sim.config.runMaxConcurrentJobs = 2;
			sim.setFaults({ stall: true });
			expect((await submit({ input: {} })).status).toBe(200);
			expect((await submit({ input: {} })).status).toBe(200);
			expect((await submit({ input: {} })).status).toBe(429);
		});

		it('answers 413 for an 11 MB /run body', async () => {
			const big = { input: { blob: 'a'.repeat(11 * 1024 * 1024) } };
			const response = await submit(big);
			expect(response.status).toBe(413);
			expect(response.data.error).toMatch(/10 MB/);
			expect(sim.jobs.size).toBe(0);
			// The connection is still usable afterwards.
			expect((await api.get('/health')).status).toBe(200);
		});
	});

	describe('faults', () => {
		it('answers garbage and 500s when told to', async () => {
			sim.setFaults({ garbageNext: 1, failNext: 1 });
			const failed = await api.get('/health');
			expect(failed.status).toBe(500);
			expect(failed.data).toEqual({ error: 'Internal Server Error' });

			const garbage = await api.get('/health', { responseType: 'text', transformResponse: (data) => data });
			expect(garbage.status).toBe(200);
			expect(() => JSON.parse(garbage.data)).toThrow();

			expect((await api.get('/health')).status).toBe(200);
			expect(sim.requests.map((request) => request.status)).toEqual([500, 200, 200]);
		});
	});

	describe('webhooks', () => {
		let receiver: RunningServer;
		let received: Array<{ url: string; body: Record<string, unknown> }>;
		let answerWith: number;

		beforeAll(async () => {
			receiver = await startServer(async (req, res) => {
				const chunks: Buffer[] = [];
				for await (const chunk of req) chunks.push(chunk as Buffer);
				received.push({ url: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
				res.writeHead(answerWith, { 'content-type': 'text/plain' });
				res.end('ok');
			});
		});

		beforeEach(() => {
			received = [];
			answerWith = 200;
		});

		afterAll(async () => {
			await receiver.close();
		});

		it("delivers the seed's callback shape, keeping the URL's query string", async () => {
			const webhook = `${receiver.url}/webhook/render?cid=order-7&sig=abc%2Fdef`;
			const submitted = await submit({ webhook, input: SEED_INPUT });
			const [delivery] = await sim.waitForDeliveries(1, 3000);
			expect(delivery).toMatchObject({ jobId: submitted.data.id, url: webhook, attempt: 1, statusCode: 200 });

			expect(received).toHaveLength(1);
			expect(received[0].url).toBe('/webhook/render?cid=order-7&sig=abc%2Fdef');
			const body = received[0].body;
			expect(Object.keys(body)).toEqual(['delayTime', 'executionTime', 'id', 'input', 'output', 'status', 'webhook']);
			expect(body).toMatchObject({ id: submitted.data.id, status: 'COMPLETED', webhook, input: SEED_INPUT });
			const output = body.output as { images: string[]; info: string; parameters: Record<string, unknown> };
			expect(Object.keys(output)).toEqual(['images', 'info', 'parameters']);
			expect(decodePng(output.images[0])).toEqual({ width: 256, height: 256 });
			expect(output.parameters).toMatchObject({ ...SEED_INPUT.payload, seed: -1, n_iter: 1 });
			expect(JSON.parse(output.info).all_seeds).toHaveLength(1);
			expect(body.delayTime).toEqual(expect.any(Number));
		});

		it('sends failures with a top-level error', async () => {
			await submit({ webhook: `${receiver.url}/hook`, input: { sim_fail: 'worker exploded' } });
			await sim.waitForDeliveries(1, 3000);
			expect(received[0].body).toMatchObject({ status: 'FAILED', error: 'worker exploded' });
			expect(received[0].body.output).toBeUndefined();
		});

		it('retries a non-200 answer twice, webhookRetryDelayMs apart', async () => {
			answerWith = 500;
			await submit({ webhook: `${receiver.url}/hook`, input: { x: 1 } });
			await expect(sim.waitForDeliveries(1, 600)).rejects.toThrow(/attempt 3 -> 500/);
			expect(sim.deliveries.map((delivery) => [delivery.attempt, delivery.statusCode])).toEqual([
				[1, 500],
				[2, 500],
				[3, 500],
			]);
			const gaps = sim.deliveries.slice(1).map((delivery, index) => delivery.at - sim.deliveries[index].at);
			for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(95);
			expect(received).toHaveLength(3);
		});

		it('retries connection errors the same way', async () => {
			await submit({ webhook: 'http://127.0.0.1:1/closed', input: { x: 1 } });
			await waitUntil(() => sim.deliveries.length === 3, 3000, 'three delivery attempts');
			await sleep(150); // no fourth attempt follows
			expect(sim.deliveries).toHaveLength(3);
			expect(sim.deliveries.every((delivery) => delivery.error && !delivery.statusCode)).toBe(true);
		});

		it('drops webhooks and stalls on demand', async () => {
			sim.setFaults({ dropWebhooks: true });
			const dropped = await submit({ webhook: `${receiver.url}/hook`, input: { x: 1 } });
			await untilFinal(dropped.data.id);
			sim.setFaults({ dropWebhooks: false, stall: true });
			await submit({ webhook: `${receiver.url}/hook`, input: { x: 1 } });
			await expect(sim.waitForDeliveries(1, 300)).rejects.toThrow(/IN_QUEUE \(stalled\)/);
			expect(received).toHaveLength(0);
		});
	});
});
