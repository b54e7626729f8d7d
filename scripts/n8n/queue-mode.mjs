/**
 * n8n in queue mode, the way it scales past one machine, on this machine: Redis and PostgreSQL
 * (queue-services.mjs), one main process (`n8n start`: editor, REST, activation, timers), webhook
 * processors (`n8n webhook`: production webhooks and waiting-execution resumes) and workers
 * (`n8n worker`: run the executions), all with EXECUTIONS_MODE=queue and one encryption key, and
 * this package installed in the one user folder they share. A round-robin proxy
 * (round-robin-proxy.mjs) puts the webhook processors behind one address, which n8n hands out as
 * its webhook URL (so resume URLs point at it too).
 *
 *   const set = await startQueueMode({ dir });    // ~1 min: services, package, 5 n8n processes
 *   set.webhookUrl, set.client (REST, owner logged in), set.postgres.psql(sql)
 *   await set.stopWorkers(); await set.startWorkers();   // parts
 *   await set.stopN8n(); await set.startN8n();           // every n8n process, services stay
 *   await set.stop();                                    // everything
 *
 * Processes keep their ports across restarts, so the proxy and URLs stay valid. Every port is a
 * free one (never those of `npm start`). Each process writes its own log and its own event log
 * (n8n's crash recovery reads the event log, so processes must not share one).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import path from 'node:path';

import { DEFAULT_N8N_VERSION } from './paths.mjs';
import { MINUTE, appendLogHeader, killProcessGroup, log as defaultLog, sleep, tailOfFile } from './commands.mjs';
import { ensureN8n, n8nBin, nodeFor } from './install.mjs';
import { installPackagesIntoN8n } from './package.mjs';
import { n8nEnv } from './process.mjs';
import { ensureQueueServicePackages, freePort, startPostgres, startRedis } from './queue-services.mjs';
import { setupOwnerAndLogin } from './rest-client.mjs';
import { startRoundRobinProxy } from './round-robin-proxy.mjs';

/** What each role runs and where it says it is ready. */
const ROLES = {
	main: { command: ['start'], readiness: ['/healthz', '/healthz/readiness', '/rest/settings'] },
	webhook: { command: ['webhook'], readiness: ['/healthz/readiness'] },
	worker: { command: ['worker', '--concurrency=10'], readiness: ['/healthz/readiness'] },
};

/**
 * Starts the whole set; see the module comment. `dir` holds everything (services' data, the user
 * folder, logs). `build`: 'auto' (default) builds when a source changed since the last build, false reuses dist/ as it is. Returns the set's handle.
 */
