/** The Deep Image node of example 4 (which npm start loads) as saved: a product photo to a white-background PNG. */

import example4 from '../../examples/4-deepimage-product-photo-to-slack.json';
import { DeepImage } from '../../nodes/DeepImage/DeepImage.node';
import { chain, exampleNode, startNode } from '../harness';
import { PNG_SIGNATURE } from '../../simulators/png';
import { deepImageCredentials, photoItem, useDeepImageWorld } from './deepimage-setup';

const world = useDeepImageWorld();


describe('Deep Image example at the current node version', () => {
	it('example 4 (Process, Poll) uploads the photo, asks for preset, white background and PNG (Result File), and returns the image', async () => {
		const node = exampleNode(example4, 'deepImage');
		expect(node.typeVersion).toBe(Math.max(...[new DeepImage().description.version].flat()));
		const { item } = photoItem();
		const result = (
			await world.host.runWorkflow({
				nodes: [startNode(), node],
				connections: chain('Start', node.name),
				credentials: deepImageCredentials(world.sim),
				inputItems: [{ ...item, json: { body: { sku: 'CH 1/blue' } } }],
			})
		).assertStatus('success');
		const [job] = [...world.sim.jobs.values()];
		expect(job.request).toEqual({ preset: 'ecommerce', background: { remove: 'item', color: '#FFFFFF' }, output_format: 'png' });
		expect(result.json(node.name)[0]).toMatchObject({ status: 'completed', correlationId: 'CH_1_blue', outputs: [{ binaryProperty: 'data', mimeType: 'image/png' }] });
		expect((await result.binary(node.name, 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
	});
});
