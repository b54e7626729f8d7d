/**
 * The RunPod simulator's settings, their defaults, and the types its users see. The defaults follow
 * docs/providers.md (limits, retention, two webhook retries 10 s apart), with short job times.
 */
import type { DeliveryRecord, RequestRecord, SimulatorHandle, SimulatorSwitches } from '../base';
export type RunPodJobStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
export type RunPodFinalStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
/** Which worker image the endpoint runs. `auto` picks from the input's shape. */
export type RunPodWorkerKind = 'auto' | 'a1111' | 'official' | 'raw' | 'comfyui' | 'comfy-legacy';
export type RunPodRoute = 'run' | 'runsync' | 'status' | 'stream' | 'cancel' | 'retry' | 'purgeQueue' | 'health';

export interface RunPodPolicyLimits {
	executionTimeoutMinMs: number;
	executionTimeoutMaxMs: number;
	ttlMinMs: number;
	ttlMaxMs: number;
}

export interface RunPodSimulatorConfig extends SimulatorSwitches {
	/** Key expected in `authorization` (with or without `Bearer `). */
	apiKey: string;
	/** Endpoint id answered with 404; any other id is accepted. */
	unknownEndpointId: string;
	/** Time a job spends IN_QUEUE. */
	queueMs: number;
	/** Time a job spends IN_PROGRESS (per job: input `sim_delay_ms`). */
	runMs: number;
	/** Worker image emulated (per job: input `sim_worker`); `auto` takes an input with `workflow` for worker-comfyui. */
	worker: RunPodWorkerKind;
	/** ComfyUI workers upload images to S3 (the endpoint has BUCKET_ENDPOINT_URL) and answer URLs. */
	comfyBucketUpload: boolean;
	/** Forces every job submitted while set to end this way. */
	outcome: RunPodFinalStatus;
	/** Generate PNGs at the requested size instead of capping each side at `maxImageSide`. */
	fullSizeImages: boolean;
	maxImageSide: number;
	/** How long a finished /run job stays readable. */
	runResultRetentionMs: number;
	/** How long a finished /runsync job stays readable. */
	runsyncResultRetentionMs: number;
	/** /runsync wait when `?wait=` is absent. */
	runsyncDefaultWaitMs: number;
	runBodyLimitBytes: number;
	runsyncBodyLimitBytes: number;
	rateLimitWindowMs: number;
	/** Requests per window and endpoint; a route left out is unlimited. */
	rateLimits: Partial<Record<RunPodRoute, number>>;
	/** /run answers 429 while this many of the endpoint's jobs are not final. */
	runMaxConcurrentJobs: number;
	policyLimits: RunPodPolicyLimits;
	/** Workers reported by /health. */
	workerCount: number;
	/** Wait before the first delivery attempt. */
	webhookDelayMs: number;
	/** Wait between delivery attempts (RunPod: 10 s). */
	webhookRetryDelayMs: number;
	/** Attempts after the first one (RunPod: 2). */
	webhookRetries: number;
	/** Fault: jobs submitted while set stay IN_QUEUE (and send nothing) until it is cleared. */
	stall: boolean;
	/** Fault: jobs finishing while set send no webhook, and pending retries stop. */
	dropWebhooks: boolean;
	/**
	 * Fault: each request on `faultRateRoutes` meets a fault with this probability, e.g.
	 * `{rateLimit: 0.3, serverError: 0.1}` (429 with Retry-After 1, 500). Drawn from a seeded generator
	 * (`faultSeed`), so a failing run replays. A 500 on /run comes before the job is created.
	 */
	faultRates: Partial<Record<RunPodRateFault, number>>;
	/** The routes `faultRates` applies to; empty: every route. */
	faultRateRoutes: RunPodRoute[];
	faultSeed: number;
	/** Every API answer waits this long first, as a real API's latency. */
	answerDelayMs: number;
}

/** The faults `faultRates` can draw. */
export type RunPodRateFault = 'rateLimit' | 'serverError' | 'garbage';

/** Partial configuration; the nested limits may be partial too and merge with the defaults. */
export type RunPodSimulatorOptions = Partial<Omit<RunPodSimulatorConfig, 'rateLimits' | 'policyLimits'>> & {
	rateLimits?: Partial<Record<RunPodRoute, number>>;
	policyLimits?: Partial<RunPodPolicyLimits>;
};

