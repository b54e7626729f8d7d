import type { RenderProvider } from '../shared/provider';
import { AI_HOME_DESIGN_CREDENTIAL } from './api';
import { AI_HOME_DESIGN_OPERATIONS, AI_HOME_DESIGN_RESOURCES } from './operations';
import { AI_HOME_DESIGN_PROVIDER, parseAiHomeDesignEvent } from './parser';
import { fetchAiHomeDesignProcess } from './steps';

export const aiHomeDesignProvider: RenderProvider = {
	id: AI_HOME_DESIGN_PROVIDER,
	displayName: 'AI Home Design',
	credentialType: AI_HOME_DESIGN_CREDENTIAL,
	operations: AI_HOME_DESIGN_OPERATIONS,
	// Node version 2 on; version 1 keeps one flat Operation list.
	resources: AI_HOME_DESIGN_RESOURCES,
	// Only `process.completed` is a result; the older products' bodies are answered 2xx and dropped.
	parseCallback: parseAiHomeDesignEvent,
	fetchJob: fetchAiHomeDesignProcess,
	// The docs: poll no more than once every 5 seconds.
	minPollIntervalMs: 5000,
	// 10 generations per 10 minutes: a few at once, the rest queue (a 429 is retried after Retry-After).
	maxParallelSubmits: 3,
	// One URL in the vendor's dashboard; the token in it is the proof (no signature is documented).
	callbacks: { mode: 'dashboard' },
	callbackSecret: (credentials) => (typeof credentials.webhookToken === 'string' ? credentials.webhookToken : ''),
};
