/**
 * The Deep Image simulator's settings, their defaults and the types its users see. Defaults follow
 * docs/providers.md: `x-api-key` auth (wrong key 404, missing key 403), a limit on images in
 * progress per account (429 TOO_MANY_REQUESTS), credits (NOT_ENOUGH_CREDITS), `process_result`
 * holding the request about 25 s, one `webhooks.complete` callback per completed job (else one to the
 * account-wide webhook, when set).
 */
import { DEFAULT_SWITCHES, type SimulatorHandle, type SimulatorSwitches } from '../base';

export type DeepImageOutcome = 'complete' | 'failed';

export interface DeepImageSimulatorConfig extends SimulatorSwitches {
	/** Key expected in `x-api-key`. */
	apiKey: string;
	/** How long a new job reads as `received` before `not_started`. */
	receivedMs: number;
	/** Time before a job starts (`not_started`). */
	queueMs: number;
	/** Time a job runs (`in_progress`). */
	runMs: number;
	/** How long `POST /rest_api/process_result` holds the request for the result (Deep Image: about 25 s). */
	processResultWaitMs: number;
	/** Images in progress the account may have at once; one more is answered 429. */
	concurrencyLimit: number;
	/** Credits left; each processed image costs one. */
	credits: number;
	/**
	 * The account-wide webhook Deep Image's support sets on request ('' for none): a completed job
	 * whose request names no `webhooks.complete` calls it back. Whether Deep Image calls both when
	 * a request names one too is not documented; the simulator calls the request's only.
	 */
	accountWebhook: string;
	/** How jobs submitted while set end. `failed` jobs answer HTTP 500 and call back nothing. */
	outcome: DeepImageOutcome;
	/** Largest output side allowed, in pixels ("Image cannot be upscaled above …"). */
	maxOutputSide: number;
	/** Side of the square PNG each result is. */
	outputSide: number;
	/** Limit on downloading an input image; longer is an image that cannot be downloaded. */
	fetchTimeoutMs: number;
	bodyLimitBytes: number;
	/**
	 * Fault: the next n submits (`process`, `process_result`) queue and bill their job, then answer
	 * HTTP 500 `{message: "Internal error"}` instead of it: the job runs, the caller never learns its id.
	 */
	failSubmitNext: number;
	/**
	 * Fault: the next n `GET /rest_api/result/{job}` answer HTTP 500 `{message: "Internal error"}`: an
	 * outage, not a failed job (no `status`, no `job`); the job itself goes on.
	 */
	failResultNext: number;
	/**
	 * Fault: the next n submits queue and bill their job, then drop the connection without an
	 * answer (the caller sees a reset socket): an answer lost on the way back.
	 */
	dropSubmitNext: number;
}

export type DeepImageSimulatorOptions = Partial<DeepImageSimulatorConfig>;

export const DEFAULT_CONFIG: DeepImageSimulatorConfig = {
	...DEFAULT_SWITCHES,
	apiKey: 'deepimage_sim_key',
	receivedMs: 20,
	queueMs: 50,
	runMs: 200,
	processResultWaitMs: 25_000,
	concurrencyLimit: 10,
	credits: 1000,
	accountWebhook: '',
	outcome: 'complete',
	maxOutputSide: 8000,
	outputSide: 64,
	fetchTimeoutMs: 3000,
	bodyLimitBytes: 10_000_000,
	failSubmitNext: 0,
	failResultNext: 0,
	dropSubmitNext: 0,
};

export type DeepImageStatus = 'received' | 'not_started' | 'in_progress' | 'complete' | 'failed';

/** A job as tests see it. */
export interface DeepImageJobView {
	id: string;
	/** The settings as sent (JSON body, or the multipart `parameters`), webhooks included. */
	request: Record<string, unknown>;
	/** The uploaded file of a multipart submit. */
	upload?: { fileName: string; mimeType: string; data: Buffer };
	webhook?: string;
	status: DeepImageStatus;
	resultUrl?: string;
	deleted: boolean;
}

/** `url` is the base URL the credential takes. */
export interface DeepImageSimulator extends SimulatorHandle<DeepImageSimulatorConfig> {
	readonly jobs: ReadonlyMap<string, DeepImageJobView>;
}
