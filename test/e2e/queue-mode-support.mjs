/**
 * Helpers of queue-mode.test.mjs: the RunPod simulator in this process (loaded through ts-node, so
 * the tests can flip its fault switches and read its request log), the two workflows, signed
 * callbacks, and counting executions in n8n's PostgreSQL database. Not a test file itself.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { loadExamples } from '../../scripts/product.mjs';
import {
	CREDENTIAL_TYPE_OF_NODE,
	NODE_TYPES,
	callbackSigningKey,
	signedCallbackUrl,
	waitForCallbackWorkflow,
} from './e2e-support.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** simulators/runpod (TypeScript), loaded in this process. */
export function loadRunPodSimulator() {
	const require = createRequire(import.meta.url);
	require('ts-node').register({ transpileOnly: true, project: path.join(REPO_ROOT, 'tsconfig.json') });
	return require('../../simulators/runpod/index.ts');
}

export const TRIGGER_WEBHOOK_ID = 'c0000000-0000-4000-8000-0000000000a1';
export const TRIGGER_PATH = `/webhook/${TRIGGER_WEBHOOK_ID}/callback`;
export const WAIT_PATH = '/webhook/queue-mode-wait';

export function runPodCredential(sim) {
	return {
		name: 'RunPod (queue-mode simulator)',
		type: CREDENTIAL_TYPE_OF_NODE[NODE_TYPES.runPod],
		data: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, restUrl: sim.restUrl },
	};
}

const credentialRef = (credential) => ({ [credential.type]: { id: credential.id, name: credential.name } });

/** RunPod Trigger alone: each emitted callback is one execution. */
export function triggerWorkflow(credential) {
	return {
		name: 'queue mode: RunPod Trigger',
		nodes: [{
			parameters: {},
			id: 'c0000000-0000-4000-8000-000000000001',
			name: 'RunPod Trigger',
			type: NODE_TYPES.runPodTrigger,
			typeVersion: 1,
			position: [0, 0],
			webhookId: TRIGGER_WEBHOOK_ID,
			credentials: credentialRef(credential),
		}],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Webhook {jobs: [{name}]} → one item per job → RunPod (Wait for Callback); `errorWorkflow`, when
 * given, is its Settings → Error Workflow.
 */
export function waitWorkflow(credential, { errorWorkflow } = {}) {
	const workflow = waitForCallbackWorkflow(credential, {
		name: 'queue mode: wait for callback',
		path: 'queue-mode-wait',
		idPrefix: 'd',
		waitOptions: { timeout: 900 },
	});
	if (errorWorkflow) workflow.settings = { ...workflow.settings, errorWorkflow };
	return workflow;
}

/** Error Trigger → No Op: counts the runs n8n starts as a workflow's Error Workflow. */
export const errorWorkflow = () => ({
	name: 'queue mode: error workflow',
	nodes: [
		{ parameters: {}, id: 'e0000000-0000-4000-8000-000000000001', name: 'Error Trigger', type: 'n8n-nodes-base.errorTrigger', typeVersion: 1, position: [0, 0] },
		{ parameters: {}, id: 'e0000000-0000-4000-8000-000000000002', name: 'No Op', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0] },
	],
	connections: { 'Error Trigger': { main: [[{ node: 'No Op', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
});

const FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'runpod', 'callback-completed-two-pngs.json');

/**
 * A COMPLETED RunPod callback for a fresh job (one small PNG), signed as the RunPod node signs
 * the URLs it hands out: {jobId, query, body}. The query goes on any processor's trigger path.
 */
export function signedTriggerCallback(sim) {
	const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
	const reference = `qm-${crypto.randomBytes(4).toString('hex')}`;
	const url = signedCallbackUrl(`http://n8n${TRIGGER_PATH}`, callbackSigningKey({ apiKey: sim.apiKey }), reference);
	const jobId = `qm-job-${crypto.randomUUID()}`;
	const body = JSON.stringify({ ...fixture, id: jobId, status: 'COMPLETED', output: { ...fixture.output, images: fixture.output.images.slice(0, 1) } });
	return { jobId, reference, query: new URL(url).search, body };
}

/** The example examples/<filePrefix>*.json with its placeholders filled in, as npm start imports it. */
export function exampleWorkflowFile(filePrefix, values) {
	const example = loadExamples(values).find(({ file }) => file.startsWith(filePrefix));
	if (!example) throw new Error(`no example ${filePrefix}*.json`);
	return example.workflow;
}

/** Points every n8n API credential reference of `workflow` at `credential` ({id, name}). */
export function linkN8nApiCredential(workflow, credential) {
	for (const node of workflow.nodes) {
		if (node.credentials?.n8nApi) node.credentials.n8nApi = { id: credential.id, name: credential.name };
	}
	return workflow;
}

/** POSTs JSON; resolves {status, json, text, ms}. */
export async function postJson(url, body) {
	const startedAt = performance.now();
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, json, text, ms: performance.now() - startedAt };
}

/**
 * Executions whose stored data holds the string `text` as a whole value (a job id, a correlation
 * id; n8n stores every string of the run data as its own JSON string): [{id, status}].
 */
export function executionsMentioning(set, workflowId, text) {
	return set.postgres.psql(
		`SELECT e.id, e.status FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id ` +
		`WHERE e."workflowId" = '${workflowId}' AND d.data LIKE '%"${text.replace(/'/g, "''")}"%' ORDER BY e.id`,
	).map(([id, status]) => ({ id, status }));
}

export function countExecutions(set, workflowId, where = 'true') {
	return Number(set.postgres.psql(`SELECT count(*) FROM execution_entity WHERE "workflowId" = '${workflowId}' AND ${where}`)[0][0]);
}

/**
 * Waits until `probe()` (a number, or a JSON-able value) has not changed for `quietMs` and
 * `done(value)` holds; returns the value.
 */
export async function settle(what, probe, { done = () => true, quietMs = 3000, timeoutMs = 120_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last = JSON.stringify(await probe());
	let since = Date.now();
	for (;;) {
		await sleep(250);
		const value = await probe();
		const text = JSON.stringify(value);
		if (text !== last) {
			last = text;
			since = Date.now();
		} else if (Date.now() - since >= quietMs && done(value)) {
			return value;
		}
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last: ${last}`);
	}
}

/** /run requests the simulator has answered (a submit each). */
export function runRequests(sim) {
	return sim.requests.filter((request) => request.route === 'run').length;
}
