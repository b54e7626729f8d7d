import axios from 'axios';
import type { INodeParameters } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { AiHomeDesignTrigger } from '../../nodes/AiHomeDesign/AiHomeDesignTrigger.node';
import { dashboardCallbackUrl } from '../../nodes/shared/callback-auth';
import type { ActiveTrigger } from '../harness';
import { chain, createNode, startNode } from '../harness';
import { PNG_SIGNATURE } from '../../simulators/png';
import { WEBHOOK_TOKEN, aiHomeDesignCredentials, aiHomeDesignNode, photoItem, useAiHomeDesignWorld } from './aihomedesign-setup';

const world = useAiHomeDesignWorld();
const TRIGGER = 'AI Home Design Trigger';

const post = async (url: string, body: unknown, contentType = 'application/json') =>
	await axios.post(url, typeof body === 'string' ? body : JSON.stringify(body), {
		validateStatus: () => true,
		headers: { 'content-type': contentType },
		transformRequest: [(data: unknown) => data],
	});
const settle = async (ms = 200) => await sleep(ms);

describe('AI Home Design Trigger (the dashboard URL with its token)', () => {
	let trigger: ActiveTrigger;
	/** Activates the trigger and pastes its URL with the token into the simulated dashboard. */
	const activate = async (parameters: INodeParameters = {}) => {
		trigger = await world.host.activateTrigger({
			nodes: [createNode(AiHomeDesignTrigger, { name: TRIGGER, parameters })],
			connections: {},
			triggerNode: TRIGGER,
			credentials: aiHomeDesignCredentials(world.sim),
		});
		world.sim.setFaults({ webhookUrl: dashboardCallbackUrl(trigger.url(), WEBHOOK_TOKEN) });
		return trigger;
	};
	afterEach(async () => await trigger?.deactivate());

	const render = async () =>
		(
			await world.host.runWorkflow({
				nodes: [startNode(), aiHomeDesignNode({ waitFor: 'none' })],
				connections: chain('Start', 'AI Home Design'),
				credentials: aiHomeDesignCredentials(world.sim),
				inputItems: [photoItem()],
			})
		).assertStatus('success').json('AI Home Design')[0];

	it("receives the result of a Don't Wait Render: the image downloaded at once, the thumbnail kept as a URL; a repeat emits nothing", async () => {
		await activate();
		const submitted = await render();
		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.assertStatus('success').output(TRIGGER);
		expect(item.json).toMatchObject({
			provider: 'aiHomeDesign',
			jobId: submitted.jobId,
			status: 'completed',
			request: { tool: 'tool-virtual-staging', order_id: (submitted.request as { order_id: string }).order_id },
			outputs: [{ binaryProperty: 'data', mimeType: 'image/png', url: expect.stringContaining('/files/'), thumbnailUrl: expect.stringContaining('_thumb.png') }],
		});
		expect((await execution.binary(TRIGGER, 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);

		const [delivery] = await world.sim.waitForDeliveries(1);
		expect(delivery.statusCode).toBe(200);
		const body = { event: 'process.completed', process_id: submitted.jobId, order_id: 'o', tool: 'tool-virtual-staging', status: 'done', final_assets: [{ temp_src: item.json.outputs && (item.json.outputs as Array<{ url: string }>)[0].url }] };
		const repeat = await post(delivery.url, body);
		expect([repeat.status, repeat.data]).toEqual([200, { received: true, duplicate: true }]);
		await settle();
		expect(trigger.executions()).toHaveLength(1);
	});

	it('emits a failed process as failed, with no image', async () => {
		await activate();
		world.sim.setFaults({ outcome: 'failed' });
		const submitted = await render();
		const [execution] = await trigger.waitForExecutions(1);
		expect(execution.json(TRIGGER)[0]).toMatchObject({ jobId: submitted.jobId, status: 'failed', outputs: [], error: { message: expect.stringContaining('as failed') } });
	});

	it('answers the older products’ bodies on the same URL 200 and emits only process.completed', async () => {
		await activate();
		world.sim.setFaults({ legacyEvents: true });
		const submitted = await render();
		const deliveries = await world.sim.waitForDeliveries(3);
		expect(deliveries.map((delivery) => delivery.statusCode)).toEqual([200, 200, 200]);
		const [execution] = await trigger.waitForExecutions(1);
		expect(execution.json(TRIGGER)[0]).toMatchObject({ jobId: submitted.jobId, status: 'completed' });
		await settle();
		expect(trigger.executions()).toHaveLength(1);
		// Answered 2xx at the first attempt: the vendor has nothing to retry.
		expect(world.sim.deliveries).toHaveLength(3);
	});

	it('refuses a missing or wrong token 401; the simulator retries a refused delivery until a 2xx', async () => {
		await activate();
		const body = { event: 'process.completed', process_id: 'forged', status: 'done', final_assets: [{ temp_src: 'https://evil.example/x.png' }] };
		expect((await post(trigger.url(), body)).status).toBe(401);
		expect((await post(dashboardCallbackUrl(trigger.url(), 'guessed'), body)).status).toBe(401);

		world.sim.setFaults({ webhookUrl: dashboardCallbackUrl(trigger.url(), 'old-token') });
		await render();
		await settle(400);
		const attempts = world.sim.deliveries.map((delivery) => delivery.statusCode);
		expect(attempts.length).toBeGreaterThan(1);
		expect(attempts.every((status) => status === 401)).toBe(true);
		expect(trigger.executions()).toHaveLength(0);
	});

	it('answers every body it cannot use 200 with the reason (AI Home Design retries any other answer forever), and emits nothing', async () => {
		await activate();
		const url = dashboardCallbackUrl(trigger.url(), WEBHOOK_TOKEN);
		const broken = await post(url, { event: 'process.completed', status: 'done' });
		expect([broken.status, broken.data]).toEqual([
			200,
			{ received: true, emitted: false, reason: expect.stringMatching(/AI Home Design callback not understood: .*'process_id'/) },
		]);
		const answers = [await post(url, [1, 2]), await post(url, 'done', 'text/plain'), await post(url, {})];
		expect(answers.map((answer) => [answer.status, answer.data.emitted])).toEqual([[200, false], [200, false], [200, false]]);
		await settle();
		expect(trigger.executions()).toHaveLength(0);
	});

	it('with Confirm with API, a forged body for an unknown process is refused 422 and a real one is emitted as the API says', async () => {
		await activate({ confirmWithApi: true, outputOptions: { downloadImages: false } });
		const url = dashboardCallbackUrl(trigger.url(), WEBHOOK_TOKEN);
		const forged = await post(url, { event: 'process.completed', process_id: 'ffffffffffffffffffffffff', status: 'done', final_assets: [{ temp_src: 'https://evil.example/x.png' }] });
		expect([forged.status, forged.data.error]).toEqual([422, expect.stringMatching(/could not confirm job "ffffffffffffffffffffffff".*404/)]);
		const submitted = await render();
		const [execution] = await trigger.waitForExecutions(1);
		const [item] = execution.json(TRIGGER);
		expect(item).toMatchObject({ jobId: submitted.jobId, status: 'completed' });
		// From GET /process: `src`, not the webhook's temp_src.
		expect((item.raw as { data: { final_assets: Array<{ src: string }> } }).data.final_assets[0].src).toContain('/files/');
	});
});
