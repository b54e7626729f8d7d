/**
 * n8n as a process: its environment, `n8n start` in its own process group, the wait until it
 * serves its API, and stopping it (SIGTERM to the group, SIGKILL after 20 s). Also the n8n CLI
 * commands that need the instance stopped.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

import { DEFAULT_N8N_VERSION } from './paths.mjs';
import {
	MINUTE, appendLogHeader, killProcessGroup, runCommand, sleep, tailOfFile, withHeartbeat,
} from './commands.mjs';
import { ensureN8n, n8nBin, needsNode24, nodeFor, runtimeEnv } from './install.mjs';
import { assertPortsFree, findFreePort, portHolders } from './ports.mjs';

/**
 * Environment for `n8n start` and the n8n CLI commands. Everything that would reach n8n's own
 * servers is switched off; the database is the default sqlite file in <userFolder>/.n8n.
 */
export async function n8nEnv({ version = DEFAULT_N8N_VERSION, userFolder, port = 5678, brokerPort, env = {} }) {
	const base = {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_HOST: 'localhost',
		N8N_PROTOCOL: 'http',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		// 2.x reads N8N_WEBHOOK_URL (WEBHOOK_URL still works but is deprecated); 1.x only WEBHOOK_URL.
		[needsNode24(version) ? 'N8N_WEBHOOK_URL' : 'WEBHOOK_URL']: `http://localhost:${port}/`,
		N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		N8N_SECURE_COOKIE: 'false',
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: 'UTC',
		N8N_LOG_LEVEL: 'info',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		// n8n and its task runner put scratch files under os.tmpdir(): keep them in the user folder.
		TMPDIR: path.join(userFolder, 'tmp'),
		// Community packages: load what is in <userFolder>/.n8n/nodes; never reinstall from npm.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// Task runners are always on in 2.x ("internal" mode = a child `node` process from PATH,
		// talking to a broker on N8N_RUNNERS_BROKER_PORT, default 5679: give each instance its own).
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		...(brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(brokerPort) } : {}),
		N8N_RUNNERS_TASK_TIMEOUT: '300', // today's default, explicit to quiet a deprecation notice
		// Offline: no telemetry, version checks, templates, banners, AI assistant.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		EXTERNAL_FRONTEND_HOOKS_URLS: '',
		// The nodes talk to the simulators on 127.0.0.1 (off by default; be explicit).
		N8N_SSRF_PROTECTION_ENABLED: 'false',
	};
	// 2.x: this module's only job is fetching a list of MCP servers from api.n8n.io at start
	// (1.x does not know the module name and refuses to start with it).
	if (needsNode24(version)) base.N8N_DISABLED_MODULES = 'mcp-registry';
	// 1.x: the default "vm" expression engine needs isolated-vm built for Node 20; use legacy.
	else base.N8N_EXPRESSION_ENGINE = 'legacy';
	return runtimeEnv(version, { ...base, ...env });
}

// pid -> stop(): n8n runs in its own process group (detached), so it outlives us unless stopped.
const runningInstances = new Map();
process.once('exit', () => {
	for (const pid of runningInstances.keys()) killProcessGroup(pid, 'SIGKILL');
});

/** Stops every n8n this process started (for signal handlers and test teardown). */
export async function stopAllN8n() {
	await Promise.all([...runningInstances.values()].map((stop) => stop()));
}

/**
 * Starts `n8n start` in its own process group and waits until it serves its API. Refuses a port
 * that is taken, and checks that the instance answering is the one it started. Returns {url,
 * webhookUrl, port, pid, logFile, exited (resolves with {code, signal} when n8n exits), stop()}.
 * `url` uses 127.0.0.1 (what n8n listens on); `webhookUrl` is the webhook URL n8n shows.
 */
