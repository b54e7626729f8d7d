/**
 * A real n8n with this package, and a RunPod simulator in its own process that the caller drives
 * (faults, request log): what the at-scale suites (test/e2e/callbacks-at-scale, soak) and
 * `npm run bench` run against. Also the workflows they use and ways to count what n8n did.
 *
 *   const rig = await startRig({ version, simulator: { runMs: 500 } });
 *   const { id, webhookPath } = await rig.createWorkflow(triggerWorkflow(rig.credential));
 *   await rig.sim.faults({ faultRates: { rateLimit: 0.3 } });
 *   await rig.restartN8n(); await rig.stop();
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_N8N_VERSION, REPO_ROOT } from '../n8n/paths.mjs';
import { MINUTE, runCommand, sleep } from '../n8n/commands.mjs';
import { n8nInstallDir, nodeFor, runtimeEnv } from '../n8n/install.mjs';
import { installPackageIntoN8n, installPackagesIntoN8n } from '../n8n/package.mjs';
import { packPackage } from '../packages.mjs';
import { startN8n } from '../n8n/process.mjs';
import { databaseFile } from '../n8n/registration.mjs';
import { importCredentials, importWorkflows, publishWorkflow, setupOwnerAndLogin } from '../n8n/rest-client.mjs';

/** The bench measures RunPod's nodes: its package alone is installed. */
const RUNPOD_PACKAGE = '@render-hooks/n8n-nodes-runpod';
export const TRIGGER_TYPE = `${RUNPOD_PACKAGE}.runPodTrigger`;
export const ACTION_TYPE = `${RUNPOD_PACKAGE}.runPod`;
/** The RunPod Trigger's newest version (its defaultVersion): what a workflow made today has. */
export const TRIGGER_LATEST_VERSION = 4;
const SIGNING_LABEL = 'n8n-nodes-render-hooks/callback-signing-key';

/** The RunPod simulator (simulators/runpod/remote.ts) in a child process; see that file for the control API. */
export async function startRemoteSimulator(options = {}, { log = () => {} } = {}) {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only',
		path.join(REPO_ROOT, 'simulators', 'runpod', 'remote.ts'), JSON.stringify(options)], {
		cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'],
	});
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const ready = await new Promise((resolve, reject) => {
		let output = '';
		const timer = setTimeout(() => reject(new Error(`RunPod simulator did not start in 60 s: ${output}`)), 60_000);
		child.stdout.on('data', (chunk) => {
			output += chunk;
			const match = /^runpod simulator ready (.*)$/m.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(JSON.parse(match[1]));
			}
		});
		child.stderr.on('data', (chunk) => { output += chunk; log(String(chunk)); });
		exited.then((code) => { clearTimeout(timer); reject(new Error(`RunPod simulator exited (${code}): ${output}`)); });
	});
	const control = async (route, body) => {
		const response = await fetch(`${ready.controlUrl}${route}`, body === undefined ? {} : {
			method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`simulator control ${route}: ${response.status} ${await response.text()}`);
		return response.json();
	};
	return {
		...ready,
		/** {config, requests: [{method, path, status, route, at}], deliveries, jobs: [{id, status, input, createdAt, webhook}]} */
		state: () => control('/state'),
		faults: (patch) => control('/faults', patch),
		reset: () => control('/reset', {}),
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await exited;
		},
	};
}

/**
 * n8n `version` in a fresh user folder with the package installed as n8n's installer does, the
 * owner logged in and a RunPod credential pointing at a remote simulator started with `simulator`
 * options. `env` goes to n8n. `reference`: also install the do-nothing reference trigger
 * (`referencePackage`) the same way. Returns {n8n, client, sim, credential, signingKey,
 * userFolder, createWorkflow, restartN8n, stop}.
 */
