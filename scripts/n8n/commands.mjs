/**
 * Running the long commands of the dev tooling: child processes in their own process group (so
 * a timeout or our exit stops npm with its children), their output in a log file, a heartbeat
 * while they run, and a folder lock so two terminals never install into one folder at once.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export const MINUTE = 60_000;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(message) {
	process.stderr.write(`[n8n] ${message}\n`);
}

export function formatSeconds(ms) {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export function megabytes(bytes) {
	return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
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

/**
 * Calls `describe()` every few seconds while `promise` runs and prints `label: <elapsed>, <what
 * it returned>`: on one rewritten line in a terminal, a line every 15 s in a log (CI).
 */
export async function withHeartbeat(label, promise, describe = async () => '') {
	const startedAt = Date.now();
	const interactive = process.stderr.isTTY;
	let busy = false;
	const beat = async () => {
		if (busy) return;
		busy = true;
		const detail = await describe().catch(() => '');
		const line = `[n8n]   ${label}: ${formatSeconds(Date.now() - startedAt)}${detail ? `, ${detail}` : ''}`;
		process.stderr.write(interactive ? `\r\x1b[K${line}` : `${line}\n`);
		busy = false;
	};
	const timer = setInterval(beat, interactive ? 2000 : 15_000);
	try {
		return await promise;
	} finally {
		clearInterval(timer);
		if (interactive) process.stderr.write('\r\x1b[K');
	}
}

// Log files are appended to across runs; each run starts with a line beginning with this.
const LOG_HEADER = '>>> ';

export function appendLogHeader(logFile, text) {
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

export function killProcessGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

export function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
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

/** Disk usage of a folder in bytes (`du`: walking n8n's ~100k files in JS takes ~15 s); 0 if missing. */
export function folderSize(dir) {
	return new Promise((resolve) => {
		execFile('du', ['-sk', dir], { encoding: 'utf8' }, (error, output) => {
			resolve(error && !output ? 0 : Number(String(output).split(/\s/)[0]) * 1024 || 0);
		});
	});
}

/**
 * Runs `fn` holding a lock folder (mkdir is atomic), so that parallel test workers or a second
 * terminal do not install into the same folder at once. A lock whose owner died is taken over.
 */
export async function withLock(lockDir, fn, { timeoutMs = 30 * MINUTE } = {}) {
	const deadline = Date.now() + timeoutMs;
	await fsp.mkdir(path.dirname(lockDir), { recursive: true });
	let announced = false;
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
			if (!announced) log(`waiting for process ${owner} to finish with ${path.dirname(lockDir)} (lock ${lockDir})`);
			announced = true;
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
