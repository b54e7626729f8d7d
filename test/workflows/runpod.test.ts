import axios from 'axios';
import type { IDataObject } from 'n8n-workflow';

import { RunPodApi } from '../../credentials/RunPodApi.credentials';
import { chain, startNode, testCredential } from '../harness';
import { PNG_SIGNATURE, makePng } from '../../simulators/png';
import { ENDPOINT_ID, jsonOf, runPodCredentials, runPodNode, useRunPodWorld } from './runpod-setup';

const world = useRunPodWorld();

function pngSize(bytes: Buffer) {
	expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function run(parameters: IDataObject, inputItems: IDataObject[] = [{}], credentials = {}) {
	return await world.host.runWorkflow({
		nodes: [startNode(), runPodNode(parameters)],
		connections: chain('Start', 'RunPod'),
		credentials: { ...runPodCredentials(world.sim), ...credentials },
		inputItems,
	});
}

describe('RunPod node: Run with Poll', () => {
	it('queues an A1111 txt2img job, polls it to the end and returns the images as binary', async () => {
		const result = (
			await run({ generationOptions: { batch_size: 2, width: 128, height: 96, seed: 42 }, correlationId: 'listing-7' })
		).assertStatus('success');

		const [item] = result.output('RunPod');
		expect(item.json).toMatchObject({
			provider: 'runPod',
			status: 'completed',
			correlationId: 'listing-7',
			outputs: [
				{ index: 0, binaryProperty: 'data', mimeType: 'image/png' },
				{ index: 1, binaryProperty: 'data_1', mimeType: 'image/png' },
			],
			timings: { queueMs: expect.any(Number), runMs: expect.any(Number) },
		});
		expect(pngSize(await result.binary('RunPod', 'data'))).toEqual({ width: 128, height: 96 });
		expect(item.binary?.data_1?.fileName).toMatch(/^runPod-.+-1\.png$/);
		// No base64 left in the JSON: executions stay small.
		expect(JSON.stringify(item.json).length).toBeLessThan(5000);

		const [job] = [...world.sim.jobs.values()];
		expect(job.input).toEqual({
			api: { method: 'POST', endpoint: '/sdapi/v1/txt2img' },
			payload: expect.objectContaining({ prompt: 'a bright living room', negative_prompt: '', batch_size: 2, seed: 42 }),
		});
		expect(job.webhook).toBeUndefined();
	});

	it('emits one item per image when asked, each with its file in the chosen property', async () => {
		const result = (
			await run({ generationOptions: { batch_size: 3 }, outputOptions: { onePerImage: true, binaryPropertyPrefix: 'render' } })
		).assertStatus('success');
		const items = result.output('RunPod');
		expect(items).toHaveLength(3);
		items.forEach((item, position) => {
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(Object.keys(item.binary ?? {})).toEqual(['render']);
			expect(item.json.outputs).toEqual([expect.objectContaining({ index: position, binaryProperty: 'render' })]);
		});
		expect(new Set(items.map((item) => item.json.jobId)).size).toBe(1);
	});

	it("sends the official worker's plain input and the job policy in milliseconds", async () => {
		(
			await run({ workerFormat: 'official', policy: { executionTimeout: 120, ttl: 3600, lowPriority: true } })
		).assertStatus('success');
		const [job] = [...world.sim.jobs.values()];
		expect(job.input).toMatchObject({ prompt: 'a bright living room' });
		expect(job.input).not.toHaveProperty('api');
		expect(job.policy).toEqual({ executionTimeout: 120000, ttl: 3600000, lowPriority: true });
	});

	it('sends Raw JSON input as given to any other worker', async () => {
		const result = (await run({ inputType: 'raw', rawInput: '{"task": "upscale", "scale": 4}' })).assertStatus('success');
		expect([...world.sim.jobs.values()][0].input).toEqual({ task: 'upscale', scale: 4 });
		expect(result.json('RunPod')[0]).toMatchObject({ status: 'completed', outputs: [], raw: { output: { echo: { task: 'upscale', scale: 4 } } } });
	});

	it('sends img2img with the init image and mask from binary properties, and no mask field without one', async () => {
		const room = makePng(32, 32, 1);
		const mask = makePng(32, 32, 2);
		const binaryItem = (withMask: boolean) => ({
			json: {},
			binary: {
				data: { data: room.toString('base64'), mimeType: 'image/png', fileName: 'room.png' },
				...(withMask ? { mask: { data: mask.toString('base64'), mimeType: 'image/png', fileName: 'mask.png' } } : {}),
			},
		});
		(
			await world.host.runWorkflow({
				nodes: [startNode(), runPodNode({ inputType: 'img2img', maskProperty: 'mask', denoisingStrength: 0.4 })],
				connections: chain('Start', 'RunPod'),
				credentials: runPodCredentials(world.sim),
				inputItems: [binaryItem(true)],
			})
		).assertStatus('success');
		const payload = ([...world.sim.jobs.values()][0].input as IDataObject).payload as IDataObject;
		expect(payload).toMatchObject({ init_images: [room.toString('base64')], mask: mask.toString('base64'), denoising_strength: 0.4 });

		world.sim.reset();
		(
			await world.host.runWorkflow({
				nodes: [startNode(), runPodNode({ inputType: 'img2img' })],
				connections: chain('Start', 'RunPod'),
				credentials: runPodCredentials(world.sim),
				inputItems: [binaryItem(false)],
			})
		).assertStatus('success');
		expect(([...world.sim.jobs.values()][0].input as IDataObject).payload).not.toHaveProperty('mask');
	});

	it('gives every item of a 10-item batch its own job and result, failures included', async () => {
		const inputItems = Array.from({ length: 10 }, (_, index) => ({ room: `room ${index}` }));
		const result = (
			await run(
				{
					inputType: 'raw',
					rawInput: '={{ JSON.stringify($json.room === "room 6" ? { sim_fail: "CUDA out of memory" } : { prompt: $json.room }) }}',
					correlationId: '={{ $json.room }}',
					waitOptions: { pollInterval: 0.1, timeout: 20, maxConcurrentPolls: 3 },
				},
				inputItems,
			)
		).assertStatus('success');

		const items = result.output('RunPod');
		expect(items).toHaveLength(10);
		expect(new Set(items.map((item) => item.json.jobId)).size).toBe(10);
		items.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json.correlationId).toBe(`room ${index}`);
			const job = world.sim.jobs.get(item.json.jobId as string);
			expect(job?.input).toEqual(index === 6 ? { sim_fail: 'CUDA out of memory' } : { prompt: `room ${index}` });
		});
		expect(items[6].json).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('CUDA out of memory') } });
		expect(jsonOf(items).filter((json) => json.status === 'completed')).toHaveLength(9);
	});

	it('returns a job still running at the timeout with its id and error code WAIT_TIMEOUT', async () => {
		world.sim.setFaults({ stall: true });
		const result = (await run({ waitOptions: { pollInterval: 0.5, timeout: 1.2 } })).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({
			status: 'pending',
			jobId: expect.any(String),
			error: { code: 'WAIT_TIMEOUT', message: expect.stringContaining('It goes on at RunPod: fetch it later with Job → Get Status') },
		});
	});

	it("returns at once with Don't Wait and signs the callback URL it passes on", async () => {
		const result = (
			await run({ waitFor: 'none', callbackUrl: 'https://n8n.example.com/webhook/abc/callback', correlationId: 'order-1' })
		).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({ status: 'pending', correlationId: 'order-1' });
		const webhook = new URL([...world.sim.jobs.values()][0].webhook as string);
		expect(webhook.origin + webhook.pathname).toBe('https://n8n.example.com/webhook/abc/callback');
		expect(webhook.searchParams.get('ref')).toBe('order-1');
		expect(webhook.searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);
	});
});

