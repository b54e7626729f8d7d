/**
 * This package, built and packed, installed into an n8n user folder the way n8n's Community
 * Nodes installer does it.
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

/** name and version of this repo's package. */
export function repoPackage() {
	const { name, version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	return { name, version };
}

export function nodesDir(userFolder) {
	return path.join(userFolder, '.n8n', 'nodes');
}

/** `npm run build` in the repo (system Node: it is this repo's own toolchain). */
export async function buildRepo({ logFile = path.join(devDir(), 'logs', 'build.log') } = {}) {
	await fsp.rm(logFile, { force: true });
	await runCommand('npm', ['run', 'build'], { cwd: REPO_ROOT, logFile, timeoutMs: 5 * MINUTE });
}

/**
 * `npm pack` of the repo into `destination`; returns the tarball's path. --ignore-scripts skips
 * the prepack build (the caller builds once, explicitly).
 */
export async function packRepo({ destination = path.join(devDir(), 'pack'), logFile = path.join(devDir(), 'logs', 'pack.log') } = {}) {
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

/** Build + pack once at a time: parallel callers would overwrite each other's dist/ and tarball. */
export function buildAndPack({ build = true, log = () => {} } = {}) {
	return withLock(path.join(devDir(), 'pack.lock'), async () => {
		if (build) {
			log('building the package (tsc + icons)');
			await buildRepo();
		}
		log('packing it (npm pack)');
		return packRepo();
	});
}

/**
 * Installs the package tarball into `<userFolder>/.n8n/nodes/` with the same layout and npm
 * flags as n8n's installer. Builds and packs the repo first unless `tarball` is given.
 * Returns {packageName, version, packageDir, tarball}.
 */
export async function installPackageIntoN8n({ userFolder, version = DEFAULT_N8N_VERSION, tarball, build = true, log = () => {} } = {}) {
	if (!userFolder) throw new Error('installPackageIntoN8n: userFolder is required');
	tarball ??= await buildAndPack({ build, log });
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
