/**
 * Process-wide setup n8n-core expects from its host (n8n's CLI does the same on boot).
 *
 * This module must be imported before anything from n8n-core touches its DI container: n8n-core
 * reads its configuration (user folder, encryption key, binary data mode, log level) from the
 * environment the first time a service is constructed.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Defaults only: a developer can still point the harness at other settings (e.g.
 * `N8N_LOG_LEVEL=debug npx jest ...` to see the engine's own logs).
 */
function setEnvironmentDefaults(): void {
	// InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config`; never touch the developer's real ~/.n8n.
	if (process.env.N8N_USER_FOLDER === undefined) {
		// Inside the run's scratch folder (jest's global setup makes it, its teardown removes it).
		const parent = process.env.RENDER_HOOKS_HARNESS_DIR ?? tmpdir();
		const userFolder = path.join(parent, `n8n-nodes-render-hooks-harness-${process.pid}`);
		mkdirSync(userFolder, { recursive: true });
		process.env.N8N_USER_FOLDER = userFolder;
		// Fixed key so every test file of one jest worker agrees with the config file it finds.
		process.env.N8N_ENCRYPTION_KEY ??= 'n8n-nodes-render-hooks-test-encryption-key';
	}
	// 'default' keeps binary data in memory (base64 on the item), as n8n does without a store.
	process.env.N8N_DEFAULT_BINARY_DATA_MODE ??= 'default';
	// Node errors are reported through the result objects; the engine's own log would only be noise.
	process.env.N8N_LOG_LEVEL ??= 'silent';
}

setEnvironmentDefaults();

type DiModule = typeof import('@n8n/di');

/**
 * n8n-core ships its own copy of `@n8n/di` (node_modules/n8n-core/node_modules/@n8n/di), and each
 * copy has its own singleton Container. Services must be registered in the one n8n-core reads, so
 * resolve `@n8n/di` from n8n-core's location instead of from this package.
 */
const requireFromN8nCore = createRequire(require.resolve('n8n-core'));
export const n8nContainer: DiModule['Container'] = (requireFromN8nCore('@n8n/di') as DiModule).Container;