export type RunPodFaults = Pick<
	RunPodSimulatorConfig,
	| 'rateLimitNext'
	| 'failNext'
	| 'garbageNext'
	| 'stall'
	| 'dropWebhooks'
	| 'webhookDelayMs'
	| 'outcome'
	| 'worker'
	| 'comfyBucketUpload'
	| 'faultRates'
	| 'faultRateRoutes'
	| 'faultSeed'
	| 'answerDelayMs'
	| 'runMs'
	| 'queueMs'
>;

/** One webhook attempt (attempt 1 up to 1 + webhookRetries). */
export type RunPodDelivery = DeliveryRecord;

/** One API request answered (also `route` and `at`, from the simulator base). */
export type RunPodRequestRecord = RequestRecord;

/** A job as the simulator holds it, for assertions. */
export interface RunPodJobView {
	id: string;
	endpointId: string;
	route: 'run' | 'runsync';
	status: RunPodJobStatus;
	input: unknown;
	webhook?: string;
	/** The policy exactly as received. */
	policy?: Record<string, unknown>;
	s3Config?: unknown;
	output?: unknown;
	error?: string;
	delayTime: number;
	executionTime: number;
	retries: number;
	createdAt: number;
}

export interface RunPodSimulator extends SimulatorHandle<RunPodSimulatorConfig> {
	/** `http://127.0.0.1:PORT/v2`: a client calls `${baseUrl}/${endpointId}/run`. */
	baseUrl: string;
	/** `http://127.0.0.1:PORT/v1`: the management REST API (endpoint list only). */
	restUrl: string;
	/** Snapshot of the jobs still readable, by id. */
	readonly jobs: ReadonlyMap<string, RunPodJobView>;
	/** `${baseUrl}/${endpointId}`. */
	endpointUrl(endpointId?: string): string;
	setFaults(faults: Partial<RunPodFaults>): void;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

export const RUNPOD_DEFAULT_CONFIG: Readonly<RunPodSimulatorConfig> = Object.freeze({
	port: 0,
	apiKey: 'rp_test_key',
	unknownEndpointId: 'missing-endpoint',
	queueMs: 50,
	runMs: 100,
	worker: 'auto',
	comfyBucketUpload: false,
	outcome: 'COMPLETED',
	fullSizeImages: false,
	maxImageSide: 256,
	runResultRetentionMs: 30 * MINUTE,
	runsyncResultRetentionMs: MINUTE,
	runsyncDefaultWaitMs: 90 * SECOND,
	runBodyLimitBytes: 10_000_000,
	runsyncBodyLimitBytes: 20_000_000,
	rateLimitWindowMs: 10 * SECOND,
	rateLimits: Object.freeze({ run: 1000, runsync: 2000, status: 2000, cancel: 100, purgeQueue: 2 }),
	runMaxConcurrentJobs: 200,
	policyLimits: Object.freeze({
		executionTimeoutMinMs: 5 * SECOND,
		executionTimeoutMaxMs: 7 * DAY,
		ttlMinMs: 10 * SECOND,
		ttlMaxMs: 7 * DAY,
	}),
	workerCount: 2,
	webhookDelayMs: 0,
	webhookRetryDelayMs: 10 * SECOND,
	webhookRetries: 2,
	webhookTimeoutMs: 10 * SECOND,
	rateLimitNext: 0,
	failNext: 0,
	garbageNext: 0,
	stall: false,
	dropWebhooks: false,
	faultRates: Object.freeze({}),
	faultRateRoutes: Object.freeze([]) as unknown as RunPodRoute[],
	faultSeed: 1,
	answerDelayMs: 0,
});

/** The defaults with `options` over them; nested settings merge, so a test can change one limit alone. */
export function buildConfig(options: RunPodSimulatorOptions): RunPodSimulatorConfig {
	return {
		...RUNPOD_DEFAULT_CONFIG,
		...options,
		rateLimits: { ...RUNPOD_DEFAULT_CONFIG.rateLimits, ...options.rateLimits },
		policyLimits: { ...RUNPOD_DEFAULT_CONFIG.policyLimits, ...options.policyLimits },
	};
}
