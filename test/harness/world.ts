/**
 * A test file's world: one provider simulator and one in-process n8n, started before all tests, the
 * simulator reset after each (jobs, deliveries, faults, config) and both closed after all.
 */
import { N8nHost, type N8nHostOptions } from './n8n-host';

export interface SimulatorWorld<S> {
	host: N8nHost;
	sim: S;
}

export function useSimulatorWorld<S extends { reset(): void; close(): Promise<void> }>(
	startSimulator: () => Promise<S>,
	hostOptions: N8nHostOptions,
): SimulatorWorld<S> {
	const world = {} as SimulatorWorld<S>;
	beforeAll(async () => {
		world.sim = await startSimulator();
		world.host = new N8nHost(hostOptions);
		await world.host.start();
	});
	afterEach(() => world.sim.reset());
	afterAll(async () => {
		await world.host.stop();
		await world.sim.close();
	});
	return world;
}
