import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { RenderContext, RenderProvider } from '../shared/provider';
import { itemParameter } from '../shared/provider';
import { callProviderApi } from '../shared/transport';
import { RUNPOD_PROVIDER, parseRunPodJob } from './parser';

export const RUNPOD_CREDENTIAL = 'runPodApi';
const DEFAULT_BASE_URL = 'https://api.runpod.ai/v2';

export interface RunPodCall {
	method: IHttpRequestMethods;
	/** Path below the endpoint, e.g. `/run` or `/status/{id}`. */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs?: number;
}

/** One call to `{baseUrl}/{endpointId}{path}`, with the endpoint id of the item's parameters. */
export async function callRunPod<T = IDataObject>(
	context: RenderContext,
	call: RunPodCall,
	itemIndex: number,
): Promise<T> {
	const credentials = await context.getCredentials(RUNPOD_CREDENTIAL);
	const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).replace(/\/+$/, '');
	const endpointId = String(itemParameter(context, 'endpointId', itemIndex) ?? '').trim();
	return await callProviderApi<T>(
		context,
		{
			method: call.method,
			url: `${baseUrl}/${encodeURIComponent(endpointId)}${call.path}`,
			body: call.body,
			qs: call.qs,
			timeoutMs: call.timeoutMs,
		},
		{ providerName: 'RunPod', credentialType: RUNPOD_CREDENTIAL, itemIndex },
	);
}

export const runPodProvider: RenderProvider = {
	id: RUNPOD_PROVIDER,
	displayName: 'RunPod',
	credentialType: RUNPOD_CREDENTIAL,
	parseCallback: parseRunPodJob,
	async fetchJob(context, jobId, itemIndex) {
		const body = await callRunPod(context, { method: 'GET', path: `/status/${encodeURIComponent(jobId)}` }, itemIndex);
		return parseRunPodJob(body);
	},
	// RunPod sets no floor; /status allows 2000 calls per 10 s, so half a second is polite.
	minPollIntervalMs: 500,
};
