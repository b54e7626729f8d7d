/**
 * The dev tree (node_modules) as package-lock.json says, installed with `npm ci` when it is
 * missing or stale. `npm start` and `npm test` call this first, so a fresh clone needs no other
 * command. Built-ins only: it runs before anything is installed.
 *
 *   node scripts/dev-tree.mjs           install if needed, then exit
 *   import { ensureDevTree } from ...   the same from a script
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function say(line) {
	process.stderr.write(`[setup] ${line}\n`);
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

function matchesPlatform(entry) {
	const fits = (list, value) => !list || list.some((item) => item === value) || (list.every((item) => item.startsWith('!')) && !list.includes(`!${value}`));
	return fits(entry.os, process.platform) && fits(entry.cpu, process.arch);
}

/**
 * Why node_modules does not match package-lock.json, or '' when it does. Compares the lock with
 * the record npm keeps of what it installed (node_modules/.package-lock.json) and checks that
 * those folders exist; optional packages for other platforms are never installed and not missed.
 */
export function devTreeProblem(root = REPO_ROOT) {
	const lock = readJson(path.join(root, 'package-lock.json'));
	if (!lock) return 'package-lock.json is missing or unreadable';
	const installed = readJson(path.join(root, 'node_modules', '.package-lock.json'));
	if (!installed) return 'node_modules is missing (a fresh clone)';
	for (const [location, entry] of Object.entries(lock.packages ?? {})) {
		if (!location || entry.link) continue;
		const present = installed.packages?.[location];
		if (!present) {
			if (entry.optional || entry.peer || !matchesPlatform(entry)) continue;
			return `${location} is not installed (package-lock.json changed since the last install)`;
		}
		if (present.version !== entry.version) return `${location} is ${present.version}, package-lock.json wants ${entry.version}`;
		if (!fs.existsSync(path.join(root, location, 'package.json'))) return `${location} was removed from node_modules`;
	}
	return '';
}

/** Size of node_modules in MB (`du`), or 0 before it exists. */
function nodeModulesMegabytes(root) {
	try {
		return Math.round(Number(execFileSync('du', ['-sk', path.join(root, 'node_modules')], { encoding: 'utf8' }).split(/\s/)[0]) / 1024);
	} catch {
		return 0;
	}
}

/** Runs `npm ci` (output shown) when the dev tree is missing or stale; resolves when it is current. */
export async function ensureDevTree({ root = REPO_ROOT } = {}) {
	const problem = devTreeProblem(root);
	if (!problem) return false;
	const startedAt = Date.now();
	say(`${problem}: installing the dev tree with \`npm ci\` (about 700 packages, ~1 min on a first install; scripts stay off, see .npmrc).`);
	say('npm may warn "EBADENGINE isolated-vm ... node >=24": a dependency of n8n-workflow\'s expression sandbox, unused by the tests and npm start; harmless.');
	const child = spawn('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
	const heartbeat = setInterval(() => {
		say(`npm ci: ${Math.round((Date.now() - startedAt) / 1000)} s, node_modules ${nodeModulesMegabytes(root)} MB of about 950 MB`);
	}, 15_000);
	const forward = (signal) => child.kill(signal);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
	const code = await new Promise((resolve) => child.on('exit', (exitCode, signal) => resolve(exitCode ?? signal)));
	clearInterval(heartbeat);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(signal, forward);
	if (code !== 0) throw new Error(`npm ci failed (${code}); its output is above`);
	say(`dev tree installed in ${Math.round((Date.now() - startedAt) / 1000)} s.`);
	return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	ensureDevTree().catch((error) => {
		say(error.message);
		process.exit(1);
	});
}
