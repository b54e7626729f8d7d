#!/usr/bin/env node
/**
 * The n8n tooling from the command line (`npm start` is the way to run a dev n8n):
 *   node scripts/n8n/cli.mjs install [--version X]   install Node 24 + n8n into the cache
 *   node scripts/n8n/cli.mjs smoke [--version X] [--keep]
 *   node scripts/n8n/cli.mjs clean                   remove the n8n cache (all versions)
 *   node scripts/n8n/cli.mjs where                   print the cache and dev folders
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_N8N_VERSION, cacheDir, devDir, devUserFolder } from './paths.mjs';
import { folderSize, megabytes, timed } from './commands.mjs';
import { ensureN8n, ensureNode24, needsNode24 } from './install.mjs';
import { stopAllN8n } from './process.mjs';
import { printTimings, smoke } from './smoke.mjs';

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
		case 'where':
			process.stdout.write(`n8n cache  ${cacheDir()}\ndev folder ${devDir()}\nuser folder ${devUserFolder()}\n`);
			return undefined;
		default:
			process.stdout.write('usage: node scripts/n8n/cli.mjs install|smoke|clean|where [--version X] [--keep]\n');
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
