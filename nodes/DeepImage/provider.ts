import { secretOrDerivedFromApiKey } from '../shared/callback-auth';
import type { RenderProvider } from '../shared/provider';
import { DEEP_IMAGE_CREDENTIAL } from './api';
import { DEEP_IMAGE_OPERATIONS, fetchDeepImageJob } from './operations';
import { DEEP_IMAGE_PROVIDER, parseDeepImageCallback } from './parser';

export const deepImageProvider: RenderProvider = {
	id: DEEP_IMAGE_PROVIDER,
	displayName: 'Deep Image',
	credentialType: DEEP_IMAGE_CREDENTIAL,
	operations: DEEP_IMAGE_OPERATIONS,
	// The callback {job, data, result_url, results} is sent when a job completes.
	parseCallback: parseDeepImageCallback,
	fetchJob: fetchDeepImageJob,
	// No request rate is documented, only a limit on images in progress: a check a second is mild.
	minPollIntervalMs: 1000,
	// The documented limit is on images in progress per account (its number is per plan); more
	// submits at once only meet 429s sooner.
	maxParallelSubmits: 5,
	// `webhooks.complete` travels with each job; /process queues the job with or without it. Deep
	// Image's support can also set one webhook on the account, called for every job (see
	// docs/providers/deep-image-webhooks.md): it carries the credential's Webhook Token, a secret of
	// its own, so the URL handed to the support cannot sign per-job URLs.
	callbacks: {
		mode: 'perJob',
		accountWideWebhook: {
			setBy: 'Deep Image’s support (support@deep-image.ai)',
			tokenField: 'Webhook Token',
			token: (credentials) => (typeof credentials.webhookToken === 'string' ? credentials.webhookToken : ''),
		},
	},
	callbackSecret: (credentials) => secretOrDerivedFromApiKey(credentials.webhookSecret, credentials.apiKey),
};
