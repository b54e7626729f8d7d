/**
 * The provider packages (packages/<name>/, scripts/packages.mjs), built and packed, installed
 * into an n8n user folder the way n8n's Community Nodes installer does it.
 *
 * n8n 2.40.7 (dist/modules/community-packages/community-packages.service.js, downloadPackage):
 *   <N8N_USER_FOLDER>/.n8n/nodes/package.json              ledger {name:'installed-nodes', private, dependencies}
 *   <N8N_USER_FOLDER>/.n8n/nodes/node_modules/<pkg>/       `npm pack <pkg>@<v>` + `tar -xzf --strip-components=1`
 *   package.json there loses devDependencies/peerDependencies/optionalDependencies, then inside it:
 *   npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow
 *               --ignore-scripts=true --package-lock=false
 * At start, n8n scans nodes/node_modules for `n8n-nodes-*` folders and loads them, with or
 * without rows in installed_packages/installed_nodes (registration.mjs writes those).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_N8N_VERSION, REPO_ROOT, devDir } from './paths.mjs';
import { MINUTE, runCommand, withLock } from './commands.mjs';
import { runtimeEnv } from './install.mjs';
import { GENERATED, listPackages, packPackage } from '../packages.mjs';

export function nodesDir(userFolder) {
	return path.join(userFolder, '.n8n', 'nodes');
}

/** The names of the provider packages (packages/<name>/package.json). */
export function providerPackageNames() {
	return listPackages().map((pkg) => pkg.name);
}

/** `npm run build` in the repo (system Node: it is this repo's own toolchain); builds every package. */
export async function buildRepo({ logFile = path.join(devDir(), 'logs', 'build.log') } = {}) {
	await fsp.rm(logFile, { force: true });
	await runCommand('npm', ['run', 'build'], { cwd: REPO_ROOT, logFile, timeoutMs: 5 * MINUTE });
}

/** What `npm run build` reads: a change to any of these makes the built packages stale. */
const BUILD_INPUTS = ['nodes', 'credentials', 'packages', 'index.ts', 'tsconfig.json', 'tsconfig.build.json', 'gulpfile.js', 'LICENSE', 'package.json'];

function newestMtimeMs(target, skip = () => false) {
	const stat = fs.statSync(target, { throwIfNoEntry: false });
	if (!stat) return 0;
	if (!stat.isDirectory()) return stat.mtimeMs;
	return fs.readdirSync(target, { withFileTypes: true })
		.filter((entry) => !skip(path.join(target, entry.name)))
		.reduce((newest, entry) => Math.max(newest, newestMtimeMs(path.join(target, entry.name), skip)), 0);
}

/**
 * Why the built packages are out of date, or '' when every package's dist/ (and the dev tree's
 * registry in dist/) is newer than everything the build reads. The packages' own generated
 * folders are outputs, not inputs.
 */
export function staleBuildReason() {
	const outputs = [path.join(REPO_ROOT, 'dist', 'nodes', 'registry.js'), ...listPackages().map((pkg) => path.join(pkg.dir, 'dist', 'package.json'))];
	const missing = outputs.find((file) => !fs.existsSync(file));
	if (missing) return `${path.relative(REPO_ROOT, missing)} does not exist`;
	const generated = new Set(listPackages().flatMap((pkg) => GENERATED.map((name) => path.join(pkg.dir, name))));
	const newestInput = Math.max(...BUILD_INPUTS.map((input) => newestMtimeMs(path.join(REPO_ROOT, input), (file) => generated.has(file))));
	const oldestOutput = Math.min(...outputs.map((file) => fs.statSync(file).mtimeMs));
	return newestInput > oldestOutput ? 'a source changed since the last build' : '';
}

/**
 * Build and `npm pack` every provider package into .n8n-dev/pack/, once at a time: parallel
 * callers would overwrite each other's dist/ and tarballs. `build`: true always builds, false
 * never, 'auto' (the default) when `staleBuildReason` finds the build out of date, so the suites
 * of one run do not each build the same tree again. Returns {<package name>: <tarball path>}.
 */
export function buildAndPack({ build = 'auto', log = () => {}, destination = path.join(devDir(), 'pack') } = {}) {
	return withLock(path.join(devDir(), 'pack.lock'), async () => {
		const reason = build === 'auto' ? staleBuildReason() : build ? 'asked to' : '';
		if (reason) {
			log(`building the packages (${reason}): tsc, then n8n-node build in each packages/<name>/`);
			await buildRepo();
		} else if (build === 'auto') {
			log('the packages are built and up to date');
		}
		log('packing them (npm pack in each package folder)');
		return Object.fromEntries(listPackages().map((pkg) => [pkg.name, packPackage(pkg, destination)]));
	});
}

/**
 * Installs provider packages into `<userFolder>/.n8n/nodes/` as n8n's installer does: every one
 * by default, or those named in `packageNames`. Builds and packs first unless `tarballs`
 * ({name: path}) are given. Returns [{packageName, version, packageDir, tarball}].
 */
export async function installPackagesIntoN8n({ userFolder, version = DEFAULT_N8N_VERSION, packageNames, tarballs, build = 'auto', log = () => {} } = {}) {
	tarballs ??= await buildAndPack({ build, log });
	const wanted = packageNames ?? Object.keys(tarballs);
	const installed = [];
	for (const name of wanted) {
		if (!tarballs[name]) throw new Error(`no tarball for ${name}; the packages are ${Object.keys(tarballs).join(', ')}`);
		installed.push(await installPackageIntoN8n({ userFolder, version, tarball: tarballs[name], log }));
	}
	return installed;
}

/**
 * Installs one package tarball into `<userFolder>/.n8n/nodes/` with the same layout and npm
 * flags as n8n's installer. Returns {packageName, version, packageDir, tarball}.
 */
export async function installPackageIntoN8n({ userFolder, version = DEFAULT_N8N_VERSION, tarball, log = () => {} } = {}) {
	if (!userFolder) throw new Error('installPackageIntoN8n: userFolder is required');
	if (!tarball) throw new Error('installPackageIntoN8n: tarball is required');
	log(`installing ${path.basename(tarball)} into ${nodesDir(userFolder)} as the Community Nodes installer does`);
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
	const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), 'render-hooks-pkg-'));
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
