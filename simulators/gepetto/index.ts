/**
 * HTTP simulator of the Gepetto API (`https://europe-west1-gepettoai.cloudfunctions.net/v1`), faithful
 * to the Gepetto section of /work/shared/providers.md and the webhook seed: the same paths, Bearer auth
 * (401), 400 and 500 bodies, 120 calls a minute per user (429), the blocking answer without a webhook,
 * a cold-boot switch, one callback `{id, output}` per finished job, and fault switches.
 * Built on the simulator base (simulators/base): this file only wires Gepetto's parts together.
 */
import { RateLimiter } from '../http';
import {
	CallbackSender,
	FaultSwitches,
	Timers,
	requireBearer,
	startSimServer,
	tooManyRequests,
	type FaultKind,
	type LocalSimulator,
	type RetrySchedule,
} from '../base';
import { DEFAULT_CONFIG, type GepettoSimulator, type GepettoSimulatorConfig, type GepettoSimulatorOptions } from './config';
import { GepettoJobs } from './jobs';
import { gepettoRoutes } from './routes';

export * from './config';

/** No retries are documented: one attempt, any 2xx accepted. */
const ONE_ATTEMPT: RetrySchedule = { accepts: (status) => status >= 200 && status < 300, delayAfter: () => undefined };

const FAULT_COUNTERS: ReadonlyArray<[keyof GepettoSimulatorConfig, FaultKind]> = [
	['rateLimitNext', 'rateLimit'],
	['failNext', 'serverError'],
	['garbageNext', 'garbage'],
];

/** Routes outside the API (public files), which neither count against the limit nor need the key. */
const PUBLIC_ROUTES = new Set(['files', 'samples']);

function bindFaultCounters(config: GepettoSimulatorConfig, faults: FaultSwitches): void {
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

export async function startGepettoSimulator(options: GepettoSimulatorOptions = {}): Promise<GepettoSimulator> {
	const config: GepettoSimulatorConfig = { ...DEFAULT_CONFIG, ...options };
	const faults = new FaultSwitches();
	bindFaultCounters(config, faults);
	const timers = new Timers();
	const sender = new CallbackSender({
		timers,
		schedule: ONE_ATTEMPT,
		timeoutMs: () => config.webhookTimeoutMs,
		dropped: () => config.dropWebhooks,
		describe: () => jobs.describe(),
	});
	let origin = '';
	const jobs: GepettoJobs = new GepettoJobs(config, timers, sender, (jobId) => `${origin}/files/${jobId}.png`);
	// One budget per user over every API path; the base's own limits are per route.
	const limiter = new RateLimiter(config.rateLimitPerMinute, config.rateLimitWindowMs);
	const server = await startSimServer({
		port: config.port,
		routes: gepettoRoutes(config, jobs),
		faults,
		authenticate: requireBearer(() => config.apiKey),
		guard: (call) => {
			if (PUBLIC_ROUTES.has(call.route)) return;
			limiter.limit = config.rateLimitPerMinute;
			limiter.windowMs = config.rateLimitWindowMs;
			const decision = limiter.tryAcquire(config.apiKey);
			if (!decision.allowed) {
				throw tooManyRequests(`Rate limit exceeded: ${config.rateLimitPerMinute} calls per minute`, decision.retryAfterMs);
			}
		},
	});
	origin = server.url;

	function clearState(): void {
		sender.clear();
		jobs.clear();
		timers.clear();
		limiter.reset();
		server.reset();
	}

	return {
		url: server.url,
		baseUrl: `${server.url}/v1`,
		get apiKey() {
			return config.apiKey;
		},
		config,
		requests: server.requests,
		deliveries: sender.deliveries,
		get jobs() {
			return jobs.views(Date.now());
		},
		sampleUrl: (name = 'living-room.png') => `${server.url}/samples/${encodeURIComponent(name)}`,
		setFaults(changes) {
			Object.assign(config, changes);
			jobs.advanceAll(Date.now());
		},
		waitForDeliveries: (count, timeoutMs = 5000) => sender.waitForDeliveries(count, timeoutMs),
		reset() {
			clearState();
			faults.clear();
			Object.assign(config, { ...DEFAULT_CONFIG, ...options });
		},
		async close() {
			clearState();
			await server.close();
		},
	};
}

/** How `npm start` runs it (see simulators/local.ts). */
export const localSimulator: LocalSimulator = {
	name: 'Gepetto simulator',
	async start({ port, env }) {
		const sim = await startGepettoSimulator({
			port,
			apiKey: env.RENDER_HOOKS_GEPETTO_KEY ?? 'gepetto_local_demo_key',
			// Long enough to watch a job in the editor, short enough not to bore.
			queueMs: Number(env.RENDER_HOOKS_QUEUE_MS ?? 800),
			runMs: Number(env.RENDER_HOOKS_RUN_MS ?? 2500),
			outputSide: 512,
		});
		return {
			url: sim.baseUrl,
			credential: { name: 'Gepetto (local simulator)', data: { apiKey: sim.apiKey, baseUrl: sim.baseUrl } },
			close: () => sim.close(),
		};
	},
};