export async function startN8n({
	version = DEFAULT_N8N_VERSION,
	userFolder,
	port,
	env = {},
	logFile,
	timeoutMs = 3 * MINUTE,
	log = () => {},
} = {}) {
	if (!userFolder) throw new Error('startN8n: userFolder is required');
	await ensureN8n({ version });
	if (port) await assertPortsFree({ n8n: port });
	port ??= await findFreePort();
	const brokerPort = await findFreePort();
	logFile ??= path.join(userFolder, 'n8n.log');
	await fsp.mkdir(path.join(userFolder, 'tmp'), { recursive: true });
	const firstStart = !fs.existsSync(path.join(userFolder, '.n8n', 'database.sqlite'));

	const childEnv = await n8nEnv({ version, userFolder, port, brokerPort, env });
	appendLogHeader(logFile, `n8n ${version} start on port ${port}`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(await nodeFor(version), [n8nBin(version), 'start'], {
		cwd: userFolder, env: childEnv, stdio: ['ignore', out, out], detached: true,
	});
	fs.closeSync(out);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
		runningInstances.delete(child.pid);
		resolve({ code, signal });
	}));

	let stopping;
	const stop = () => (stopping ??= stopProcessGroup(child.pid, exited));
	runningInstances.set(child.pid, stop);
	const url = `http://127.0.0.1:${port}`;
	log(`starting n8n ${version} on port ${port} (${firstStart
		? 'first start of this user folder: n8n creates and migrates its database, ~30 s'
		: 'n8n loads its ~500 nodes and this package, ~10-20 s'}; log: ${logFile})`);
	try {
		await withHeartbeat('waiting for n8n to answer', waitForHealthy({ url, exited, logFile, timeoutMs }));
		assertServedBy(child.pid, port, logFile);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, webhookUrl: `http://localhost:${port}/`, port, pid: child.pid, logFile, userFolder, version, exited, stop };
}

/** The process listening on the port must be the n8n we started (where /proc can tell). */
function assertServedBy(pid, port, logFile) {
	const holders = portHolders(port);
	if (holders.length && !holders.some((holder) => holder.pid === pid)) {
		throw new Error(`port ${port} is served by ${holders.map((holder) => `pid ${holder.pid} (${holder.command})`).join(', ')}, ` +
			`not by the n8n started here (pid ${pid}).\n--- tail of ${logFile} ---\n${tailOfFile(logFile)}`);
	}
}

/**
 * SIGTERM to the whole group (n8n and its task runner); n8n shuts down gracefully within
 * N8N_GRACEFUL_SHUTDOWN_TIMEOUT (10 s, set above). SIGKILL if it is still there after 20 s.
 */
async function stopProcessGroup(pid, exited) {
	killProcessGroup(pid, 'SIGTERM');
	let timer;
	const timedOut = new Promise((resolve) => { timer = setTimeout(resolve, 20_000, 'timeout'); });
	const outcome = await Promise.race([exited, timedOut]);
	clearTimeout(timer);
	if (outcome === 'timeout') {
		killProcessGroup(pid, 'SIGKILL');
		await exited;
	}
	// The task runner may linger a moment after n8n: make sure nothing of the group stays.
	killProcessGroup(pid, 'SIGKILL');
}

/** Polls until n8n serves its API; fails early if n8n exits, or after `timeoutMs`. */
async function waitForHealthy({ url, exited, logFile, timeoutMs }) {
	const deadline = Date.now() + timeoutMs;
	let exitInfo = null;
	exited.then((info) => { exitInfo = info; });
	// /healthz answers once the HTTP server listens (before migrations), /healthz/readiness once
	// the DB is up; the REST routes come last (1.x answers readiness before them), so also wait
	// for the public /rest/settings.
	for (const endpoint of ['/healthz', '/healthz/readiness', '/rest/settings']) {
		for (;;) {
			if (exitInfo) {
				throw new Error(`n8n exited during start (${exitInfo.signal ?? `exit ${exitInfo.code}`}).\n` +
					`--- tail of ${logFile} ---\n${tailOfFile(logFile)}`);
			}
			if (Date.now() > deadline) {
				throw new Error(`n8n did not answer ${url}${endpoint} with 200 within ${timeoutMs / 1000}s.\n` +
					`--- tail of ${logFile} ---\n${tailOfFile(logFile)}`);
			}
			const status = await fetch(url + endpoint, { signal: AbortSignal.timeout(2000) })
				.then((response) => response.status, () => 0);
			if (status === 200) break;
			await sleep(500);
		}
	}
}

/**
 * Runs an n8n CLI command (list:workflow, import:workflow, ...) against a user folder. Only
 * while that folder's n8n is stopped: the CLI writes the same sqlite database.
 */
export async function runN8nCli({ version = DEFAULT_N8N_VERSION, userFolder, args, env = {}, timeoutMs = 3 * MINUTE }) {
	await ensureN8n({ version });
	const childEnv = await n8nEnv({ version, userFolder, env });
	const logFile = path.join(userFolder, 'n8n-cli.log');
	await fsp.mkdir(path.join(userFolder, 'tmp'), { recursive: true });
	await runCommand(await nodeFor(version), [n8nBin(version), ...args], { cwd: userFolder, env: childEnv, logFile, timeoutMs });
	return logFile;
}