describe('RunPod node: other operations', () => {
	it('Run Sync answers with the finished job in one request', async () => {
		const result = (await run({ operation: 'runSync', syncWaitSeconds: 10 })).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({ status: 'completed', outputs: [{ binaryProperty: 'data' }] });
		const calls = world.sim.requests.filter((request) => request.path.endsWith('/runsync'));
		expect(calls).toHaveLength(1);
		expect(world.sim.requests.some((request) => request.path.includes('/status/'))).toBe(false);
	});

	it('Get Status fetches a finished job with its images', async () => {
		const submitted = (await run({ waitFor: 'none' })).json('RunPod')[0];
		await new Promise((resolve) => setTimeout(resolve, 300));
		const result = (await run({ operation: 'getStatus', jobId: submitted.jobId })).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({ jobId: submitted.jobId, status: 'completed', outputs: [{ binaryProperty: 'data' }] });
	});

	it('Cancel stops a queued job', async () => {
		world.sim.setFaults({ stall: true });
		const submitted = (await run({ waitFor: 'none' })).json('RunPod')[0];
		const result = (await run({ operation: 'cancel', jobId: submitted.jobId })).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({ jobId: submitted.jobId, status: 'cancelled' });
		expect(world.sim.jobs.get(submitted.jobId as string)?.status).toBe('CANCELLED');
	});

	it('Retry requeues a failed job under the same id', async () => {
		const failed = (await run({ inputType: 'raw', rawInput: '{"sim_fail": "boom"}' })).json('RunPod')[0];
		expect(failed.status).toBe('failed');
		const result = (await run({ operation: 'retry', jobId: failed.jobId })).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({ jobId: failed.jobId, status: 'pending' });
	});

	it('Stream returns the chunks so far as outputs', async () => {
		const submitted = (await run({ generationOptions: { batch_size: 2 } })).json('RunPod')[0];
		const result = (await run({ operation: 'stream', jobId: submitted.jobId })).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({ jobId: submitted.jobId, status: 'completed' });
		expect((result.json('RunPod')[0].outputs as IDataObject[]).length).toBe(2);
	});

	it('Stream of a failed job returns a failed result with RunPod’s error', async () => {
		const failed = (await run({ inputType: 'raw', rawInput: '{"sim_fail": "boom"}' })).json('RunPod')[0];
		expect(failed).toMatchObject({ status: 'failed', error: { message: 'boom' } });
		const result = (await run({ operation: 'stream', jobId: failed.jobId })).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({ jobId: failed.jobId, status: 'failed', outputs: [], error: { message: 'boom' } });
		// The answer of /stream carried it: RunPod's {status, stream, error}.
		expect(world.sim.requests.map((request) => request.path)).toContain(`/v2/${ENDPOINT_ID}/stream/${failed.jobId as string}`);
	});

	it('Health and Purge Queue return RunPod’s answers', async () => {
		const health = (await run({ resource: 'endpoint', operation: 'health' })).assertStatus('success').json('RunPod')[0];
		expect(health).toMatchObject({ jobs: { completed: expect.any(Number) }, workers: { idle: expect.any(Number) } });
		world.sim.setFaults({ stall: true });
		await run({ waitFor: 'none' });
		const purged = (await run({ resource: 'endpoint', operation: 'purgeQueue' })).assertStatus('success').json('RunPod')[0];
		expect(purged).toMatchObject({ removed: 1 });
	});
});

