/**
 * The two services n8n's queue mode needs, from Debian packages, as throwaway private instances:
 * Redis (the Bull queue between n8n's processes) and PostgreSQL (the database they share; sqlite
 * cannot be shared). Each runs in its own process group on a free loopback port, with its data in
 * a folder the caller gives, and is stopped with it. Nothing touches the system's own clusters.
 *
 * Debian 12's PostgreSQL is 15: n8n 2.40.7 warns that it wants 16 or newer, and runs.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user the
 * package creates; its folder is handed to that user.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { MINUTE, appendLogHeader, killProcessGroup, log, runCommand, sleep, tailOfFile } from './commands.mjs';
import { findFreePort } from './ports.mjs';

/** Ports `npm start` uses: never taken by the queue-mode set. */
const NPM_START_PORTS = new Set([5678, 5679, 5681, 5682, 5683, 5684, 5685, 5686]);

export async function freePort() {
	for (;;) {
		const port = await findFreePort();
		if (!NPM_START_PORTS.has(port)) return port;
	}
}

function which(command) {
	try {
		return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
	} catch {
		return undefined;
	}
}

/** The newest installed PostgreSQL's bin folder (Debian keeps initdb and postgres off PATH). */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))
		: [];
	if (versions.length) return path.join(root, versions[0], 'bin');
	const initdb = which('initdb');
	return initdb ? path.dirname(initdb) : undefined;
}

/**
 * Installs redis-server and postgresql with apt-get when either is missing (needs root, as in CI
 * containers). Returns {redisServer, postgresBin}.
 */
export async function ensureQueueServicePackages({ logFile }) {
	const missing = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!postgresBinDir()) missing.push('postgresql');
	if (missing.length) {
		if (process.getuid?.() !== 0) {
			throw new Error(`queue mode needs ${missing.join(' and ')}: install with \`sudo apt-get install -y redis-server postgresql\``);
		}
		log(`installing ${missing.join(' and ')} with apt-get (first run on this machine only)`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		await runCommand('apt-get', ['update', '-qq'], { cwd: '/', env, logFile, timeoutMs: 5 * MINUTE });
		await runCommand('apt-get', ['install', '-y', '-qq', 'redis-server', 'postgresql'], { cwd: '/', env, logFile, timeoutMs: 10 * MINUTE });
	}
	return { redisServer: which('redis-server'), postgresBin: postgresBinDir() };
}

/** A long-running service in its own process group, its output appended to `logFile`. */
function spawnService(command, args, { logFile, cwd, uid, gid }) {
	appendLogHeader(logFile, `${command} ${args.join(' ')}`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(command, args, { cwd, stdio: ['ignore', out, out], detached: true, uid, gid });
	fs.closeSync(out);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	let stopping;
	const stop = () => (stopping ??= (async () => {
		killProcessGroup(child.pid, 'SIGTERM');
		const outcome = await Promise.race([exited, sleep(15_000).then(() => 'timeout')]);
		if (outcome === 'timeout') killProcessGroup(child.pid, 'SIGKILL');
		await exited;
	})());
	process.once('exit', () => killProcessGroup(child.pid, 'SIGKILL'));
	return { pid: child.pid, exited, stop };
}

/** Sends one inline Redis command and resolves with the first reply line. */
function redisCommand(port, command) {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
		socket.once('error', reject);
		socket.once('connect', () => socket.write(`${command}\r\n`));
		socket.once('data', (chunk) => {
			resolve(String(chunk).split('\r\n')[0]);
			socket.end();
		});
	});
}

async function waitUntil(what, probe, { exited, logFile, timeoutMs = MINUTE }) {
	let exitInfo;
	exited.then((info) => { exitInfo = info; });
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await probe().catch(() => false)) return;
		if (exitInfo) throw new Error(`${what} exited (${exitInfo.signal ?? exitInfo.code}).\n--- ${logFile} ---\n${tailOfFile(logFile)}`);
		if (Date.now() > deadline) throw new Error(`${what} not ready in ${timeoutMs / 1000}s.\n--- ${logFile} ---\n${tailOfFile(logFile)}`);
		await sleep(200);
	}
}

