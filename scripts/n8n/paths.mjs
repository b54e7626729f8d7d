/**
 * Where things live. Two places, each with one job:
 *  - the n8n cache (shared by every clone, `npm start`, the e2e suites and CI): Node 24 and the
 *    pinned n8n versions, ~3 GB. `$RENDER_HOOKS_CACHE`, default `~/.cache/n8n-nodes-render-hooks`.
 *    `npm run clean:n8n` removes it.
 *  - the clone's dev folder `.n8n-dev/` (gitignored): `npm start`'s n8n user folder (workflows,
 *    executions, renders), the packed tarball and the build logs. Delete it to start over.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_N8N_VERSION = '2.40.7';
export const PACKAGE_NAME = 'n8n-nodes-render-hooks';

export function cacheDir() {
	if (process.env.RENDER_HOOKS_CACHE) return path.resolve(process.env.RENDER_HOOKS_CACHE);
	const xdgCache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(xdgCache, PACKAGE_NAME);
}

export function devDir() {
	return path.join(REPO_ROOT, '.n8n-dev');
}

/** `npm start`'s n8n user folder: `$RENDER_HOOKS_USER_FOLDER` or `.n8n-dev/user`. */
export function devUserFolder() {
	return path.resolve(process.env.RENDER_HOOKS_USER_FOLDER || path.join(devDir(), 'user'));
}
