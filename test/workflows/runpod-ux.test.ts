/**
 * The RunPod nodes as the editor lays them out since version 3 (Resource, Simplify, hints), the
 * examples npm start loads, and older node versions running as before.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import example1 from '../../examples/1-runpod-wait-for-callback-email.json';
import example2a from '../../examples/2a-runpod-submit-dont-wait.json';
import example2b from '../../examples/2b-runpod-trigger-to-slack.json';
import { chain, createNode, exampleNode, startNode } from '../harness';
import { RunPod } from '../../nodes/RunPod/RunPod.node';
import { ENDPOINT_ID, runPodCredentials, runPodNode, useRunPodWorld } from './runpod-setup';

const world = useRunPodWorld();


const runOne = async (node: INode, inputItems: IDataObject[] = [{}]) =>
	await world.host.runWorkflow({
		nodes: [startNode(), node],
		connections: chain('Start', node.name),
		credentials: runPodCredentials(world.sim),
		inputItems,
	});

describe('RunPod examples at the current node versions', () => {
	it('example 1 (Run, Wait for Callback) waits, hints that callbacks to localhost need WEBHOOK_URL, and resumes with the image', async () => {
		const node = exampleNode(example1, 'runPod');
		expect([node.typeVersion, node.parameters.resource]).toEqual([new RunPod().description.defaultVersion, 'job']);

		const waiting = (await runOne(node, [{ body: { prompt: 'a loft', listing: 'loft-7' } }])).assertStatus('waiting');
		expect(waiting.resumeUrl).toMatch(/^http:\/\/(localhost|127\.0\.0\.1)[:/]/);
		const hints = waiting.runData.RunPod.at(-1)?.hints ?? [];
		expect(hints).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringMatching(/N8N_WEBHOOK_URL \(n8n 2.x; WEBHOOK_URL in 1.x\)/) })]);
		const [job] = [...world.sim.jobs.values()];
		expect((job.input as IDataObject).payload).toMatchObject({ prompt: 'a loft', width: 768, height: 512, steps: 25 });

		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		expect(done.json('RunPod')[0]).toMatchObject({ status: 'completed', correlationId: 'loft-7', outputs: [{ binaryProperty: 'data' }] });
	});

	it('a Poll run whose callbacks go nowhere carries no execution hint', async () => {
		const result = (await runOne(runPodNode())).assertStatus('success');
		expect(result.runData.RunPod.at(-1)?.hints ?? []).toEqual([]);
	});

	it("example 2a (Run, Don't Wait) reaches the RunPod Trigger of example 2b with its result", async () => {
		const trigger = await world.host.activateTrigger({
			nodes: [exampleNode(example2b, 'runPodTrigger')],
			connections: {},
			credentials: runPodCredentials(world.sim),
			triggerNode: 'RunPod Trigger',
		});
		try {
			const submitter = exampleNode(example2a, 'runPod');
			submitter.parameters.callbackUrl = trigger.url();
			const submitted = (await runOne(submitter, [{ body: { prompt: 'a kitchen', listing: 'k-1' } }])).assertStatus('success');
			expect(submitted.json('RunPod')[0]).toMatchObject({ status: 'pending', correlationId: 'k-1' });

			const [execution] = await trigger.waitForExecutions(1);
			expect(execution.assertStatus('success').json('RunPod Trigger')[0]).toMatchObject({ status: 'completed', correlationId: 'k-1' });
		} finally {
			await trigger.deactivate();
		}
	});
});

describe('RunPod Simplify', () => {
	// RunPod's callback body echoes the job's input, which the result keeps as `request`.
	const resultOf = async (parameters: IDataObject) => {
		world.sim.setFaults({ runMs: 400 }); // unfinished when the node looks before waiting
		const waiting = (await runOne(runPodNode({ waitFor: 'callback', ...parameters }))).assertStatus('waiting');
		return (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success').json('RunPod')[0];
	};

	it('keeps the raw answer and the echoed request by default', async () => {
		const full = await resultOf({});
		expect(full).toMatchObject({ status: 'completed', raw: { status: 'COMPLETED' }, request: { payload: { prompt: 'a bright living room' } } });
	});

	it('leaves them out when on, and keeps the rest', async () => {
		const simple = await resultOf({ simplify: true });
		expect(simple).toMatchObject({ status: 'completed', jobId: expect.any(String), correlationId: expect.any(String), outputs: [{ binaryProperty: 'data' }] });
		expect(simple).not.toHaveProperty('raw');
		expect(simple).not.toHaveProperty('request');
	});
});

describe('RunPod node versions', () => {
	const health = async (typeVersion: number, parameters: INodeParameters) => {
		const node = createNode(RunPod, { name: 'RunPod', typeVersion, parameters });
		return (await runOne(node)).assertStatus('success').json('RunPod')[0];
	};

	it('Get Health runs alike in version 1 (text endpoint), 2 (no resource) and 3 (resource Endpoint)', async () => {
		const locator = { __rl: true, mode: 'id', value: ENDPOINT_ID };
		const answers = [
			await health(1, { operation: 'health', endpointId: ENDPOINT_ID }),
			await health(2, { operation: 'health', endpointId: locator }),
			await health(3, { resource: 'endpoint', operation: 'health', endpointId: locator }),
		];
		expect(answers[0]).toHaveProperty('workers');
		expect(answers[1]).toEqual(answers[0]);
		expect(answers[2]).toEqual(answers[0]);
		const healthCalls = world.sim.requests.filter((request) => request.path === `/v2/${ENDPOINT_ID}/health`);
		expect(healthCalls).toHaveLength(3);
	});
});
