/**
 * The job clock: a job waits in the queue, runs, and ends. Its phase is computed from timestamps whenever
 * it is looked at, and one timer per job ends it on its own, so its callback fires without anyone polling.
 * The provider decides the durations, how a job ends (settle) and when it stops being readable (expiresAt);
 * the clock names no provider status: a provider maps queued / running / final to its own words.
 */
import type { Timers } from './timers';

export type JobPhase = 'queued' | 'running' | 'final';

/** How a job ended; a provider adds its status, output, error... */
export interface FinalState {
	/** Epoch ms when the job ended. */
	at: number;
}

export interface ClockedJob<F extends FinalState> {
	id: string;
	createdAt: number;
	/** When the current attempt was submitted (a provider's retry starts a new attempt). */
	submittedAt: number;
	/** When the job leaves the queue; Infinity while stalled. */
	startsAt: number;
	runMs: number;
	endsAt: number;
	/** Started while the stall switch was on: queued until the switch goes off. */
	stalled: boolean;
	final?: F;
	finishTimer?: NodeJS.Timeout;
	finishWaiters: Array<() => void>;
}

export interface JobClockOptions<J extends ClockedJob<F>, F extends FinalState> {
	timers: Timers;
	/** Time in the queue for a job starting now (read live). */
	queueMs(): number;
	/** Jobs starting while this is true stay queued until it turns false (read live). */
	stalled(): boolean;
	/** How `job` ends when its run time is up at `at`. */
	settle(job: J, at: number): F;
	/** Runs once a job has become final, e.g. to send its callback. */
	onFinal?(job: J): void;
	/** When the job stops being readable (default never). A job whose end comes after it is dropped unfinished. */
	expiresAt?(job: J): number;
}

/** The fields a new job starts with; a provider spreads them into its own job object. */
export function newClockedJob(id: string, now: number): ClockedJob<never> {
	return { id, createdAt: now, submittedAt: now, startsAt: now, runMs: 0, endsAt: now, stalled: false, finishWaiters: [] };
}

export class JobClock<J extends ClockedJob<F>, F extends FinalState> {
	private readonly jobs = new Map<string, J>();

	constructor(private readonly options: JobClockOptions<J, F>) {}

	/** Stores `job` and starts its first attempt. */
	add(job: J, now: number, runMs: number): J {
		this.jobs.set(job.id, job);
		this.start(job, now, runMs);
		return job;
	}

	/** Starts an attempt: back to the queue, unfinished, ending `runMs` after it leaves the queue. */
	start(job: J, now: number, runMs: number): void {
		job.submittedAt = now;
		job.stalled = this.options.stalled();
		job.startsAt = job.stalled ? Infinity : now + this.options.queueMs();
		job.runMs = runMs;
		job.endsAt = job.startsAt + runMs;
		job.final = undefined;
		this.schedule(job, now);
	}

	/** The job if it exists and is still readable, brought up to `now`. */
	get(id: string, now: number): J | undefined {
		const job = this.jobs.get(id);
		if (!job) return undefined;
		this.advance(job, now);
		if (!this.jobs.has(id)) return undefined;
		if (now >= this.expiresAt(job)) {
			this.remove(job);
			return undefined;
		}
		return job;
	}

	/** Every readable job, brought up to `now`. */
	all(now: number): J[] {
		return [...this.jobs.keys()].map((id) => this.get(id, now)).filter((job): job is J => job !== undefined);
	}

	/** Every stored job as it is, without bringing it up to date (for diagnostics). */
	stored(): J[] {
		return [...this.jobs.values()];
	}

	phase(job: J, now: number): JobPhase {
		if (job.final) return 'final';
		return now < job.startsAt ? 'queued' : 'running';
	}

	/** Time spent queued and running in the current attempt, up to its end or `now`. */
	timings(job: J, now: number): { queuedMs: number; runningMs: number } {
		const end = job.final ? job.final.at : now;
		const start = Math.min(job.startsAt, end);
		return { queuedMs: Math.round(start - job.submittedAt), runningMs: Math.round(end - start) };
	}

	/** Ends `job` at `at`: as `forced` says (a cancel), else as the provider's settle says. */
	finish(job: J, at: number, forced?: F): void {
		this.options.timers.cancel(job.finishTimer);
		job.finishTimer = undefined;
		if (at >= this.expiresAt(job)) {
			this.remove(job);
			return;
		}
		job.final = forced ?? this.options.settle(job, at);
		this.wake(job);
		this.options.onFinal?.(job);
	}

	remove(job: J): void {
		this.options.timers.cancel(job.finishTimer);
		this.jobs.delete(job.id);
		this.wake(job);
	}

	/** Brings every job up to `now`: after the stall switch changed, say. */
	advanceAll(now: number): void {
		for (const job of [...this.jobs.values()]) this.advance(job, now);
	}

	/** Resolves when `job` is final or gone, or after `ms`, whichever comes first. */
	waitForFinal(job: J, ms: number): Promise<void> {
		if (job.final) return Promise.resolve();
		return new Promise<void>((resolve) => {
			const done = () => {
				this.options.timers.cancel(timer);
				const index = job.finishWaiters.indexOf(done);
				if (index >= 0) job.finishWaiters.splice(index, 1);
				resolve();
			};
			const timer = this.options.timers.later(ms, done);
			job.finishWaiters.push(done);
		});
	}

	/** Forgets every job (their timers die with the simulator's Timers). */
	clear(): void {
		for (const job of [...this.jobs.values()]) this.remove(job);
	}

	private expiresAt(job: J): number {
		return this.options.expiresAt?.(job) ?? Infinity;
	}

	private wake(job: J): void {
		for (const wake of job.finishWaiters.splice(0)) wake();
	}

	/** Releases a job from a stall that was switched off; ends it when its time has come. */
	private advance(job: J, now: number): void {
		if (job.final || !this.jobs.has(job.id)) return;
		if (job.stalled && !this.options.stalled()) {
			job.stalled = false;
			job.startsAt = now + this.options.queueMs();
			job.endsAt = job.startsAt + job.runMs;
			this.schedule(job, now);
		}
		if (now >= job.endsAt) this.finish(job, job.endsAt);
	}

	private schedule(job: J, now: number): void {
		this.options.timers.cancel(job.finishTimer);
		job.finishTimer = undefined;
		if (!Number.isFinite(job.endsAt)) return;
		job.finishTimer = this.options.timers.later(job.endsAt - now, () => {
			job.finishTimer = undefined;
			const firedAt = Date.now();
			this.advance(job, firedAt);
			// Node may fire a timer a millisecond early: try again rather than leave the job unfinished.
			if (!job.final && !job.finishTimer && this.jobs.has(job.id)) this.schedule(job, firedAt);
		});
	}
}
