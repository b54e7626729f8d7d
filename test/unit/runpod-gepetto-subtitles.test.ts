/**
 * The RunPod and Gepetto subtitles are expressions built from the operation lists: evaluated here
 * as the editor would for each node version's saved parameters.
 */
import type { INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { Gepetto } from '../../nodes/Gepetto/Gepetto.node';
import { RunPod } from '../../nodes/RunPod/RunPod.node';
import type { NodeClass } from '../harness';
import { NodeTypes, createNode } from '../harness';

/** The subtitle as n8n's expression engine evaluates it for a node with these parameters. */
function subtitleOf(nodeClass: typeof RunPod | typeof Gepetto, parameters: INodeParameters, typeVersion?: number): unknown {
	const node = createNode(nodeClass as NodeClass, { parameters, typeVersion });
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new NodeTypes([nodeClass as NodeClass]) });
	return workflow.expression.getSimpleParameterValue(node, new nodeClass().description.subtitle, 'internal', {});
}

describe('RunPod subtitle', () => {
	it('shows "Operation: Resource" and the endpoint ID from version 3 on', () => {
		const endpoint = { __rl: true, mode: 'id', value: 'abc123' };
		expect(subtitleOf(RunPod, { resource: 'job', operation: 'run', endpointId: endpoint })).toBe('Run: Job · abc123');
		expect(subtitleOf(RunPod, { resource: 'endpoint', operation: 'health', endpointId: endpoint })).toBe('Get Health: Endpoint · abc123');
	});

	it('shows the flat list’s name in versions before resources, with a string or locator endpoint', () => {
		expect(subtitleOf(RunPod, { operation: 'health', endpointId: 'abc123' }, 1)).toBe('Health · abc123');
		expect(subtitleOf(RunPod, { operation: 'stream', endpointId: { __rl: true, mode: 'list', value: '' } }, 2)).toBe('Stream');
	});
});

describe('Gepetto subtitle', () => {
	it('shows "Operation: Resource" in version 2 and the flat name in version 1', () => {
		expect(subtitleOf(Gepetto, { resource: 'roomPhoto', operation: 'furnish' })).toBe('Furnish: Room Photo');
		expect(subtitleOf(Gepetto, { resource: 'job', operation: 'getJob' })).toBe('Get: Job');
		expect(subtitleOf(Gepetto, { operation: 'getJob' }, 1)).toBe('Get Job');
	});
});
