/**
 * `npm start` owns its processes: closing its terminal (SIGHUP to its process group, what a shell
 * sends its jobs when the terminal goes away) stops n8n, its task runner and the local services,
 * and frees their ports; a port held by another process stops it before it starts anything,
 * naming that process. Runs `npm start` as a user types it, on free ports and a throwaway user
 * folder (never 5678 and 5681-5683 of a developer's own `npm start`).
 *
 *   node --test test/e2e/npm-start.test.mjs     (part of npm run test:e2e; installs n8n once)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { isPortTaken } from '../../scripts/n8n/ports.mjs';
import { REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { freeProductPorts, waitFor } from './e2e-support.mjs';
import { descendants, isAlive, userShellEnv } from './process-tree.mjs';

const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-npm-start-'));
after(() => fs.rmSync(userFolder, { recursive: true, force: true }));

/** `npm start` in its own process group (as a shell runs a job), with its output collected. */
function npmStart({ port, firstServicePort }) {
	const child = spawn('npm', ['start'], {
		cwd: REPO_ROOT,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: userShellEnv({
			N8N_PORT: String(port),
			RENDER_HOOKS_FIRST_PORT: String(firstServicePort),
			RENDER_HOOKS_USER_FOLDER: userFolder,
		}),
	});
	const run = { child, output: '' };
	child.stdout.on('data', (chunk) => { run.output += chunk; });
	child.stderr.on('data', (chunk) => { run.output += chunk; });
	run.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	return run;
}

test('a port held by another process: npm start names it and exits non-zero, starting nothing', { timeout: 5 * 60_000 }, async () => {
	const ports = await freeProductPorts();
	const blocker = net.createServer();
	await new Promise((resolve) => blocker.listen(ports.port, '127.0.0.1', resolve));
	try {
		const run = npmStart(ports);
		const { code } = await run.exited;
		assert.notEqual(code, 0, `npm start exited 0 with port ${ports.port} taken:\n${run.output}`);
		assert.match(run.output, new RegExp(`port ${ports.port} \\(n8n\\) is already in use by pid ${process.pid}\\b`),
			`the message names the port and this test's pid ${process.pid}:\n${run.output}`);
		assert.match(run.output, new RegExp(`kill ${process.pid}`), 'the message says how to stop it');
		assert.doesNotMatch(run.output, /is running/, 'no readiness is reported');
		assert.equal(await isPortTaken(ports.firstServicePort), false, 'no local service was started');
	} finally {
		blocker.close();
	}
});

test('SIGHUP to npm start (its terminal closed) stops every process it started and frees the ports', { timeout: 20 * 60_000 }, async () => {
	const ports = await freeProductPorts();
	const run = npmStart(ports);
	try {
		await waitFor('npm start to say it is running', () => {
			if (run.child.exitCode !== null) throw new Error(`npm start exited early:\n${run.output}`);
			return /is running \(ready in/.test(run.output);
		}, { timeoutMs: 15 * 60_000, intervalMs: 500 });

		const started = descendants(run.child.pid);
		const commands = started.map(({ command }) => command).join('\n');
		assert.ok(started.some(({ command }) => /n8n\/bin\/n8n start/.test(command)), `n8n runs below npm start:\n${commands}`);
		assert.ok(started.some(({ command }) => /local-services\.ts/.test(command)), `the local services run below npm start:\n${commands}`);
		assert.equal(await isPortTaken(ports.port), true, 'n8n listens on its port');

		process.kill(-run.child.pid, 'SIGHUP');
		await run.exited;
		await waitFor('every process npm start started to be gone', () => started.every(({ pid }) => !isAlive(pid)), { timeoutMs: 40_000 })
			.catch((error) => {
				const left = started.filter(({ pid }) => isAlive(pid)).map(({ pid, command }) => `${pid} ${command}`);
				throw new Error(`${error.message}\nstill running:\n${left.join('\n')}\n--- npm start output ---\n${run.output.slice(-3000)}`);
			});
		for (const port of [ports.port, ports.firstServicePort, ports.firstServicePort + 1, ports.firstServicePort + 2]) {
			assert.equal(await isPortTaken(port), false, `port ${port} is free again`);
		}
	} finally {
		if (run.child.exitCode === null) process.kill(-run.child.pid, 'SIGKILL');
		for (const { pid } of descendants(run.child.pid)) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// gone
			}
		}
	}
});
