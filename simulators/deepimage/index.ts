/**
 * HTTP simulator of the Deep Image API (`https://deep-image.ai`), faithful to the Deep Image section
 * of /work/shared/providers.md (with the vendor's OpenAPI facts) and the webhook seed: the same paths,
 * `x-api-key` auth (wrong key 404 "No user found for provided token", missing key 403), the statuses
 * received / not_started / in_progress / complete / failed (HTTP 500), 404 for unknown and deleted
 * jobs, the concurrency 429, credits, the documented 400s, JSON and multipart submits, one
 * `webhooks.complete` callback per completed job, and fault switches.
 * Built on the simulator base (simulators/base): this file only wires Deep Image's parts together.
 */
import {
	CallbackSender,
	FaultSwitches,
	Timers,
	requireHeaderKey,
	startSimServer,
	type FaultKind,
	type LocalSimulator,
	type RetrySchedule,
} from '../base';
import { DEFAULT_CONFIG, type DeepImageSimulator, type DeepImageSimulatorConfig, type DeepImageSimulatorOptions } from './config';
import { DeepImageJobs } from './jobs';
import { deepImageRoutes } from './routes';

export * from './config';

/** No retries are documented: one attempt, any 2xx accepted. */
const ONE_ATTEMPT: RetrySchedule = { accepts: (status) => status >= 200 && status < 300, delayAfter: () => undefined };

const FAULT_COUNTERS: ReadonlyArray<[keyof DeepImageSimulatorConfig, FaultKind]> = [
	['rateLimitNext', 'rateLimit'],
	['failNext', 'serverError'],
	['garbageNext', 'garbage'],
];

/** Deep Image's error bodies are `{message, code?}`; a 400 says BAD_REQUEST, a 429 TOO_MANY_REQUESTS. */
function errorBody(message: string, status: number): Record<string, unknown> {
	if (status === 400) return { message, code: 'BAD_REQUEST' };
	if (status === 429) return { message, code: 'TOO_MANY_REQUESTS' };
	return { message };
}

function bindFaultCounters(config: DeepImageSimulatorConfig, faults: FaultSwitches): void {
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

export async function startDeepImageSimulator(options: DeepImageSimulatorOptions = {}): Promise<DeepImageSimulator> {
	const config: DeepImageSimulatorConfig = { ...DEFAULT_CONFIG, ...options };
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
	const jobs: DeepImageJobs = new DeepImageJobs(config, timers, sender, (job) => {
		const day = new Date(job.createdAt).toISOString().slice(0, 10);
		return `${origin}/images/${day}/${job.id}.png`;
	});
	const server = await startSimServer({
		port: config.port,
		routes: deepImageRoutes(config, jobs),
		faults,
		errorBody,
		authenticate: requireHeaderKey('x-api-key', () => config.apiKey, {
			missing: [403, 'Forbidden'],
			wrong: [404, 'No user found for provided token'],
		}),
	});
	origin = server.url;

	function clearState(): void {
		sender.clear();
		jobs.clear();
		timers.clear();
		server.reset();
	}

	return {
		url: server.url,
		get apiKey() {
			return config.apiKey;
		},
		config,
		requests: server.requests,
		deliveries: sender.deliveries,
		get jobs() {
			return jobs.views(Date.now());
		},
		sampleUrl: (name = 'chair.png') => `${server.url}/samples/${encodeURIComponent(name)}`,
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
	name: 'Deep Image simulator',
	async start({ port, env }) {
		const sim = await startDeepImageSimulator({
			port,
			apiKey: env.RENDER_HOOKS_DEEPIMAGE_KEY ?? 'deepimage_local_demo_key',
			// Long enough to watch a job in the editor, short enough not to bore.
			queueMs: Number(env.RENDER_HOOKS_QUEUE_MS ?? 800),
			runMs: Number(env.RENDER_HOOKS_RUN_MS ?? 2500),
			processResultWaitMs: Number(env.RENDER_HOOKS_DEEPIMAGE_WAIT_MS ?? 25_000),
			outputSide: 512,
		});
		return {
			url: sim.url,
			credential: { name: 'Deep Image (local simulator)', data: { apiKey: sim.apiKey, baseUrl: sim.url } },
			close: () => sim.close(),
		};
	},
};