export async function startRig({ version = DEFAULT_N8N_VERSION, simulator = {}, env = {}, build = 'auto', reference = false, log = () => {} } = {}) {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `render-hooks-rig-${version}-`));
	const stops = [];
	const stop = async () => {
		for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
		stops.length = 0;
	};
	try {
		const sim = await startRemoteSimulator(simulator, { log });
		stops.push(() => sim.stop());
		await installPackagesIntoN8n({ userFolder, version, build, packageNames: [RUNPOD_PACKAGE], log });
		if (reference) {
			const tarball = packPackage({ dir: writeReferencePackage(path.join(userFolder, 'reference-package')) }, path.join(userFolder, 'pack'));
			await installPackageIntoN8n({ userFolder, version, tarball, log });
		}
		let n8n = await startN8n({ version, userFolder, env, log });
		stops.push(() => n8n.stop());
		let client = await setupOwnerAndLogin(n8n.url);
		const credentialData = { apiKey: sim.apiKey, baseUrl: sim.baseUrl, restUrl: sim.restUrl };
		const [created] = await importCredentials(client, [{ name: 'RunPod (rig simulator)', type: 'runPodApi', data: credentialData }]);
		const rig = {
			version,
			userFolder,
			sim,
			credential: { id: created.id, name: created.name, type: 'runPodApi' },
			signingKey: crypto.createHmac('sha256', SIGNING_LABEL).update(sim.apiKey).digest('hex'),
			get n8n() { return n8n; },
			get client() { return client; },
			/** Creates and publishes a workflow; returns {id, workflow, webhookPaths: {node name: /webhook/...}}. */
			async createWorkflow(workflow) {
				const [{ id }] = await importWorkflows(client, [workflow]);
				await publishWorkflow(client, id);
				return { id, workflow, webhookPaths: webhookPaths(workflow) };
			},
			/** Stops n8n and starts it again on the same port and user folder (`env` replaces the extra env). */
			async restartN8n({ env: nextEnv = env } = {}) {
				await n8n.stop();
				stops.pop();
				n8n = await startN8n({ version, userFolder, port: n8n.port, env: nextEnv, log });
				stops.push(() => n8n.stop());
				client = await setupOwnerAndLogin(n8n.url);
			},
			stop,
			removeUserFolder: () => fs.rmSync(userFolder, { recursive: true, force: true }),
		};
		return rig;
	} catch (error) {
		await stop();
		throw error;
	}
}

/** Where each webhook-starting node of a workflow listens (production URLs, path below n8n's URL). */
function webhookPaths(workflow) {
	const paths = {};
	for (const node of workflow.nodes) {
		if (node.type === TRIGGER_TYPE || node.type === REFERENCE_TRIGGER_TYPE) paths[node.name] = `/webhook/${node.webhookId}/callback`;
		if (node.type === 'n8n-nodes-base.webhook') paths[node.name] = `/webhook/${node.parameters.path}`;
	}
	return paths;
}

// ---------------------------------------------------------------------------------------------
// The reference trigger
// ---------------------------------------------------------------------------------------------

const REFERENCE_PACKAGE = 'n8n-nodes-bench-reference';
export const REFERENCE_TRIGGER_TYPE = `${REFERENCE_PACKAGE}.benchReferenceTrigger`;

/**
 * The smallest community trigger: its webhook() emits the request body as one item, nothing else
 * (no credential, no static data, no execute(), no parameter read). Its webhook is described as
 * the RunPod Trigger's is (POST, answered by n8n on receipt, responseData 'noData'), so what it
 * costs is what n8n costs any community trigger: the ceiling for a trigger's throughput. Version 2,
 * as n8n evaluates an expression ($parameter.options.binaryData) per request for a webhook node at
 * version 1 (parseRequestBody in n8n's webhook-helpers.js).
 * Written as a plain CommonJS package (package.json with an n8n section, one node file) into
 * `dir`; returns `dir`, to be packed and installed like the provider packages.
 */
