import axios from 'axios';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { DeepImageTrigger } from '../../nodes/DeepImage/DeepImageTrigger.node';
import { deepImageProvider } from '../../nodes/DeepImage/provider';
import { dashboardCallbackUrl, signedCallbackUrl } from '../../nodes/shared/callback-auth';
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
	// Jobs run long enough to be unfinished when the node looks at them once before waiting.
	beforeEach(() => world.sim.setFaults({ runMs: 400 }));
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
			nodes: [createNode(DeepImageTrigger, { name: 'Deep Image Trigger', parameters: { confirmWithApi: false, ...parameters } })],
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

describe('Deep Image Trigger: Deep Image’s account-wide webhook (version 3, Callback URL From: token)', () => {
	/** The credential's Webhook Secret (signs per-job URLs) and its Webhook Token (the account-wide URL's), kept apart. */
	const SIGNING_SECRET = 'signing-secret-1b2c';
	const WEBHOOK_TOKEN = 'acct-webhook-token-7f3a9c';
	const TRIGGER = 'Deep Image Trigger';
	const active: ActiveTrigger[] = [];
	afterEach(async () => {
		for (const entry of active.splice(0)) await entry.deactivate();
	});

	const credentials = (webhookToken = WEBHOOK_TOKEN) => deepImageCredentials(world.sim, { webhookSecret: SIGNING_SECRET, webhookToken });

	/** A trigger with the credential's Webhook Token set (or `webhookToken` as given), token mode unless `parameters` say otherwise. */
	const activate = async ({ parameters = {}, typeVersion = 3, webhookToken = WEBHOOK_TOKEN }: { parameters?: INodeParameters; typeVersion?: number; webhookToken?: string } = {}) => {
		const trigger = await world.host.activateTrigger({
			nodes: [createNode(DeepImageTrigger, { name: TRIGGER, typeVersion, parameters: { callbackUrlFrom: 'accountWebhook', ...parameters } })],
			connections: {},
			triggerNode: TRIGGER,
			credentials: credentials(webhookToken),
		});
		active.push(trigger);
		return trigger;
	};

	/** A Deep Image job sent with no webhooks.complete (Don't Wait, no Callback URL): it reports to the account's webhook. */
	const submitWithoutWebhook = async (webhookToken = WEBHOOK_TOKEN) =>
		(
			await world.host.runWorkflow({
				nodes: [startNode(), deepImageNode(world.sim, { waitFor: 'none', preset: 'ecommerce' })],
				connections: chain('Start', 'Deep Image'),
				credentials: credentials(webhookToken),
			})
		).assertStatus('success').json('Deep Image')[0];

	/** The simulator's first delivery once answered, refused or not (waitForDeliveries counts accepted ones only). */
	const firstAnsweredDelivery = async () => {
		for (let waited = 0; waited < 5000; waited += 50) {
			const [delivery] = world.sim.deliveries;
			if (delivery?.statusCode !== undefined) return delivery;
			await sleep(50);
		}
		throw new Error('Deep Image’s simulator delivered no callback');
	};

	const forged = { job: 'forged-job', data: {}, result_url: 'https://evil.example/x.png', results: null };

	it('emits the callback Deep Image posts to the account-wide webhook, the Production URL with ?token=<Webhook Token>', async () => {
		const trigger = await activate();
		world.sim.setFaults({ accountWebhook: dashboardCallbackUrl(trigger.url(), WEBHOOK_TOKEN) });
		const submitted = await submitWithoutWebhook();
		expect(world.sim.jobs.get(submitted.jobId as string)?.webhook).toBeUndefined();

		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.assertStatus('success').output(TRIGGER);
		expect(item.json).toMatchObject({
			provider: 'deepImage',
			jobId: submitted.jobId,
			status: 'completed',
			request: { url: world.sim.sampleUrl(), preset: 'ecommerce' },
			outputs: [{ binaryProperty: 'data', mimeType: 'image/png', url: world.sim.jobs.get(submitted.jobId as string)?.resultUrl }],
		});
		// The account-wide URL names no job of the node's: there is no reference to report.
		expect(item.json.correlationId).toBeUndefined();
		expect((await execution.binary(TRIGGER, 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		const [delivery] = await world.sim.waitForDeliveries(1);
		expect([delivery.statusCode, new URL(delivery.url).searchParams.get('token')]).toEqual([200, WEBHOOK_TOKEN]);
	});

	it('refuses a missing or wrong token 401 with the reason, and emits nothing', async () => {
		const trigger = await activate();
		const missing = await post(trigger.url(), forged);
		expect([missing.status, missing.data.error]).toEqual([401, expect.stringMatching(/neither 'ref' and 'sig' .* nor 'token'/)]);
		// The Webhook Secret is no token: the URL given to the support cannot sign per-job URLs, nor the other way round.
		const wrongTokens = ['guessed', WEBHOOK_TOKEN.replace(/.$/, 'x'), SIGNING_SECRET, ''];
		for (const token of wrongTokens) {
			const answer = await post(`${trigger.url()}?token=${token}`, forged);
			expect([token, answer.status, answer.data.error]).toEqual([token, 401, expect.stringMatching(/token does not match the Webhook Token|lacks its 'token'/)]);
		}

		// Deep Image's webhook set with an old token: its delivery is refused (Deep Image documents no retries).
		world.sim.setFaults({ accountWebhook: dashboardCallbackUrl(trigger.url(), 'old-secret') });
		await submitWithoutWebhook();
		expect((await firstAnsweredDelivery()).statusCode).toBe(401);
		await sleep(200);
		expect(trigger.executions()).toHaveLength(0);
		// The right token on the same trigger passes the URL check.
		expect((await post(dashboardCallbackUrl(trigger.url(), WEBHOOK_TOKEN), { hello: 'world' })).status).toBe(400);
	});

	it('with no Webhook Token in the credential, refuses every callback 401 saying to set one, signed URLs too', async () => {
		const trigger = await activate({ webhookToken: '' });
		// The secret the node signs with when none is set: derived from the API key.
		const derived = deepImageProvider.callbackSecret(deepImageCredentials(world.sim).deepImageApi);
		const signing = deepImageProvider.callbackSecret(credentials('').deepImageApi);
		const urls = [
			trigger.url(),
			dashboardCallbackUrl(trigger.url(), derived),
			dashboardCallbackUrl(trigger.url(), 'anything'),
			signedCallbackUrl(trigger.url(), derived, 'ref-1'),
			signedCallbackUrl(trigger.url(), signing, 'ref-2'),
		];
		for (const url of urls) {
			const answer = await post(url, forged);
			expect([answer.status, answer.data.error]).toEqual([401, expect.stringMatching(/credential has no Webhook Token: set a Webhook Token in the credential/)]);
		}
		world.sim.setFaults({ accountWebhook: dashboardCallbackUrl(trigger.url(), 'anything') });
		await submitWithoutWebhook('');
		expect((await firstAnsweredDelivery()).statusCode).toBe(401);
		await sleep(200);
		expect(trigger.executions()).toHaveLength(0);
	});

	it('keeps accepting URLs the Deep Image node signed: both webhooks feed one trigger', async () => {
		const trigger = await activate();
		world.sim.setFaults({ accountWebhook: dashboardCallbackUrl(trigger.url(), WEBHOOK_TOKEN) });
		const signedJob = (
			await world.host.runWorkflow({
				nodes: [startNode(), deepImageNode(world.sim, { waitFor: 'none', callbackUrl: trigger.url(), correlationId: 'order-7' })],
				connections: chain('Start', 'Deep Image'),
				credentials: credentials(),
			})
		).assertStatus('success').json('Deep Image')[0];
		const accountJob = await submitWithoutWebhook();

		const executions = await trigger.waitForExecutions(2);
		const emitted = executions.map((execution) => execution.assertStatus('success').json(TRIGGER)[0]);
		expect(emitted.map((item) => [item.jobId, item.correlationId]).sort()).toEqual(
			[
				[signedJob.jobId, 'order-7'],
				[accountJob.jobId, undefined],
			].sort(),
		);
		const deliveries = await world.sim.waitForDeliveries(2);
		expect(deliveries.map((delivery) => new URL(delivery.url).searchParams.has('sig')).sort()).toEqual([false, true]);
	});

	it('with Confirm with API, a forged body carrying the right token is refused 422', async () => {
		const trigger = await activate({ parameters: { confirmWithApi: true } });
		const answer = await post(dashboardCallbackUrl(trigger.url(), WEBHOOK_TOKEN), { ...forged, job: 'no-such-job' });
		expect([answer.status, answer.data.error]).toEqual([422, expect.stringMatching(/could not confirm job "no-such-job".*Job not found/)]);
		expect(trigger.executions()).toHaveLength(0);
	});

	it('version 2 (signed URLs only) refuses the token URL that version 3 in token mode accepts, even with Callback URL From saved', async () => {
		const current = await activate();
		const saved = await activate({ typeVersion: 2 });
		const body = (job: string) => ({ job, data: {}, result_url: world.sim.sampleUrl(), results: null });
		const accepted = await post(dashboardCallbackUrl(current.url(), WEBHOOK_TOKEN), body('job-v3'));
		expect(accepted.status).toBe(200);
		const refused = await post(dashboardCallbackUrl(saved.url(), WEBHOOK_TOKEN), body('job-v2'));
		expect([refused.status, refused.data.error]).toEqual([401, expect.stringMatching(/lacks its 'ref' and 'sig'/)]);

		// Deep Image's account-wide webhook pointed at the version 2 trigger: refused too.
		world.sim.setFaults({ accountWebhook: dashboardCallbackUrl(saved.url(), WEBHOOK_TOKEN) });
		await submitWithoutWebhook();
		expect((await firstAnsweredDelivery()).statusCode).toBe(401);
		// A signed URL still works there.
		expect((await post(signedCallbackUrl(saved.url(), SIGNING_SECRET, 'ref-2'), body('job-v2'))).status).toBe(200);
		expect((await saved.waitForExecutions(1))[0].json(TRIGGER)[0]).toMatchObject({ jobId: 'job-v2', correlationId: 'ref-2' });
		expect((await current.waitForExecutions(1))[0].json(TRIGGER)[0]).toMatchObject({ jobId: 'job-v3' });
	});
});
