import { secretOrDerivedFromApiKey } from '../shared/callback-auth';
import type { RenderProvider } from '../shared/provider';
import { GEPETTO_CREDENTIAL } from './api';
import { GEPETTO_OPERATIONS, GEPETTO_RESOURCES, fetchGepettoJob } from './operations';
import { GEPETTO_PROVIDER, parseGepettoCallback } from './parser';

export const gepettoProvider: RenderProvider = {
	id: GEPETTO_PROVIDER,
	displayName: 'Gepetto',
	credentialType: GEPETTO_CREDENTIAL,
	operations: GEPETTO_OPERATIONS,
	resources: GEPETTO_RESOURCES,
	// The callback {id, output} has no status: one with an image is a completed job.
	parseCallback: parseGepettoCallback,
	fetchJob: fetchGepettoJob,
	// 120 calls a minute per user: one status check a second leaves room for submits.
	minPollIntervalMs: 1000,
	// Submits answer at once when they carry a webhook; 10 at a time stays far below 120 a minute.
	maxParallelSubmits: 10,
	// Each job carries its webhook URL (`webhook` in the body).
	// Gepetto runs a job in the background only when the request names a webhook.
	callbacks: { mode: 'perJob', urlRequiredForBackgroundJobs: true },
	callbackSecret: (credentials) => secretOrDerivedFromApiKey(credentials.webhookSecret, credentials.apiKey),
};