describe('RunPod node: errors say what to fix and lose nothing', () => {
	it('a wrong API key fails with RunPod’s own message and a hint', async () => {
		const result = await run({}, [{}], runPodCredentials(world.sim, { apiKey: 'wrong' }));
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/RunPod answered 401: Unauthorized/);
		expect(result.error?.description).toMatch(/check the credential/);
	});

	it('an unknown endpoint fails with 404 and names what to check', async () => {
		const result = await run({ endpointId: 'missing-endpoint' });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/404/);
		expect(result.error?.description).toMatch(/endpoint or job id/);
	});

	it('429 answers are retried, honouring Retry-After', async () => {
		world.sim.setFaults({ rateLimitNext: 2 });
		(await run({ operation: 'runSync' })).assertStatus('success');
		const statuses = world.sim.requests.map((request) => request.status);
		expect(statuses.slice(0, 3)).toEqual([429, 429, 200]);
	});

	it('5xx answers are retried a bounded number of times, then fail with the count', async () => {
		world.sim.setFaults({ failNext: 20 });
		const result = await run({ resource: 'endpoint', operation: 'health' });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/answered 500 \(after 4 retries\): Internal Server Error/);
		expect(world.sim.requests).toHaveLength(5);
	});

	it('a 500 to Run is not retried, since RunPod may have queued the job, and the error says so', async () => {
		world.sim.setFaults({ failNext: 1 });
		const result = await run({ operation: 'run', waitFor: 'none' });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/answered 500: Internal Server Error/);
		expect(result.error?.description).toMatch(/Not retried: the provider may have created it anyway/);
		expect(world.sim.requests.filter((request) => request.path.endsWith('/run'))).toHaveLength(1);
	});

	it('an unreachable API is reported with the network error, not retried forever', async () => {
		const result = await run({ resource: 'endpoint', operation: 'health' }, [{}], runPodCredentials(world.sim, { baseUrl: 'http://127.0.0.1:9/v2' }));
		result.assertStatus('error');
		expect(result.error?.message).toBe('RunPod could not be reached: The service refused the connection - perhaps it is offline');
		expect(result.error?.description).toMatch(/127.0.0.1:9.*ECONNREFUSED.*check the URL in the credential/);
	});

	it('an answer that is not JSON is reported as such', async () => {
		world.sim.setFaults({ garbageNext: 1 });
		const result = await run({ resource: 'endpoint', operation: 'health' });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/not JSON/);
	});

	it('an oversized job is refused before sending, with the limit', async () => {
		const big = Buffer.alloc(11 * 1024 * 1024, 7);
		const result = await world.host.runWorkflow({
			nodes: [startNode(), runPodNode({ inputType: 'img2img' })],
			connections: chain('Start', 'RunPod'),
			credentials: runPodCredentials(world.sim),
			inputItems: [{ json: {}, binary: { data: { data: big.toString('base64'), mimeType: 'image/png' } } }],
		});
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/RunPod accepts at most 10\.0 MB for Run/);
		expect(world.sim.jobs.size).toBe(0);
	});

	it('with Continue On Fail, a bad item becomes an error item and the others run', async () => {
		const result = await world.host.runWorkflow({
			nodes: [startNode(), { ...runPodNode({ inputType: 'raw', rawInput: '={{ $json.input }}' }), onError: 'continueRegularOutput' }],
			connections: chain('Start', 'RunPod'),
			credentials: runPodCredentials(world.sim),
			inputItems: [{ input: '{"prompt": "ok"}' }, { input: 'not json' }, { input: '{"prompt": "ok too"}' }],
		});
		const items = result.assertStatus('success').output('RunPod');
		expect(items.map((item) => item.json.status ?? 'error')).toEqual(['completed', 'error', 'completed']);
		expect(items[1].json.error).toMatch(/Input \(JSON\) is not valid JSON/);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('a failure after other items were accepted names the jobs already running', async () => {
		const result = await run({ inputType: 'raw', rawInput: '={{ $json.input }}' }, [{ input: '{"prompt": "ok"}' }, { input: '[1]' }]);
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/must be a JSON object/);
		const [accepted] = [...world.sim.jobs.keys()];
		expect(result.error?.description).toContain(accepted);
	});
});

describe('RunPod API credential test', () => {
	it('passes with the right key and fails with a wrong one', async () => {
		const good = await testCredential(RunPodApi, runPodCredentials(world.sim).runPodApi);
		expect(good.status).toBe('OK');
		const bad = await testCredential(RunPodApi, runPodCredentials(world.sim, { apiKey: 'nope' }).runPodApi);
		expect(bad).toMatchObject({ status: 'Error', message: expect.stringContaining('RunPod refused the API key') });
	});
});

describe('simulator sanity (the tests above rely on it)', () => {
	it('answers the endpoint the nodes call', async () => {
		const answer = await axios.get(`${world.sim.baseUrl}/${ENDPOINT_ID}/health`, { headers: { authorization: `Bearer ${world.sim.apiKey}` } });
		expect(answer.status).toBe(200);
	});
});
