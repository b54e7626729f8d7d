import { LoadOptionsContext } from 'n8n-core';
import type { IDataObject, INode, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { AiHomeDesignApi } from '../../credentials/AiHomeDesignApi.credentials';
import { AiHomeDesign } from '../../nodes/AiHomeDesign/AiHomeDesign.node';
import { AiHomeDesignTrigger } from '../../nodes/AiHomeDesign/AiHomeDesignTrigger.node';
import { CredentialTypes, HarnessCredentialsHelper, NodeTypes, createNode, useSimulatorWorld } from '../harness';
import { createAdditionalData } from '../harness/additional-data';
import { ensureN8nRuntime } from '../harness/runtime';
import type { AiHomeDesignSimulator, AiHomeDesignSimulatorOptions } from '../../simulators/aihomedesign';
import { startAiHomeDesignSimulator } from '../../simulators/aihomedesign';
import { makePng } from '../../simulators/png';

export const WEBHOOK_TOKEN = 'ahd-test-webhook-token-0123456789';

/** One in-process n8n and one AI Home Design simulator for a test file. */
export function useAiHomeDesignWorld(simulatorOptions: AiHomeDesignSimulatorOptions = {}) {
	return useSimulatorWorld(() => startAiHomeDesignSimulator({ queueMs: 20, runMs: 80, webhookFirstRetryMs: 50, webhookMaxAttempts: 5, ...simulatorOptions }), {
		nodeTypes: [AiHomeDesign, AiHomeDesignTrigger],
		credentialTypes: [AiHomeDesignApi],
	});
}

export function aiHomeDesignCredentials(sim: AiHomeDesignSimulator, overrides: IDataObject = {}) {
	return { aiHomeDesignApi: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, catalogueUrl: sim.catalogueUrl, webhookToken: WEBHOOK_TOKEN, ...overrides } };
}

/** An item carrying a room photo (and more files) as binary data. */
export function photoItem(files: Record<string, Buffer> = { data: makePng(48, 32, 5) }, json: IDataObject = {}) {
	const binary = Object.fromEntries(
		Object.entries(files).map(([property, bytes]) => [property, { data: bytes.toString('base64'), mimeType: 'image/png', fileName: `${property}.png` }]),
	);
	return { json, binary };
}

/** An AI Home Design node (newest version) rendering virtual staging from the item's `data`, Don't Wait; `parameters` override. */
export function aiHomeDesignNode(parameters: IDataObject = {}, name = 'AI Home Design'): INode {
	return createNode(AiHomeDesign, {
		name,
		parameters: {
			resource: 'process',
			operation: 'render',
			tool: 'tool-virtual-staging',
			space: 'living-room',
			style: 'modern',
			imageSource: 'binary',
			imageBinaryProperty: 'data',
			waitFor: 'none',
			...parameters,
		},
	});
}

/** n8n-core's LoadOptionsContext for one parameter of an AI Home Design node, as the editor's drop-downs run in. */
async function loadOptionsContext(sim: AiHomeDesignSimulator, parameters: IDataObject, path: string): Promise<LoadOptionsContext> {
	await ensureN8nRuntime();
	const nodeTypes = new NodeTypes([AiHomeDesign]);
	const helper = new HarnessCredentialsHelper(new CredentialTypes([AiHomeDesignApi]), nodeTypes, aiHomeDesignCredentials(sim));
	const node = createNode(AiHomeDesign, {
		parameters: parameters as INode['parameters'],
		credentials: { aiHomeDesignApi: { id: 'aiHomeDesignApi-test', name: 'AI Home Design (test)' } },
	});
	const workflow = new Workflow({ id: 'load-options', nodes: [node], connections: {}, active: false, nodeTypes });
	return new LoadOptionsContext(workflow, node, createAdditionalData({ baseUrl: 'http://127.0.0.1:1', credentialsHelper: helper }), path);
}

/** Runs the node's getTools the way n8n's editor does: in n8n-core's LoadOptionsContext. */
export async function loadTools(sim: AiHomeDesignSimulator): Promise<INodePropertyOptions[]> {
	const context = await loadOptionsContext(sim, { operation: 'render' }, 'parameters.tool');
	const loaders = new AiHomeDesign().methods.loadOptions as Record<string, (this: LoadOptionsContext) => Promise<INodePropertyOptions[]>>;
	return await loaders.getTools.call(context);
}

/** Runs the Existing Project picker's list search as the editor does, for a filter and a page token. */
export async function searchProjects(sim: AiHomeDesignSimulator, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const context = await loadOptionsContext(sim, { resource: 'process', operation: 'render', projectMode: 'existing' }, 'parameters.projectId');
	const search = new AiHomeDesign().methods.listSearch.searchProjects as (this: LoadOptionsContext, filter?: string, token?: string) => Promise<INodeListSearchResult>;
	return await search.call(context, filter, paginationToken);
}
