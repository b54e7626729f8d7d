import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { RunPodApi } from '../../credentials/RunPodApi.credentials';
import { RunPod } from '../../nodes/RunPod/RunPod.node';
import { RunPodTrigger } from '../../nodes/RunPod/RunPodTrigger.node';
import { createNode, useSimulatorWorld } from '../harness';
import type { RunPodSimulator } from '../../simulators/runpod';
import { startRunPodSimulator } from '../../simulators/runpod';

export const ENDPOINT_ID = 'sim-endpoint';

/** One in-process n8n and one RunPod simulator for a test file. */
export function useRunPodWorld(simulatorOptions: Parameters<typeof startRunPodSimulator>[0] = {}) {
	return useSimulatorWorld(() => startRunPodSimulator({ queueMs: 20, runMs: 60, webhookRetryDelayMs: 100, ...simulatorOptions }), {
		nodeTypes: [RunPod, RunPodTrigger],
		credentialTypes: [RunPodApi],
	});
}

export function runPodCredentials(sim: RunPodSimulator, overrides: IDataObject = {}) {
	return { runPodApi: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, restUrl: sim.restUrl, ...overrides } };
}

/** A RunPod node with fast polling; `parameters` override the defaults. */
export function runPodNode(parameters: IDataObject = {}, name = 'RunPod'): INode {
	return createNode(RunPod, {
		name,
		parameters: {
			endpointId: ENDPOINT_ID,
			operation: 'run',
			prompt: 'a bright living room',
			waitFor: 'poll',
			waitOptions: { pollInterval: 0.1, timeout: 20 },
			...parameters,
		},
	});
}

export function jsonOf(items: INodeExecutionData[]): IDataObject[] {
	return items.map((item) => item.json);
}
