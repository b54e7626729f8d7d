import axios from 'axios';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { GepettoTrigger } from '../../nodes/Gepetto/GepettoTrigger.node';
import { gepettoProvider } from '../../nodes/Gepetto/provider';
import { signedCallbackUrl } from '../../nodes/shared/callback-auth';
import type { ActiveTrigger } from '../harness';
import { chain, createNode, startNode } from '../harness';
import { PNG_SIGNATURE } from '../../simulators/png';
import { gepettoCredentials, gepettoNode, useGepettoWorld } from './gepetto-setup';

const world = useGepettoWorld();

const post = async (url: string, body: unknown) =>
	await axios.post(url, typeof body === 'string' ? body : JSON.stringify(body), {
		validateStatus: () => true,
		headers: { 'content-type': 'application/json' },
		transformRequest: [(data: unknown) => data],
	});

describe('Gepetto node: Wait for Callback', () => {
	// Jobs run long enough to be unfinished when the node looks at them once before waiting.
	beforeEach(() => world.sim.setFaults({ runMs: 400 }));
	const runWaiting = async (inputItems: IDataObject[], parameters: IDataObject = {}) =>
		await world.host.runWorkflow({
			nodes: [startNode(), gepettoNode(world.sim, { waitFor: 'callback', ...parameters })],
			connections: chain('Start', 'Gepetto'),
			credentials: gepettoCredentials(world.sim),
			inputItems,
		});

	it('waits, is resumed by Gepetto’s {id, output} callback, and emits the completed render with its image', async () => {
		const waiting = (await runWaiting([{}], { correlationId: 'flat-12' })).assertStatus('waiting');
		const [job] = [...world.sim.jobs.values()];
		const webhook = new URL(job.webhook as string);
		expect(webhook.origin + webhook.pathname).toBe(waiting.resumeUrl.split('?')[0]);
		expect(webhook.searchParams.get('ref')).toBe('flat-12');

		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		const [item] = done.output('Gepetto');
		expect(item.json).toMatchObject({ jobId: job.id, status: 'completed', correlationId: 'flat-12', outputs: [{ url: expect.stringContaining(`/files/${job.id}.png`), binaryProperty: 'data' }] });
		expect((await done.binary('Gepetto', 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		const [delivery] = await world.sim.waitForDeliveries(1);
		expect(delivery.statusCode).toBe(200);
	});

	it('with several items, the last job’s callback resumes with every result in item order', async () => {
		const inputItems = [{ style: 'scandinave' }, { style: 'moderne' }, { style: 'boheme' }];
		const waiting = (await runWaiting(inputItems, { styleId: '={{ $json.style }}', correlationId: '={{ $json.style }}' })).assertStatus('waiting');
		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		expect(done.output('Gepetto').map((item) => [item.json.correlationId, item.json.status, item.pairedItem])).toEqual([
			['scandinave', 'completed', { item: 0 }],
			['moderne', 'completed', { item: 1 }],
			['boheme', 'completed', { item: 2 }],
		]);
	});

	it('a job that never calls back (Gepetto sends no failure callback) ends at the timeout naming its id', async () => {
		world.sim.setFaults({ outcome: 'error', runMs: 400 }); // still running when the node looks before waiting
		const waiting = (await runWaiting([{ listing: 'a' }], { waitOptions: { timeout: 1 } })).assertStatus('waiting');
		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		const [job] = [...world.sim.jobs.values()];
		expect(done.json('Gepetto')[0]).toMatchObject({ jobId: job.id, listing: 'a', error: { code: 'WAIT_TIMEOUT', message: expect.stringMatching(new RegExp(`${job.id}.*fetch it with Job → Get\\.`)) } });
		expect(world.sim.deliveries).toEqual([]);
	});

	it('refuses unsigned and malformed callbacks and keeps waiting', async () => {
		world.sim.setFaults({ dropWebhooks: true });
		const waiting = (await runWaiting([{}])).assertStatus('waiting');
		const [job] = [...world.sim.jobs.values()];
		expect((await post(waiting.resumeUrl, { id: job.id, output: 'https://evil.example/x.png' })).status).toBe(401);
		const malformed = await post(job.webhook as string, { output: 'https://x.example/a.png' });
		expect([malformed.status, malformed.data.error]).toEqual([400, expect.stringMatching(/Gepetto callback not understood: .*needs a string 'id'/)]);
		expect((await post(job.webhook as string, '{"id": ')).status).toBe(422);
		expect(world.host.getExecution(waiting.executionId)?.status).toBe('waiting');
	});
});

describe('Gepetto Trigger', () => {
	let trigger: ActiveTrigger;
	const activate = async (parameters: INodeParameters = {}) => {
		trigger = await world.host.activateTrigger({
			nodes: [createNode(GepettoTrigger, { name: 'Gepetto Trigger', parameters })],
			connections: {},
			triggerNode: 'Gepetto Trigger',
			credentials: gepettoCredentials(world.sim),
		});
		return trigger;
	};
	afterEach(async () => await trigger?.deactivate());

	const submitTo = async (callbackUrl: string, correlationId = 'order-7') =>
		(
			await world.host.runWorkflow({
				nodes: [startNode(), gepettoNode(world.sim, { waitFor: 'none', callbackUrl, correlationId })],
				connections: chain('Start', 'Gepetto'),
				credentials: gepettoCredentials(world.sim),
			})
		).assertStatus('success').json('Gepetto')[0];

	it('turns Gepetto’s callback into a completed RenderResult with the image as binary, once', async () => {
		await activate();
		const submitted = await submitTo(trigger.url());
		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.assertStatus('success').output('Gepetto Trigger');
		expect(item.json).toMatchObject({ provider: 'gepetto', jobId: submitted.jobId, status: 'completed', correlationId: 'order-7', outputs: [{ binaryProperty: 'data', mimeType: 'image/png' }] });
		expect((await execution.binary('Gepetto Trigger', 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

		// A repeat of the same delivery is answered 200 and starts nothing.
		const [delivery] = await world.sim.waitForDeliveries(1);
		const job = world.sim.jobs.get(submitted.jobId as string);
		const repeat = await post(delivery.url, { id: job?.id, output: job?.output });
		expect([repeat.status, repeat.data]).toEqual([200, { received: true, duplicate: true }]);
		expect(trigger.executions()).toHaveLength(1);
	});

	it('answers 401 to forged callbacks (no signature, another credential’s) and 400 to bodies that are no Gepetto callback', async () => {
		await activate();
		const body = { id: 'forged-job', output: 'https://evil.example/x.png' };
		expect((await post(trigger.url(), body)).status).toBe(401);
		expect((await post(signedCallbackUrl(trigger.url(), 'another-secret', 'ref-1'), body)).status).toBe(401);
		const secret = gepettoProvider.callbackSecret(gepettoCredentials(world.sim).gepettoApi);
		const signed = signedCallbackUrl(trigger.url(), secret, 'ref-1');
		expect((await post(signed, { hello: 'world' })).status).toBe(400);
		expect((await post(signed, [1, 2])).status).toBe(400);
		expect(trigger.executions()).toHaveLength(0);
	});

	it('with Confirm with API, emits what Gepetto’s API says, not the callback’s body', async () => {
		await activate({ confirmWithApi: true, outputOptions: { downloadImages: false } });
		const secret = gepettoProvider.callbackSecret(gepettoCredentials(world.sim).gepettoApi);
		const signed = signedCallbackUrl(trigger.url(), secret, 'ref-2');
		const unknown = await post(signed, { id: 'no-such-job', output: 'https://evil.example/x.png' });
		expect([unknown.status, unknown.data.error]).toEqual([422, expect.stringMatching(/could not confirm job "no-such-job".*404/)]);

		world.sim.setFaults({ dropWebhooks: true });
		const submitted = await submitTo('https://n8n.example.com/unused', 'ref-3');
		await new Promise((resolve) => setTimeout(resolve, 300));
		const accepted = await post(signed, { id: submitted.jobId, output: 'https://evil.example/x.png' });
		expect(accepted.status).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.output('Gepetto Trigger');
		expect(item.json).toMatchObject({ jobId: submitted.jobId, status: 'completed', correlationId: 'ref-2' });
		expect((item.json.outputs as IDataObject[])[0].url).toBe(world.sim.jobs.get(submitted.jobId as string)?.output);
	});
});
