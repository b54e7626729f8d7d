import { randomBytes } from 'crypto';
import axios from 'axios';
import { readFileSync } from 'fs';
import path from 'path';
import type { IDataObject } from 'n8n-workflow';

import { RunPodTrigger } from '../../nodes/RunPod/RunPodTrigger.node';
import { runPodProvider } from '../../nodes/RunPod/provider';
import { signedCallbackUrl } from '../../nodes/shared/callback-auth';
import type { ActiveTrigger } from '../harness';
import { chain, createNode, readBinary, startNode } from '../harness';
import { startServer } from '../../simulators/http';
import { makePng } from '../../simulators/png';
import { ENDPOINT_ID, runPodCredentials, runPodNode, useRunPodWorld } from './runpod-setup';

const world = useRunPodWorld();
const fixture = (name: string) =>
	JSON.parse(readFileSync(path.join(__dirname, '../fixtures/runpod', name), 'utf8')) as IDataObject;
/** POSTs JSON, or a string exactly as given (axios would otherwise re-encode it). */
const post = async (url: string, body: unknown, headers: Record<string, string> = {}) =>
	await axios.post(url, typeof body === 'string' ? body : JSON.stringify(body), {
		validateStatus: () => true,
		headers: { 'content-type': 'application/json', ...headers },
		transformRequest: [(data: unknown) => data],
		maxBodyLength: Infinity,
	});

/** A raw-input job whose simulated run takes `delayMs`. */
const rawJob = (delayMs: number, extra: IDataObject = {}) => JSON.stringify({ task: 'render', sim_delay_ms: delayMs, ...extra });

