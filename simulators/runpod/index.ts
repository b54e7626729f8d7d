/**
 * Test-only HTTP simulator of RunPod Serverless (`https://api.runpod.ai/v2/{endpointId}`), faithful to
 * docs/providers.md and the A1111 webhook seed: same routes, auth, statuses, bodies, limits and
 * callback behaviour (one delivery plus up to two retries on any non-200 answer), with fault switches.
 * Built on the simulator base (simulators/base): this file only wires RunPod's parts together.
 */
import {
	ALL_ROUTES,
	FAULT_COUNTERS,
	SimulatorError,
	fixedRetries,
	requireBearer,
	simulatorHandle,
	simulatorParts,
	startSimServer,
	type FaultSwitches,
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
	// RunPod retries anything but exactly 200.
	const schedule = fixedRetries(
		() => config.webhookRetries,
		() => config.webhookRetryDelayMs,
	);
	const parts = simulatorParts(config, schedule, () => jobs.describe());
	applyFaultRates(config, parts.faults);
	const jobs: RunPodJobs = new RunPodJobs(config, parts.timers, parts.sender);
	const server = await startSimServer({
		port: config.port,
		routes: runPodRoutes(config, jobs),
		faults: parts.faults,
		answerDelayMs: () => config.answerDelayMs,
		authenticate: requireBearer(() => config.apiKey, { allowBareKey: true }),
		guard: (call) => {
			const endpointId = call.params.endpointId;
			if (endpointId === config.unknownEndpointId) throw new SimulatorError(404, `Endpoint ${endpointId} not found`);
		},
	});

	jobs.bucketUrl = `${server.url}/bucket`;

	// Through a const: as a return value, TypeScript would infer the extras' type from RunPodSimulator.
	const handle = simulatorHandle(
		{
			...parts,
			server,
			config,
			initialConfig: () => buildConfig(options),
			defaultSample: 'room.png',
			clear: () => jobs.clear(),
			afterSetFaults(changes) {
				if (['faultRates', 'faultRateRoutes', 'faultSeed'].some((field) => field in changes)) applyFaultRates(config, parts.faults);
				jobs.advanceAll(Date.now());
			},
			afterReset: () => applyFaultRates(config, parts.faults),
		},
		{
			baseUrl: `${server.url}/v2`,
			restUrl: `${server.url}/v1`,
			get jobs(): ReadonlyMap<string, RunPodJobView> {
				return jobs.views(Date.now());
			},
			endpointUrl(endpointId = 'sim-endpoint') {
				return `${server.url}/v2/${encodeURIComponent(endpointId)}`;
			},
		},
	);
	return handle;
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
