/**
 * The engine through a perJob + JSON provider (Alpha, a fake made for this suite): every wait mode,
 * the router, and the trigger, over real HTTP through n8n-core.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { ActiveTrigger } from '../harness';
import { chain, createNode, readBinary, startNode } from '../harness';
import { AlphaTrigger } from './fakes/alpha/AlphaTrigger.node';
import { onRoute } from './fakes/recorder';
import { alphaCredentials, alphaNode, post, settle, signedUrl, useEngineWorld } from './world';

const world = useEngineWorld();

const runAlpha = async (parameters: IDataObject = {}, inputItems: IDataObject[] = [{}], extra: IDataObject = {}) =>
	await world.host.runWorkflow({
		nodes: [startNode(), { ...alphaNode(parameters), ...extra }],
		connections: chain('Start', 'Alpha'),
		credentials: alphaCredentials(world.alpha),
		inputItems,
	});

const createdBodies = () => onRoute(world.alpha.received, 'create').map((request) => request.json as IDataObject);

describe('Alpha (perJob, JSON): wait modes', () => {
	it('Poll Until Done: polls the status until final and emits the RenderResult with the image as a file', async () => {
		world.alpha.settings.lookupsUntilDone = 3;
		const result = (await runAlpha({ correlationId: 'barn-1' })).assertStatus('success');
		const [item] = result.output('Alpha');
		expect(item.json).toMatchObject({ provider: 'alpha', status: 'completed', correlationId: 'barn-1', outputs: [{ index: 0, binaryProperty: 'data', mimeType: 'image/png' }] });
		expect((await readBinary(item.binary!.data)).equals(world.alpha.image)).toBe(true);
		expect(onRoute(world.alpha.received, 'status')).toHaveLength(3);
		// Polling hands out no callback URL.
		expect(createdBodies()).toEqual([{ prompt: 'a red barn' }]);
		expect(onRoute(world.alpha.received, 'create')[0].headers.authorization).toBe(`Bearer ${world.alpha.apiKey}`);
	});

	it('Poll Until Done: a failed render is a failed RenderResult with the provider’s message, not an execution error', async () => {
		const result = (await runAlpha({ prompt: 'fail: a melting clock' })).assertStatus('success');
		expect(result.json('Alpha')[0]).toMatchObject({ status: 'failed', error: { message: 'the model refused "fail: a melting clock"' }, outputs: [] });
	});

	it('Poll Until Done: several items keep their order and pairedItem', async () => {
		const result = (
			await runAlpha({ prompt: '={{ $json.prompt }}', correlationId: '={{ "row-" + $itemIndex }}' }, [{ prompt: 'one' }, { prompt: 'fail: two' }, { prompt: 'three' }])
		).assertStatus('success');
		expect(result.output('Alpha').map((item) => [item.json.correlationId, item.json.status, item.pairedItem])).toEqual([
			['row-0', 'completed', { item: 0 }],
			['row-1', 'failed', { item: 1 }],
			['row-2', 'completed', { item: 2 }],
		]);
	});

	it('Poll Until Done: a render still unfinished at the timeout keeps its last status with WAIT_TIMEOUT naming the job', async () => {
		world.alpha.settings.lookupsUntilDone = Infinity;
		const result = (await runAlpha({ waitOptions: { pollInterval: 0.05, timeout: 0.3 } })).assertStatus('success');
		const [job] = world.alpha.jobs.values();
		expect(result.json('Alpha')[0]).toMatchObject({ jobId: job.id, status: 'running', error: { code: 'WAIT_TIMEOUT', message: expect.stringContaining(`Job ${job.id} was still running`) } });
	});

	it("Don't Wait without a Callback URL: returns the queued job at once, sends no URL and asks no status", async () => {
		const result = (await runAlpha({ waitFor: 'none', correlationId: 'now' })).assertStatus('success');
		const [job] = world.alpha.jobs.values();
		expect(result.json('Alpha')).toEqual([expect.objectContaining({ jobId: job.id, status: 'pending', correlationId: 'now' })]);
		expect(createdBodies()).toEqual([{ prompt: 'a red barn' }]);
		expect(onRoute(world.alpha.received, 'status')).toHaveLength(0);
	});

	describe("Don't Wait with the trigger's URL as Callback URL", () => {
		let trigger: ActiveTrigger;
		afterEach(async () => await trigger?.deactivate());

		it('signs the URL per job, and the trigger accepts the callback of that job and emits it once', async () => {
			trigger = await world.host.activateTrigger({
				nodes: [createNode(AlphaTrigger, { name: 'Alpha Trigger' })],
				connections: {},
				credentials: alphaCredentials(world.alpha),
				triggerNode: 'Alpha Trigger',
			});
			(await runAlpha({ waitFor: 'none', callbackUrl: trigger.url(), correlationId: 'order-7' })).assertStatus('success');

			const [body] = createdBodies();
			const notifyUrl = new URL(body.notify_url as string);
			expect(notifyUrl.origin + notifyUrl.pathname).toBe(trigger.url());
			expect(notifyUrl.searchParams.get('ref')).toBe('order-7');
			// The signature is the documented contract, computed independently of the engine.
			const exp = notifyUrl.searchParams.get('exp') ?? '';
			expect(Number(exp) - Date.now() / 1000).toBeGreaterThan(24 * 3600 - 60);
			expect(notifyUrl.searchParams.get('sig')).toBe(new URL(signedUrl(trigger.url(), 'order-7', undefined, { exp })).searchParams.get('sig'));

			const [job] = world.alpha.jobs.values();
			expect(await world.alpha.finish(job.id)).toMatchObject({ statusCode: 200 });
			const [execution] = await trigger.waitForExecutions(1);
			const [item] = execution.assertStatus('success').output('Alpha Trigger');
			expect(item.json).toMatchObject({ provider: 'alpha', jobId: job.id, status: 'completed', correlationId: 'order-7', deliveryKey: `${job.id}:completed` });
			expect((await readBinary(item.binary!.data)).equals(world.alpha.image)).toBe(true);
		});
	});

	describe('Wait for Callback', () => {
		const runWaiting = async (inputItems: IDataObject[], parameters: IDataObject = {}) =>
			await runAlpha({ waitFor: 'callback', prompt: '={{ $json.prompt }}', correlationId: '={{ "item-" + $itemIndex }}', ...parameters }, inputItems);

		it('puts the execution to wait with the jobs pending, and one callback resumes it with the result', async () => {
			world.alpha.settings.lookupsUntilDone = Infinity;
			const waiting = (await runWaiting([{ prompt: 'a lighthouse' }])).assertStatus('waiting');
			const [job] = world.alpha.jobs.values();
			// The job as the one look before waiting found it.
			expect(waiting.json('Alpha')).toEqual([expect.objectContaining({ jobId: job.id, status: 'running', correlationId: 'item-0' })]);

			const notifyUrl = new URL(job.notifyUrl as string);
			expect(notifyUrl.origin + notifyUrl.pathname).toBe(waiting.resumeUrl.split('?')[0]);
			// Tampered or unsigned callbacks to the resume URL are refused and leave it waiting.
			const tampered = new URL(notifyUrl);
			tampered.searchParams.set('ref', 'someone-else');
			expect((await post(tampered.toString(), world.alpha.statusBody(job))).status).toBe(401);
			expect((await post(notifyUrl.origin + notifyUrl.pathname, world.alpha.statusBody(job))).status).toBe(401);
			expect((await post(job.notifyUrl as string, { hello: 'world' })).status).toBe(400);
			expect(world.host.getExecution(waiting.executionId)?.status).toBe('waiting');

			expect(await world.alpha.finish(job.id)).toMatchObject({ statusCode: 200 });
			const done = (await world.host.waitForExecution(waiting.executionId)).assertStatus('success');
			const [item] = done.output('Alpha');
			expect(item.json).toMatchObject({ jobId: job.id, status: 'completed', correlationId: 'item-0' });
			expect(item.pairedItem).toEqual({ item: 0 });
			expect((await done.binary('Alpha')).equals(world.alpha.image)).toBe(true);
		});

		it('with several items, only the last job is given the resume URL, and its callback resumes with every result', async () => {
			world.alpha.settings.lookupsUntilDone = Infinity;
			const waiting = (await runWaiting([{ prompt: 'one' }, { prompt: 'fail: two' }, { prompt: 'three' }])).assertStatus('waiting');
			const jobs = [...world.alpha.jobs.values()];
			expect(jobs).toHaveLength(3);
			expect(jobs.map((job) => job.notifyUrl === undefined)).toEqual([true, true, false]);

			// The other jobs end without calling back; the execution keeps waiting for the last one.
			for (const job of jobs.slice(0, 2)) expect(await world.alpha.finish(job.id)).toBeUndefined();
			expect(world.host.getExecution(waiting.executionId)?.status).toBe('waiting');

			expect(await world.alpha.finish(jobs[2].id)).toMatchObject({ statusCode: 200 });
			const done = (await world.host.waitForExecution(waiting.executionId)).assertStatus('success');
			expect(done.output('Alpha').map((item) => [item.json.jobId, item.json.correlationId, item.json.status, item.pairedItem])).toEqual([
				[jobs[0].id, 'item-0', 'completed', { item: 0 }],
				[jobs[1].id, 'item-1', 'failed', { item: 1 }],
				[jobs[2].id, 'item-2', 'completed', { item: 2 }],
			]);
		});

		it('at its timeout with no callback, ends with one WAIT_TIMEOUT item per job, keeping the input fields', async () => {
			world.alpha.settings.lookupsUntilDone = Infinity;
			const waiting = (await runWaiting([{ prompt: 'one', listing: 'a' }, { prompt: 'two', listing: 'b' }], { waitOptions: { timeout: 1 } })).assertStatus('waiting');
			const jobIds = [...world.alpha.jobs.keys()];
			const done = (await world.host.waitForExecution(waiting.executionId)).assertStatus('success');
			expect(done.json('Alpha').map((json) => [json.jobId, (json.error as IDataObject)?.code, json.listing])).toEqual([
				[jobIds[0], 'WAIT_TIMEOUT', 'a'],
				[jobIds[1], 'WAIT_TIMEOUT', 'b'],
			]);
		});

		it('when the last job calls back first, the others are looked up and followed to the end', async () => {
			world.alpha.settings.lookupsUntilDone = 2;
			const waiting = (await runWaiting([{ prompt: 'one' }, { prompt: 'two' }])).assertStatus('waiting');
			const jobs = [...world.alpha.jobs.values()];
			expect(await world.alpha.finish(jobs[1].id)).toMatchObject({ statusCode: 200 });
			const done = (await world.host.waitForExecution(waiting.executionId)).assertStatus('success');
			expect(done.json('Alpha').map((json) => [json.jobId, json.status])).toEqual([
				[jobs[0].id, 'completed'],
				[jobs[1].id, 'completed'],
			]);
			// One look at each job before waiting, then the resume looks at the other job again.
			const looks = onRoute(world.alpha.received, 'status').map((request) => request.path);
			expect(looks.slice(0, 2).sort()).toEqual(jobs.map((job) => `/v1/renders/${job.id}`).sort());
			expect(looks.slice(2)).toEqual([`/v1/renders/${jobs[0].id}`]);
		});
	});
});

describe('Alpha: the router', () => {
	it('runs a job operation per item with pairedItem, and a data operation as plain items', async () => {
		world.alpha.settings.lookupsUntilDone = 1;
		(await runAlpha({ waitFor: 'none', prompt: '={{ $json.prompt }}' }, [{ prompt: 'a' }, { prompt: 'b' }])).assertStatus('success');
		const ids = [...world.alpha.jobs.keys()];
		const got = (await runAlpha({ operation: 'getRender', renderId: '={{ $json.id }}' }, ids.map((id) => ({ id })))).assertStatus('success');
		expect(got.output('Alpha').map((item) => [item.json.jobId, item.json.status, item.pairedItem])).toEqual([
			[ids[0], 'completed', { item: 0 }],
			[ids[1], 'completed', { item: 1 }],
		]);

		const styles = (await runAlpha({ operation: 'listStyles' })).assertStatus('success');
		expect(styles.output('Alpha')).toEqual([
			{ json: { id: 'oil', name: 'Oil' }, pairedItem: { item: 0 } },
			{ json: { id: 'ink', name: 'Ink' }, pairedItem: { item: 0 } },
		]);
	});

	it('with continueOnFail, a failing item becomes an error item and the others go on', async () => {
		(await runAlpha({ waitFor: 'none' })).assertStatus('success');
		const [job] = world.alpha.jobs.values();
		const result = (
			await runAlpha({ operation: 'getRender', renderId: '={{ $json.id }}' }, [{ id: 'no-such-render' }, { id: job.id }], { continueOnFail: true })
		).assertStatus('success');
		const items = result.output('Alpha');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.error).toMatch(/Alpha answered 404.*render no-such-render not found/);
		expect(items[1].json).toMatchObject({ jobId: job.id });
	});

	it('with continueOnFail, a submit the provider refuses becomes an error item; the other items are emitted', async () => {
		const result = (await runAlpha({ prompt: '={{ $json.prompt }}' }, [{ prompt: '' }, { prompt: 'fine' }], { continueOnFail: true })).assertStatus('success');
		const items = result.output('Alpha');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.error).toMatch(/Alpha answered 400.*prompt is required/);
		expect(items[1].json).toMatchObject({ status: 'completed' });
	});

	it('without continueOnFail, a refused submit fails the node and names the jobs already accepted', async () => {
		const result = await runAlpha({ prompt: '={{ $json.prompt }}' }, [{ prompt: 'fine' }, { prompt: '' }]);
		result.assertStatus('error');
		const [accepted] = world.alpha.jobs.keys();
		expect(result.error?.message).toMatch(/Alpha answered 400.*prompt is required/);
		expect(result.error?.description).toContain(`Alpha had already accepted jobs ${accepted}`);
	});

	it('an unknown operation is an error that lists the known ones', async () => {
		const result = (await runAlpha({ operation: 'teleport' })).assertStatus('error');
		expect(result.error?.message).toBe('The operation "teleport" is not known');
		expect(result.error?.description).toBe('Choose one of: Render, Get Render, List Styles.');
		expect(world.alpha.received).toHaveLength(0);
	});
});

describe('Alpha Trigger', () => {
	let trigger: ActiveTrigger;
	const activate = async (parameters: INodeParameters = {}) => {
		trigger = await world.host.activateTrigger({
			nodes: [createNode(AlphaTrigger, { name: 'Alpha Trigger', parameters })],
			connections: {},
			credentials: alphaCredentials(world.alpha),
			triggerNode: 'Alpha Trigger',
		});
	};
	const url = (reference: string) => signedUrl(trigger.url(), reference);
	const done = (id: string) => ({ id, status: 'done', images: [] });
	afterEach(async () => await trigger?.deactivate());

	it('emits a valid callback once; its repeat is answered 200 and emits nothing', async () => {
		await activate();
		const first = await post(url('r1'), done('al-x'));
		// Accepted: n8n answers 200 itself, with no body, once the execution exists.
		expect([first.status, first.data]).toEqual([200, '']);
		const repeat = await post(url('r1'), done('al-x'));
		expect([repeat.status, repeat.data]).toEqual([200, { received: true, duplicate: true }]);
		const [execution] = await trigger.waitForExecutions(1);
		expect(execution.json('Alpha Trigger')).toEqual([expect.objectContaining({ jobId: 'al-x', status: 'completed', correlationId: 'r1' })]);
		await settle();
		expect(trigger.executions()).toHaveLength(1);
	});

	it('refuses a wrong, missing or foreign signature with 401', async () => {
		await activate();
		const tampered = new URL(url('a'));
		tampered.searchParams.set('ref', 'b');
		for (const target of [tampered.toString(), trigger.url(), signedUrl(trigger.url(), 'a', 'another-key')]) {
			const answer = await post(target, done('al-forged'));
			expect(answer.status).toBe(401);
		}
		await settle();
		expect(trigger.executions()).toHaveLength(0);
	});

	it('refuses malformed, empty, form-encoded and unknown bodies with 400', async () => {
		await activate();
		const answers = [
			await post(url('m'), '{"id": "al-1", "status":', 'text/plain'),
			await post(url('m'), '', 'application/json'),
			await post(url('m'), 'id=al-1&status=done', 'application/x-www-form-urlencoded'),
			await post(url('m'), { hello: 'world' }),
			await post(url('m'), { id: 'al-1', status: 'exploded' }),
		];
		expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400]);
		expect(answers[4].data.error).toMatch(/Alpha callback not understood: .*unknown status 'exploded'/);
		await settle();
		expect(trigger.executions()).toHaveLength(0);
	});

	it('emits no progress by default', async () => {
		await activate();
		const answer = await post(url('p'), { id: 'al-p', status: 'working' });
		expect([answer.status, answer.data]).toEqual([200, { received: true, emitted: false, reason: 'job al-p is running' }]);
		await settle();
		expect(trigger.executions()).toHaveLength(0);
	});

	it('with Emit Progress Updates, emits progress, then the final, and never a progress after the final', async () => {
		await activate({ emitProgress: true });
		expect((await post(url('q'), { id: 'al-q', status: 'queued' })).data).toEqual('');
		expect((await post(url('q'), done('al-q'))).data).toEqual('');
		const late = await post(url('q'), { id: 'al-q', status: 'working' });
		expect([late.status, late.data]).toEqual([200, { received: true, emitted: false, reason: 'job al-q is running' }]);
		const executions = await trigger.waitForExecutions(2);
		await settle();
		expect(trigger.executions()).toHaveLength(2);
		expect(executions.map((execution) => execution.json('Alpha Trigger')[0].status)).toEqual(['pending', 'completed']);
	});

	it('with Confirm with API, emits what the API says, and refuses a job the API does not know with 422', async () => {
		await activate({ confirmWithApi: true });
		world.alpha.settings.lookupsUntilDone = 1;
		(await runAlpha({ waitFor: 'none' })).assertStatus('success');
		const [job] = world.alpha.jobs.values();
		// The body claims a failure; the API says done.
		expect((await post(url('c'), { id: job.id, status: 'failed', error: { message: 'forged' } })).status).toBe(200);
		const [execution] = await trigger.waitForExecutions(1);
		expect(execution.json('Alpha Trigger')[0]).toMatchObject({ jobId: job.id, status: 'completed', correlationId: 'c' });
		expect(execution.json('Alpha Trigger')[0].error).toBeUndefined();

		const unknown = await post(url('c'), done('al-nobody'));
		expect(unknown.status).toBe(422);
		expect(unknown.data.error).toMatch(/Alpha API could not confirm job "al-nobody".*404/);
	});
});
