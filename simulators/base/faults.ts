/**
 * Fault switches for a simulated API: answer 429 with Retry-After, 500, a body that is not JSON, or no
 * answer at all (stall). A fault is armed for the next n requests or with a probability, for every route
 * (`'*'`) or for one route by name. Probabilities draw from a seeded generator, so a failing run replays.
 */
export type FaultKind = 'rateLimit' | 'serverError' | 'garbage' | 'stall';

/** The order faults are checked in when several are armed: the first that fires answers. */
export const FAULT_ORDER: readonly FaultKind[] = ['serverError', 'garbage', 'rateLimit', 'stall'];

/** Every route. */
export const ALL_ROUTES = '*';

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function slot(kind: FaultKind, route: string): string {
	return `${kind} ${route}`;
}

export class FaultSwitches {
	private readonly counts = new Map<string, number>();
	private readonly rates = new Map<string, number>();
	private random: () => number;

	constructor(private seed = 1) {
		this.random = seededRandom(seed);
	}

	/** Arms `kind` for the next `count` requests (replacing what was armed); 0 disarms it. */
	next(kind: FaultKind, count: number, route = ALL_ROUTES): void {
		if (count > 0) this.counts.set(slot(kind, route), Math.floor(count));
		else this.counts.delete(slot(kind, route));
	}

	/** Requests still to be hit by `kind` on `route` (`'*'`: the ones armed for every route). */
	remaining(kind: FaultKind, route = ALL_ROUTES): number {
		return this.counts.get(slot(kind, route)) ?? 0;
	}

	/** Hits each request with `kind` with this probability (0 to 1); 0 disarms it. */
	rate(kind: FaultKind, probability: number, route = ALL_ROUTES): void {
		if (probability > 0) this.rates.set(slot(kind, route), Math.min(1, probability));
		else this.rates.delete(slot(kind, route));
	}

	/**
	 * The fault this request meets on `route`, if any, using up one armed count. A count armed for the
	 * route goes before one armed for every route.
	 */
	draw(route: string): FaultKind | undefined {
		for (const kind of FAULT_ORDER) {
			for (const scope of [route, ALL_ROUTES]) {
				const key = slot(kind, scope);
				const count = this.counts.get(key) ?? 0;
				if (count > 0) {
					this.next(kind, count - 1, scope);
					return kind;
				}
			}
		}
		for (const kind of FAULT_ORDER) {
			for (const scope of [route, ALL_ROUTES]) {
				const probability = this.rates.get(slot(kind, scope));
				if (probability !== undefined && this.random() < probability) return kind;
			}
		}
		return undefined;
	}

	/** Disarms everything and restarts the generator from its seed (or a new one). */
	clear(seed = this.seed): void {
		this.counts.clear();
		this.rates.clear();
		this.seed = seed;
		this.random = seededRandom(seed);
	}
}
