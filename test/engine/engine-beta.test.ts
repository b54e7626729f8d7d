/**
 * The engine through a dashboard + multipart provider (Beta, a fake made for this suite): a two-step
 * submit, a failed process answered with HTTP 500, no Wait for Callback, and the trigger that takes
 * the one dashboard URL with its token and several event types.
 */
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';

import type { ActiveTrigger } from '../harness';
import { chain, createNode, readBinary, startNode } from '../harness';
import { Beta } from './fakes/beta/Beta.node';
import { BetaTrigger } from './fakes/beta/BetaTrigger.node';
import { onRoute } from './fakes/recorder';
import { makePng } from '../../simulators/png';
import { betaCredentials, betaNode, binaryItem, post, settle, tokenUrl, useEngineWorld } from './world';

const world = useEngineWorld();
const photo = makePng(32, 20, 11);

const runBeta = async (parameters: IDataObject = {}, inputItems: Array<IDataObject> = [binaryItem(photo)]) =>
	await world.host.runWorkflow({
		nodes: [startNode(), betaNode(parameters)],
		connections: chain('Start', 'Beta'),
		credentials: betaCredentials(world.beta),
		inputItems,
	});

const statusCodes = (route: string) => world.beta.server.requests.filter((request) => request.route === route).map((request) => request.status);

describe('Beta (dashboard, multipart, two-step submit): wait modes', () => {
	it('Poll Until Done: uploads the file as multipart, starts the process with JSON, polls, and emits the result image', async () => {
		const result = (await runBeta({ effect: 'sharpen', correlationId: 'listing-4' })).assertStatus('success');
		const [item] = result.output('Beta');
		expect(item.json).toMatchObject({ provider: 'beta', status: 'completed', correlationId: 'listing-4', outputs: [{ binaryProperty: 'data', mimeType: 'image/png' }] });
		expect((await readBinary(item.binary!.data)).equals(world.beta.image)).toBe(true);

		// What really arrived at Beta: a multipart upload with the file bytes intact, then JSON naming it.
		const [upload] = onRoute(world.beta.received, 'upload');
		expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(upload.headers['x-api-key']).toBe(world.beta.apiKey);
		expect(upload.multipart?.fields).toEqual({ purpose: ['enhance'] });
		expect(upload.multipart?.files).toHaveLength(1);
		const [file] = upload.multipart!.files;
		expect([file.field, file.fileName, file.mimeType]).toEqual(['image', 'room.png', 'image/png']);
		expect(file.data.equals(photo)).toBe(true);
		const [start] = onRoute(world.beta.received, 'process');
		expect(start.contentType).toMatch(/^application\/json/);
		expect(start.json).toEqual({ upload_id: [...world.beta.uploads.keys()][0], effect: 'sharpen', reference: 'listing-4' });
		expect(statusCodes('status')).toEqual([200, 200]);
	});

	it('Poll Until Done: a failed process (HTTP 500 with the process as JSON) is a failed RenderResult, asked once, not a lookup error', async () => {
		world.beta.settings.lookupsUntilDone = 1;
		const result = (await runBeta({ effect: 'melt' })).assertStatus('success');
		const [json] = result.json('Beta');
		expect(json).toMatchObject({ status: 'failed', error: { message: 'the melt effect destroyed the image' } });
		expect(JSON.stringify(json)).not.toMatch(/WAIT_TIMEOUT|lookup/i);
		expect(statusCodes('status')).toEqual([500]);
	});

	it('Get Process reads a failed process from its HTTP 500 answer as a failed RenderResult', async () => {
		world.beta.settings.lookupsUntilDone = 1;
		(await runBeta({ effect: 'melt', waitFor: 'none' })).assertStatus('success');
		const [uid] = world.beta.processes.keys();
		const result = (await runBeta({ operation: 'getProcess', processUid: uid }, [{}])).assertStatus('success');
		expect(result.json('Beta')).toEqual([expect.objectContaining({ jobId: uid, status: 'failed', error: { message: 'the melt effect destroyed the image' } })]);
	});

	it("Don't Wait: returns the queued process at once and asks no status", async () => {
		const result = (await runBeta({ waitFor: 'none' })).assertStatus('success');
		const [uid] = world.beta.processes.keys();
		expect(result.json('Beta')).toEqual([expect.objectContaining({ jobId: uid, status: 'pending' })]);
		expect(statusCodes('status')).toEqual([]);
	});

	it('offers no Wait for Callback and no Callback URL in its description', () => {
		const properties = new Beta().description.properties;
		const waitFor = properties.find((property) => property.name === 'waitFor') as INodeProperties;
		expect(waitFor.options?.map((option) => (option as { value: string }).value)).toEqual(['poll', 'none']);
		expect(properties.some((property) => property.name === 'callbackUrl')).toBe(false);
		expect(new Beta().description.webhooks).toBeUndefined();
	});

	it('polls when Wait for Callback is forced into its parameters (an imported workflow), instead of waiting forever', async () => {
		// n8n hides Wait Options for a mode the node does not offer, so this polls at the default 5 s.
		world.beta.settings.lookupsUntilDone = 1;
		const result = (await runBeta({ waitFor: 'callback' })).assertStatus('success');
		expect(result.json('Beta')[0]).toMatchObject({ status: 'completed' });
		expect(statusCodes('status')).toEqual([200]);
	});

	it('several items: each is uploaded with its own bytes, in order, with pairedItem', async () => {
		const photos = [makePng(8, 8, 1), makePng(9, 9, 2), makePng(10, 10, 3)];
		const result = (await runBeta({}, photos.map((bytes, index) => binaryItem(bytes, `p${index}.png`)))).assertStatus('success');
		expect(result.output('Beta').map((item) => [item.json.status, item.pairedItem])).toEqual([
			['completed', { item: 0 }],
			['completed', { item: 1 }],
			['completed', { item: 2 }],
		]);
		const uploaded = new Map(onRoute(world.beta.received, 'upload').map((request) => [request.multipart!.files[0].fileName, request.multipart!.files[0].data]));
		photos.forEach((bytes, index) => expect(uploaded.get(`p${index}.png`)?.equals(bytes)).toBe(true));
	});
});

