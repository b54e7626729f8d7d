/**
 * The simulator base over real HTTP, through a small provider made for this test: routing, auth, fault
 * switches, body limits, JSON and multipart, rate limits, the request log, the job clock and callback
 * retry schedules. What the next providers' simulators rely on without re-testing it.
 */
import axios, { type AxiosInstance } from 'axios';
import { sleep } from 'n8n-workflow';
import {
	CallbackSender,
	FaultSwitches,
	JobClock,
	SimulatorError,
	Timers,
	fixedRetries,
	newClockedJob,
	requireHeaderKey,
	startSimServer,
	untilSuccess,
	type ClockedJob,
	type FinalState,
	type RetrySchedule,
	type SimServer,
} from '../../simulators/base';
import { startServer, type RunningServer } from '../../simulators/http';

const KEY = 'test-key';

interface DemoFinal extends FinalState {
	status: 'done' | 'failed';
}
interface DemoJob extends ClockedJob<DemoFinal> {
	callbackUrl?: string;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(5);
	}
}

/** A provider in miniature: x-api-key auth (403 missing, 404 wrong, like Deep Image), jobs with callbacks. */
async function startDemoProvider(schedule: RetrySchedule) {
	const settings = { stall: false, queueMs: 30, runMs: 30, expireMs: Infinity };
	const timers = new Timers();
	const faults = new FaultSwitches(42);
	const callbacks = new CallbackSender({ timers, schedule, timeoutMs: () => 2000 });
	let nextId = 1;
	const clock: JobClock<DemoJob, DemoFinal> = new JobClock<DemoJob, DemoFinal>({
		timers,
		queueMs: () => settings.queueMs,
		stalled: () => settings.stall,
		settle: (_job, at) => ({ status: 'done', at }),
		onFinal: (job) => {
			if (job.callbackUrl) callbacks.send(job.id, job.callbackUrl, { id: job.id, status: job.final?.status });
		},
		expiresAt: (job) => (job.final ? job.final.at + settings.expireMs : Infinity),
	});
	const server = await startSimServer({
		faults,
		authenticate: requireHeaderKey('x-api-key', () => KEY, {
			missing: [403, 'Missing API key'],
			wrong: [404, 'No user found for provided token'],
		}),
		errorBody: (message) => ({ message }),
		routes: [
			{
				name: 'submit',
				method: 'POST',
				path: '/api/jobs',
				handle: async (call) => {
					const body = (await call.json(1000)) as { callbackUrl?: string };
					const job: DemoJob = { ...newClockedJob(`job-${nextId++}`, Date.now()), callbackUrl: body.callbackUrl };
					clock.add(job, Date.now(), settings.runMs);
					call.send(201, { id: job.id });
				},
			},
			{
				name: 'status',
				method: 'GET',
				path: '/api/jobs/:id',
				handle: (call) => {
					const now = Date.now();
					const job = clock.get(call.params.id, now);
					if (!job) throw new SimulatorError(404, `No job ${call.params.id}`);
					call.send(200, { id: job.id, phase: clock.phase(job, now), status: job.final?.status });
				},
			},
			{
				name: 'upload',
				method: 'POST',
				path: '/api/upload',
				rateLimit: () => ({ limit: 2, windowMs: 60_000, key: 'everyone', message: 'Slow down' }),
				handle: async (call) => {
					const form = await call.multipart(2000);
					call.send(200, {
						fields: form.fields,
						files: form.files.map((file) => ({ ...file, data: file.data.toString('utf8') })),
					});
				},
			},
			{ name: 'echoParam', method: 'DELETE', path: '/api/things/:name', handle: (call) => call.send(200, call.params) },
			{ name: 'public', method: 'GET', path: '/open', auth: false, faults: false, handle: (call) => call.send(200, {}) },
		],
	});
	return { server, clock, callbacks, faults, settings, timers };
}