export function writeReferencePackage(dir) {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({
		name: REFERENCE_PACKAGE,
		version: '1.0.0',
		description: 'npm run bench: a do-nothing community trigger, the reference for trigger throughput',
		keywords: ['n8n-community-node-package'],
		license: 'MIT',
		main: 'index.js',
		files: ['dist', 'index.js'],
		n8n: { n8nNodesApiVersion: 1, credentials: [], nodes: ['dist/BenchReferenceTrigger.node.js'] },
	}, null, 2)}\n`);
	fs.writeFileSync(path.join(dir, 'index.js'), '\'use strict\';\nmodule.exports = {};\n');
	fs.writeFileSync(path.join(dir, 'dist', 'BenchReferenceTrigger.node.js'), `'use strict';
Object.defineProperty(exports, '__esModule', { value: true });
exports.BenchReferenceTrigger = void 0;
class BenchReferenceTrigger {
	constructor() {
		this.description = {
			displayName: 'Bench Reference Trigger',
			name: 'benchReferenceTrigger',
			group: ['trigger'],
			version: 2,
			description: 'Starts the workflow with the request body as its one item',
			defaults: { name: 'Bench Reference Trigger' },
			inputs: [],
			outputs: ['main'],
			webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData', path: 'callback' }],
			properties: [],
		};
	}
	async webhook() {
		return { workflowData: [[{ json: this.getBodyData() }]] };
	}
}
exports.BenchReferenceTrigger = BenchReferenceTrigger;
`);
	return dir;
}

/** The reference trigger alone (see `writeReferencePackage`). */
export function referenceTriggerWorkflow({ name = `rig reference trigger ${uuid()}` } = {}) {
	return {
		name,
		nodes: [{
			parameters: {}, id: uuid(), name: 'Bench Reference Trigger', type: REFERENCE_TRIGGER_TYPE, typeVersion: 2,
			position: [0, 0], webhookId: uuid(),
		}],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------------------------------------
// Workflows
// ---------------------------------------------------------------------------------------------

const uuid = () => crypto.randomUUID();
const credentialsOf = (credential) => ({ [credential.type]: { id: credential.id, name: credential.name } });

/**
 * A RunPod Trigger alone, Confirm with API off; `typeVersion` 2 unless given
 * (TRIGGER_LATEST_VERSION for what the editor creates today: version 3 has no Endpoint ID unless
 * Confirm with API is on).
 */
export function triggerWorkflow(credential, { name = `rig trigger ${uuid()}`, emitProgress = false, outputOptions = {}, typeVersion = 2 } = {}) {
	const endpoint = typeVersion >= 3 ? {} : { endpointId: 'sim-endpoint' };
	return {
		name,
		nodes: [{
			parameters: { ...endpoint, confirmWithApi: false, emitProgress, outputOptions },
			id: uuid(), name: 'RunPod Trigger', type: TRIGGER_TYPE, typeVersion, position: [0, 0],
			webhookId: uuid(), credentials: credentialsOf(credential),
		}],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** n8n's Webhook node alone (POST, answered on receipt): the baseline a trigger is measured against. */
export function webhookNodeWorkflow({ name = `rig webhook ${uuid()}`, path: webhookPath = `rig-${uuid()}` } = {}) {
	return {
		name,
		nodes: [webhookNode(webhookPath, 'onReceived')],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

function webhookNode(webhookPath, responseMode) {
	return {
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode, ...(responseMode === 'lastNode' ? { responseData: 'allEntries' } : {}), options: {} },
		id: uuid(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: uuid(),
	};
}

/**
 * Webhook (answers with the last node's items, or on receipt) → one item per entry of body.jobs →
 * `last`: POST {jobs: [...]} to its path to run `last` over those items and get its output back.
 */
export function jobsWorkflow(last, { name = `rig jobs ${uuid()}`, responseMode = 'lastNode' } = {}) {
	const webhookPath = `rig-jobs-${uuid()}`;
	return {
		name,
		nodes: [
			webhookNode(webhookPath, responseMode),
			{ parameters: { fieldToSplitOut: 'body.jobs', options: {} }, id: uuid(), name: 'One item per job', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [200, 0] },
			{ id: uuid(), position: [400, 0], ...last },
		],
		connections: {
			Webhook: { main: [[{ node: 'One item per job', type: 'main', index: 0 }]] },
			'One item per job': { main: [[{ node: last.name, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** The RunPod node running each item's JSON as the job input. `continueOnFail` keeps failed items as items. */
export function runPodNode(credential, { waitFor = 'poll', waitOptions = {}, submitOptions = {}, continueOnFail = false, correlationId = '={{ $json.name }}' } = {}) {
	return {
		parameters: {
			operation: 'run', endpointId: 'sim-endpoint', inputType: 'raw', rawInput: '={{ JSON.stringify($json) }}',
			waitFor, correlationId, waitOptions, submitOptions, outputOptions: { downloadImages: false },
		},
		name: 'RunPod', type: ACTION_TYPE, typeVersion: 1, webhookId: uuid(), credentials: credentialsOf(credential),
		...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
	};
}

/** n8n's HTTP Request node doing the RunPod node's submit call for each item (optionally in batches). */
export function httpSubmitNode(sim, { batchSize } = {}) {
	return {
		parameters: {
			method: 'POST', url: `${sim.baseUrl}/sim-endpoint/run`,
			sendHeaders: true, headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${sim.apiKey}` }] },
			sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify({ input: $json }) }}',
			options: batchSize ? { batching: { batch: { batchSize, batchInterval: 0 } } } : {},
		},
		name: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2,
	};
}