async function waitUntil(check: () => boolean, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe('RunPod node: Wait for Callback', () => {
	// Jobs run long enough to be unfinished when the node looks at them once before waiting.
	beforeEach(() => world.sim.setFaults({ runMs: 400 }));
	const runWaiting = async (inputItems: IDataObject[], parameters: IDataObject = {}) =>
		await world.host.runWorkflow({
			nodes: [startNode(), runPodNode({ waitFor: 'callback', inputType: 'raw', rawInput: '={{ $json.input }}', ...parameters })],
			connections: chain('Start', 'RunPod'),
			credentials: runPodCredentials(world.sim),
			inputItems,
		});

	it('puts the execution to wait, hands RunPod a signed resume URL, and resumes with the RenderResult', async () => {
		world.sim.setFaults({ dropWebhooks: true });
		const waiting = (
			await runWaiting([{ input: JSON.stringify({ prompt: 'a kitchen' }) }], { inputType: 'txt2img', prompt: 'a kitchen', correlationId: 'kitchen-1' })
		).assertStatus('waiting');
		expect(waiting.json('RunPod')[0]).toMatchObject({ status: expect.stringMatching(/^(pending|running)$/), correlationId: 'kitchen-1' });

		const [job] = [...world.sim.jobs.values()];
		const webhook = new URL(job.webhook as string);
		expect(webhook.origin + webhook.pathname).toBe(waiting.resumeUrl.split('?')[0]);
		expect(webhook.searchParams.get('ref')).toBe('kitchen-1');
		expect(webhook.searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);
		// The URL names the item whose job it was issued for; the waiting execution keeps that job.
		expect(webhook.searchParams.get('item')).toBe('0');

		// Callbacks that are not the signed one are refused and leave the execution waiting.
		const unsigned = await post(webhook.origin + webhook.pathname, fixture('callback-completed-two-pngs.json'));
		expect(unsigned.status).toBe(401);
		const garbled = await post(job.webhook as string, { hello: 'world' });
		expect(garbled.status).toBe(400);
		expect(garbled.data.error).toMatch(/RunPod callback not understood/);
		expect(world.host.getExecution(waiting.executionId)?.status).toBe('waiting');

		// RunPod's callback body: the /status answer plus input and webhook.
		await waitUntil(() => world.sim.jobs.get(job.id)?.status === 'COMPLETED');
		const callback = await post(job.webhook as string, { ...(await statusOf(job.id)), input: job.input, webhook: job.webhook });
		// Every job is final: n8n itself answers, once it has stored the resume.
		expect([callback.status, callback.data]).toEqual([200, '']);

		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		const [item] = done.output('RunPod');
		expect(item.json).toMatchObject({ jobId: job.id, status: 'completed', correlationId: 'kitchen-1', outputs: [{ binaryProperty: 'data' }] });
		expect((await done.binary('RunPod', 'data')).subarray(1, 4).toString()).toBe('PNG');
		expect(item.pairedItem).toEqual({ item: 0 });

		// n8n resumes an execution once: a repeated callback gets 409 and changes nothing.
		expect((await post(job.webhook as string, await statusOf(job.id))).status).toBe(409);
	});

	it("is resumed by RunPod's own delivery", async () => {
		const waiting = (await runWaiting([{ input: rawJob(400) }])).assertStatus('waiting');
		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		expect(done.json('RunPod')[0]).toMatchObject({ status: 'completed' });
		const deliveries = await world.sim.waitForDeliveries(1, 5000);
		expect(deliveries[0].url).toContain(waiting.resumeUrl.split('?')[0]);
	});

	it('with several items, only the last job calls back, and its callback resumes with every result', async () => {
		const inputItems = [{ input: rawJob(20) }, { input: rawJob(20, { sim_fail: 'bad seed' }) }, { input: rawJob(900) }];
		const waiting = (await runWaiting(inputItems, { correlationId: '={{ "item-" + $itemIndex }}' })).assertStatus('waiting');
		expect([...world.sim.jobs.values()].map((job) => job.webhook === undefined)).toEqual([true, true, false]);

		// The first two jobs end while the third still runs, without a callback: the execution keeps waiting.
		await waitUntil(() => [...world.sim.jobs.values()].filter((job) => job.status === 'COMPLETED' || job.status === 'FAILED').length >= 2);
		expect(world.host.getExecution(waiting.executionId)?.status).toBe('waiting');

		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		const items = done.output('RunPod');
		expect(items.map((item) => [item.json.correlationId, item.json.status, item.pairedItem])).toEqual([
			['item-0', 'completed', { item: 0 }],
			['item-1', 'failed', { item: 1 }],
			['item-2', 'completed', { item: 2 }],
		]);
		expect(new Set(items.map((item) => item.json.jobId)).size).toBe(3);
	});

	it('when the last job finishes first, its callback resumes and the others are polled to the end', async () => {
		const inputItems = [{ input: rawJob(700) }, { input: rawJob(600) }, { input: rawJob(10) }];
		const waiting = (await runWaiting(inputItems, { waitOptions: { pollInterval: 0.2, timeout: 20 } })).assertStatus('waiting');
		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		expect(done.output('RunPod').map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
		const statusCalls = world.sim.requests.filter((request) => request.path.includes('/status/'));
		expect(statusCalls.length).toBeGreaterThanOrEqual(2);
	});

	it('at its timeout with no callback, ends with one WAIT_TIMEOUT item per job naming the job, not the bare input', async () => {
		world.sim.setFaults({ dropWebhooks: true });
		const inputItems = [{ input: rawJob(400), listing: 'a' }, { input: rawJob(400), listing: 'b' }];
		const waiting = (await runWaiting(inputItems, { waitOptions: { timeout: 1 } })).assertStatus('waiting');
		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		const jobIds = [...world.sim.jobs.keys()];
		const items = done.output('RunPod');
		expect(items.map((item) => [item.json.jobId, (item.json.error as IDataObject)?.code, item.json.listing])).toEqual([
			[jobIds[0], 'WAIT_TIMEOUT', 'a'],
			[jobIds[1], 'WAIT_TIMEOUT', 'b'],
		]);
		expect((items[0].json.error as IDataObject).message).toMatch(/No callback came for job .* within 1 s/);
	});

	it('waits with any number of items: only the last job carries the resume URL, as short as for one item', async () => {
		const inputItems = Array.from({ length: 150 }, (_, index) => ({ input: rawJob(1000), reference: `${index}-${'x'.repeat(40)}` }));
		const waiting = (
			await runWaiting(inputItems, { correlationId: '={{ $json.reference }}', waitOptions: { pollInterval: 0.1, timeout: 60 } })
		).assertStatus('waiting');
		const webhooks = [...world.sim.jobs.values()].flatMap((job) => (job.webhook ? [job.webhook as string] : []));
		expect(webhooks).toHaveLength(1);
		expect(new URL(webhooks[0]).searchParams.get('item')).toBe('149');
		expect(webhooks[0].length).toBeLessThan(waiting.resumeUrl.length + 200);
		const done = (await world.host.waitForExecution(waiting.executionId, 30_000)).assertStatus('success');
		const items = done.output('RunPod');
		expect(items.map((item) => [item.json.status, item.json.correlationId])).toEqual(
			inputItems.map((input) => ['completed', input.reference]),
		);
	});

	it('polls instead of waiting when the last item could not be submitted, so no job is left without a way back', async () => {
		const result = await world.host.runWorkflow({
			nodes: [startNode(), { ...runPodNode({ waitFor: 'callback', inputType: 'raw', rawInput: '={{ $json.input }}', waitOptions: { pollInterval: 0.5 } }), onError: 'continueRegularOutput' }],
			connections: chain('Start', 'RunPod'),
			credentials: runPodCredentials(world.sim),
			inputItems: [{ input: rawJob(400) }, { input: 'oops' }],
		});
		const items = result.assertStatus('success').output('RunPod');
		expect(items[0].json.status).toBe('completed');
		expect(items[1].json.error).toMatch(/not valid JSON/);
	});

	it('polls instead of waiting when the last job has ended before the node could wait (its callback refused by n8n meanwhile)', async () => {
		world.sim.setFaults({ queueMs: 0 });
		const result = (
			await runWaiting([{ input: rawJob(600) }, { input: rawJob(0) }], { waitOptions: { pollInterval: 0.5, timeout: 60 } })
		).assertStatus('success');
		expect(result.json('RunPod').map((json) => json.status)).toEqual(['completed', 'completed']);
		const [first] = [...world.sim.jobs.values()];
		expect(world.sim.requests.filter((request) => request.path.endsWith(`/status/${first.id}`)).length).toBeGreaterThanOrEqual(1);
	});

	it('takes its callback URL only for its own job: another job id is refused with 403 and nothing resumes', async () => {
		world.sim.setFaults({ dropWebhooks: true });
		const waiting = (await runWaiting([{ input: rawJob(400) }, { input: rawJob(400) }])).assertStatus('waiting');
		const [first, last] = [...world.sim.jobs.values()];
		await waitUntil(() => world.sim.jobs.get(last.id)?.status === 'COMPLETED');
		const injected = { ...(await statusOf(first.id)), output: { images: ['https://attacker.example/cat.png'] } };

		// The last item's URL, leaked, with the first job's id (or an invented one): refused.
		for (const jobId of [first.id, 'invented-job']) {
			const answer = await post(last.webhook as string, { ...injected, id: jobId });
			expect([answer.status, answer.data.error]).toEqual([403, expect.stringContaining(`issued for RunPod job ${last.id}`)]);
		}
		expect(world.host.getExecution(waiting.executionId)?.status).toBe('waiting');

		// The genuine callback still resumes it, with RunPod's own results for both jobs.
		expect((await post(last.webhook as string, await statusOf(last.id))).status).toBe(200);
		const items = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success').output('RunPod');
		expect(items.map((item) => [item.json.jobId, item.json.status])).toEqual([
			[first.id, 'completed'],
			[last.id, 'completed'],
		]);
		expect(JSON.stringify(items)).not.toContain('attacker.example');
	});

	it("takes the body RunPod's local test server posts ({output}, no id or status) as the URL's job, completed", async () => {
		world.sim.setFaults({ dropWebhooks: true });
		const waiting = (await runWaiting([{ input: rawJob(400) }])).assertStatus('waiting');
		const [job] = [...world.sim.jobs.values()];
		const png = makePng(4, 4).toString('base64');
		// runpod-python's rp_fastapi.py `_send_webhook(webhook, job_output)`: the handler's result only.
		const answer = await post(job.webhook as string, { output: { images: [png] } });
		expect(answer.status).toBe(200);
		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		const [item] = done.output('RunPod');
		expect(item.json).toMatchObject({ jobId: job.id, status: 'completed', outputs: [{ binaryProperty: 'data' }] });
		expect((await done.binary('RunPod', 'data')).equals(Buffer.from(png, 'base64'))).toBe(true);
	});
});

/** A job submitted straight to the simulator and finished. */
async function finishedJob(): Promise<string> {
	const submitted = await axios.post(
		`${world.sim.baseUrl}/${ENDPOINT_ID}/run`,
		{ input: { prompt: 'real job' } },
		{ headers: { authorization: `Bearer ${world.sim.apiKey}` } },
	);
	const jobId = submitted.data.id as string;
	await waitUntil(() => world.sim.jobs.get(jobId)?.status === 'COMPLETED');
	return jobId;
}

async function statusOf(jobId: string): Promise<IDataObject> {
	const answer = await axios.get(`${world.sim.baseUrl}/${ENDPOINT_ID}/status/${jobId}`, {
		headers: { authorization: `Bearer ${world.sim.apiKey}` },
	});
	return answer.data as IDataObject;
}

describe('RunPod Trigger', () => {
	let trigger: ActiveTrigger;
	const signingKey = () => runPodProvider.callbackSecret({ apiKey: world.sim.apiKey });
	const signedUrl = (reference: string) => signedCallbackUrl(trigger.url(), signingKey(), reference);

	/** The trigger as a hand-made callback reaches it: Confirm with API off unless `parameters` say otherwise. */
	const activate = async (parameters: IDataObject = {}) => {
		trigger = await world.host.activateTrigger({
			nodes: [createNode(RunPodTrigger, { name: 'RunPod Trigger', parameters: { endpointId: ENDPOINT_ID, confirmWithApi: false, ...parameters } })],
			connections: {},
			credentials: runPodCredentials(world.sim),
			triggerNode: 'RunPod Trigger',
		});
	};
	afterEach(async () => await trigger?.deactivate());

	it('emits the RenderResult with images as binary; n8n itself answers 200 once the execution exists', async () => {
		await activate();
		const answer = await post(signedUrl('order-9'), fixture('callback-completed-two-pngs.json'));
		expect(answer.status).toBe(200);
		expect(answer.data).toEqual('');

		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.assertStatus('success').output('RunPod Trigger');
		expect(item.json).toMatchObject({
			provider: 'runPod',
			status: 'completed',
			correlationId: 'order-9',
			outputs: [{ binaryProperty: 'data', mimeType: 'image/png' }, { binaryProperty: 'data_1', mimeType: 'image/png' }],
		});
		expect(JSON.stringify(item.json)).not.toMatch(/iVBORw0KGgo/);
		expect((await readBinary(item.binary!.data_1)).subarray(1, 4).toString()).toBe('PNG');
	});

	it('emits a repeated callback once, answering 200 to the repeat', async () => {
		await activate();
		const body = fixture('callback-completed-two-pngs.json');
		expect((await post(signedUrl('r'), body)).status).toBe(200);
		const repeat = await post(signedUrl('r'), body);
		expect(repeat.status).toBe(200);
		expect(repeat.data).toEqual({ received: true, duplicate: true });
		await trigger.waitForExecutions(1);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(trigger.executions()).toHaveLength(1);
		// A new status of the same job is not a repeat.
		expect((await post(signedUrl('r'), { ...body, status: 'FAILED', error: 'late failure' })).data).toEqual('');
		await trigger.waitForExecutions(2);
	});

	it('emits a callback once even when its repeats arrive at the same moment', async () => {
		// Confirm with API makes each request wait on RunPod, as n8n's own database reads do: all
		// three are in flight before the first one's static data is saved.
		await activate({ confirmWithApi: true });
		const jobId = await finishedJob();
		const body = { id: jobId, status: 'COMPLETED', output: {} };
		const answers = await Promise.all([1, 2, 3].map(async () => await post(signedUrl('same'), body)));
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
		expect(answers.filter((answer) => answer.data.duplicate === true)).toHaveLength(2);
		await trigger.waitForExecutions(1);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(trigger.executions()).toHaveLength(1);
		// The delivery is also kept in the workflow's static data, for repeats after a restart.
		expect(JSON.stringify(trigger.staticData('node'))).toContain(`${jobId}:completed`);
	});

	it('refuses a bad signature, a missing one, and a URL signed by another credential with 401', async () => {
		await activate();
		const body = fixture('callback-completed-seed.json');
		const forged = new URL(signedUrl('a'));
		forged.searchParams.set('ref', 'b');
		const foreign = signedCallbackUrl(trigger.url(), runPodProvider.callbackSecret({ apiKey: 'someone-else' }), 'a');
		for (const url of [forged.toString(), trigger.url(), foreign]) {
			const answer = await post(url, body);
			expect(answer.status).toBe(401);
			expect(answer.data.error).toMatch(/signature|'sig'/);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.executions()).toHaveLength(0);
	});

	it('takes a changed webhook secret at once, although it reuses a secret read moments ago', async () => {
		await activate();
		const body = fixture('callback-completed-seed.json');
		expect((await post(signedUrl('before'), { ...body, id: 'job-before' })).status).toBe(200);
		await trigger.updateCredentials('runPodApi', runPodCredentials(world.sim, { webhookSecret: 'rotated-secret' }).runPodApi);
		const rotated = signedCallbackUrl(trigger.url(), runPodProvider.callbackSecret({ webhookSecret: 'rotated-secret' }), 'after');
		expect((await post(rotated, { ...body, id: 'job-after' })).status).toBe(200);
		await trigger.waitForExecutions(2);
	});

	it('refuses malformed JSON and bodies of no known shape, starting nothing', async () => {
		await activate();
		const malformed = await post(signedUrl('m'), '{"id": "x", "status": ', { 'content-type': 'application/json' });
		expect(malformed.status).toBe(422); // n8n's own body parser answers before the node
		const textBody = await post(signedUrl('m'), '{"id": "x", "status": ', { 'content-type': 'text/plain' });
		expect(textBody.status).toBe(400);
		expect(textBody.data.error).toMatch(/not valid JSON/);
		const unknown = await post(signedUrl('m'), { hello: 'world' });
		expect(unknown.status).toBe(400);
		expect(unknown.data.error).toMatch(/RunPod callback not understood: .*'id'.*keys: hello/);
		const badStatus = await post(signedUrl('m'), { id: 'job-1', status: 'EXPLODED' });
		expect(badStatus.status).toBe(400);
		expect(badStatus.data.error).toMatch(/unknown status 'EXPLODED'/);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.executions()).toHaveLength(0);
	});

	it('refuses a form-encoded body with 400, even a signed one that would read as a result', async () => {
		await activate();
		const form = await post(signedUrl('f'), 'id=job-f&status=COMPLETED&output=x', { 'content-type': 'application/x-www-form-urlencoded' });
		expect(form.status).toBe(400);
		expect(form.data.error).toMatch(/application\/x-www-form-urlencoded: a JSON body was expected/);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.executions()).toHaveLength(0);
	});

	it('emits only final statuses by default; progress on request, and never after the final one', async () => {
		await activate();
		const running = await post(signedUrl('p'), { id: 'job-p', status: 'IN_PROGRESS' });
		expect([running.status, running.data]).toEqual([200, { received: true, emitted: false, reason: 'job job-p is running' }]);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.executions()).toHaveLength(0);
		await trigger.deactivate();

		await activate({ emitProgress: true });
		expect((await post(signedUrl('q'), { id: 'job-q', status: 'IN_PROGRESS' })).status).toBe(200);
		expect((await post(signedUrl('q'), { id: 'job-q', status: 'COMPLETED', output: {} })).status).toBe(200);
		const late = await post(signedUrl('q'), { id: 'job-q', status: 'IN_PROGRESS' });
		expect(late.data).toEqual({ received: true, emitted: false, reason: 'job job-q is running' });
		const executions = await trigger.waitForExecutions(2);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.executions()).toHaveLength(2);
		expect(executions.map((execution) => execution.json('RunPod Trigger')[0].status)).toEqual(['running', 'completed']);
	});

	it('turns failure callbacks into failed RenderResults', async () => {
		await activate();
		for (const name of ['callback-failed.json', 'callback-cancelled.json', 'callback-timed-out.json']) {
			expect((await post(signedUrl(name), fixture(name))).status).toBe(200);
		}
		const executions = await trigger.waitForExecutions(3);
		const statuses = executions.map((execution) => execution.json('RunPod Trigger')[0]).map((json) => [json.status, typeof (json.error as IDataObject)?.message]);
		expect(statuses.sort()).toEqual([['cancelled', 'string'], ['failed', 'string'], ['timedOut', 'string']]);
	});

	it('receives the callback of a job the RunPod node submitted with Don’t Wait', async () => {
		await activate();
		(
			await world.host.runWorkflow({
				nodes: [startNode(), runPodNode({ waitFor: 'none', callbackUrl: trigger.url(), correlationId: 'from-node' })],
				connections: chain('Start', 'RunPod'),
				credentials: runPodCredentials(world.sim),
			})
		).assertStatus('success');
		const [execution] = await trigger.waitForExecutions(1, 5000);
		expect(execution.json('RunPod Trigger')[0]).toMatchObject({ status: 'completed', correlationId: 'from-node', outputs: [{ binaryProperty: 'data' }] });
	});

	it('refuses a Don’t Wait Callback URL after it expires (a day by default; Submit Options sets it)', async () => {
		await activate();
		world.sim.setFaults({ dropWebhooks: true });
		const submit = async (submitOptions: IDataObject) =>
			(
				await world.host.runWorkflow({
					nodes: [startNode(), runPodNode({ waitFor: 'none', callbackUrl: trigger.url(), submitOptions })],
					connections: chain('Start', 'RunPod'),
					credentials: runPodCredentials(world.sim),
				})
			).assertStatus('success');
		const before = Date.now() / 1000;
		await submit({});
		await submit({ callbackUrlValidHours: 2 });
		const [daily, shorter] = [...world.sim.jobs.values()].map((job) => new URL(job.webhook as string));
		expect(Number(daily.searchParams.get('exp')) - before).toBeGreaterThanOrEqual(24 * 3600 - 5);
		expect(Number(daily.searchParams.get('exp')) - before).toBeLessThanOrEqual(24 * 3600 + 5);
		expect(Number(shorter.searchParams.get('exp')) - before).toBeLessThanOrEqual(2 * 3600 + 5);

		// The same URL signed with an expiry in the past, as a leaked URL would be a day later.
		const leaked = signedCallbackUrl(trigger.url(), signingKey(), 'old', { exp: String(Math.floor(before) - 1) });
		const answer = await post(leaked, fixture('callback-completed-seed.json'));
		expect([answer.status, answer.data.error]).toEqual([401, expect.stringMatching(/The callback URL expired at .*Callback URL Valid For/)]);
		const stillValid = await post(daily.toString(), fixture('callback-completed-seed.json'));
		expect(stillValid.status).toBe(200);
		await trigger.waitForExecutions(1);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.executions()).toHaveLength(1);
	});

	it("refuses the body RunPod's local test server posts ({output}, no id or status) with 400 saying why: the trigger cannot tell the job", async () => {
		await activate();
		const answer = await post(signedUrl('local'), { output: { images: ['aGVsbG8='] } });
		expect(answer.status).toBe(400);
		expect(answer.data.error).toMatch(/local test server \(--rp_serve_api\).*Wait for Callback/);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.executions()).toHaveLength(0);
	});

	it('names the files of a worker-comfyui job as ComfyUI did (the SaveImage prefix), made safe and unique within the result', async () => {
		await activate();
		const workflow = {
			'5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 48, batch_size: 2 } },
			'6': { class_type: 'CLIPTextEncode', inputs: { text: 'a bright living room' } },
			'9': { class_type: 'SaveImage', inputs: { filename_prefix: 'living room' } },
		};
		(
			await world.host.runWorkflow({
				nodes: [startNode(), runPodNode({ waitFor: 'none', callbackUrl: trigger.url(), inputType: 'comfyui', comfyWorkflow: JSON.stringify(workflow) })],
				connections: chain('Start', 'RunPod'),
				credentials: runPodCredentials(world.sim),
			})
		).assertStatus('success');
		const [delivered] = await trigger.waitForExecutions(1, 5000);
		const [item] = delivered.assertStatus('success').output('RunPod Trigger');
		const names = ['living_room_00001_.png', 'living_room_00002_.png'];
		expect([item.binary?.data?.fileName, item.binary?.data_1?.fileName]).toEqual(names);
		expect((item.json.outputs as IDataObject[]).map((output) => output.fileName)).toEqual(names);

		// ComfyUI repeats a name it saved in two subfolders; the second file gets its index.
		const [first, second] = [makePng(8, 8, 1), makePng(8, 8, 2)];
		const image = (data: Buffer) => ({ filename: 'living room_00001_.png', type: 'base64', data: data.toString('base64') });
		const body = { id: 'comfy-repeat', status: 'COMPLETED', output: { images: [image(first), image(second)] } };
		expect((await post(signedUrl('repeat'), body)).status).toBe(200);
		const [, repeated] = await trigger.waitForExecutions(2);
		const [repeatedItem] = repeated.assertStatus('success').output('RunPod Trigger');
		expect((repeatedItem.json.outputs as IDataObject[]).map((output) => output.fileName)).toEqual(['living_room_00001_.png', 'living_room_00001_-1.png']);
		expect([repeatedItem.binary?.data?.fileName, repeatedItem.binary?.data_1?.fileName]).toEqual(['living_room_00001_.png', 'living_room_00001_-1.png']);
		expect((await readBinary(repeatedItem.binary!.data_1)).equals(second)).toBe(true);
	});

	it('with Confirm with API, emits what the API says and refuses jobs the API does not know', async () => {
		await activate({ confirmWithApi: true });
		const jobId = await finishedJob();
		// A forged body claims failure; the API knows better.
		expect((await post(signedUrl('c'), { id: jobId, status: 'FAILED', error: 'forged' })).status).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		expect(execution.json('RunPod Trigger')[0]).toMatchObject({ jobId, status: 'completed', correlationId: 'c' });

		const unknown = await post(signedUrl('c'), { id: 'no-such-job', status: 'COMPLETED', output: {} });
		expect(unknown.status).toBe(422);
		expect(unknown.data.error).toMatch(/could not confirm job "no-such-job".*404/);
	});

	it('confirms with the API by default from version 4: a leaked URL with a forged body emits what RunPod says', async () => {
		trigger = await world.host.activateTrigger({
			nodes: [createNode(RunPodTrigger, { name: 'RunPod Trigger', parameters: { endpointId: { __rl: true, mode: 'list', value: ENDPOINT_ID } } })],
			connections: {},
			credentials: runPodCredentials(world.sim),
			triggerNode: 'RunPod Trigger',
		});
		const jobId = await finishedJob();
		const forged = { id: jobId, status: 'COMPLETED', output: { images: ['https://attacker.example/cat.png'] } };
		expect((await post(signedUrl('leaked'), forged)).status).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.output('RunPod Trigger');
		expect(item.json).toMatchObject({ jobId, status: 'completed', correlationId: 'leaked', outputs: [{ binaryProperty: 'data' }] });
		expect(JSON.stringify(item.json)).not.toContain('attacker.example');
		const invented = await post(signedUrl('leaked'), { ...forged, id: 'invented-job' });
		expect([invented.status, invented.data.error]).toEqual([422, expect.stringMatching(/could not confirm job "invented-job"/)]);
		// Version 3 left it off: the same forged body would be emitted as sent.
		const v3 = new RunPodTrigger().description.properties.filter((property) => property.name === 'confirmWithApi');
		expect(v3.map((property) => [property.default, property.displayOptions?.show?.['@version']])).toEqual([
			[false, [{ _cnd: { lt: 4 } }]],
			[true, [{ _cnd: { gte: 4 } }]],
		]);
	});

	it.each([
		['picked from the list', true, { __rl: true, mode: 'list', value: ENDPOINT_ID }],
		['given by console URL', true, { __rl: true, mode: 'url', value: `https://console.runpod.io/serverless/user/endpoint/${ENDPOINT_ID}` }],
		// n8n cannot tell from an expression which Endpoint field (version 1-2 text, version 3 locator) is shown.
		['given by console URL, Confirm with API set by expression', '={{ 1 + 1 === 2 }}', { __rl: true, mode: 'url', value: `https://console.runpod.io/serverless/user/endpoint/${ENDPOINT_ID}` }],
	])('with Confirm with API, asks the endpoint %s (version 3 resource locator)', async (_label, confirmWithApi, endpointId) => {
		await activate({ confirmWithApi, endpointId });
		const jobId = await finishedJob();
		expect((await post(signedUrl('rl'), { id: jobId, status: 'FAILED', error: 'forged' })).status).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		expect(execution.json('RunPod Trigger')[0]).toMatchObject({ jobId, status: 'completed', correlationId: 'rl' });
		expect(world.sim.requests.map((request) => request.path)).toContain(`/v2/${ENDPOINT_ID}/status/${jobId}`);
	});

	it('downloads images given as URLs, keeps the URL and an error when one cannot be fetched, and can skip downloads', async () => {
		const png = makePng(40, 30, 5);
		const files = await startServer(async (req, res) => {
			if (req.url === '/render.png') {
				res.writeHead(200, { 'content-type': 'image/png' });
				res.end(png);
			} else {
				res.writeHead(404);
				res.end();
			}
		});
		try {
			const body = { id: 'url-job', status: 'COMPLETED', output: { images: [`${files.url}/render.png`, `${files.url}/gone.png`] } };
			await activate();
			expect((await post(signedUrl('u'), body)).status).toBe(200);
			const [downloaded] = await trigger.waitForExecutions(1);
			const [item] = downloaded.output('RunPod Trigger');
			expect(item.json.outputs).toEqual([
				expect.objectContaining({ index: 0, url: `${files.url}/render.png`, binaryProperty: 'data', mimeType: 'image/png' }),
				expect.objectContaining({ index: 1, url: `${files.url}/gone.png`, error: expect.stringMatching(/Download failed: HTTP 404/) }),
			]);
			// A 404 is not tried again; the item says at the top that an image is missing.
			expect(item.json.error).toEqual({ code: 'IMAGE_NOT_STORED', message: expect.stringContaining('1 of 2 images could not be stored') });
			expect((await readBinary(item.binary!.data)).equals(png)).toBe(true);
			await trigger.deactivate();

			await activate({ outputOptions: { downloadImages: false } });
			expect((await post(signedUrl('u2'), { ...body, id: 'url-job-2' })).status).toBe(200);
			const [linked] = await trigger.waitForExecutions(1);
			const [linkedItem] = linked.output('RunPod Trigger');
			expect(linkedItem.binary).toBeUndefined();
			expect((linkedItem.json.outputs as IDataObject[])[0]).toEqual({ index: 0, url: `${files.url}/render.png` });
		} finally {
			await files.close();
		}
	});

	it('leaves a callback over n8n’s body limit (16 MiB by default) to n8n, which refuses it, starting nothing', async () => {
		await activate();
		const body = { id: 'too-big', status: 'COMPLETED', output: { images: [randomBytes(13 * 1024 * 1024).toString('base64')] } };
		const answer = await post(signedUrl('big'), body);
		expect(answer.status).toBe(500);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(trigger.executions()).toHaveLength(0);
	});

	it('turns a 15 MB base64 payload into binary data and keeps it out of the JSON', async () => {
		await activate();
		const image = Buffer.concat([makePng(64, 64, 3), randomBytes(11 * 1024 * 1024)]);
		const body = { id: 'big-1', status: 'COMPLETED', delayTime: 1, executionTime: 2, output: { images: [image.toString('base64')] } };
		expect(JSON.stringify(body).length).toBeGreaterThan(15_000_000);
		expect((await post(signedUrl('big'), body)).status).toBe(200);
		const [execution] = await trigger.waitForExecutions(1, 20_000);
		const [item] = execution.assertStatus('success').output('RunPod Trigger');
		expect((await readBinary(item.binary!.data)).equals(image)).toBe(true);
		expect(JSON.stringify(item.json).length).toBeLessThan(2000);
	});
});
