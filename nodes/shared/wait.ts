import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { RenderContext, RenderProvider } from './provider';
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
export const LOOKUP_FAILED_CODE = 'STATUS_LOOKUP_FAILED';

/**
 * Polls every unfinished job until all are final or the timeout passes. Nothing is lost: a job
 * still unfinished at the timeout keeps its last known status with error code WAIT_TIMEOUT, and a
 * job whose status lookup fails (after the transport's own retries) keeps its last known status
 * with error code STATUS_LOOKUP_FAILED and is not asked again.
 */
export async function pollUntilFinal(
	context: RenderContext,
	provider: RenderProvider,
	jobs: TrackedJob[],
	settings: PollSettings,
): Promise<ParsedRender[]> {
	const results = jobs.map((job) => job.latest);
	const intervalMs = Math.max(settings.intervalMs, provider.minPollIntervalMs);
	const deadline = Date.now() + settings.timeoutMs;
	const unfinished = () =>
		results.flatMap((parsed, position) =>
			isFinalStatus(parsed.result.status) || parsed.result.error?.code === LOOKUP_FAILED_CODE ? [] : [position],
		);

	for (let open = unfinished(); open.length > 0; open = unfinished()) {
		if (Date.now() + intervalMs > deadline) {
			for (const position of open) {
				results[position] = withError(results[position], WAIT_TIMEOUT_CODE, timeoutMessage(results[position].result, settings.timeoutMs));
			}
			break;
		}
		await sleep(intervalMs);
		await forEachWithLimit(open, settings.concurrency, async (position) => {
			const job = jobs[position];
			try {
				results[position] = withCorrelation(await provider.fetchJob(context, job.jobId, job.itemIndex), job.latest);
			} catch (error) {
				const message = `Could not get the status of job ${job.jobId}: ${(error as Error).message}`;
				results[position] = withError(results[position], LOOKUP_FAILED_CODE, message);
			}
		});
	}
	return results;
}

function withCorrelation(fresh: ParsedRender, previous: ParsedRender): ParsedRender {
	const { correlationId } = previous.result;
	return correlationId ? { ...fresh, result: { ...fresh.result, correlationId } } : fresh;
}

function withError(parsed: ParsedRender, code: string, message: string): ParsedRender {
	return { ...parsed, result: { ...parsed.result, error: { code, message } } };
}

function timeoutMessage(result: RenderResult, timeoutMs: number): string {
	const seconds = Math.round(timeoutMs / 1000);
	return `Job ${result.jobId} was still ${result.status} after waiting ${seconds} s. It goes on at the provider: fetch it later with Get Status, or raise the timeout.`;
}

/** Runs `task` for every entry with at most `limit` running at once. */
export async function forEachWithLimit<T>(
	entries: T[],
	limit: number,
	task: (entry: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < entries.length) await task(entries[next++]);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, entries.length)) }, worker));
}