// ---------------------------------------------------------------------------------------------
// Callbacks and counts
// ---------------------------------------------------------------------------------------------

/** The callback URL's query as the RunPod node signs it: ?ref=<reference>&sig=<HMAC>. */
export function signedQuery(signingKey, reference) {
	const sig = crypto.createHmac('sha256', signingKey).update(reference).digest('hex');
	return `?ref=${encodeURIComponent(reference)}&sig=${sig}`;
}

/** One tiny PNG (2×2, from the fixtures), base64: a COMPLETED callback's image. */
export const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8DwnwGMgRQAH+4D/dJQfRoAAAAASUVORK5CYII=';

/**
 * A RunPod callback body: a job at `status`, COMPLETED with images (tiny PNGs unless given; an
 * http(s) URL among them is an image the trigger downloads; [] for none).
 */
export function callbackBody(jobId, status = 'COMPLETED', { images = [TINY_PNG] } = {}) {
	const body = { id: jobId, status, delayTime: 120, executionTime: 900 };
	if (status === 'COMPLETED') body.output = { images, parameters: {}, info: '{}' };
	if (status === 'FAILED') body.error = 'simulated failure';
	return JSON.stringify(body);
}

/** Executions of a workflow in n8n's database: [{id, status, mode}]. */
export async function countExecutions(rig, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: String(workflowId) }));
	const answer = await rig.client.request(`/rest/executions?filter=${filter}&limit=1`);
	return answer.count;
}

/** Waits until a workflow's execution count stops changing for `quietMs` (and is at least `atLeast`); returns it. */
export async function settledExecutionCount(rig, workflowId, { atLeast = 0, quietMs = 2000, timeoutMs = 3 * MINUTE } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last = -1;
	let stableSince = Date.now();
	for (;;) {
		const count = await countExecutions(rig, workflowId);
		if (count !== last) { last = count; stableSince = Date.now(); }
		if (count >= atLeast && Date.now() - stableSince >= quietMs) return count;
		if (Date.now() > deadline) throw new Error(`executions of workflow ${workflowId}: ${count}, expected at least ${atLeast}, still changing after ${timeoutMs / 1000} s`);
		await sleep(250);
	}
}

