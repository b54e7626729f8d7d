/**
 * Callback delivery as a provider does it: POST the body, then retry on the provider's own schedule
 * until an answer it accepts or the schedule gives up. Every attempt is recorded for assertions.
 */
import { postJson } from '../http';
import type { Timers } from './timers';

/** How a provider retries its callbacks. Functions, so a schedule can read live settings. */
export interface RetrySchedule {
	/** Whether an answer ends the delivery. RunPod: exactly 200. AI Home Design: any 2xx. */
	accepts(statusCode: number): boolean;
	/** The wait before the attempt after failed attempt `attempt` (1-based), or undefined to give up. */
	delayAfter(attempt: number): number | undefined;
}

/** `retries` more attempts `delayMs` apart, only 200 accepted: RunPod's schedule (2 retries, 10 s). */
export function fixedRetries(retries: () => number, delayMs: () => number): RetrySchedule {
	return {
		accepts: (statusCode) => statusCode === 200,
		delayAfter: (attempt) => (attempt <= retries() ? delayMs() : undefined),
	};
}

/**
 * Retries until any 2xx (AI Home Design), the wait doubling from `firstDelayMs` up to `maxDelayMs`.
 * `maxAttempts` bounds it in tests; the provider itself never stops.
 */
export function untilSuccess(firstDelayMs: number, maxDelayMs = firstDelayMs, maxAttempts = Infinity): RetrySchedule {
	return {
		accepts: (statusCode) => statusCode >= 200 && statusCode < 300,
		delayAfter: (attempt) =>
			attempt < maxAttempts ? Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1)) : undefined,
	};
}

export interface DeliveryRecord {
	jobId: string;
	url: string;
	/** 1 for the first attempt. */
	attempt: number;
	statusCode?: number;
	/** A network error or timeout, when no answer came. */
	error?: string;
	/** Epoch ms when the attempt ended. */
	at: number;
}

export interface CallbackSenderOptions {
	timers: Timers;
	schedule: RetrySchedule;
	/** An attempt with no answer within this long counts as failed (read live). */
	timeoutMs(): number;
	/** While true, attempts due are not made and their retries stop (read live): the dropped-callbacks fault. */
	dropped?(): boolean;
	/** Extra lines for the timeout message of waitForDeliveries, e.g. the jobs that should call back. */
	describe?(): string[];
}

export class CallbackSender {
	/** Every attempt, in the order they ended. */
	readonly deliveries: DeliveryRecord[] = [];
	private readonly inFlight = new Set<AbortController>();
	private readonly waiters = new Set<() => void>();

	constructor(private readonly options: CallbackSenderOptions) {}

	/** Sends `body` to `url` for `jobId` after `delayMs`, retrying on the schedule. */
	send(jobId: string, url: string, body: unknown, delayMs = 0): void {
		this.options.timers.later(delayMs, () => void this.attempt(jobId, url, body, 1));
	}

	/** Resolves with the accepted deliveries once there are `count` of them; rejects with a summary after `timeoutMs`. */
	waitForDeliveries(count: number, timeoutMs = 5000): Promise<DeliveryRecord[]> {
		const accepted = () =>
			this.deliveries.filter((record) => record.statusCode !== undefined && this.options.schedule.accepts(record.statusCode));
		return new Promise<DeliveryRecord[]>((resolve, reject) => {
			const check = () => {
				const done = accepted();
				if (done.length < count) return;
				this.waiters.delete(check);
				clearTimeout(timeout);
				resolve(done);
			};
			const timeout = setTimeout(() => {
				this.waiters.delete(check);
				reject(
					new Error(
						`Expected ${count} accepted callback deliveries within ${timeoutMs} ms, got ${accepted().length}.\n` +
							this.describe(),
					),
				);
			}, timeoutMs);
			this.waiters.add(check);
			check();
		});
	}

	/** Stops attempts under way and forgets the record (timers are the owner's to clear). */
	clear(): void {
		for (const controller of this.inFlight) controller.abort();
		this.inFlight.clear();
		this.deliveries.length = 0;
	}

	private describe(): string {
		const attempts = this.deliveries.map(
			(record) => `  ${record.jobId} attempt ${record.attempt} -> ${record.statusCode ?? record.error} (${record.url})`,
		);
		return [
			`attempts recorded (${attempts.length}):`,
			...(attempts.length ? attempts : ['  none']),
			...(this.options.describe?.() ?? []),
		].join('\n');
	}

	private async attempt(jobId: string, url: string, body: unknown, attempt: number): Promise<void> {
		if (this.options.dropped?.()) return;
		// One controller per attempt: clear() aborts it, and no shared signal collects listeners.
		const controller = new AbortController();
		this.inFlight.add(controller);
		let record: DeliveryRecord;
		try {
			const answer = await postJson(url, body, { timeoutMs: this.options.timeoutMs(), signal: controller.signal });
			record = { jobId, url, attempt, statusCode: answer.statusCode, at: Date.now() };
		} catch (error) {
			record = { jobId, url, attempt, error: (error as Error).message || String(error), at: Date.now() };
		}
		this.inFlight.delete(controller);
		if (controller.signal.aborted) return;
		this.deliveries.push(record);
		for (const check of [...this.waiters]) check();
		if (record.statusCode !== undefined && this.options.schedule.accepts(record.statusCode)) return;
		const delayMs = this.options.schedule.delayAfter(attempt);
		if (delayMs !== undefined) {
			this.options.timers.later(delayMs, () => void this.attempt(jobId, url, body, attempt + 1));
		}
	}
}
