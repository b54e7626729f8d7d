import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

import { DeepImageApi } from '../../credentials/DeepImageApi.credentials';
import { DeepImage } from '../../nodes/DeepImage/DeepImage.node';
import { DeepImageTrigger } from '../../nodes/DeepImage/DeepImageTrigger.node';
import { createNode, useSimulatorWorld } from '../harness';
import type { DeepImageSimulator, DeepImageSimulatorOptions } from '../../simulators/deepimage';
import { startDeepImageSimulator } from '../../simulators/deepimage';
import { makePng } from '../../simulators/png';

/** One in-process n8n and one Deep Image simulator for a test file. */
export function useDeepImageWorld(simulatorOptions: DeepImageSimulatorOptions = {}) {
	return useSimulatorWorld(() => startDeepImageSimulator({ receivedMs: 10, queueMs: 20, runMs: 80, processResultWaitMs: 3000, ...simulatorOptions }), {
		nodeTypes: [DeepImage, DeepImageTrigger],
		credentialTypes: [DeepImageApi],
	});
}

export function deepImageCredentials(sim: DeepImageSimulator, overrides: IDataObject = {}) {
	return { deepImageApi: { apiKey: sim.apiKey, baseUrl: sim.url, ...overrides } };
}

/** A Deep Image node processing the simulator's sample photo, polling fast; `parameters` override. */
export function deepImageNode(sim: DeepImageSimulator, parameters: IDataObject = {}, name = 'Deep Image'): INode {
	return createNode(DeepImage, {
		name,
		parameters: {
			operation: 'process',
			inputSource: 'url',
			imageUrl: sim.sampleUrl(),
			waitFor: 'poll',
			waitOptions: { pollInterval: 0.1, timeout: 20 },
			...parameters,
		},
	});
}

/** A product photo as an n8n item carries it after Read Files: a binary property `photo`. */
export function photoItem(width = 40, height = 30, seed = 5): { item: INodeExecutionData; png: Buffer } {
	const png = makePng(width, height, seed);
	return { png, item: { json: { sku: 'CH-1' }, binary: { photo: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'chair.png' } } } };
}
