import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { NodeOperationError } from 'n8n-workflow';

import { describeValue, isPlainObject } from '../shared/payload';
import { callProviderApi, providerCredentials } from '../shared/transport';
import { RUNPOD_CREDENTIAL } from './api';

const DEFAULT_REST_URL = 'https://rest.runpod.io/v1';

/** Where the RunPod console shows an endpoint (the URL RunPod's own SDK prints). */
export function consoleUrlOf(endpointId: string): string {
	return `https://console.runpod.io/serverless/user/endpoint/${encodeURIComponent(endpointId)}`;
}

/**
 * The account's endpoints for the Endpoint picker, from RunPod's REST API `GET /endpoints` (an
 * array of endpoint objects with `id` and `name`). The API has no search, so the filter matches
 * name or id here, case-insensitively.
 */
export async function searchEndpoints(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const credentials = await providerCredentials(this, RUNPOD_CREDENTIAL);
	const restUrl = String(credentials.restUrl || DEFAULT_REST_URL).replace(/\/+$/, '');
	const answer = await callProviderApi<unknown>(
		this,
		{ method: 'GET', url: `${restUrl}/endpoints` },
		{ providerName: 'RunPod', credentialType: RUNPOD_CREDENTIAL, itemIndex: 0 },
	);
	try {
		return { results: endpointSearchResults(answer, filter) };
	} catch (error) {
		throw new NodeOperationError(this.getNode(), (error as Error).message);
	}
}

/** The picker's entries: "name (id)", sorted by name, those matching `filter` only. */
export function endpointSearchResults(answer: unknown, filter?: string): INodeListSearchItems[] {
	const list = Array.isArray(answer) ? answer : isPlainObject(answer) && Array.isArray(answer.endpoints) ? answer.endpoints : undefined;
	if (!list) throw new Error(`RunPod's endpoint list is not a list; got ${describeValue(answer)}`);
	const needle = (filter ?? '').trim().toLowerCase();
	return (list as unknown[])
		.filter((entry): entry is IDataObject => isPlainObject(entry) && typeof entry.id === 'string' && entry.id !== '')
		.map((entry) => {
			const id = entry.id as string;
			const name = typeof entry.name === 'string' && entry.name.trim() !== '' ? entry.name.trim() : id;
			return { name: name === id ? id : `${name} (${id})`, value: id, url: consoleUrlOf(id) };
		})
		.filter((item) => needle === '' || item.name.toLowerCase().includes(needle))
		.sort((a, b) => a.name.localeCompare(b.name));
}
