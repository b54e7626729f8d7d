/**
 * A new user's first command: `git clone` of this repository's HEAD into an empty folder, then
 * `npm test` there with nothing installed. It must install the dev tree by itself (npm ci, with
 * its output shown), pass, and leave package-lock.json as committed. May reuse the npm cache.
 *
 *   node --test test/e2e/fresh-clone.test.mjs      (part of npm run test:e2e; never inside npm test)
 *
 * Tests the committed HEAD: uncommitted changes are not in the clone.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { userShellEnv } from './process-tree.mjs';

const TIMEOUT_MS = 15 * 60_000;

function run(command, args, { cwd, env }) {
	return new Promise((resolve) => {
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		const collect = (chunk) => {
			output += chunk;
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		child.on('exit', (code, signal) => resolve({ code, signal, output }));
	});
}

const notARepository = fs.existsSync(path.join(REPO_ROOT, '.git')) ? false : `${REPO_ROOT} is not a git checkout`;

test('a fresh clone passes `npm test` with no install before it', { timeout: TIMEOUT_MS, skip: notARepository }, async (t) => {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-fresh-clone-'));
	const clone = path.join(folder, 'clone');
	let keep = true;
	t.after(() => {
		if (keep) process.stderr.write(`[fresh-clone] kept for inspection: ${clone}\n`);
		else fs.rmSync(folder, { recursive: true, force: true });
	});

	execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone]);
	const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
	assert.equal(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: clone, encoding: 'utf8' }).trim(), head, 'the clone is at HEAD');
	assert.equal(fs.existsSync(path.join(clone, 'node_modules')), false, 'the clone has no node_modules');

	const startedAt = Date.now();
	const { code, signal, output } = await run('npm', ['test'], { cwd: clone, env: userShellEnv({ CI: 'true' }) });
	const seconds = Math.round((Date.now() - startedAt) / 1000);
	const tail = output.split('\n').slice(-40).join('\n');
	assert.equal(code, 0, `npm test in the fresh clone ended ${signal ?? `with exit ${code}`} after ${seconds} s:\n${tail}`);
	assert.match(output, /\[setup\] node_modules is missing.*npm ci/, 'npm test says that it installs the dev tree');
	assert.match(output, /added \d+ packages/, 'npm ci\'s own output is shown');
	assert.match(output, /Tests:\s+\d+ passed, \d+ total/, `jest ran and passed:\n${tail}`);

	const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: clone, encoding: 'utf8' });
	assert.equal(changed, '', 'the install left the tracked files (package-lock.json included) unchanged');
	process.stderr.write(`[fresh-clone] npm test on a fresh clone: ${seconds} s\n`);
	keep = false;
});
