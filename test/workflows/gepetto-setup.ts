import { LoadOptionsContext } from 'n8n-core';
import type { IDataObject, INode, INodePropertyOptions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { GepettoApi } from '../../credentials/GepettoApi.credentials';
import { Gepetto } from '../../nodes/Gepetto/Gepetto.node';
import { GepettoTrigger } from '../../nodes/Gepetto/GepettoTrigger.node';
import { CredentialTypes, HarnessCredentialsHelper, NodeTypes, createNode, useSimulatorWorld } from '../harness';
import { createAdditionalData } from '../harness/additional-data';
import { ensureN8nRuntime } from '../harness/runtime';
import type { GepettoSimulator, GepettoSimulatorOptions } from '../../simulators/gepetto';
import { startGepettoSimulator } from '../../simulators/gepetto';

/** One in-process n8n and one Gepetto simulator for a test file. */
export function useGepettoWorld(simulatorOptions: GepettoSimulatorOptions = {}) {
	return useSimulatorWorld(() => startGepettoSimulator({ queueMs: 20, runMs: 80, ...simulatorOptions }), {
		nodeTypes: [Gepetto, GepettoTrigger],
		credentialTypes: [GepettoApi],
	});
}

export function gepettoCredentials(sim: GepettoSimulator, overrides: IDataObject = {}) {
	return { gepettoApi: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, ...overrides } };
}

/** A Gepetto node furnishing the simulator's sample photo, polling fast; `parameters` override. */
export function gepettoNode(sim: GepettoSimulator, parameters: IDataObject = {}, name = 'Gepetto'): INode {
	return createNode(Gepetto, {
		name,
		parameters: {
			operation: 'furnish',
			imageUrl: sim.sampleUrl(),
			styleId: 'scandinave',
			roomId: 'living_room',
			waitFor: 'poll',
			waitOptions: { pollInterval: 0.1, timeout: 20 },
			...parameters,
		},
	});
}

/**
 * Runs one of the node's loadOptions methods the way n8n's editor does: in n8n-core's own
 * LoadOptionsContext, with the credential resolved by the harness's credentials helper.
 */
export async function loadOptions(sim: GepettoSimulator, method: string, apiKey = sim.apiKey): Promise<INodePropertyOptions[]> {
	await ensureN8nRuntime();
	const nodeTypes = new NodeTypes([Gepetto]);
	const credentials = gepettoCredentials(sim, { apiKey });
	const helper = new HarnessCredentialsHelper(new CredentialTypes([GepettoApi]), nodeTypes, credentials);
	const node = createNode(Gepetto, {
		parameters: { operation: 'furnish' },
		credentials: { gepettoApi: { id: 'gepettoApi-test', name: 'Gepetto (test)' } },
	});
	const workflow = new Workflow({ id: 'load-options', nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new LoadOptionsContext(workflow, node, createAdditionalData({ baseUrl: 'http://127.0.0.1:1', credentialsHelper: helper }), 'parameters.styleId');
	const loaders = new Gepetto().methods.loadOptions as Record<string, (this: LoadOptionsContext) => Promise<INodePropertyOptions[]>>;
	return await loaders[method].call(context);
}
