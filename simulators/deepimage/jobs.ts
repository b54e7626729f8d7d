/**
 * Deep Image's jobs on the base's job clock: received → not_started → in_progress → complete (with a
 * result_url) or failed (answered HTTP 500 `{message, status: "failed", job}`). A completed job with
 * `webhooks.complete` (or, without one, with the account-wide webhook set) gets one callback
 * `{job, data, result_url, results}`; failed jobs send none (no failure callback is documented),
 * and nothing is retried. A deleted result answers 404.
 */
import { randomUUID } from 'crypto';
import { JobClock, newClockedJob, type CallbackSender, type ClockedJob, type FinalState, type Timers } from '../base';
import type { DeepImageJobView, DeepImageOutcome, DeepImageSimulatorConfig, DeepImageStatus } from './config';

export interface DeepImageFinal extends FinalState {
	status: DeepImageOutcome;
	resultUrl?: string;
	message?: string;
}

export interface DeepImageJob extends ClockedJob<DeepImageFinal> {
	request: Record<string, unknown>;
	upload?: DeepImageJobView['upload'];
	webhook?: string;
	plannedOutcome: DeepImageOutcome;
	/** Why the input cannot be processed, once its download has been tried: the job then fails. */
	inputProblem?: string;
	deleted: boolean;
}

export interface NewJob {
	request: Record<string, unknown>;
	upload?: DeepImageJobView['upload'];
}

export class DeepImageJobs {
	private readonly clock: JobClock<DeepImageJob, DeepImageFinal>;

	constructor(
		private readonly config: DeepImageSimulatorConfig,
		timers: Timers,
		readonly callbacks: CallbackSender,
		private readonly resultUrl: (job: DeepImageJob) => string,
	) {
		this.clock = new JobClock<DeepImageJob, DeepImageFinal>({
			timers,
			queueMs: () => config.receivedMs + config.queueMs,
			stalled: () => config.stall,
			settle: (job, at) => {
				if (job.inputProblem) return { at, status: 'failed', message: job.inputProblem };
				if (job.plannedOutcome === 'failed') return { at, status: 'failed', message: `Processing of job ${job.id} failed` };
				return { at, status: 'complete', resultUrl: this.resultUrl(job) };
			},
			onFinal: (job) => this.sendCallback(job),
		});
	}

	create({ request, upload }: NewJob, now: number): DeepImageJob {
		const webhooks = request.webhooks as { complete?: unknown } | undefined;
		const webhook = typeof webhooks?.complete === 'string' ? webhooks.complete : undefined;
		const job: DeepImageJob = {
			...newClockedJob(randomUUID(), now),
			request,
			upload,
			webhook,
			plannedOutcome: this.config.outcome,
			deleted: false,
		};
		return this.clock.add(job, now, this.config.runMs);
	}

	get(id: string, now: number): DeepImageJob | undefined {
		return this.clock.get(id, now);
	}

	/** Jobs not yet final: what the account's concurrency limit counts. */
	inProgress(now: number): number {
		return this.clock.all(now).filter((job) => !job.final).length;
	}

	waitForFinal(job: DeepImageJob, ms: number): Promise<void> {
		return this.clock.waitForFinal(job, ms);
	}

	status(job: DeepImageJob, now: number): DeepImageStatus {
		if (job.final) return job.final.status;
		if (this.clock.phase(job, now) === 'running') return 'in_progress';
		return now - job.submittedAt < this.config.receivedMs ? 'received' : 'not_started';
	}

	/** The answer of the submits and `GET /rest_api/result/{job}`: HTTP status and body. */
	answer(job: DeepImageJob, now: number): [number, Record<string, unknown>] {
		if (job.deleted) return [404, { message: 'Image deleted', status: 'complete' }];
		const status = this.status(job, now);
		if (job.final?.status === 'failed') return [500, { message: job.final.message, status: 'failed', job: job.id }];
		if (job.final?.status === 'complete') return [200, { job: job.id, status, result_url: job.final.resultUrl }];
		return [200, { job: job.id, status }];
	}

	views(now: number): Map<string, DeepImageJobView> {
		return new Map(
			this.clock.all(now).map((job) => [
				job.id,
				{
					id: job.id,
					request: job.request,
					upload: job.upload,
					webhook: job.webhook,
					status: this.status(job, now),
					resultUrl: job.final?.resultUrl,
					deleted: job.deleted,
				},
			]),
		);
	}

	advanceAll(now: number): void {
		this.clock.advanceAll(now);
	}

	clear(): void {
		this.clock.clear();
	}

	describe(): string[] {
		return this.clock.stored().map((job) => `  job ${job.id} ${job.final?.status ?? 'unfinished'} webhook=${job.webhook ?? 'none'}`);
	}

	/** To the request's `webhooks.complete`, else to the account-wide webhook as set when the job completes. */
	private sendCallback(job: DeepImageJob): void {
		const url = job.webhook ?? (this.config.accountWebhook || undefined);
		if (!url || job.final?.status !== 'complete' || this.config.dropWebhooks) return;
		this.callbacks.send(job.id, url, { job: job.id, data: job.request, result_url: job.final.resultUrl, results: null });
	}
}
