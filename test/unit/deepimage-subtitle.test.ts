/** The Deep Image subtitle, evaluated with n8n-workflow's expression engine as the editor does. */
import type { INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { DeepImage } from '../../nodes/DeepImage/DeepImage.node';
import { NodeTypes, createNode } from '../harness';
import { ensureN8nRuntime } from '../harness/runtime';

async function subtitleOf(parameters: INodeParameters): Promise<unknown> {
	await ensureN8nRuntime();
	const node = createNode(DeepImage, { parameters });
	const workflow = new Workflow({ id: 'subtitle', nodes: [node], connections: {}, active: false, nodeTypes: new NodeTypes([DeepImage]) });
	return workflow.expression.getSimpleParameterValue(workflow.getNode(node.name)!, new DeepImage().description.subtitle!, 'internal', {});
}

describe('Deep Image subtitle', () => {
	it('names the operation as the drop-down does', async () => {
		expect(await subtitleOf({ operation: 'processAndWaitBriefly' })).toBe('Process and Wait Briefly');
		expect(await subtitleOf({ operation: 'deleteResult' })).toBe('Delete Result');
		expect(await subtitleOf({})).toBe('Process');
	});
});
