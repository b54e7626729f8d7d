#!/usr/bin/env node
/**
 * The n8n tooling from the command line (`npm start` is the way to run a dev n8n):
 *   node scripts/n8n/cli.mjs install [--version X]   install Node 24 + n8n into the cache
 *   node scripts/n8n/cli.mjs smoke [--version X] [--keep]
 *   node scripts/n8n/cli.mjs clean                   remove the n8n cache (all versions)
 *   node scripts/n8n/cli.mjs where                   print the cache and dev folders
 *   node scripts/n8n/cli.mjs registry [--port 4873] [--host 127.0.0.1] [--public-url URL] [--no-build]
 *       build and pack the provider packages, and serve them as an npm registry (`npm run registry`)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_N8N_VERSION, cacheDir, devDir, devUserFolder } from './paths.mjs';
import { folderSize, megabytes, timed } from './commands.mjs';
import { ensureN8n, ensureNode24, needsNode24 } from './install.mjs';
import { stopAllN8n } from './process.mjs';
import { printTimings, smoke } from './smoke.mjs';
import { startLocalRegistry } from './local-registry.mjs';
import { buildAndPack } from './package.mjs';

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

async function install(version) {
	const timings = [];
	if (needsNode24(version)) await timed('ensure Node 24', () => ensureNode24(), timings);
	await timed(`ensure n8n ${version}`, () => ensureN8n({ version }), timings);
	printTimings(timings);
}

async function clean() {
	const dir = cacheDir();
	if (!fs.existsSync(dir)) {
		process.stdout.write(`nothing to remove: ${dir} does not exist\n`);
		return;
	}
	const size = await folderSize(dir);
	fs.rmSync(dir, { recursive: true, force: true });
	process.stdout.write(`removed the n8n cache ${dir} (${megabytes(size)}); the next \`npm start\` installs n8n again.\n` +
		`npm start's own state (workflows, executions) stays in ${devUserFolder()}: delete it to start over.\n`);
}

/**
 * The README's install route before the packages are on npmjs.com: serve them to n8n's Community
 * Nodes installer from here, until Ctrl-C. Prints the .npmrc line and what to type in n8n.
 */
async function serveRegistry(flags) {
	const tarballs = await buildAndPack({ build: !flags['no-build'], log: (line) => process.stdout.write(`${line}\n`) });
	const registry = await startLocalRegistry({
		tarballs: Object.values(tarballs),
		host: flags.host ?? '127.0.0.1',
		port: Number(flags.port ?? 4873),
		publicUrl: flags['public-url'],
	});
	process.stdout.write([
		'',
		`Serving the render-hooks packages at ${registry.url}`,
		'1. Add this line to the .npmrc of the user n8n runs as (~/.npmrc; in n8n\'s Docker image /home/node/.npmrc):',
		`     ${registry.npmrcLine}`,
		'2. In n8n: Settings > Community Nodes > Install, and enter one of:',
		...Object.entries(registry.names).map(([name, version]) => `     ${name}@${version}`),
		'Keep this running while n8n installs or updates them; Ctrl-C stops it.',
		'',
	].join('\n'));
	await new Promise(() => {});
}

async function main(argv) {
	const [command = 'help', ...rest] = argv;
	const flags = parseFlags(rest);
	const version = flags.version ?? process.env.N8N_VERSION_UNDER_TEST ?? DEFAULT_N8N_VERSION;
	switch (command) {
		case 'install':
			return install(version);
		case 'smoke':
			return smoke({ version, keep: Boolean(flags.keep) });
		case 'clean':
			return clean();
		case 'registry':
			return serveRegistry(flags);
		case 'where':
			process.stdout.write(`n8n cache  ${cacheDir()}\ndev folder ${devDir()}\nuser folder ${devUserFolder()}\n`);
			return undefined;
		default:
			process.stdout.write('usage: node scripts/n8n/cli.mjs install|smoke|clean|where|registry [--version X] [--keep]\n');
			process.exitCode = command === 'help' ? 0 : 2;
			return undefined;
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		process.once(signal, () => {
			process.stderr.write(`${signal}: stopping\n`);
			stopAllN8n().finally(() => process.exit(130));
		});
	}
	main(process.argv.slice(2)).catch((error) => {
		process.stderr.write(`\n${error.stack ?? error}\n`);
		process.exit(1);
	});
}
