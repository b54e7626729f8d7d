/**
 * The Gepetto simulator's settings, their defaults and the types its users see. Defaults follow
 * docs/providers.md: Bearer auth, 120 calls a minute per user, one callback per finished job
 * and no retries, no failure callback; with short job times.
 */
import { DEFAULT_SWITCHES, type SimulatorHandle, type SimulatorSwitches } from '../base';

export type GepettoOutcome = 'success' | 'error';

export interface GepettoSimulatorConfig extends SimulatorSwitches {
	/** Key expected as `authorization: Bearer <key>`. */
	apiKey: string;
	/** Time before a job starts (its model waking up when warm). */
	queueMs: number;
	/** Time a job runs. */
	runMs: number;
	/** Cold-boot switch: while true every job waits `coldBootMs` more before it starts. */
	cold: boolean;
	coldBootMs: number;
	/** Calls per minute and user (all paths together). */
	rateLimitPerMinute: number;
	rateLimitWindowMs: number;
	/** How jobs submitted while set end: `error` jobs never call back (none is documented). */
	outcome: GepettoOutcome;
	/** Side of the square PNG each render returns. */
	outputSide: number;
	/** Limit on downloading an input image; longer is an unreachable image. */
	fetchTimeoutMs: number;
	bodyLimitBytes: number;
	/** Fault: the next n downloads of a render's file (`/files/...`) answer 500, as a CDN hiccup would. */
	failFilesNext: number;
}

export type GepettoSimulatorOptions = Partial<GepettoSimulatorConfig>;

export const DEFAULT_CONFIG: GepettoSimulatorConfig = {
	...DEFAULT_SWITCHES,
	apiKey: 'gepetto_sim_key',
	queueMs: 50,
	runMs: 200,
	cold: false,
	coldBootMs: 3000,
	rateLimitPerMinute: 120,
	rateLimitWindowMs: 60_000,
	outcome: 'success',
	outputSide: 64,
	fetchTimeoutMs: 3000,
	bodyLimitBytes: 1_000_000,
	failFilesNext: 0,
};

/** A job as tests see it. */
export interface GepettoJobView {
	id: string;
	mode: string;
	/** The submitted body, webhook included. */
	request: Record<string, unknown>;
	webhook?: string;
	status: 'pending' | 'success' | 'error';
	output?: string;
}

export interface GepettoSimulator extends SimulatorHandle<GepettoSimulatorConfig> {
	/** The API base the credential takes: `{url}/v1`. */
	baseUrl: string;
	readonly jobs: ReadonlyMap<string, GepettoJobView>;
}
