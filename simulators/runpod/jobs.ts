/**
 * RunPod's jobs on the base's job clock: IN_QUEUE → IN_PROGRESS → a final status, the bodies /status and
 * the webhook carry, cancel and retry, ttl and result retention, and the webhook sent when a job ends.
 */
import { JobClock, newClockedJob, type CallbackSender, type ClockedJob, type FinalState, type Timers } from '../base';
import type { RunPodFinalStatus, RunPodJobStatus, RunPodJobView, RunPodSimulatorConfig } from './config';
import type { SubmitRequest } from './submit';
import { isObject, runWorker } from './worker';

export interface RunPodFinal extends FinalState {
	status: RunPodFinalStatus;
	output?: unknown;
	error?: string;
}

/** A job: what was submitted, plus the simulator's bookkeeping. */
export interface RunPodJob extends ClockedJob<RunPodFinal>, SubmitRequest {
	endpointId: string;
	route: 'run' | 'runsync';
	retries: number;
	plannedStatus: RunPodFinalStatus;
	plannedError?: string;
	/** How many /stream chunks were already handed out: /stream answers only what is new. */
	streamCursor: number;
}

const FINAL_STATUSES: readonly RunPodJobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

export function isFinal(status: RunPodJobStatus): boolean {
	return FINAL_STATUSES.includes(status);
}

/** RunPod re-serialises bodies from Go maps, so keys come out sorted at every level (see the seed). */
function sortKeysDeep(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeysDeep);
	if (!isObject(value)) return value;
	const sorted: Record<string, unknown> = {};
	for (const key of Object.keys(value).sort()) sorted[key] = sortKeysDeep(value[key]);
	return sorted;
}

export class RunPodJobs {
	private readonly clock: JobClock<RunPodJob, RunPodFinal>;
	private readonly retried = new Map<string, number>();
	/** The simulated S3 bucket of worker-comfyui: `${jobId}/${filename}` → PNG bytes. */
	readonly bucket = new Map<string, Buffer>();
	/** Where the server serves the bucket; set once the server listens. */
	bucketUrl = '';

	constructor(
		private readonly config: RunPodSimulatorConfig,
		timers: Timers,
		readonly callbacks: CallbackSender,
	) {
		this.clock = new JobClock<RunPodJob, RunPodFinal>({
			timers,
			queueMs: () => config.queueMs,
			stalled: () => config.stall,
			settle: (job, at) => this.settle(job, at),
			onFinal: (job) => this.sendWebhook(job),
			expiresAt: (job) => this.expiresAt(job),
		});
	}

	create(endpointId: string, route: 'run' | 'runsync', request: SubmitRequest, now: number, id: string): RunPodJob {
		const job: RunPodJob = {
			...newClockedJob(id, now),
			...request,
			endpointId,
			route,
			retries: 0,
			plannedStatus: 'COMPLETED',
			streamCursor: 0,
		};
		this.clock.add(job, now, this.plan(job));
		return job;
	}

	/** The job if it exists on this endpoint and is still readable, brought up to date. */
	find(endpointId: string, jobId: string, now: number): RunPodJob | undefined {
		const job = this.clock.get(jobId, now);
		return job?.endpointId === endpointId ? job : undefined;
	}

	ofEndpoint(endpointId: string, now: number): RunPodJob[] {
		return this.clock.all(now).filter((job) => job.endpointId === endpointId);
	}

	statusOf(job: RunPodJob, now: number): RunPodJobStatus {
		if (job.final) return job.final.status;
		return this.clock.phase(job, now) === 'queued' ? 'IN_QUEUE' : 'IN_PROGRESS';
	}

	statusBody(job: RunPodJob, now: number): Record<string, unknown> {
		const body: Record<string, unknown> = { id: job.id, status: this.statusOf(job, now), ...this.timingsOf(job, now) };
		if (job.final?.error !== undefined) body.error = job.final.error;
		if (job.final && 'output' in job.final) body.output = job.final.output;
		return sortKeysDeep(body) as Record<string, unknown>;
	}

	waitForFinal(job: RunPodJob, ms: number): Promise<void> {
		return this.clock.waitForFinal(job, ms);
	}

	cancel(job: RunPodJob, now: number): void {
		if (!isFinal(this.statusOf(job, now))) this.clock.finish(job, now, { status: 'CANCELLED', at: now });
	}

	/** Starts a FAILED or TIMED_OUT job again under the same id. */
	retry(job: RunPodJob, now: number): void {
		job.retries++;
		this.retried.set(job.endpointId, this.retriedCount(job.endpointId) + 1);
		this.clock.start(job, now, this.plan(job));
	}

	retriedCount(endpointId: string): number {
		return this.retried.get(endpointId) ?? 0;
	}

	remove(job: RunPodJob): void {
		this.clock.remove(job);
	}

