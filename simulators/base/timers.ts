/**
 * The simulator's own timers, all in one set so that reset() and close() can stop every one of them.
 * Timers are unref'd: a simulator a test forgot to close never holds the process open.
 */
export class Timers {
	private readonly pending = new Set<NodeJS.Timeout>();

	/** Runs `action` after `ms` (at once for 0 or less). */
	later(ms: number, action: () => void): NodeJS.Timeout {
		const timer = setTimeout(() => {
			this.pending.delete(timer);
			action();
		}, Math.max(0, ms));
		timer.unref();
		this.pending.add(timer);
		return timer;
	}

	cancel(timer: NodeJS.Timeout | undefined): void {
		if (!timer) return;
		clearTimeout(timer);
		this.pending.delete(timer);
	}

	clear(): void {
		for (const timer of this.pending) clearTimeout(timer);
		this.pending.clear();
	}
}
