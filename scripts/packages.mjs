#!/usr/bin/env node
/**
 * The published packages: one per provider, in packages/<name>/, built from the one source tree.
 *
 * What is committed in packages/<name>/ is what belongs to the package alone: package.json (name,
 * version, the n8n lists), README.md, CHANGELOG.md, and n8n's template eslint.config.mjs and
 * tsconfig.json. What `npm run build` generates there (gitignored) is copied from the top of the
 * repo, so the engine's source is in git once:
 *   nodes/<Provider>/   every folder whose node the package's n8n.nodes lists
 *   nodes/shared/       the engine
 *   credentials/<X>.credentials.ts   every credential its n8n.credentials lists
 *   LICENSE
 * then `n8n-node build` (n8n's own build: tsc, then the icons) writes its dist/.
 *
 *   node scripts/packages.mjs           generate and build every package (npm run build runs this)
 *   node scripts/packages.mjs lint      `n8n-node lint` inside each built package, as n8n runs it
 *   node scripts/packages.mjs publish-dry-run   `npm publish --dry-run` inside each built package
 *   node scripts/packages.mjs list      print the packages' folders
 *   import { listPackages, packPackage } from ...
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES_DIR = path.join(REPO_ROOT, 'packages');
const N8N_NODE = path.join(REPO_ROOT, 'node_modules', '.bin', 'n8n-node');
/** What the build writes into a package folder; everything else there is committed. */
export const GENERATED = ['nodes', 'credentials', 'dist', 'LICENSE'];

/** [{name, version, dir, manifest}] for every packages/<name>/package.json, sorted by name. */
export function listPackages() {
	return fs
		.readdirSync(PACKAGES_DIR, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && fs.existsSync(path.join(PACKAGES_DIR, entry.name, 'package.json')))
		.map((entry) => {
			const dir = path.join(PACKAGES_DIR, entry.name);
			const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
			return { name: manifest.name, version: manifest.version, dir, manifest };
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The repo paths a package is built from: each listed node's folder, the engine, each listed
 * credential's source. `dist/nodes/RunPod/RunPod.node.js` → `nodes/RunPod`.
 */
export function sourcesOf(manifest) {
	const nodeFolders = manifest.n8n.nodes.map((file) => path.posix.dirname(file.replace(/^dist\//, '')));
	const credentials = manifest.n8n.credentials.map((file) => file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	return [...new Set([...nodeFolders, 'nodes/shared', ...credentials])];
}

/** Replaces the generated part of packages/<name>/ with fresh copies from the repo. */
export function generatePackage({ dir, manifest }) {
	for (const generated of GENERATED) fs.rmSync(path.join(dir, generated), { recursive: true, force: true });
	for (const source of sourcesOf(manifest)) {
		const from = path.join(REPO_ROOT, source);
		if (!fs.existsSync(from)) throw new Error(`${manifest.name} lists ${source}, which the repo does not have`);
		fs.cpSync(from, path.join(dir, source), { recursive: true });
	}
	fs.copyFileSync(path.join(REPO_ROOT, 'LICENSE'), path.join(dir, 'LICENSE'));
}

/** `n8n-node build` inside the package folder; its spinner output is shown only on failure. */
export function buildPackage({ name, dir }) {
	try {
		execFileSync(N8N_NODE, ['build'], { cwd: dir, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, CI: 'true' } });
	} catch (error) {
		throw new Error(`n8n-node build failed in ${path.relative(REPO_ROOT, dir)} (${name}):\n${error.stdout ?? ''}${error.stderr ?? ''}`);
	}
	for (const file of [...packageFiles(dir)]) {
		if (!fs.existsSync(path.join(dir, file))) throw new Error(`${name}: the build did not write ${file}`);
	}
}

/** Every file the package's n8n section names, as n8n will look for it. */
function* packageFiles(dir) {
	const { n8n } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	yield* n8n.nodes;
	yield* n8n.credentials;
}

/**
 * `npm pack` of a built package into `destination`; returns the tarball's absolute path. No
 * lifecycle scripts: the package is built already.
 */
export function packPackage({ dir }, destination) {
	fs.mkdirSync(destination, { recursive: true });
	const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
		cwd: dir,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [{ filename }] = JSON.parse(output);
	return path.join(destination, path.basename(filename));
}

function main([command = 'build']) {
	const packages = listPackages();
	if (command === 'list') {
		for (const pkg of packages) process.stdout.write(`${path.relative(REPO_ROOT, pkg.dir)}\n`);
		return;
	}
	if (command === 'lint') {
		let failed = 0;
		for (const pkg of packages) {
			// n8n-node lint checks strict mode's template config, then runs `eslint .` in the folder.
			const result = spawnSync(N8N_NODE, ['lint'], { cwd: pkg.dir, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
			const ok = result.status === 0;
			if (!ok) failed++;
			process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} n8n-node lint in ${path.relative(REPO_ROOT, pkg.dir)}: exit ${result.status}\n`);
			if (!ok || /warning|error/i.test(result.stdout)) process.stdout.write(`${result.stdout}${result.stderr}`);
		}
		if (failed) process.exitCode = 1;
		return;
	}
	if (command === 'publish-dry-run') {
		for (const pkg of packages) {
			// What the publish workflow runs, minus the upload; --ignore-scripts as there.
			execFileSync('npm', ['publish', '--dry-run', '--ignore-scripts', '--access', 'public'], { cwd: pkg.dir, stdio: ['ignore', 'ignore', 'pipe'] });
			process.stdout.write(`ok   npm publish --dry-run in ${path.relative(REPO_ROOT, pkg.dir)} (${pkg.name}@${pkg.version})\n`);
		}
		return;
	}
	if (command !== 'build') throw new Error(`unknown command ${command}: use build, lint, publish-dry-run or list`);
	for (const pkg of packages) {
		const started = Date.now();
		generatePackage(pkg);
		buildPackage(pkg);
		process.stdout.write(`built ${path.relative(REPO_ROOT, pkg.dir)} (${pkg.name}@${pkg.version}, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	try {
		main(process.argv.slice(2));
	} catch (error) {
		process.stderr.write(`${error.message}\n`);
		process.exit(1);
	}
}
