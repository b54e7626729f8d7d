/**
 * Test-only HTTP simulator of RunPod Serverless (`https://api.runpod.ai/v2/{endpointId}`), faithful to
 * /work/shared/providers.md and the A1111 webhook seed: same routes, auth, statuses, bodies, limits and
 * callback behaviour (one delivery plus up to two retries on any non-200 answer), with fault switches.
 * Built on the simulator base (simulators/base): this file only wires RunPod's parts together.
 */
import {
	ALL_ROUTES,
	CallbackSender,
	FaultSwitches,
	SimulatorError,
	Timers,
	fixedRetries,
	requireBearer,
	startSimServer,
	type FaultKind,
	type LocalSimulator,
} from '../base';
import {
	buildConfig,
	type RunPodJobView,
	type RunPodRateFault,
	type RunPodSimulator,
	type RunPodSimulatorConfig,
	type RunPodSimulatorOptions,
} from './config';
import { RunPodJobs } from './jobs';
import { runPodRoutes } from './routes';

export * from './config';

/** The config fields that are fault counters of the base, armed for every route. */
const FAULT_COUNTERS: ReadonlyArray<[keyof RunPodSimulatorConfig, FaultKind]> = [
	['rateLimitNext', 'rateLimit'],
	['failNext', 'serverError'],
	['garbageNext', 'garbage'],
];

/**
 * `config.failNext` and its siblings read and arm the base's fault switches, so `sim.config.failNext = 2`,
 * setFaults and reset keep working as plain fields while the base counts them down.
 */
function bindFaultCounters(config: RunPodSimulatorConfig, faults: FaultSwitches): void {
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

const RATE_FAULTS: readonly RunPodRateFault[] = ['rateLimit', 'serverError', 'garbage'];

/** Arms the base's probability faults from `config.faultRates` (restarting the seeded generator). */
function applyFaultRates(config: RunPodSimulatorConfig, faults: FaultSwitches): void {
	const counts = FAULT_COUNTERS.map(([field]) => [field, config[field]] as const);
	faults.clear(config.faultSeed);
	for (const [field, count] of counts) (config as unknown as Record<string, unknown>)[field] = count;
	const routes = config.faultRateRoutes.length > 0 ? config.faultRateRoutes : [ALL_ROUTES];
	for (const kind of RATE_FAULTS) {
		for (const route of routes) faults.rate(kind, config.faultRates[kind] ?? 0, route);
	}
}

export async function startRunPodSimulator(options: RunPodSimulatorOptions = {}): Promise<RunPodSimulator> {
	const config = buildConfig(options);
	const faults = new FaultSwitches();
	bindFaultCounters(config, faults);
	applyFaultRates(config, faults);
	const timers = new Timers();
	const jobs: RunPodJobs = new RunPodJobs(
		config,
		timers,
		new CallbackSender({
			timers,
			// RunPod retries anything but exactly 200.
			schedule: fixedRetries(
				() => config.webhookRetries,
				() => config.webhookRetryDelayMs,
			),
			timeoutMs: () => config.webhookTimeoutMs,
			dropped: () => config.dropWebhooks,
			describe: () => jobs.describe(),
		}),
	);
	const callbacks = jobs.callbacks;
	const server = await startSimServer({
		port: config.port,
		routes: runPodRoutes(config, jobs),
		faults,
		answerDelayMs: () => config.answerDelayMs,
		authenticate: requireBearer(() => config.apiKey, { allowBareKey: true }),
		guard: (call) => {
			const endpointId = call.params.endpointId;
			if (endpointId === config.unknownEndpointId) throw new SimulatorError(404, `Endpoint ${endpointId} not found`);
		},
	});

	jobs.bucketUrl = `${server.url}/bucket`;

	function clearState(): void {
		callbacks.clear();
		jobs.clear();
		timers.clear();
		server.reset();
	}

	return {
		url: server.url,
		baseUrl: `${server.url}/v2`,
		restUrl: `${server.url}/v1`,
		sampleUrl: (name = 'room.png') => `${server.url}/samples/${encodeURIComponent(name)}`,
		get apiKey() {
			return config.apiKey;
		},
		config,
		deliveries: callbacks.deliveries,
		requests: server.requests,
		get jobs(): ReadonlyMap<string, RunPodJobView> {
			return jobs.views(Date.now());
		},
		endpointUrl(endpointId = 'sim-endpoint') {
			return `${server.url}/v2/${encodeURIComponent(endpointId)}`;
		},
		setFaults(changes) {
			Object.assign(config, changes);
			if (['faultRates', 'faultRateRoutes', 'faultSeed'].some((field) => field in changes)) applyFaultRates(config, faults);
			jobs.advanceAll(Date.now());
		},
		waitForDeliveries(count, timeoutMs = 5000) {
			return callbacks.waitForDeliveries(count, timeoutMs);
		},
		reset() {
			clearState();
			// In place: callers may hold `sim.config`. Every key is always present, so assigning replaces all.
			Object.assign(config, buildConfig(options));
			applyFaultRates(config, faults);
		},
		async close() {
			clearState();
			await server.close();
		},
	};
}

/** How `npm start` runs it (see simulators/local.ts): the settings scripts/local-services.ts used. */
export const localSimulator: LocalSimulator = {
	name: 'RunPod simulator',
	async start({ port, env }) {
		const sim = await startRunPodSimulator({
			port,
			apiKey: env.RENDER_HOOKS_RUNPOD_KEY ?? 'rp_local_demo_key',
			// Long enough to watch a job queue and run in the editor, short enough not to bore.
			queueMs: Number(env.RENDER_HOOKS_QUEUE_MS ?? 800),
			runMs: Number(env.RENDER_HOOKS_RUN_MS ?? 2500),
			webhookRetryDelayMs: 2000,
		});
		return {
			url: sim.baseUrl,
			credential: {
				name: 'RunPod (local simulator)',
				data: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, restUrl: sim.restUrl },
			},
			close: () => sim.close(),
		};
	},
};
