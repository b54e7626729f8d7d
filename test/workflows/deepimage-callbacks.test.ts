import axios from 'axios';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { DeepImageTrigger } from '../../nodes/DeepImage/DeepImageTrigger.node';
import { deepImageProvider } from '../../nodes/DeepImage/provider';
import { signedCallbackUrl } from '../../nodes/shared/callback-auth';
import type { ActiveTrigger } from '../harness';
import { chain, createNode, startNode } from '../harness';
import { PNG_SIGNATURE } from '../../simulators/png';
import { deepImageCredentials, deepImageNode, photoItem, useDeepImageWorld } from './deepimage-setup';

const world = useDeepImageWorld();

const post = async (url: string, body: unknown) =>
	await axios.post(url, typeof body === 'string' ? body : JSON.stringify(body), {
		validateStatus: () => true,
		headers: { 'content-type': 'application/json' },
		transformRequest: [(data: unknown) => data],
	});

const secret = () => deepImageProvider.callbackSecret(deepImageCredentials(world.sim).deepImageApi);

describe('Deep Image node: Wait for Callback', () => {
	const runWaiting = async (inputItems: unknown[], parameters: IDataObject = {}) =>
		await world.host.runWorkflow({
			nodes: [startNode(), deepImageNode(world.sim, { waitFor: 'callback', ...parameters })],
			connections: chain('Start', 'Deep Image'),
			credentials: deepImageCredentials(world.sim),
			inputItems: inputItems as IDataObject[],
		});

	it('sends the resume URL as webhooks.complete and is resumed by Deep Image’s callback with the image', async () => {
		const waiting = (await runWaiting([{}], { correlationId: 'sku-12' })).assertStatus('waiting');
		const [job] = [...world.sim.jobs.values()];
		const webhook = new URL(job.webhook as string);
		expect(webhook.origin + webhook.pathname).toBe(waiting.resumeUrl.split('?')[0]);
		expect(webhook.searchParams.get('ref')).toBe('sku-12');

		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		const [item] = done.output('Deep Image');
		expect(item.json).toMatchObject({ jobId: job.id, status: 'completed', correlationId: 'sku-12', request: { url: world.sim.sampleUrl() }, outputs: [{ url: world.sim.jobs.get(job.id)?.resultUrl, binaryProperty: 'data' }] });
		expect((await done.binary('Deep Image', 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect((await world.sim.waitForDeliveries(1))[0].statusCode).toBe(200);
	});

	it('with several multipart uploads, the last job’s callback resumes with every result in item order', async () => {
		const items = [photoItem(20, 20, 1).item, photoItem(30, 20, 2).item, photoItem(40, 20, 3).item];
		const waiting = (await runWaiting(items, { inputSource: 'binary', binaryPropertyName: 'photo', correlationId: '={{ "photo-" + $itemIndex }}' })).assertStatus('waiting');
		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		expect(done.output('Deep Image').map((item) => [item.json.correlationId, item.json.status, item.pairedItem])).toEqual([
			['photo-0', 'completed', { item: 0 }],
			['photo-1', 'completed', { item: 1 }],
			['photo-2', 'completed', { item: 2 }],
		]);
		expect([...world.sim.jobs.values()].map((job) => job.upload?.data.length)).toEqual(items.map((item) => Buffer.from(String(item.binary?.photo.data), 'base64').length));
	});

	it('a failed job (Deep Image sends no failure callback) ends at the timeout naming its id', async () => {
		world.sim.setFaults({ outcome: 'failed' });
		const waiting = (await runWaiting([{ sku: 'a' }], { waitOptions: { timeout: 1 } })).assertStatus('waiting');
		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		const [job] = [...world.sim.jobs.values()];
		expect(done.json('Deep Image')[0]).toMatchObject({ jobId: job.id, sku: 'a', error: { code: 'WAIT_TIMEOUT', message: expect.stringMatching(new RegExp(`${job.id}.*fetch it with Get Result\\.`)) } });
		expect(world.sim.deliveries).toEqual([]);
	});

	it('refuses unsigned and malformed callbacks and keeps waiting', async () => {
		world.sim.setFaults({ dropWebhooks: true });
		const waiting = (await runWaiting([{}])).assertStatus('waiting');
		const [job] = [...world.sim.jobs.values()];
		expect((await post(waiting.resumeUrl, { job: job.id, data: {}, result_url: 'https://evil.example/x.png', results: null })).status).toBe(401);
		const malformed = await post(job.webhook as string, { result_url: 'https://x.example/a.png' });
		expect([malformed.status, malformed.data.error]).toEqual([400, expect.stringMatching(/Deep Image callback not understood: .*needs a string 'job'/)]);
		expect((await post(job.webhook as string, '{"job": ')).status).toBe(422);
		expect(world.host.getExecution(waiting.executionId)?.status).toBe('waiting');
	});
});

describe('Deep Image Trigger', () => {
	let trigger: ActiveTrigger;
	const activate = async (parameters: INodeParameters = {}) => {
		trigger = await world.host.activateTrigger({
			nodes: [createNode(DeepImageTrigger, { name: 'Deep Image Trigger', parameters })],
			connections: {},
			triggerNode: 'Deep Image Trigger',
			credentials: deepImageCredentials(world.sim),
		});
		return trigger;
	};
	afterEach(async () => await trigger?.deactivate());

	const submitTo = async (callbackUrl: string, parameters: IDataObject = {}, inputItems: unknown[] = [{}]) =>
		(
			await world.host.runWorkflow({
				nodes: [startNode(), deepImageNode(world.sim, { waitFor: 'none', callbackUrl, correlationId: 'order-7', ...parameters })],
				connections: chain('Start', 'Deep Image'),
				credentials: deepImageCredentials(world.sim),
				inputItems: inputItems as IDataObject[],
			})
		).assertStatus('success').json('Deep Image')[0];

	it('turns the seed callback {job, data, result_url, results} into a completed RenderResult with the image as binary, once', async () => {
		await activate();
		const submitted = await submitTo(trigger.url(), { preset: 'ecommerce' });
		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.assertStatus('success').output('Deep Image Trigger');
		expect(item.json).toMatchObject({
			provider: 'deepImage',
			jobId: submitted.jobId,
			status: 'completed',
			correlationId: 'order-7',
			request: { url: world.sim.sampleUrl(), preset: 'ecommerce', webhooks: { complete: expect.stringContaining(trigger.url()) } },
			outputs: [{ binaryProperty: 'data', mimeType: 'image/png' }],
		});
		expect((await execution.binary('Deep Image Trigger', 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);

		// Deep Image documents no retries, but a repeat of the same delivery is answered 200 and starts nothing.
		const [delivery] = await world.sim.waitForDeliveries(1);
		const job = world.sim.jobs.get(submitted.jobId as string);
		const repeat = await post(delivery.url, { job: job?.id, data: job?.request, result_url: job?.resultUrl, results: null });
		expect([repeat.status, repeat.data]).toEqual([200, { received: true, duplicate: true }]);
		expect(trigger.executions()).toHaveLength(1);
	});

	it('keeps the echoed request without the base64 input a job was sent with', async () => {
		await activate();
		const { item, png } = photoItem(60, 40, 9);
		await submitTo(trigger.url(), { inputSource: 'binary', binaryPropertyName: 'photo', binaryUpload: 'base64' }, [item]);
		const [execution] = await trigger.waitForExecutions(1);
		const [emitted] = execution.assertStatus('success').output('Deep Image Trigger');
		expect((emitted.json.request as IDataObject).url).toMatch(/^\[base64 image removed: \d+ chars\]$/);
		expect(JSON.stringify(emitted.json)).not.toContain(png.toString('base64').slice(0, 40));
	});

	it('answers 401 to forged callbacks (no signature, another credential’s) and 400 to bodies that are no Deep Image callback', async () => {
		await activate();
		const body = { job: 'forged-job', data: {}, result_url: 'https://evil.example/x.png', results: null };
		expect((await post(trigger.url(), body)).status).toBe(401);
		expect((await post(signedCallbackUrl(trigger.url(), 'another-secret', 'ref-1'), body)).status).toBe(401);
		const signed = signedCallbackUrl(trigger.url(), secret(), 'ref-1');
		expect((await post(signed, { hello: 'world' })).status).toBe(400);
		expect((await post(signed, [1, 2])).status).toBe(400);
		expect((await post(signed, '{"job": ')).status).toBe(422);
		expect(trigger.executions()).toHaveLength(0);
	});

	it('with Confirm with API, emits what Deep Image’s API says, not the callback’s body', async () => {
		await activate({ confirmWithApi: true, outputOptions: { downloadImages: false } });
		const signed = signedCallbackUrl(trigger.url(), secret(), 'ref-2');
		const unknown = await post(signed, { job: 'no-such-job', data: {}, result_url: 'https://evil.example/x.png', results: null });
		expect([unknown.status, unknown.data.error]).toEqual([422, expect.stringMatching(/could not confirm job "no-such-job".*Job not found/)]);

		world.sim.setFaults({ dropWebhooks: true });
		const submitted = await submitTo('https://n8n.example.com/unused');
		await sleep(400);
		expect((await post(signed, { job: submitted.jobId, data: {}, result_url: 'https://evil.example/x.png', results: null })).status).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.output('Deep Image Trigger');
		expect(item.json).toMatchObject({ jobId: submitted.jobId, status: 'completed', correlationId: 'ref-2' });
		expect((item.json.outputs as IDataObject[])[0].url).toBe(world.sim.jobs.get(submitted.jobId as string)?.resultUrl);
	});
});
