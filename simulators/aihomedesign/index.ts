/**
 * HTTP simulator of the AI Home Design API v3 (`https://api.aihomedesign.com/v3`), faithful to the AI
 * Home Design section of docs/providers.md and the webhook seed: the same paths, `x-api-key`
 * auth (401), multipart uploads with either role field, pending → processing → done | failed, answers
 * wrapped or not (a switch), 10 generations per 10 minutes (429), 403 for a tool outside the plan, 422
 * for an asset_map/widget mismatch, one dashboard webhook URL retried until 2xx, older products' bodies
 * to the same URL (a switch), the live tool catalogue, and fault switches. Built on simulators/base.
 */
import {
	SimulatorError,
	requireHeaderKey,
	simulatorHandle,
	simulatorParts,
	startSimServer,
	untilSuccess,
	type LocalSimulator,
	type RetrySchedule,
} from '../base';
import { DEFAULT_CONFIG, type AiHomeDesignSimulator, type AiHomeDesignSimulatorConfig, type AiHomeDesignSimulatorOptions } from './config';
import { CONTROL_WEBHOOK_PATH, aiHomeDesignRoutes } from './routes';
import { AccountState } from './state';

export * from './config';
export { CONTROL_WEBHOOK_PATH } from './routes';

/** Until any 2xx, the wait doubling; settings read live. */
function retrySchedule(config: AiHomeDesignSimulatorConfig): RetrySchedule {
	return {
		accepts: (status) => status >= 200 && status < 300,
		delayAfter: (attempt) => untilSuccess(config.webhookFirstRetryMs, config.webhookMaxRetryMs, config.webhookMaxAttempts).delayAfter(attempt),
	};
}

export async function startAiHomeDesignSimulator(options: AiHomeDesignSimulatorOptions = {}): Promise<AiHomeDesignSimulator> {
	const config: AiHomeDesignSimulatorConfig = { ...DEFAULT_CONFIG, ...options };
	const parts = simulatorParts(config, retrySchedule(config), () => state.describe());
	let origin = '';
	const state: AccountState = new AccountState(config, parts.timers, parts.sender, (name) => `${origin}/files/${name}`);
	const server = await startSimServer({
		port: config.port,
		routes: aiHomeDesignRoutes(config, state),
		faults: parts.faults,
		authenticate: requireHeaderKey('x-api-key', () => config.apiKey),
		errorBody: (message, status) => ({ error: message, key: `api_error_${status}` }),
		guard: (call) => {
			if (!config.apiAccess && call.url.pathname.startsWith('/v3/')) {
				throw new SimulatorError(403, 'API access requires the Enterprise plan');
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
			clear: () => state.clear(),
			afterSetFaults: () => state.advanceAll(),
		},
		{
			baseUrl: `${server.url}/v3`,
			catalogueUrl: `${server.url}/api/tools`,
			faults: parts.faults,
			get projects() {
				return new Map([...state.projects].map(([id, { address, createdAt }]) => [id, { id, address, createdAt }]));
			},
			get orders() {
				return state.orders;
			},
			get processes() {
				return state.views();
			},
		},
	);
}

/** How `npm start` runs it (see simulators/local.ts); the trigger's URL is set with POST /_sim/webhook. */
export const localSimulator: LocalSimulator = {
	name: 'AI Home Design simulator',
	async start({ port, env, log }) {
		const sim = await startAiHomeDesignSimulator({
			port,
			apiKey: env.RENDER_HOOKS_AIHOMEDESIGN_KEY ?? 'ahd_local_demo_key',
			queueMs: Number(env.RENDER_HOOKS_QUEUE_MS ?? 800),
			runMs: Number(env.RENDER_HOOKS_RUN_MS ?? 2500),
			outputSide: 512,
		});
		const token = env.RENDER_HOOKS_AIHOMEDESIGN_TOKEN ?? 'ahd-local-demo-webhook-token';
		log(`AI Home Design dashboard webhook: POST ${sim.url}${CONTROL_WEBHOOK_PATH} {"url": "…"}`);
		return {
			dashboardWebhook: { controlUrl: `${sim.url}${CONTROL_WEBHOOK_PATH}`, token },
			url: sim.baseUrl,
			credential: {
				name: 'AI Home Design (local simulator)',
				data: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, catalogueUrl: sim.catalogueUrl, webhookToken: token },
			},
			close: () => sim.close(),
		};
	},
};
