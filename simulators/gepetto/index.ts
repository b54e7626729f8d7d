/**
 * HTTP simulator of the Gepetto API (`https://europe-west1-gepettoai.cloudfunctions.net/v1`), faithful
 * to the Gepetto section of docs/providers.md and the webhook seed: the same paths, Bearer auth
 * (401), 400 and 500 bodies, 120 calls a minute per user (429), the blocking answer without a webhook,
 * a cold-boot switch, one callback `{id, output}` per finished job, and fault switches.
 * Built on the simulator base (simulators/base): this file only wires Gepetto's parts together.
 */
import { RateLimiter } from '../http';
import { ONE_ATTEMPT, requireBearer, simulatorHandle, simulatorParts, startSimServer, tooManyRequests, type LocalSimulator } from '../base';
import { DEFAULT_CONFIG, type GepettoSimulator, type GepettoSimulatorConfig, type GepettoSimulatorOptions } from './config';
import { GepettoJobs } from './jobs';
import { gepettoRoutes } from './routes';

export * from './config';

/** Routes outside the API (public files), which neither count against the limit nor need the key. */
const PUBLIC_ROUTES = new Set(['files', 'samples']);

export async function startGepettoSimulator(options: GepettoSimulatorOptions = {}): Promise<GepettoSimulator> {
	const config: GepettoSimulatorConfig = { ...DEFAULT_CONFIG, ...options };
	const parts = simulatorParts(config, ONE_ATTEMPT, () => jobs.describe());
	let origin = '';
	const jobs: GepettoJobs = new GepettoJobs(config, parts.timers, parts.sender, (jobId) => `${origin}/files/${jobId}.png`);
	// One budget per user over every API path; the base's own limits are per route.
	const limiter = new RateLimiter(config.rateLimitPerMinute, config.rateLimitWindowMs);
	const server = await startSimServer({
		port: config.port,
		routes: gepettoRoutes(config, jobs),
		faults: parts.faults,
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

	return simulatorHandle(
		{
			...parts,
			server,
			config,
			initialConfig: () => ({ ...DEFAULT_CONFIG, ...options }),
			defaultSample: 'living-room.png',
			clear() {
				jobs.clear();
				limiter.reset();
			},
			afterSetFaults: () => jobs.advanceAll(Date.now()),
		},
		{
			baseUrl: `${server.url}/v1`,
			get jobs() {
				return jobs.views(Date.now());
			},
		},
	);
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
