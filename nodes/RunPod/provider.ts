import { secretOrDerivedFromApiKey } from '../shared/callback-auth';
import type { RenderProvider } from '../shared/provider';
import { RUNPOD_CREDENTIAL, callRunPod } from './api';
import { RUNPOD_OPERATIONS, RUNPOD_RESOURCES } from './operations';
import { RUNPOD_PROVIDER, parseRunPodCallback, parseRunPodJob } from './parser';

export const runPodProvider: RenderProvider = {
	id: RUNPOD_PROVIDER,
	displayName: 'RunPod',
	credentialType: RUNPOD_CREDENTIAL,
	operations: RUNPOD_OPERATIONS,
	resources: RUNPOD_RESOURCES,
	parseCallback: parseRunPodCallback,
	async fetchJob(context, jobId, itemIndex) {
		const body = await callRunPod(context, { method: 'GET', path: `/status/${encodeURIComponent(jobId)}` }, itemIndex);
		return parseRunPodJob(body);
	},
	// RunPod sets no floor; /status allows 2000 calls per 10 s, so half a second is polite.
	minPollIntervalMs: 500,
	// /run allows 200 requests in flight (and 1,000 per 10 s: beyond that the transport's shared
	// 429 pause takes over); /status has its own limits, so submits need leave it no room.
	maxParallelSubmits: 200,
	// Each job carries its webhook URL (`webhook` in the /run body).
	callbacks: { mode: 'perJob' },
	callbackSecret: (credentials) => secretOrDerivedFromApiKey(credentials.webhookSecret, credentials.apiKey),
};
