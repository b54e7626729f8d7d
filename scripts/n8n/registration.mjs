/**
 * A package's rows in n8n's database, as its Community Nodes installer writes them. n8n loads
 * the package without them; they make it appear under Settings > Community nodes (GET
 * /rest/community-packages) and make it uninstallable there. The SQL is in register-package.cjs,
 * run under the n8n's own Node with n8n's sqlite3. Safe while n8n runs (sqlite locking).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_N8N_VERSION } from './paths.mjs';
import { MINUTE, runCommand } from './commands.mjs';
import { n8nInstallDir, nodeFor, runtimeEnv } from './install.mjs';
import { nodesDir } from './package.mjs';
import { runN8nCli } from './process.mjs';

const REGISTER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'register-package.cjs');

export function databaseFile(userFolder) {
	return path.join(userFolder, '.n8n', 'database.sqlite');
}

/**
 * Creates and migrates the sqlite database of a fresh user folder (any n8n CLI command does it;
 * `list:workflow` is a harmless one, ~6 s). No-op when the database exists.
 */
export async function prepareDatabase({ version = DEFAULT_N8N_VERSION, userFolder }) {
	if (fs.existsSync(databaseFile(userFolder))) return;
	await runN8nCli({ version, userFolder, args: ['list:workflow'] });
}

export async function registerCommunityPackage({ version = DEFAULT_N8N_VERSION, userFolder, packageName }) {
	if (!packageName) throw new Error('registerCommunityPackage: packageName is required');
	await prepareDatabase({ version, userFolder });
	const packageDir = path.join(nodesDir(userFolder), 'node_modules', packageName);
	const env = await runtimeEnv(version, { NODE_PATH: path.join(n8nInstallDir(version), 'node_modules') });
	await runCommand(await nodeFor(version), [REGISTER_SCRIPT, packageDir, databaseFile(userFolder)], {
		cwd: userFolder, env, logFile: path.join(userFolder, 'install-package.log'), timeoutMs: MINUTE,
	});
}
