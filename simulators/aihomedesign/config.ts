/**
 * The AI Home Design simulator's settings, defaults and the types its users see. Defaults follow
 * the AI Home Design section of docs/providers.md and the webhook seed: x-api-key auth,
 * 10 generations per 10 minutes (429), 422 for an asset_map/widget mismatch, 403 for a tool not in
 * the plan, one dashboard webhook URL retried until 2xx; with short job times.
 */
import { DEFAULT_SWITCHES, type FaultSwitches, type SimulatorHandle, type SimulatorSwitches } from '../base';

export type ProcessOutcome = 'done' | 'failed';

export interface AiHomeDesignSimulatorConfig extends SimulatorSwitches {
	/** Key expected in `x-api-key`. */
	apiKey: string;
	/** Whether the account has API access (the Enterprise plan); without it every API call is answered 403. */
	apiAccess: boolean;
	/** Tools the account's plan includes; others are answered 403. */
	planTools: string[] | 'all';
	/** Time a process stays `pending`, then `processing`. */
	queueMs: number;
	runMs: number;
	/** How processes started while set end. */
	outcome: ProcessOutcome;
	/** Success answers as `{data, message: "ok"}` (the vendor client's form) or the object alone (the docs' examples). */
	envelope: 'wrapped' | 'plain';
	/** Generations (POST /process) allowed per window and API key. */
	generationsPerWindow: number;
	generationWindowMs: number;
	/** Largest request body (an upload): 50 MB per the v2 docs. */
	bodyLimitBytes: number;
	/** Side of the square PNG each result is. */
	outputSide: number;
	/** Images per finished process. */
	resultsPerProcess: number;
	/** The one webhook URL of the account's dashboard; empty: none is set. */
	webhookUrl: string;
	/** The dashboard takes only https:// URLs; off by default so a local n8n on http can be registered. */
	requireHttpsWebhook: boolean;
	/** Retries until a 2xx: the first wait, doubling up to the max. */
	webhookFirstRetryMs: number;
	webhookMaxRetryMs: number;
	/** Bounds the retries in tests; the vendor never stops. */
	webhookMaxAttempts: number;
	/** Also post the bodies of older products (v1 order, upscale) to the same URL before each result. */
	legacyEvents: boolean;
	/** The live tool catalogue answers 500 (the node then offers the documented list). */
	catalogueDown: boolean;
}

export type AiHomeDesignSimulatorOptions = Partial<AiHomeDesignSimulatorConfig>;

export const DEFAULT_CONFIG: AiHomeDesignSimulatorConfig = {
	...DEFAULT_SWITCHES,
	apiKey: 'ahd_sim_key',
	apiAccess: true,
	planTools: 'all',
	queueMs: 50,
	runMs: 200,
	outcome: 'done',
	envelope: 'wrapped',
	generationsPerWindow: 10,
	generationWindowMs: 600_000,
	bodyLimitBytes: 50_000_000,
	outputSide: 64,
	resultsPerProcess: 1,
	webhookUrl: '',
	requireHttpsWebhook: false,
	webhookFirstRetryMs: 1000,
	webhookMaxRetryMs: 60_000,
	webhookMaxAttempts: Infinity,
	legacyEvents: false,
	catalogueDown: false,
};

export interface StoredAsset {
	id: string;
	role: string;
	fileName: string;
	mimeType: string;
	size: number;
}

export interface ProjectView {
	id: string;
	address: string;
	createdAt: string;
}

export interface OrderView {
	id: string;
	projectId?: string;
	assets: StoredAsset[];
	/** Which role field the upload used: `asset_roles` (docs) or `asset_role` (vendor client). */
	roleField: string;
}

export interface ProcessView {
	id: string;
	orderId: string;
	tool: string;
	assetMap: Record<string, string>;
	widgets: Array<{ slug: string; item_slugs: string[] }>;
	processGroupId?: string;
	status: 'pending' | 'processing' | 'done' | 'failed';
}

export interface AiHomeDesignSimulator extends SimulatorHandle<AiHomeDesignSimulatorConfig> {
	/** The API base the credential takes: `{url}/v3`. */
	baseUrl: string;
	/** The live catalogue as the credential takes it: `{url}/api/tools`. */
	catalogueUrl: string;
	/** Per-route faults: `faults.next('serverError', 1, 'order')` (routes: createProject, listProjects, order, process, getProcess). */
	faults: FaultSwitches;
	readonly projects: ReadonlyMap<string, ProjectView>;
	readonly orders: ReadonlyMap<string, OrderView>;
	readonly processes: ReadonlyMap<string, ProcessView>;
}