describe('simulator base', () => {
	let demo: Awaited<ReturnType<typeof startDemoProvider>>;
	let sim: SimServer;
	let api: AxiosInstance;

	beforeAll(async () => {
		demo = await startDemoProvider(fixedRetries(() => 2, () => 20));
		sim = demo.server;
		api = axios.create({ baseURL: sim.url, headers: { 'x-api-key': KEY }, validateStatus: () => true });
	});

	beforeEach(() => {
		demo.callbacks.clear();
		demo.clock.clear();
		demo.timers.clear();
		demo.faults.clear();
		sim.reset();
		Object.assign(demo.settings, { stall: false, queueMs: 30, runMs: 30, expireMs: Infinity });
	});

	afterAll(() => sim.close());

	describe('routing, auth and the request log', () => {
		it('answers 404 for unknown paths, 405 with Allow for a known path, and decodes params', async () => {
			expect((await api.get('/nowhere')).status).toBe(404);
			const wrongMethod = await api.put('/api/jobs');
			expect(wrongMethod.status).toBe(405);
			expect(wrongMethod.headers.allow).toBe('POST');
			expect(wrongMethod.data).toEqual({ message: 'Method Not Allowed' });
			expect((await api.delete('/api/things/a%20b%2Fc')).data).toEqual({ name: 'a b/c' });
		});

		it('tells a missing key from a wrong one, and skips auth where a route says so', async () => {
			const missing = await axios.get(`${sim.url}/api/jobs/x`, { validateStatus: () => true });
			expect([missing.status, missing.data]).toEqual([403, { message: 'Missing API key' }]);
			const wrong = await api.get('/api/jobs/x', { headers: { 'x-api-key': 'nope' } });
			expect([wrong.status, wrong.data]).toEqual([404, { message: 'No user found for provided token' }]);
			expect((await axios.get(`${sim.url}/open`)).status).toBe(200);
		});

		it('logs every request with its route and answered status, and forgets them on reset', async () => {
			await api.get('/nowhere');
			await api.get('/api/jobs/missing');
			await api.post('/api/jobs', {});
			expect(sim.requests.map(({ method, path, status, route }) => ({ method, path, status, route }))).toEqual([
				{ method: 'GET', path: '/nowhere', status: 404, route: undefined },
				{ method: 'GET', path: '/api/jobs/missing', status: 404, route: 'status' },
				{ method: 'POST', path: '/api/jobs', status: 201, route: 'submit' },
			]);
			sim.reset();
			expect(sim.requests).toEqual([]);
		});
	});

	describe('faults', () => {
		it('answers 500, garbage and 429 with Retry-After for the next requests, in that order', async () => {
			demo.faults.next('rateLimit', 1);
			demo.faults.next('garbage', 1);
			demo.faults.next('serverError', 1);
			const failed = await api.get('/api/jobs/x');
			expect([failed.status, failed.data]).toEqual([500, { message: 'Internal Server Error' }]);
			const garbage = await api.get('/api/jobs/x', { transformResponse: (data) => data });
			expect(garbage.status).toBe(200);
			expect(() => JSON.parse(garbage.data)).toThrow();
			const limited = await api.get('/api/jobs/x');
			expect(limited.status).toBe(429);
			expect(limited.headers['retry-after']).toBe('1');
			expect((await api.get('/api/jobs/x')).status).toBe(404);
		});

		it('arms a fault for one route only, and never on a route that opts out', async () => {
			demo.faults.next('serverError', 5, 'submit');
			demo.faults.next('serverError', 5, 'public');
			expect((await api.get('/api/jobs/x')).status).toBe(404);
			expect((await axios.get(`${sim.url}/open`)).status).toBe(200);
			expect((await api.post('/api/jobs', {})).status).toBe(500);
			expect(demo.faults.remaining('serverError', 'submit')).toBe(4);
		});

		it('stalls: the request gets no answer until the simulator drops it', async () => {
			demo.faults.next('stall', 1);
			const pending = api.get('/api/jobs/x');
			await waitUntil(() => demo.faults.remaining('stall') === 0, 'the stalled request to arrive');
			sim.reset();
			await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
			expect((await api.get('/api/jobs/x')).status).toBe(404);
		});

		it('draws probabilistic faults from a seeded generator: same seed, same requests hit', async () => {
			const draws = (seed: number) => {
				const faults = new FaultSwitches(seed);
				faults.rate('serverError', 0.3);
				return Array.from({ length: 200 }, () => faults.draw('any') ?? 'none');
			};
			const first = draws(7);
			expect(draws(7)).toEqual(first);
			expect(draws(8)).not.toEqual(first);
			const hits = first.filter((kind) => kind === 'serverError').length;
			expect(hits).toBeGreaterThan(30);
			expect(hits).toBeLessThan(90);

			demo.faults.rate('serverError', 1, 'status');
			expect((await api.get('/api/jobs/x')).status).toBe(500);
			demo.faults.rate('serverError', 0, 'status');
			expect((await api.get('/api/jobs/x')).status).toBe(404);
		});
	});

	describe('bodies and limits', () => {
		it('answers 413 past the limit, declared or streamed, and keeps the connection usable', async () => {
			const declared = await api.post('/api/jobs', { blob: 'a'.repeat(5000) });
			expect(declared.status).toBe(413);
			expect(declared.data.message).toBe('Request body too large: at most 1000 bytes');
			const streamed = await fetch(`${sim.url}/api/jobs`, {
				method: 'POST',
				headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
				body: new Blob(['{"blob":"', 'b'.repeat(5000), '"}']).stream(),
				duplex: 'half',
			} as RequestInit);
			expect(streamed.status).toBe(413);
			expect((await api.post('/api/jobs', {})).status).toBe(201);
		});

		it('answers 400 to a body that is not JSON', async () => {
			// transformRequest: axios would otherwise send a string that is not JSON as a JSON string literal.
			const broken = await api.post('/api/jobs', '{"a":', {
				headers: { 'content-type': 'application/json' },
				transformRequest: [(data) => data],
			});
			expect(broken.status).toBe(400);
			expect(broken.data.message).toMatch(/^Invalid JSON body/);
		});

		it('parses multipart fields (repeated names kept) and files with their bytes, name and type', async () => {
			const form = new FormData();
			form.append('project_id', 'p-1');
			form.append('asset_role', 'primary_angle');
			form.append('asset_role', 'mask');
			form.append('asset_file', new Blob(['first'], { type: 'image/png' }), 'room.png');
			form.append('asset_file', new Blob(['second']), 'mask.bin');
			const response = await fetch(`${sim.url}/api/upload`, { method: 'POST', headers: { 'x-api-key': KEY }, body: form });
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({
				fields: { project_id: ['p-1'], asset_role: ['primary_angle', 'mask'] },
				files: [
					{ field: 'asset_file', fileName: 'room.png', mimeType: 'image/png', data: 'first' },
					{ field: 'asset_file', fileName: 'mask.bin', mimeType: 'application/octet-stream', data: 'second' },
				],
			});
			const notMultipart = await api.post('/api/upload', { a: 1 });
			expect(notMultipart.status).toBe(400);
			expect(notMultipart.data.message).toMatch(/multipart/);
		});

		it('rate-limits a route with Retry-After', async () => {
			const form = () => {
				const body = new FormData();
				body.append('x', '1');
				return fetch(`${sim.url}/api/upload`, { method: 'POST', headers: { 'x-api-key': KEY }, body });
			};
			expect((await form()).status).toBe(200);
			expect((await form()).status).toBe(200);
			const limited = await form();
			expect(limited.status).toBe(429);
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
			expect(await limited.json()).toEqual({ message: 'Slow down' });
		});
	});

	describe('job clock', () => {
		/** Polls the job until it is final; every phase seen, in order. */
		async function phasesOf(id: string): Promise<string[]> {
			const seen: string[] = [];
			const deadline = Date.now() + 3000;
			while (seen[seen.length - 1] !== 'final') {
				if (Date.now() > deadline) throw new Error(`job ${id} still ${seen[seen.length - 1]}`);
				const { phase } = (await api.get(`/api/jobs/${id}`)).data;
				if (seen[seen.length - 1] !== phase) seen.push(phase);
				await sleep(3);
			}
			return seen;
		}

		it('moves a job queued → running → final, then expires it', async () => {
			demo.settings.expireMs = 50;
			const { id } = (await api.post('/api/jobs', {})).data;
			expect(await phasesOf(id)).toEqual(['queued', 'running', 'final']);
			expect((await api.get(`/api/jobs/${id}`)).data.status).toBe('done');
			await sleep(60);
			expect((await api.get(`/api/jobs/${id}`)).status).toBe(404);
		});

		it('keeps a job queued while stalled and runs it once the stall is cleared', async () => {
			demo.settings.stall = true;
			const { id } = (await api.post('/api/jobs', {})).data;
			for (let look = 0; look < 2; look++) {
				await sleep(100);
				expect((await api.get(`/api/jobs/${id}`)).data.phase).toBe('queued');
			}
			demo.settings.stall = false;
			demo.clock.advanceAll(Date.now());
			expect(await phasesOf(id)).toEqual(['queued', 'running', 'final']);
		});
	});

	describe('callbacks', () => {
		let receiver: RunningServer;
		/** Statuses the receiver answers with, one per request; the last one repeats. */
		let answers: number[];
		let bodies: unknown[];

		beforeAll(async () => {
			receiver = await startServer(async (req, res) => {
				const chunks: Buffer[] = [];
				for await (const chunk of req) chunks.push(chunk as Buffer);
				bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
				res.writeHead(answers.length > 1 ? (answers.shift() as number) : answers[0]);
				res.end();
			});
		});

		beforeEach(() => {
			answers = [200];
			bodies = [];
		});

		afterAll(() => receiver.close());

		it('posts the body when the job ends; an accepted answer ends the delivery', async () => {
			const { id } = (await api.post('/api/jobs', { callbackUrl: `${receiver.url}/hook?ref=a` })).data;
			const [delivery] = await demo.callbacks.waitForDeliveries(1);
			expect(delivery).toMatchObject({ jobId: id, url: `${receiver.url}/hook?ref=a`, attempt: 1, statusCode: 200 });
			expect(bodies).toEqual([{ id, status: 'done' }]);
		});

		it('fixed retries (RunPod): two more attempts on anything but 200, then it gives up', async () => {
			answers = [204];
			const { id } = (await api.post('/api/jobs', { callbackUrl: `${receiver.url}/hook` })).data;
			await expect(demo.callbacks.waitForDeliveries(1, 800)).rejects.toThrow(/attempt 3 -> 204/);
			// A later job's delivery is the sign that no fourth attempt of the first was due meanwhile.
			answers = [200];
			await sleep(100);
			await api.post('/api/jobs', { callbackUrl: `${receiver.url}/hook` });
			await demo.callbacks.waitForDeliveries(1);
			const firstJob = demo.callbacks.deliveries.filter((record) => record.jobId === id);
			expect(firstJob.map((record) => [record.attempt, record.statusCode])).toEqual([
				[1, 204],
				[2, 204],
				[3, 204],
			]);
		});

		it('records a connection error as a failed attempt', async () => {
			await api.post('/api/jobs', { callbackUrl: 'http://127.0.0.1:1/closed' });
			await waitUntil(() => demo.callbacks.deliveries.length === 3, 'three attempts');
			expect(demo.callbacks.deliveries.every((record) => record.error && record.statusCode === undefined)).toBe(true);
		});

		it('until success (AI Home Design): retries past any count until a 2xx, backing off', async () => {
			const patient = await startDemoProvider(untilSuccess(5, 20));
			try {
				answers = [500, 503, 429, 410, 500, 202];
				const submitted = await axios.post(`${patient.server.url}/api/jobs`, { callbackUrl: `${receiver.url}/hook` }, {
					headers: { 'x-api-key': KEY },
				});
				const [accepted] = await patient.callbacks.waitForDeliveries(1);
				expect(accepted).toMatchObject({ jobId: submitted.data.id, attempt: 6, statusCode: 202 });
				expect(patient.callbacks.deliveries.map((record) => record.statusCode)).toEqual([500, 503, 429, 410, 500, 202]);
			} finally {
				await patient.server.close();
				patient.timers.clear();
			}
		});

		it('schedules: RunPod accepts only 200; until-success accepts any 2xx and doubles its wait up to the cap', () => {
			const runPod = fixedRetries(() => 2, () => 10_000);
			expect([runPod.accepts(200), runPod.accepts(201), runPod.accepts(500)]).toEqual([true, false, false]);
			expect([1, 2, 3].map((attempt) => runPod.delayAfter(attempt))).toEqual([10_000, 10_000, undefined]);
			const aiHomeDesign = untilSuccess(1000, 5000, 6);
			expect([aiHomeDesign.accepts(204), aiHomeDesign.accepts(301), aiHomeDesign.accepts(199)]).toEqual([true, false, false]);
			expect([1, 2, 3, 4, 5, 6].map((attempt) => aiHomeDesign.delayAfter(attempt))).toEqual([
				1000, 2000, 4000, 5000, 5000, undefined,
			]);
		});
	});
});
