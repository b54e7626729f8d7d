import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { RenderContext } from '../shared/provider';
import { itemParameter } from '../shared/provider';
import type { RequestBody } from '../shared/transport';
import { callProviderApi, providerCredentials } from '../shared/transport';

export const RUNPOD_CREDENTIAL = 'runPodApi';
const DEFAULT_BASE_URL = 'https://api.runpod.ai/v2';

export interface RunPodCall {
	method: IHttpRequestMethods;
	/** Path below the endpoint, e.g. `/run` or `/status/{id}`. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs?: number;
	/** Whether the call queues a job: RunPod does not deduplicate, so it is not retried after a 5xx. */
	creates?: boolean;
}

/** One call to `{baseUrl}/{endpointId}{path}`, with the endpoint id of the item's parameters. */
export async function callRunPod<T = IDataObject>(
	context: RenderContext,
	call: RunPodCall,
	itemIndex: number,
): Promise<T> {
	const credentials = await providerCredentials(context, RUNPOD_CREDENTIAL);
	const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
	// Version 1 nodes saved the endpoint as a string, version 2 as a resource locator: extractValue reads both.
	const endpointId = String(itemParameter(context, 'endpointId', itemIndex, { extractValue: true }) ?? '').trim();
	const body: RequestBody | undefined = call.body ? { json: call.body } : undefined;
	return await callProviderApi<T>(
		context,
		{
			method: call.method,
			url: `${baseUrl}/${encodeURIComponent(endpointId)}${call.path}`,
			body,
			qs: call.qs,
			timeoutMs: call.timeoutMs,
			creates: call.creates,
		},
		{ providerName: 'RunPod', credentialType: RUNPOD_CREDENTIAL, itemIndex },
	);
}
