/**
 * The AI Home Design subtitle is an expression built from the operation and resource lists:
 * evaluated with n8n-workflow's expression engine, as the editor does, on each version's parameters.
 */
import type { INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AiHomeDesign } from '../../nodes/AiHomeDesign/AiHomeDesign.node';
import { NodeTypes, createNode } from '../harness';
import { ensureN8nRuntime } from '../harness/runtime';

async function subtitleAt(typeVersion: number, parameters: INodeParameters): Promise<unknown> {
	await ensureN8nRuntime();
	const node = createNode(AiHomeDesign, { typeVersion, parameters });
	const workflow = new Workflow({ id: 'subtitle', nodes: [node], connections: {}, active: false, nodeTypes: new NodeTypes([AiHomeDesign]) });
	return workflow.expression.getSimpleParameterValue(workflow.getNode(node.name)!, new AiHomeDesign().description.subtitle!, 'internal', {});
}

describe('AI Home Design subtitle', () => {
	it('version 2 shows "Operation: Resource", also for the defaults', async () => {
		expect(await subtitleAt(2, { resource: 'project', operation: 'listProjects' })).toBe('Get Many: Project');
		expect(await subtitleAt(2, { resource: 'process', operation: 'getProcess' })).toBe('Get: Process');
		expect(await subtitleAt(2, { resource: 'order' })).toBe('Upload: Order');
		expect(await subtitleAt(2, {})).toBe('Render: Process');
	});

	it('version 1 shows the operation as its flat list names it', async () => {
		expect(await subtitleAt(1, { operation: 'listProjects' })).toBe('List Projects');
		expect(await subtitleAt(1, { operation: 'getProcess' })).toBe('Get Process');
		expect(await subtitleAt(1, {})).toBe('Render');
	});
});