/** Redis on a free port, in memory only (no RDB, no AOF). Returns {port, stop}. */
export async function startRedis({ redisServer = 'redis-server', dir, port }) {
	port ??= await freePort();
	await fsp.mkdir(dir, { recursive: true });
	const logFile = path.join(dir, 'redis.log');
	const service = spawnService(redisServer, [
		'--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no',
	], { logFile, cwd: dir });
	await waitUntil('redis-server', async () => (await redisCommand(port, 'PING')) === '+PONG', { exited: service.exited, logFile });
	return { port, logFile, stop: service.stop };
}

function postgresUser() {
	if (process.getuid?.() !== 0) return {};
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

/**
 * PostgreSQL on a free port with a fresh cluster in `dir` (trust authentication on loopback,
 * durability off: a test database) and one database for n8n. Returns {port, host, user, password,
 * database, psql(sql) -> rows as arrays of strings, stop}.
 */
export async function startPostgres({ postgresBin, dir, port, database = 'n8n', user = 'n8n' }) {
	port ??= await freePort();
	const owner = postgresUser();
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	const logFile = path.join(dir, 'postgres.log');
	await fsp.mkdir(socketDir, { recursive: true });
	// The postgres user must reach its folder through the caller's (mkdtemp makes it 0700).
	for (let folder = dir; folder !== path.dirname(folder) && folder.startsWith('/tmp/'); folder = path.dirname(folder)) {
		await fsp.chmod(folder, 0o755).catch(() => {});
	}
	if (owner.uid !== undefined) {
		for (const folder of [dir, socketDir]) await fsp.chown(folder, owner.uid, owner.gid);
		await fsp.writeFile(logFile, '');
		await fsp.chown(logFile, owner.uid, owner.gid);
	}
	if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
		const initLog = path.join(dir, 'initdb.log');
		await runAs(owner, path.join(postgresBin, 'initdb'), ['-D', dataDir, '-U', user, '--auth=trust', '-E', 'UTF8', '--no-sync'], { cwd: dir, logFile: initLog });
	}
	const service = spawnService(path.join(postgresBin, 'postgres'), [
		'-D', dataDir, '-p', String(port), '-k', socketDir,
		'-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200',
		'-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
	], { logFile, cwd: dir, ...owner });
	const connection = ['-h', '127.0.0.1', '-p', String(port), '-U', user];
	await waitUntil('postgres', async () => {
		execFileSync(path.join(postgresBin, 'pg_isready'), connection, { stdio: 'ignore' });
		return true;
	}, { exited: service.exited, logFile });
	const psqlAt = (db, sql) => execFileSync(path.join(postgresBin, 'psql'), [...connection, '-d', db, '-At', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
	const exists = psqlAt('postgres', `SELECT 1 FROM pg_database WHERE datname = '${database}'`).trim() === '1';
	if (!exists) psqlAt('postgres', `CREATE DATABASE ${database}`);
	return {
		host: '127.0.0.1',
		port,
		user,
		password: 'n8n', // trust authentication: any password is accepted
		database,
		logFile,
		/** Runs SQL against n8n's database; returns the rows as arrays of column strings. */
		psql: (sql) => psqlAt(database, sql).split('\n').filter(Boolean).map((line) => line.split('\t')),
		stop: service.stop,
	};
}

function runAs(owner, command, args, { cwd, logFile }) {
	if (owner.uid === undefined) return runCommand(command, args, { cwd, logFile, timeoutMs: 2 * MINUTE });
	// runCommand has no uid option: go through runuser, which Debian's util-linux always has.
	return runCommand('runuser', ['-u', 'postgres', '--', command, ...args], { cwd, logFile, timeoutMs: 2 * MINUTE });
}