export async function startQueueMode({
	dir,
	version = DEFAULT_N8N_VERSION,
	webhookProcessors = 2,
	workers = 2,
	build = 'auto',
	env = {},
	log = defaultLog,
} = {}) {
	if (!dir) throw new Error('startQueueMode: dir is required');
	await fsp.mkdir(dir, { recursive: true });
	const stops = [];
	const set = { dir, version, processes: [], timings: {} };
	const timed = async (label, fn) => {
		const startedAt = Date.now();
		const result = await fn();
		set.timings[label] = (Date.now() - startedAt) / 1000;
		log(`${label}: ${set.timings[label].toFixed(1)} s`);
		return result;
	};
	try {
		await ensureN8n({ version });
		const packages = await ensureQueueServicePackages({ logFile: path.join(dir, 'apt-get.log') });
		const [redis, postgres] = await timed('Redis and PostgreSQL', () => Promise.all([
			startRedis({ redisServer: packages.redisServer, dir: path.join(dir, 'redis') }),
			startPostgres({ postgresBin: packages.postgresBin, dir: path.join(dir, 'postgres') }),
		]));
		stops.push(() => redis.stop(), () => postgres.stop());
		Object.assign(set, { redis, postgres });

		const userFolder = path.join(dir, 'user');
		await timed('packages build + install', () => installPackagesIntoN8n({ userFolder, version, build, log }));

		const proxyPort = await freePort();
		set.processes = await planProcesses({ webhookProcessors, workers });
		const proxy = await startRoundRobinProxy({
			port: proxyPort,
			main: () => set.processes.find((member) => member.role === 'main').port,
			webhooks: () => set.processes.filter((member) => member.role === 'webhook').map((member) => member.port),
		});
		stops.push(() => proxy.close());
		const sharedEnv = {
			EXECUTIONS_MODE: 'queue',
			N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// Resume URLs and the webhook URLs n8n shows point at the proxy, like a load balancer.
			N8N_WEBHOOK_URL: `${proxy.url}/`,
			// Production webhooks are the webhook processors' job only, as n8n's scaling docs advise.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			...env,
		};
		Object.assign(set, {
			userFolder,
			proxy,
			webhookUrl: `${proxy.url}/`,
			encryptionKey: sharedEnv.N8N_ENCRYPTION_KEY,
			env: sharedEnv,
		});

		const startRole = (processes) => Promise.all(processes.map((member) => startProcess(set, member, log)));
		set.startN8n = async () => {
			// The main process migrates the database: the others start once it is there.
			await startRole(set.processes.filter((member) => member.role === 'main'));
			await startRole(set.processes.filter((member) => member.role !== 'main'));
			set.client = await setupOwnerAndLogin(set.url);
		};
		set.stopN8n = () => stopProcesses(set.processes);
		set.startWorkers = () => startRole(set.processes.filter((member) => member.role === 'worker'));
		set.stopWorkers = () => stopProcesses(set.processes.filter((member) => member.role === 'worker'));
		set.startWebhookProcessors = () => startRole(set.processes.filter((member) => member.role === 'webhook'));
		set.stopWebhookProcessors = () => stopProcesses(set.processes.filter((member) => member.role === 'webhook'));
		set.restartN8n = async () => {
			await set.stopN8n();
			await set.startN8n();
		};
		stops.push(() => set.stopN8n());

		const main = set.processes.find((member) => member.role === 'main');
		set.url = `http://127.0.0.1:${main.port}`;
		await timed(`n8n ${version}: main, then ${webhookProcessors} webhook processors and ${workers} workers`, () => set.startN8n());
		set.stop = async () => {
			for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
			stops.length = 0;
		};
		return set;
	} catch (error) {
		for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
		throw error;
	}
}

/** The processes of the set with their fixed ports: main, webhook-1.., worker-1... */
async function planProcesses({ webhookProcessors, workers }) {
	const plan = [{ role: 'main', name: 'main' }];
	for (let index = 1; index <= webhookProcessors; index++) plan.push({ role: 'webhook', name: `webhook-${index}` });
	for (let index = 1; index <= workers; index++) plan.push({ role: 'worker', name: `worker-${index}` });
	for (const member of plan) {
		// Workers serve no HTTP of n8n's but their health check; webhooks and main serve on `port`.
		member.port = await freePort();
		member.brokerPort = await freePort();
		member.running = undefined;
	}
	return plan;
}