	/** After the fault switches changed: releases jobs from a cleared stall, finishes those due. */
	advanceAll(now: number): void {
		this.clock.advanceAll(now);
	}

	views(now: number): Map<string, RunPodJobView> {
		const views = new Map<string, RunPodJobView>();
		for (const job of this.clock.all(now)) {
			views.set(job.id, {
				id: job.id,
				endpointId: job.endpointId,
				route: job.route,
				status: this.statusOf(job, now),
				input: job.input,
				webhook: job.webhook,
				policy: job.policy,
				s3Config: job.s3Config,
				output: job.final?.output,
				error: job.final?.error,
				...this.timingsOf(job, now),
				retries: job.retries,
				createdAt: job.createdAt,
			});
		}
		return views;
	}

	/** Lines for a failed waitForDeliveries: the jobs that should call back, and the switches that matter. */
	describe(): string[] {
		const now = Date.now();
		const withWebhook = this.clock
			.stored()
			.filter((job) => job.webhook)
			.map((job) => `  ${job.id} ${this.statusOf(job, now)}${job.stalled ? ' (stalled)' : ''} -> ${job.webhook}`);
		const { dropWebhooks, stall, webhookRetryDelayMs } = this.config;
		return [
			`jobs with a webhook (${withWebhook.length}):`,
			...(withWebhook.length ? withWebhook : ['  none']),
			`dropWebhooks=${dropWebhooks} stall=${stall} webhookRetryDelayMs=${webhookRetryDelayMs}`,
		];
	}

	clear(): void {
		this.clock.clear();
		this.retried.clear();
		this.bucket.clear();
	}

	private timingsOf(job: RunPodJob, now: number): { delayTime: number; executionTime: number } {
		const { queuedMs, runningMs } = this.clock.timings(job, now);
		return { delayTime: queuedMs, executionTime: runningMs };
	}

	/** Decides how the attempt starting now will end; returns its run time. */
	private plan(job: RunPodJob): number {
		const { config } = this;
		const input = job.input;
		const perJobRunMs =
			isObject(input) && typeof input.sim_delay_ms === 'number' && input.sim_delay_ms >= 0
				? input.sim_delay_ms
				: config.runMs;
		job.streamCursor = 0;
		job.plannedError = undefined;
		if (perJobRunMs > job.executionTimeoutMs) {
			job.plannedStatus = 'TIMED_OUT';
			job.plannedError = `Job exceeded policy.executionTimeout of ${job.executionTimeoutMs} ms`;
		} else if (config.outcome !== 'COMPLETED') {
			job.plannedStatus = config.outcome;
			if (config.outcome === 'FAILED') job.plannedError = 'Simulated failure (outcome switch)';
			if (config.outcome === 'TIMED_OUT') job.plannedError = 'Job timed out (outcome switch)';
		} else if (isObject(input) && typeof input.sim_fail === 'string') {
			job.plannedStatus = 'FAILED';
			job.plannedError = input.sim_fail;
		} else {
			job.plannedStatus = 'COMPLETED';
		}
		return Math.min(perJobRunMs, job.executionTimeoutMs);
	}

	private settle(job: RunPodJob, at: number): RunPodFinal {
		if (job.plannedStatus !== 'COMPLETED') return { status: job.plannedStatus, at, error: job.plannedError };
		const upload = (filename: string, bytes: Buffer) => {
			const key = `${encodeURIComponent(job.id)}/${encodeURIComponent(filename)}`;
			this.bucket.set(key, bytes);
			return `${this.bucketUrl}/${key}`;
		};
		const result = runWorker(job.input, this.config, { jobId: job.id, upload });
		if (!('error' in result)) return { status: 'COMPLETED', at, output: result.output };
		// A handler's `{error, ...}`: FAILED, with its other keys kept as output.
		return 'output' in result
			? { status: 'FAILED', at, error: result.error, output: result.output }
			: { status: 'FAILED', at, error: result.error };
	}

	/** A finished job is readable until its retention ends; any job until its ttl (then RunPod drops it). */
	private expiresAt(job: RunPodJob): number {
		const ttlEnd = job.createdAt + job.ttlMs;
		if (!job.final) return ttlEnd;
		const retention =
			job.route === 'runsync' ? this.config.runsyncResultRetentionMs : this.config.runResultRetentionMs;
		return Math.min(ttlEnd, job.final.at + retention);
	}

	/** The seed's callback: the /status body plus `input` and `webhook`. */
	private sendWebhook(job: RunPodJob): void {
		// Decided when the job finishes, so a test toggling the switch right after sees a clear cut.
		if (!job.webhook || this.config.dropWebhooks) return;
		const now = job.final?.at ?? Date.now();
		const body = sortKeysDeep({ ...this.statusBody(job, now), input: job.input, webhook: job.webhook });
		this.callbacks.send(job.id, job.webhook, body, this.config.webhookDelayMs);
	}
}
