/**
 * HTTP simulator of the Deep Image API (`https://deep-image.ai`), faithful to the Deep Image section
 * of docs/providers.md (with the vendor's OpenAPI facts) and the webhook seed: the same paths,
 * `x-api-key` auth (wrong key 404 "No user found for provided token", missing key 403), the statuses
 * received / not_started / in_progress / complete / failed (HTTP 500), 404 for unknown and deleted
 * jobs, the concurrency 429, credits, the documented 400s, JSON and multipart submits, one
 * `webhooks.complete` callback per completed job, and fault switches.
 * Built on the simulator base (simulators/base): this file only wires Deep Image's parts together.
 */
import { ONE_ATTEMPT, requireHeaderKey, simulatorHandle, simulatorParts, startSimServer, type LocalSimulator } from '../base';
import { DEFAULT_CONFIG, type DeepImageSimulator, type DeepImageSimulatorConfig, type DeepImageSimulatorOptions } from './config';
import { DeepImageJobs } from './jobs';
import { deepImageRoutes } from './routes';

export * from './config';

/** Deep Image's error bodies are `{message, code?}`; a 400 says BAD_REQUEST, a 429 TOO_MANY_REQUESTS. */
function errorBody(message: string, status: number): Record<string, unknown> {
	if (status === 400) return { message, code: 'BAD_REQUEST' };
	if (status === 429) return { message, code: 'TOO_MANY_REQUESTS' };
	return { message };
}

export async function startDeepImageSimulator(options: DeepImageSimulatorOptions = {}): Promise<DeepImageSimulator> {
	const config: DeepImageSimulatorConfig = { ...DEFAULT_CONFIG, ...options };
	const parts = simulatorParts(config, ONE_ATTEMPT, () => jobs.describe());
	let origin = '';
	const jobs: DeepImageJobs = new DeepImageJobs(config, parts.timers, parts.sender, (job) => {
		const day = new Date(job.createdAt).toISOString().slice(0, 10);
		return `${origin}/images/${day}/${job.id}.png`;
	});
	const server = await startSimServer({
		port: config.port,
		routes: deepImageRoutes(config, jobs),
		faults: parts.faults,
		errorBody,
		authenticate: requireHeaderKey('x-api-key', () => config.apiKey, {
			missing: [403, 'Forbidden'],
			wrong: [404, 'No user found for provided token'],
		}),
	});
	origin = server.url;

	return simulatorHandle(
		{
			...parts,
			server,
			config,
			initialConfig: () => ({ ...DEFAULT_CONFIG, ...options }),
			defaultSample: 'chair.png',
			clear: () => jobs.clear(),
			afterSetFaults: () => jobs.advanceAll(Date.now()),
		},
		{
			get jobs() {
				return jobs.views(Date.now());
			},
		},
	);
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