/** Environment of one process: the shared one plus its own ports and event log. */
async function processEnv(set, member) {
	const own = {
		...set.env,
		N8N_EVENTBUS_LOGWRITER_LOGFULLPATH: path.join(set.userFolder, 'event-logs', `${member.name}.log`),
	};
	if (member.role === 'worker') {
		Object.assign(own, {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(member.port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		});
	}
	// n8nEnv's N8N_PORT is unused by a worker (its health server has its own port variable).
	const env = await n8nEnv({ version: set.version, userFolder: set.userFolder, port: member.port, brokerPort: member.brokerPort, env: own });
	env.N8N_WEBHOOK_URL = set.env.N8N_WEBHOOK_URL;
	env.N8N_EDITOR_BASE_URL = `${set.url ?? `http://127.0.0.1:${member.port}`}/`;
	return env;
}

/** Starts one n8n process in its own group and waits until it says it is ready. */
async function startProcess(set, member, log) {
	if (member.running) return member.running;
	const logFile = path.join(set.dir, 'logs', `n8n-${member.name}.log`);
	await fsp.mkdir(path.join(set.userFolder, 'tmp'), { recursive: true });
	const env = await processEnv(set, member);
	appendLogHeader(logFile, `n8n ${set.version} ${ROLES[member.role].command.join(' ')} (${member.name}) on port ${member.port}`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(await nodeFor(set.version), [n8nBin(set.version), ...ROLES[member.role].command], {
		cwd: set.userFolder, env, stdio: ['ignore', out, out], detached: true,
	});
	fs.closeSync(out);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	const running = { pid: child.pid, logFile, exited, startedAt: Date.now() };
	member.logFile = logFile;
	member.running = running;
	exited.then(() => { if (member.running === running) member.running = undefined; });
	onExitKill.add(child.pid);
	exited.then(() => onExitKill.delete(child.pid));
	try {
		await waitForReady(`n8n ${member.name}`, `http://127.0.0.1:${member.port}`, ROLES[member.role].readiness, { exited, logFile });
	} catch (error) {
		await stopProcesses([member]);
		throw error;
	}
	log(`n8n ${member.name} ready on port ${member.port} (pid ${child.pid}, ${((Date.now() - running.startedAt) / 1000).toFixed(1)} s)`);
	return running;
}

// Process groups still running when this process exits are killed (a failed test, Ctrl-C, the
// test runner's SIGTERM at a timeout: a signal's default action would skip the 'exit' handlers).
const onExitKill = new Set();
process.once('exit', () => {
	for (const pid of onExitKill) killProcessGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	if (process.listenerCount(signal) === 0) process.once(signal, () => process.exit(128 + osConstants.signals[signal]));
}

/**
 * SIGTERM to each process group at once: n8n shuts down gracefully within
 * N8N_GRACEFUL_SHUTDOWN_TIMEOUT (10 s, from n8nEnv); SIGKILL after 25 s.
 */
export async function stopProcesses(processes, { signal = 'SIGTERM' } = {}) {
	await Promise.all(processes.map(async (member) => {
		const running = member.running;
		if (!running) return;
		killProcessGroup(running.pid, signal);
		const outcome = await Promise.race([running.exited, sleep(25_000).then(() => 'timeout')]);
		if (outcome === 'timeout') killProcessGroup(running.pid, 'SIGKILL');
		await running.exited;
		// The task runner may linger a moment after n8n: nothing of the group stays.
		killProcessGroup(running.pid, 'SIGKILL');
		member.running = undefined;
	}));
}

async function waitForReady(what, url, endpoints, { exited, logFile, timeoutMs = 4 * MINUTE }) {
	const deadline = Date.now() + timeoutMs;
	let exitInfo;
	exited.then((info) => { exitInfo = info; });
	for (const endpoint of endpoints) {
		for (;;) {
			if (exitInfo) {
				throw new Error(`${what} exited during start (${exitInfo.signal ?? `exit ${exitInfo.code}`}).\n--- tail of ${logFile} ---\n${tailOfFile(logFile)}`);
			}
			if (Date.now() > deadline) {
				throw new Error(`${what} did not answer ${url}${endpoint} within ${timeoutMs / 1000}s.\n--- tail of ${logFile} ---\n${tailOfFile(logFile)}`);
			}
			const status = await fetch(url + endpoint, { signal: AbortSignal.timeout(2000) }).then((response) => response.status, () => 0);
			if (status === 200) break;
			await sleep(300);
		}
	}
}

/** Executions of a workflow by status, from n8n's database: {success: 3, waiting: 1, ...}. */
export function executionStatusCounts(set, workflowId) {
	const rows = set.postgres.psql(`SELECT status, count(*) FROM execution_entity WHERE "workflowId" = '${workflowId}' GROUP BY status`);
	return Object.fromEntries(rows.map(([status, count]) => [status, Number(count)]));
}
