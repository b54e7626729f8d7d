/**
 * What every provider simulator hands its tests, written once: the fault counters bound to the config,
 * the callback sender, and the handle (url, apiKey, config, requests, deliveries, sampleUrl, setFaults,
 * waitForDeliveries, reset, close). A provider adds its own fields (baseUrl, jobs, ...) as extras.
 */
import { CallbackSender, type DeliveryRecord, type RetrySchedule } from './callbacks';
import { FaultSwitches, type FaultKind } from './faults';
import type { RequestRecord, SimServer } from './server';
import { Timers } from './timers';

/** The settings every simulator has: its port and key, callback switches and fault counters. */
export interface SimulatorSwitches {
	/** Port on 127.0.0.1; 0 picks a free one. */
	port: number;
	apiKey: string;
	/** An attempt with no answer within this long counts as failed. */
	webhookTimeoutMs: number;
	/** Fault: the next n API requests answer 429. */
	rateLimitNext: number;
	/** Fault: the next n API requests answer 500. */
	failNext: number;
	/** Fault: the next n API requests answer 200 with a body that is not JSON. */
	garbageNext: number;
	/** Fault: jobs submitted while set never start (and never call back) until it is cleared. */
	stall: boolean;
	/** Fault: jobs finishing while set send no callback. */
	dropWebhooks: boolean;
}

/** The switches' defaults: a free port, the vendors' 10 s callback timeout, no fault armed. */
export const DEFAULT_SWITCHES: Omit<SimulatorSwitches, 'apiKey'> = {
	port: 0,
	webhookTimeoutMs: 10_000,
	rateLimitNext: 0,
	failNext: 0,
	garbageNext: 0,
	stall: false,
	dropWebhooks: false,
};

/** What a test sees of every simulator; a provider's own type extends it. */
export interface SimulatorHandle<C extends SimulatorSwitches> {
	/** `http://127.0.0.1:PORT`. */
	url: string;
	readonly apiKey: string;
	/** Live configuration; fault counters count down as they are used. */
	config: C;
	/** Every API request answered, in order. */
	requests: RequestRecord[];
	/** Every callback attempt, in order. */
	deliveries: DeliveryRecord[];
	/** A PNG on the simulator's public `/samples/` path, served without auth, to submit by URL. */
	sampleUrl(name?: string): string;
	setFaults(changes: Partial<C>): void;
	/** Resolves with the accepted deliveries once there are `count` of them. */
	waitForDeliveries(count: number, timeoutMs?: number): Promise<DeliveryRecord[]>;
	/** Forgets jobs, deliveries, requests and limits; restores the starting configuration. */
	reset(): void;
	close(): Promise<void>;
}

/** No retries are documented: one attempt, any 2xx accepted. */
export const ONE_ATTEMPT: RetrySchedule = { accepts: (status) => status >= 200 && status < 300, delayAfter: () => undefined };

/** The config fields that are fault counters of the base, armed for every route. */
export const FAULT_COUNTERS: ReadonlyArray<[keyof SimulatorSwitches, FaultKind]> = [
	['rateLimitNext', 'rateLimit'],
	['failNext', 'serverError'],
	['garbageNext', 'garbage'],
];

/**
 * `config.failNext` and its siblings read and arm the base's fault switches, so `sim.config.failNext = 2`,
 * setFaults and reset keep working as plain fields while the base counts them down.
 */
function bindFaultCounters(config: SimulatorSwitches, faults: FaultSwitches): void {
	for (const [field, kind] of FAULT_COUNTERS) {
		const initial = Number(config[field]);
		Object.defineProperty(config, field, {
			enumerable: true,
			get: () => faults.remaining(kind),
			set: (count: number) => faults.next(kind, count),
		});
		faults.next(kind, initial);
	}
}

export interface SimulatorParts {
	faults: FaultSwitches;
	timers: Timers;
	sender: CallbackSender;
}

/**
 * Fault switches bound to `config`, timers, and a callback sender on `schedule` that reads the
 * config's timeout and drop switch live. `describe` lists what should call back (for timeouts).
 */
export function simulatorParts(config: SimulatorSwitches, schedule: RetrySchedule, describe: () => string[]): SimulatorParts {
	const faults = new FaultSwitches();
	bindFaultCounters(config, faults);
	const timers = new Timers();
	const sender = new CallbackSender({
		timers,
		schedule,
		timeoutMs: () => config.webhookTimeoutMs,
		dropped: () => config.dropWebhooks,
		describe,
	});
	return { faults, timers, sender };
}

export interface SimulatorHandleSpec<C extends SimulatorSwitches> extends SimulatorParts {
	server: SimServer;
	config: C;
	/** The configuration `reset` restores (a fresh object each call). */
	initialConfig(): C;
	/** The sample `sampleUrl()` names without an argument. */
	defaultSample: string;
	/** Forgets the provider's own state (jobs, limits); on reset and close. */
	clear(): void;
	/** After setFaults changed the config: jobs catch up with the new settings. */
	afterSetFaults(changes: Partial<C>): void;
	/** After reset restored the configuration (e.g. to re-arm probability faults). */
	afterReset?(): void;
}

/**
 * The handle a `start<Provider>Simulator` returns. `extras` (baseUrl, jobs getters, ...) are added with
 * their getters intact, so `sim.jobs` stays live.
 */
export function simulatorHandle<C extends SimulatorSwitches, E extends object>(spec: SimulatorHandleSpec<C>, extras: E): SimulatorHandle<C> & E {
	const { server, sender, timers, faults, config } = spec;
	function clearState(): void {
		sender.clear();
		spec.clear();
		timers.clear();
		server.reset();
	}
	const handle: SimulatorHandle<C> = {
		url: server.url,
		get apiKey() {
			return config.apiKey;
		},
		config,
		requests: server.requests,
		deliveries: sender.deliveries,
		sampleUrl: (name = spec.defaultSample) => `${server.url}/samples/${encodeURIComponent(name)}`,
		setFaults(changes) {
			Object.assign(config, changes);
			spec.afterSetFaults(changes);
		},
		waitForDeliveries: (count, timeoutMs = 5000) => sender.waitForDeliveries(count, timeoutMs),
		reset() {
			clearState();
			faults.clear();
			// In place: callers may hold `sim.config`.
			Object.assign(config, spec.initialConfig());
			spec.afterReset?.();
		},
		async close() {
			clearState();
			await server.close();
		},
	};
	return Object.defineProperties(handle, Object.getOwnPropertyDescriptors(extras)) as SimulatorHandle<C> & E;
}
