/**
 * The Gepetto node as the editor lays it out since version 2 (Resource, Simplify, hints), example 3
 * as npm start loads it, and version 1 running as before.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import example3 from '../../examples/3-gepetto-furnish-callback-email.json';
import { Gepetto } from '../../nodes/Gepetto/Gepetto.node';
import { chain, createNode, exampleNode, startNode } from '../harness';
import { gepettoCredentials, gepettoNode, useGepettoWorld } from './gepetto-setup';

const world = useGepettoWorld();

const runOne = async (node: INode, inputItems: IDataObject[] = [{}]) =>
	await world.host.runWorkflow({
		nodes: [startNode(), node],
		connections: chain('Start', node.name),
		credentials: gepettoCredentials(world.sim),
		inputItems,
	});

describe('Gepetto example 3 at the current node version', () => {
	it('Furnish with Wait for Callback waits, hints that callbacks to localhost need WEBHOOK_URL, and resumes with the image', async () => {
		const node = exampleNode(example3, 'gepetto');
		expect([node.typeVersion, node.parameters.resource]).toEqual([new Gepetto().description.defaultVersion, 'roomPhoto']);

		const body = { photoUrl: world.sim.sampleUrl(), listing: 'flat-3', style: 'scandinave', room: 'living_room' };
		const waiting = (await runOne(node, [{ body }])).assertStatus('waiting');
		const hints = waiting.runData[node.name].at(-1)?.hints ?? [];
		expect(hints).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringMatching(/N8N_WEBHOOK_URL \(n8n 2.x; WEBHOOK_URL in 1.x\)/) })]);
		const [job] = [...world.sim.jobs.values()];
		expect(job.request).toMatchObject({ url: body.photoUrl, styleId: 'scandinave', roomId: 'living_room' });

		const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
		expect(done.json(node.name)[0]).toMatchObject({ status: 'completed', correlationId: 'flat-3', outputs: [{ binaryProperty: 'data' }] });
	});
});

describe('Gepetto Simplify', () => {
	it('leaves out the raw answer when on; keeps it by default', async () => {
		const full = (await runOne(gepettoNode(world.sim))).assertStatus('success').json('Gepetto')[0];
		expect(full).toMatchObject({ status: 'completed', raw: expect.any(Object) });

		const simple = (await runOne(gepettoNode(world.sim, { simplify: true }))).assertStatus('success').json('Gepetto')[0];
		expect(simple).toMatchObject({ status: 'completed', jobId: expect.any(String), outputs: [{ binaryProperty: 'data' }] });
		expect(simple).not.toHaveProperty('raw');
		expect(simple).not.toHaveProperty('request');
	});
});

describe('Gepetto node versions', () => {
	const listStyles = async (typeVersion: number, parameters: INodeParameters) =>
		(await runOne(createNode(Gepetto, { name: 'Gepetto', typeVersion, parameters }))).assertStatus('success').json('Gepetto');

	it('List Styles runs alike in version 1 (no resource) and version 2 (resource Catalog)', async () => {
		const flat = await listStyles(1, { operation: 'listStyles' });
		const grouped = await listStyles(2, { resource: 'catalog', operation: 'listStyles' });
		expect(flat).toContainEqual(expect.objectContaining({ id: 'demeures', 'name-en': 'Mansion' }));
		expect(grouped).toEqual(flat);
	});
});