describe('Beta Trigger (dashboard URL with a token)', () => {
	let trigger: ActiveTrigger;
	const activate = async (parameters: INodeParameters = {}) => {
		trigger = await world.host.activateTrigger({
			nodes: [createNode(BetaTrigger, { name: 'Beta Trigger', parameters })],
			connections: {},
			credentials: betaCredentials(world.beta),
			triggerNode: 'Beta Trigger',
		});
		world.beta.settings.dashboardUrl = tokenUrl(trigger.url(), world.beta.webhookToken);
	};
	const ready = (uid: string, extra: IDataObject = {}) => ({ uid, status: 'ready', ...extra });
	afterEach(async () => await trigger?.deactivate());

	it("receives the result of a process the node started with Don't Wait, with the reference from the body", async () => {
		await activate();
		(await runBeta({ waitFor: 'none', correlationId: 'order-12' })).assertStatus('success');
		const [uid] = world.beta.processes.keys();
		const answer = await world.beta.finish(uid);
		expect(answer?.statusCode).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.assertStatus('success').output('Beta Trigger');
		expect(item.json).toMatchObject({ provider: 'beta', jobId: uid, status: 'completed', correlationId: 'order-12' });
		expect((await readBinary(item.binary!.data)).equals(world.beta.image)).toBe(true);
	});

	it("without a Correlation ID, the trigger reports the correlationId the node returned for the process", async () => {
		await activate();
		const submitted = (await runBeta({ waitFor: 'none' })).assertStatus('success');
		const [returned] = submitted.json('Beta');
		expect(returned.correlationId).toEqual(expect.any(String));
		expect((await world.beta.finish(returned.jobId as string))?.statusCode).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		expect(execution.json('Beta Trigger')[0]).toMatchObject({ jobId: returned.jobId, correlationId: returned.correlationId });
	});

	it('emits a valid event once; its repeat is answered 200 and emits nothing', async () => {
		await activate();
		const first = await world.beta.notify('process.status', ready('bp-x'));
		// Accepted: n8n answers 200 itself, with no body, once the execution exists.
		expect([first.statusCode, first.body]).toEqual([200, '']);
		const repeat = await world.beta.notify('process.status', ready('bp-x'));
		expect([repeat.statusCode, JSON.parse(repeat.body)]).toEqual([200, { received: true, duplicate: true }]);
		await trigger.waitForExecutions(1);
		await settle();
		expect(trigger.executions()).toHaveLength(1);
	});

	it('answers events that are no process result 200 and emits nothing, so Beta stops retrying', async () => {
		await activate();
		for (const event of ['upload.received', 'credits.low']) {
			const answer = await world.beta.notify(event, { upload_id: 'up-1', credits: 3 });
			expect([answer.statusCode, JSON.parse(answer.body)]).toEqual([200, { received: true, emitted: false, reason: 'not a render result' }]);
		}
		await settle();
		expect(trigger.executions()).toHaveLength(0);
	});

	it('refuses a missing or wrong token with 401', async () => {
		await activate();
		const body = { event: 'process.status', data: ready('bp-forged') };
		const missing = await post(trigger.url(), body);
		const wrong = await post(tokenUrl(trigger.url(), 'guessed-token'), body);
		const signedInstead = await post(`${trigger.url()}?ref=a&sig=${'0'.repeat(64)}`, body);
		expect([missing.status, wrong.status, signedInstead.status]).toEqual([401, 401, 401]);
		await settle();
		expect(trigger.executions()).toHaveLength(0);
	});

	it('answers malformed, empty, form-encoded and unknown bodies 200 with the reason (a dashboard provider retries any other answer), emitting nothing', async () => {
		await activate();
		const url = world.beta.settings.dashboardUrl as string;
		const answers = [
			await post(url, '{"event": "process.status", ', 'text/plain'),
			await post(url, '', 'application/json'),
			await post(url, 'event=process.status&uid=bp-1&status=ready', 'application/x-www-form-urlencoded'),
			await post(url, { uid: 'bp-1', status: 'ready' }),
			await post(url, { event: 'account.deleted', data: {} }),
			await post(url, { event: 'process.status', data: { uid: 'bp-1', status: 'glowing' } }),
		];
		expect(answers.map((answer) => [answer.status, answer.data.emitted])).toEqual(Array(6).fill([200, false]));
		expect(answers[4].data.reason).toMatch(/Beta callback not understood: .*'account.deleted'/);
		await settle();
		expect(trigger.executions()).toHaveLength(0);
	});

	it('emits no progress by default; with Emit Progress Updates it does, and never after the final', async () => {
		await activate();
		const quiet = await world.beta.notify('process.status', { uid: 'bp-p', status: 'processing' });
		expect(JSON.parse(quiet.body)).toEqual({ received: true, emitted: false, reason: 'job bp-p is running' });
		await settle();
		expect(trigger.executions()).toHaveLength(0);
		await trigger.deactivate();

		await activate({ emitProgress: true });
		expect((await world.beta.notify('process.status', { uid: 'bp-q', status: 'processing' })).body).toEqual('');
		expect((await world.beta.notify('process.status', ready('bp-q'))).body).toEqual('');
		const late = await world.beta.notify('process.status', { uid: 'bp-q', status: 'queued' });
		expect(JSON.parse(late.body)).toEqual({ received: true, emitted: false, reason: 'job bp-q is pending' });
		const executions = await trigger.waitForExecutions(2);
		await settle();
		expect(trigger.executions()).toHaveLength(2);
		expect(executions.map((execution) => execution.json('Beta Trigger')[0].status)).toEqual(['running', 'completed']);
	});

	it('with Confirm with API, emits what the API says, also a failure the API answers with HTTP 500', async () => {
		await activate({ confirmWithApi: true });
		world.beta.settings.lookupsUntilDone = 1;
		(await runBeta({ waitFor: 'none', effect: 'melt', correlationId: 'melted' })).assertStatus('success');
		const [uid] = world.beta.processes.keys();
		// The event claims the process is ready; the API says it failed.
		expect((await world.beta.notify('process.status', ready(uid, { reference: 'melted' }))).statusCode).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		expect(execution.json('Beta Trigger')[0]).toMatchObject({ jobId: uid, status: 'failed', error: { message: 'the melt effect destroyed the image' } });

		const unknown = await world.beta.notify('process.status', ready('bp-nobody'));
		expect(unknown.statusCode).toBe(422);
		expect(JSON.parse(unknown.body).error).toMatch(/Beta API could not confirm job "bp-nobody".*404/);
	});
});
