/**
 * Every provider's simulator on loopback ports, for `npm start`: one per PROVIDER_REGISTRY entry, the
 * module found by convention (simulators/<registry id in lower case> exporting `localSimulator`, see
 * simulators/base/local.ts), so adding a provider's simulator is adding that one module.
 */
import * as path from 'path';
import { PROVIDER_REGISTRY } from '../nodes/registry';
import type { LocalSimulator, LocalSimulatorCredential, RunningLocalSimulator } from './base';

export interface LocalSimulatorService {
	providerId: string;
	name: string;
	url: string;
	credential: LocalSimulatorCredential;
	dashboardWebhook?: { controlUrl: string; token: string };
}

/** The module path a provider's simulator is expected at. */
export function simulatorModuleOf(providerId: string): string {
	return path.join(__dirname, providerId.toLowerCase());
}

async function loadLocalSimulator(providerId: string): Promise<LocalSimulator | undefined> {
	const modulePath = simulatorModuleOf(providerId);
	let loaded: { localSimulator?: LocalSimulator };
	try {
		loaded = (await import(modulePath)) as { localSimulator?: LocalSimulator };
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(modulePath)) return undefined;
		throw error;
	}
	if (!loaded.localSimulator) throw new Error(`${modulePath} exports no localSimulator`);
	return loaded.localSimulator;
}

/**
 * Starts the simulators on `firstPort`, `firstPort + 1`, ... in registry order. A provider with no
 * simulator module yet is skipped with a log line, so its nodes can land before its simulator.
 */
export async function startLocalSimulators(options: {
	firstPort: number;
	log?: (line: string) => void;
	env?: Record<string, string | undefined>;
}): Promise<{ services: LocalSimulatorService[]; close(): Promise<void> }> {
	const log = options.log ?? (() => undefined);
	const env = options.env ?? {};
	const running: RunningLocalSimulator[] = [];
	const services: LocalSimulatorService[] = [];
	const close = async () => {
		await Promise.allSettled(running.map((simulator) => simulator.close()));
	};
	try {
		for (const [index, provider] of PROVIDER_REGISTRY.entries()) {
			const simulator = await loadLocalSimulator(provider.id);
			if (!simulator) {
				log(`no simulator for ${provider.displayName}: expected ${simulatorModuleOf(provider.id)} exporting localSimulator`);
				continue;
			}
			const started = await simulator.start({ port: options.firstPort + index, log, env });
			running.push(started);
			// The credential type is the registry's, so a simulator cannot point npm start at another one.
			const credential = { ...started.credential, type: new provider.credential().name };
			const dashboard = started.dashboardWebhook ? { dashboardWebhook: started.dashboardWebhook } : {};
			services.push({ providerId: provider.id, name: simulator.name, url: started.url, credential, ...dashboard });
			log(`${simulator.name} ${started.url}`);
		}
	} catch (error) {
		await close();
		throw error;
	}
	return { services, close };
}