/**
 * Rows from the user folder's sqlite database, read with n8n's own sqlite3 under n8n's Node
 * (db-query.cjs). Safe while n8n runs (WAL, read only). `write`: one statement that changes rows
 * (sqlite's locking serializes it with n8n's own writes); returns [].
 */
export async function queryDatabase(rig, sql, params = [], { write = false } = {}) {
	const out = path.join(rig.userFolder, `query-${crypto.randomUUID()}.json`);
	const env = await runtimeEnv(rig.version, { NODE_PATH: path.join(n8nInstallDir(rig.version), 'node_modules') });
	await runCommand(await nodeFor(rig.version), [path.join(REPO_ROOT, 'scripts', 'bench', 'db-query.cjs'),
		databaseFile(rig.userFolder), sql, JSON.stringify(params), out, ...(write ? ['write'] : [])], {
		cwd: rig.userFolder, env, logFile: path.join(rig.userFolder, 'db-query.log'), timeoutMs: MINUTE,
	});
	const rows = JSON.parse(fs.readFileSync(out, 'utf8'));
	fs.rmSync(out, { force: true });
	return rows;
}

/** The key under which the engine keeps a trigger's delivery memory in its static data (nodes/shared/callback-deliveries.ts). */
const DELIVERY_LOG_KEY = 'renderHooksDeliveries';
/** How many deliveries a trigger keeps in its static data (DEFAULT_DELIVERY_MEMORY there): a trigger that has run a while holds that many. */
export const DELIVERY_MEMORY = 1000;

/**
 * Gives the RunPod Trigger of a published workflow `count` earlier deliveries in its static data,
 * as a trigger that has run a while holds (DELIVERY_MEMORY), so that every callback measured
 * loads, merges and saves a full delivery memory, not the short one of a new trigger. Written into
 * n8n's database (n8n's API does not take static data); n8n reads a workflow's static data from
 * there on each webhook request.
 */
export async function fillDeliveryMemory(rig, { id, workflow }, count = DELIVERY_MEMORY) {
	const node = workflow.nodes.find((entry) => entry.type === TRIGGER_TYPE);
	const earlier = Array.from({ length: count }, (_, index) => `earlier-${uuid()}-${index}:completed`);
	await queryDatabase(rig, 'UPDATE workflow_entity SET staticData = ? WHERE id = ?',
		// As the trigger saves it: one newline-joined string (its writer id unset: another process's).
		[JSON.stringify({ [`node:${node.name}`]: { [DELIVERY_LOG_KEY]: earlier.join('\n') } }), String(id)], { write: true });
}

/**
 * Which job each execution of a trigger workflow emitted, from the database: {byJob: Map(jobId ->
 * [execution ids]), statuses: {success: n, ...}, total}. The job ids are found in the stored run
 * data by `jobIdPattern`.
 */
export async function executionsByJob(rig, workflowId, jobIdPattern) {
	const rows = await queryDatabase(rig, 'SELECT e.id AS id, e.status AS status, d.data AS data FROM execution_entity e ' +
		'LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ?', [String(workflowId)]);
	const byJob = new Map();
	const statuses = {};
	for (const row of rows) {
		statuses[row.status] = (statuses[row.status] ?? 0) + 1;
		const jobs = new Set(String(row.data ?? '').match(new RegExp(jobIdPattern, 'g')) ?? []);
		for (const jobId of jobs) byJob.set(jobId, [...(byJob.get(jobId) ?? []), row.id]);
	}
	return { byJob, statuses, total: rows.length };
}

/** POSTs to n8n (path below its URL); returns {status, text, json}. */
export async function post(rig, pathAndQuery, body, { contentType = 'application/json' } = {}) {
	const response = await fetch(`${rig.n8n.url}${pathAndQuery}`, {
		method: 'POST', headers: { 'content-type': contentType }, body, signal: AbortSignal.timeout(120_000),
	});
	const text = await response.text();
	let json;
	try { json = JSON.parse(text); } catch { json = undefined; }
	return { status: response.status, text, json };
}
