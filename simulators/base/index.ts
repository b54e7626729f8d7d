/**
 * The provider-simulator base: what every simulated provider API needs, written once.
 * - startSimServer: routes, gateway steps (faults, auth, guard, 405, rate limit) and a request log.
 * - SimulatorError, bodies (raw with 413, JSON, multipart).
 * - FaultSwitches: 429 with Retry-After, 500, garbage, stall; next n requests or a seeded probability.
 * - JobClock: queued → running → final over time, with a stall switch and expiry.
 * - CallbackSender: callbacks on the provider's retry schedule, every attempt recorded.
 * - simulatorParts, simulatorHandle: the faults, sender and handle every start<Provider>Simulator returns.
 * - LocalSimulator: how `npm start` runs a provider's simulator (see simulators/local.ts).
 */
export * from './auth';
export * from './body';
export * from './callbacks';
export * from './faults';
export * from './handle';
export * from './jobs';
export * from './local';
export * from './routes';
export * from './server';
export * from './timers';
