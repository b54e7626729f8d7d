import { createHash } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { sleep } from 'n8n-workflow';

import { startDeepImageSimulator, type DeepImageSimulator } from '../../simulators/deepimage';
import { makePng } from '../../simulators/png';

let sim: DeepImageSimulator;
beforeAll(async () => {
	sim = await startDeepImageSimulator({ receivedMs: 40, queueMs: 80, runMs: 150, processResultWaitMs: 2000 });
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const headers = () => ({ 'x-api-key': sim.apiKey, 'content-type': 'application/json' });
async function api(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = headers()) {
	const response = await fetch(`${sim.url}${path}`, { method, headers: extraHeaders, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
const submitJob = (body: unknown) => api('POST', '/rest_api/process', body);

describe('Deep Image simulator: auth and account', () => {
	it('answers a wrong key 404 "No user found for provided token" and a missing key 403, as the OpenAPI file says', async () => {
		expect(await api('GET', '/rest_api/me', undefined, { 'x-api-key': 'nope' })).toEqual({ status: 404, body: { message: 'No user found for provided token' } });
		expect((await api('GET', '/rest_api/me', undefined, {})).status).toBe(403);
		expect(await api('GET', '/rest_api/me')).toMatchObject({ status: 200, body: { credits: 1000 } });
	});

	it('answers 404 to a path it does not know and 405 to a known path asked with another method', async () => {
		expect((await api('GET', '/rest_api/nothing')).status).toBe(404);
		expect((await api('PUT', '/rest_api/process', {})).status).toBe(405);
	});
});

describe('Deep Image simulator: jobs', () => {
	it('walks a job through received, not_started, in_progress and complete, with a result_url that serves a PNG', async () => {
		const submitted = await submitJob({ url: sim.sampleUrl(), width: 1000 });
		expect(submitted).toMatchObject({ status: 200, body: { status: 'received', job: expect.any(String) } });
		const { job } = submitted.body;
		const seen = new Set<string>();
		let last: { status: number; body: Record<string, unknown> } | undefined;
		for (let poll = 0; poll < 100 && last?.body.status !== 'complete'; poll++) {
			last = await api('GET', `/rest_api/result/${job}`);
			seen.add(last.body.status as string);
			await sleep(10);
		}
		expect([...seen]).toEqual(expect.arrayContaining(['not_started', 'in_progress', 'complete']));
		expect(last?.body).toEqual({ job, status: 'complete', result_url: expect.stringMatching(new RegExp(`/images/\\d{4}-\\d{2}-\\d{2}/${job}\\.png$`)) });
		const file = await fetch(last?.body.result_url as string);
		expect(Buffer.from(await file.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
	});

	it('answers a failed job HTTP 500 {message, status: "failed", job}; an unreachable URL fails the job', async () => {
		const { body } = await submitJob({ url: 'http://127.0.0.1:1/photo.jpg' });
		await sleep(400);
		expect(await api('GET', `/rest_api/result/${body.job}`)).toEqual({
			status: 500,
			body: { message: 'Image could not be downloaded from the given url', status: 'failed', job: body.job },
		});
	});

	it('process_result answers with the result when it is ready within its wait, else with the unfinished job', async () => {
		expect(await api('POST', '/rest_api/process_result', { url: sim.sampleUrl() })).toMatchObject({ status: 200, body: { status: 'complete', result_url: expect.any(String) } });
		sim.setFaults({ processResultWaitMs: 50 });
		expect((await api('POST', '/rest_api/process_result', { url: sim.sampleUrl() })).body.status).toMatch(/^(received|not_started)$/);
	});

	it('answers 404 for an unknown job and, once deleted, "Image deleted" with status complete', async () => {
		expect(await api('GET', '/rest_api/result/no-such-job')).toEqual({ status: 404, body: { message: 'Job not found' } });
		const { body } = await api('POST', '/rest_api/process_result', { url: sim.sampleUrl() });
		expect((await api('DELETE', `/rest_api/result/${body.job}`)).status).toBe(200);
		expect(await api('GET', `/rest_api/result/${body.job}`)).toEqual({ status: 404, body: { message: 'Image deleted', status: 'complete' } });
		expect((await fetch(body.result_url)).status).toBe(404);
	});

	it('takes a multipart submit: the file in "image", the settings as JSON text in "parameters"', async () => {
		const form = new FormData();
		const png = makePng(40, 30, 3);
		form.append('image', new Blob([png], { type: 'image/png' }), 'chair.png');
		form.append('parameters', JSON.stringify({ preset: 'ecommerce', background: { remove: 'auto' } }));
		const response = await fetch(`${sim.url}/rest_api/process`, { method: 'POST', headers: { 'x-api-key': sim.apiKey }, body: form });
		expect(response.status).toBe(200);
		const { job } = (await response.json()) as { job: string };
		const view = sim.jobs.get(job);
		expect(view?.request).toEqual({ preset: 'ecommerce', background: { remove: 'auto' } });
		expect(view?.upload?.data.equals(png)).toBe(true);
		expect(view?.upload?.fileName).toBe('chair.png');
		// The page checks in another process read: what the job received, the file as a digest.
		const inspected = await (await fetch(`${sim.url}/_simulator/jobs/${job}`)).json();
		expect(inspected).toMatchObject({ job, request: view?.request, upload: { fileName: 'chair.png', size: png.length, sha256: createHash('sha256').update(png).digest('hex') } });
	});

	it('takes base64 as "base64,<data>" and storage:// paths', async () => {
		const base64 = `base64,${makePng(8, 8).toString('base64')}`;
		expect((await submitJob({ url: base64 })).status).toBe(200);
		expect((await submitJob({ url: 'storage://bucket/a.jpg' })).status).toBe(200);
	});
});

describe('Deep Image simulator: errors', () => {
	it.each<[string, unknown, string]>([
		['a file that is no image', { url: `base64,${Buffer.from('hello').toString('base64')}` }, 'Unidentified image'],
		['an unknown preset', { url: 'https://x.example/a.png', preset: 'nope' }, 'Preset nope not found!'],
		['a size above the limit', { url: 'https://x.example/a.png', width: 20000 }, 'Image cannot be upscaled above 8000 x 8000 pixels limit.'],
		['a percentage above the limit', { url: `base64,${makePng(100, 100).toString('base64')}`, width: '9000%' }, 'Image cannot be upscaled above 8000 x 8000 pixels limit.'],
	])('answers %s 400 with BAD_REQUEST', async (_, body, message) => {
		expect(await submitJob(body)).toEqual({ status: 400, body: { message, code: 'BAD_REQUEST' } });
		expect(sim.jobs.size).toBe(0);
	});

	it('answers NOT_ENOUGH_CREDITS with 403 once the credits are spent', async () => {
		sim.setFaults({ credits: 1 });
		expect((await submitJob({ url: sim.sampleUrl() })).status).toBe(200);
		expect(await submitJob({ url: sim.sampleUrl() })).toEqual({ status: 403, body: { code: 'NOT_ENOUGH_CREDITS', message: expect.stringMatching(/Not enough credits/) } });
	});

	it('limits images in progress: 429 TOO_MANY_REQUESTS with the documented message, free again once a job ends', async () => {
		sim.setFaults({ concurrencyLimit: 2 });
		await submitJob({ url: sim.sampleUrl() });
		await submitJob({ url: sim.sampleUrl() });
		expect(await submitJob({ url: sim.sampleUrl() })).toEqual({
			status: 429,
			body: { code: 'TOO_MANY_REQUESTS', message: 'Too many requests. Your rate limit is 2 and you are currently processing 2 images.' },
		});
		await sleep(400);
		expect((await submitJob({ url: sim.sampleUrl() })).status).toBe(200);
	});

	it('fault switches: 500, garbage and the gateway 429 for the next requests', async () => {
		sim.setFaults({ failNext: 1, garbageNext: 1, rateLimitNext: 1 });
		expect((await api('GET', '/rest_api/me')).status).toBe(500);
		expect((await fetch(`${sim.url}/rest_api/me`, { headers: headers() })).headers.get('content-type')).toMatch(/html/);
		expect((await api('GET', '/rest_api/me')).status).toBe(429);
		expect((await api('GET', '/rest_api/me')).status).toBe(200);
	});

	it('failSubmitNext: the submit queues its job, then answers 500 {"message":"Internal error"} (no status, no job)', async () => {
		sim.setFaults({ failSubmitNext: 2 });
		expect(await submitJob({ url: sim.sampleUrl() })).toEqual({ status: 500, body: { message: 'Internal error' } });
		expect(await api('POST', '/rest_api/process_result', { url: sim.sampleUrl() })).toEqual({ status: 500, body: { message: 'Internal error' } });
		expect(sim.jobs.size).toBe(2);
		expect(sim.config.failSubmitNext).toBe(0);
		expect((await submitJob({ url: sim.sampleUrl() })).status).toBe(200);
	});

	it('failResultNext: the status call answers 500 {"message":"Internal error"} while the job goes on', async () => {
		const { body } = await submitJob({ url: sim.sampleUrl() });
		sim.setFaults({ failResultNext: 1 });
		expect(await api('GET', `/rest_api/result/${body.job}`)).toEqual({ status: 500, body: { message: 'Internal error' } });
		await sleep(400);
		expect(await api('GET', `/rest_api/result/${body.job}`)).toMatchObject({ status: 200, body: { job: body.job, status: 'complete' } });
	});
});

describe('Deep Image simulator: webhooks.complete', () => {
	it('calls back once per completed job with {job, data, result_url, results}, data echoing the request; failed jobs call back nothing', async () => {
		const received: unknown[] = [];
		const server = http.createServer((req, res) => {
			let text = '';
			req.on('data', (chunk) => (text += chunk));
			req.on('end', () => {
				received.push(JSON.parse(text));
				res.end('ok');
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?ref=a`;
		try {
			const request = { url: sim.sampleUrl(), width: 1000, webhooks: { complete: hook } };
			const { body } = await submitJob(request);
			await submitJob({ url: 'http://127.0.0.1:1/x.png', webhooks: { complete: hook } });
			const [delivery] = await sim.waitForDeliveries(1);
			expect(delivery).toMatchObject({ jobId: body.job, statusCode: 200, url: hook });
			expect(received).toEqual([{ job: body.job, data: request, result_url: sim.jobs.get(body.job)?.resultUrl, results: null }]);
			await sleep(300);
			expect(sim.deliveries).toHaveLength(1);
		} finally {
			server.close();
		}
	});
});
