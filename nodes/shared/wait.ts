import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { RenderContext, RenderProvider } from './provider';
import { resultOperationLabel } from './provider';
import type { ParsedRender, RenderResult } from './result';
import { isFinalStatus } from './result';

export interface PollSettings {
	intervalMs: number;
	timeoutMs: number;
	/** At most this many status requests in flight, across all items. */
	concurrency: number;
}

/** A submitted job the engine still follows. `latest` is what is known of it so far. */
export interface TrackedJob {
	jobId: string;
	itemIndex: number;
	latest: ParsedRender;
}

const DEFAULT_POLL: PollSettings = { intervalMs: 5000, timeoutMs: 900_000, concurrency: 5 };

/** The Wait Options collection as poll settings, with the defaults for what is unset. */
export function pollSettings(options: IDataObject): PollSettings {
	const seconds = (value: unknown, fallbackMs: number) =>
		typeof value === 'number' && value > 0 ? value * 1000 : fallbackMs;
	return {
		intervalMs: seconds(options.pollInterval, DEFAULT_POLL.intervalMs),
		timeoutMs: seconds(options.timeout, DEFAULT_POLL.timeoutMs),
		concurrency:
			typeof options.maxConcurrentPolls === 'number' && options.maxConcurrentPolls >= 1
				? Math.floor(options.maxConcurrentPolls)
				: DEFAULT_POLL.concurrency,
	};
}

export const WAIT_TIMEOUT_CODE = 'WAIT_TIMEOUT';

/** At most `limit` tasks at once; the others queue in order. */
export class ConcurrencyLimit {
	private running = 0;

	private readonly queue: Array<() => void> = [];

	constructor(private readonly limit: number) {}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.running >= Math.max(1, this.limit)) await new Promise<void>((resolve) => this.queue.push(resolve));
		this.running++;
		try {
			return await task();
		} finally {
			this.running--;
			this.queue.shift()?.();
		}
	}
}

/** Lets every follower of one node run stop early, e.g. when a submit failed and the node throws. */
export interface StopSignal {
	stopped: boolean;
}

/**
 * Follows one job on its own schedule until it is final or its timeout passes, from the moment it
 * was submitted. A failed lookup (after the transport's own retries) is not the end: the job is
 * asked again at the next interval, and only the timeout ends the wait. A job still unfinished
 * then keeps its last known status with error code WAIT_TIMEOUT, naming the last lookup error.
 */
export async function followJob(
	context: RenderContext,
	provider: RenderProvider,
	job: TrackedJob,
	settings: PollSettings,
	statusChecks: ConcurrencyLimit,
	signal: StopSignal = { stopped: false },
): Promise<ParsedRender> {
	let latest = job.latest;
	let lastLookupError: string | undefined;
	const intervalMs = Math.max(settings.intervalMs, provider.minPollIntervalMs);
	const deadline = Date.now() + settings.timeoutMs;
	while (!isFinalStatus(latest.result.status) && !signal.stopped) {
		if (Date.now() + intervalMs > deadline) {
			return withError(latest, WAIT_TIMEOUT_CODE, timeoutMessage(provider, latest.result, settings.timeoutMs, lastLookupError));
		}
		await sleep(intervalMs);
		try {
			const fresh = await statusChecks.run(async () => await provider.fetchJob(context, job.jobId, job.itemIndex));
			latest = withCorrelation(fresh, job.latest);
			lastLookupError = undefined;
		} catch (error) {
			lastLookupError = (error as Error).message;
		}
	}
	return latest;
}

/**
 * One status look at each unfinished job of `entries` (in place; only at `itemIndexes` when given),
 * as many at once as `limit` allows. A failed look leaves the entry as it was. Waiting for a
 * callback uses it; polling follows jobs with followJob instead.
 */
export async function lookUpUnfinished(
	context: RenderContext,
	provider: RenderProvider,
	entries: Array<ParsedRender | Error | undefined>,
	limit: number,
	itemIndexes: number[] = [...entries.keys()],
): Promise<void> {
	const lookups = new ConcurrencyLimit(limit);
	await Promise.all(
		itemIndexes.map(async (itemIndex) => {
			const entry = entries[itemIndex];
			if (!isUnfinished(entry)) return;
			try {
				const fresh = await lookups.run(async () => await provider.fetchJob(context, entry.result.jobId, itemIndex));
				entries[itemIndex] = withCorrelation(fresh, entry);
			} catch {
				// Still unknown: whoever called decides what an unfinished job means.
			}
		}),
	);
}

/** Whether an entry is a job that has not ended yet (not an item's error, not a final status). */
export function isUnfinished(entry: ParsedRender | Error | undefined): entry is ParsedRender {
	return entry !== undefined && !(entry instanceof Error) && !isFinalStatus(entry.result.status);
}

/**
 * What the submit knew carries over to each status answer: the correlation id, and request fields
 * the status answer does not echo (a multi-step submit's ids of its earlier steps, say).
 */
function withCorrelation(fresh: ParsedRender, previous: ParsedRender): ParsedRender {
	const { correlationId, request } = previous.result;
	const merged = request ? { ...request, ...fresh.result.request } : fresh.result.request;
	return { ...fresh, result: { ...fresh.result, ...(correlationId ? { correlationId } : {}), ...(merged ? { request: merged } : {}) } };
}

function withError(parsed: ParsedRender, code: string, message: string): ParsedRender {
	return { ...parsed, result: { ...parsed.result, error: { code, message } } };
}

function timeoutMessage(provider: RenderProvider, result: RenderResult, timeoutMs: number, lastLookupError?: string): string {
	const seconds = Math.round(timeoutMs / 1000);
	const lookup = lastLookupError ? ` The last status lookup failed: ${lastLookupError}` : '';
	return `Job ${result.jobId} was still ${result.status} after waiting ${seconds} s. It goes on at ${provider.displayName}: fetch it later with ${resultOperationLabel(provider)}, or raise the timeout.${lookup}`;
}
