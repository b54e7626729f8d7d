/**
 * Gepetto's jobs on the base's job clock: pending until done, then "success" with an image URL, or
 * "error" (the failed shape is undocumented: `{status: "error", error}` here). A finished job with a
 * webhook gets one callback `{id, output}`; failed jobs send none, and nothing is retried.
 */
import { randomBytes } from 'crypto';
import { JobClock, newClockedJob, type CallbackSender, type ClockedJob, type FinalState, type Timers } from '../base';
import type { GepettoJobView, GepettoOutcome, GepettoSimulatorConfig } from './config';

export interface GepettoFinal extends FinalState {
	status: GepettoOutcome;
	output?: string;
	error?: string;
}

export interface GepettoJob extends ClockedJob<GepettoFinal> {
	mode: string;
	request: Record<string, unknown>;
	webhook?: string;
	plannedOutcome: GepettoOutcome;
}

/** Gepetto's ids look like Firestore document ids: 20 letters and digits. */
function newJobId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return [...randomBytes(20)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export class GepettoJobs {
	private readonly clock: JobClock<GepettoJob, GepettoFinal>;

	constructor(
		private readonly config: GepettoSimulatorConfig,
		timers: Timers,
		readonly callbacks: CallbackSender,
		private readonly outputUrl: (jobId: string) => string,
	) {
		this.clock = new JobClock<GepettoJob, GepettoFinal>({
			timers,
			queueMs: () => config.queueMs + (config.cold ? config.coldBootMs : 0),
			stalled: () => config.stall,
			settle: (job, at) =>
				job.plannedOutcome === 'success'
					? { at, status: 'success', output: this.outputUrl(job.id) }
					: { at, status: 'error', error: `Rendering failed for job ${job.id}` },
			onFinal: (job) => this.sendCallback(job),
		});
	}

	create(mode: string, request: Record<string, unknown>, now: number): GepettoJob {
		const webhook = typeof request.webhook === 'string' ? request.webhook : undefined;
		const job: GepettoJob = { ...newClockedJob(newJobId(), now), mode, request, webhook, plannedOutcome: this.config.outcome };
		return this.clock.add(job, now, this.config.runMs);
	}

	get(id: string, now: number): GepettoJob | undefined {
		return this.clock.get(id, now);
	}

	waitForFinal(job: GepettoJob, ms: number): Promise<void> {
		return this.clock.waitForFinal(job, ms);
	}

	/** The answer of `GET /job/{id}`. */
	jobBody(job: GepettoJob): Record<string, unknown> {
		const createdAt = new Date(job.createdAt).toISOString();
		if (!job.final) return { status: 'pending', mode: job.mode, createdAt };
		if (job.final.status === 'error') return { status: 'error', error: job.final.error, mode: job.mode, createdAt };
		return { status: 'success', output: job.final.output, mode: job.mode, createdAt };
	}

	views(now: number): Map<string, GepettoJobView> {
		return new Map(
			this.clock.all(now).map((job) => [
				job.id,
				{
					id: job.id,
					mode: job.mode,
					request: job.request,
					webhook: job.webhook,
					status: job.final?.status ?? 'pending',
					output: job.final?.output,
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
		return this.clock.stored().map((job) => `  job ${job.id} ${job.mode} ${job.final?.status ?? 'pending'} webhook=${job.webhook ?? 'none'}`);
	}

	private sendCallback(job: GepettoJob): void {
		if (!job.webhook || job.final?.status !== 'success' || this.config.dropWebhooks) return;
		this.callbacks.send(job.id, job.webhook, { id: job.id, output: job.final.output });
	}
}
