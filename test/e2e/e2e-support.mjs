/**
 * Helpers of the end-to-end suite (e2e.test.mjs): polling, n8n's execution format, the package's
 * callback signing (reimplemented with node:crypto: the tests do not load TypeScript), free ports
 * and failure diagnostics. Plain Node ESM, built-ins only. Not a test file itself.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { tailOfFile } from '../../scripts/n8n/commands.mjs';
import { findFreePort, findFreePortRange } from '../../scripts/n8n/ports.mjs';
import { loadProviders } from '../../scripts/n8n/registry.mjs';

/** The package's providers, from the built provider registry (dist/nodes/registry.js). */
export const PROVIDERS = loadProviders();
/** Every node type of the package, keyed by its short name: {runPod: '@render-hooks/n8n-nodes-runpod.runPod', ...}. */
export const NODE_TYPES = Object.fromEntries(PROVIDERS.flatMap((provider) =>
	provider.nodes.map((node) => [node.type.slice(provider.packageName.length + 1), node.type])));
/** The credential type each node type uses. */
export const CREDENTIAL_TYPE_OF_NODE = Object.fromEntries(PROVIDERS.flatMap((provider) =>
	provider.nodes.map((node) => [node.type, provider.credentialType])));
export const CREDENTIAL_TYPES = PROVIDERS.map((provider) => provider.credentialType);
export const FINAL_EXECUTION_STATUSES = new Set(['success', 'error', 'crashed', 'canceled', 'cancelled']);

/** The example workflow imported from examples/<filePrefix>*.json, as startProduct lists it. */
export function exampleWorkflow(product, filePrefix) {
	const workflow = product.workflows.find((candidate) => candidate.file.startsWith(filePrefix));
	if (!workflow) throw new Error(`no example ${filePrefix}*.json among ${product.workflows.map((candidate) => candidate.file).join(', ')}`);
	return workflow;
}

/**
 * POSTs `body` to n8n at `trigger.path` + `query` (a trigger's production path, or any path of
 * n8n's); returns {status, text, json} (json undefined when the answer is not JSON).
 */
export async function postCallback(product, trigger, query, body, contentType = 'application/json') {
	const response = await fetch(`${product.n8n.url}${trigger.path}${query}`, {
		method: 'POST',
		headers: { 'content-type': contentType },
		body,
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` until it returns something truthy (returned), or throws after `timeoutMs` with
 * `what` and the last value / error seen, so a timeout says what was being waited for.
 */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 200 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	let lastError;
	for (;;) {
		try {
			const value = await probe();
			if (value) return value;
			last = value;
			lastError = undefined;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const detail = lastError ? `last error: ${lastError.message}` : `last value: ${short(last)}`;
			throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what} (${detail})`);
		}
		await sleep(intervalMs);
	}
}

/** Checks that `probe` stays truthy for `windowMs` (a negative check needs an observation window). */
export async function staysTrue(what, probe, { windowMs = 1500, intervalMs = 250 } = {}) {
	const until = Date.now() + windowMs;
	while (Date.now() < until) {
		const value = await probe();
		if (!value) throw new Error(`${what} stopped holding within ${windowMs} ms`);
		await sleep(intervalMs);
	}
}

export function short(value, max = 600) {
	const text = typeof value === 'string' ? value : JSON.stringify(value);
	return text === undefined ? String(value) : text.length > max ? `${text.slice(0, max)}…` : text;
}

const NPM_START_PORTS = [5678, 5679, 5681, 5682, 5683, 5684, 5685, 5686];

/**
 * Free ports for one product: n8n's and the first of the local services' range (two sinks and a
 * simulator per provider), never those `npm start` uses.
 */
export async function freeProductPorts() {
	let port;
	do port = await findFreePort(); while (NPM_START_PORTS.includes(port));
	const firstServicePort = await findFreePortRange(2 + PROVIDERS.length, { avoid: [port, ...NPM_START_PORTS] });
	return { port, firstServicePort };
}

// ---------------------------------------------------------------------------------------------
// Callback signing, as nodes/shared/callback.ts does it
// ---------------------------------------------------------------------------------------------

const DERIVATION_LABEL = 'n8n-nodes-render-hooks/callback-signing-key';
const SIGNED_EXTRA_PARAMS = ['item', 'exp'];

/** The credential's webhook secret, or HMAC-SHA256(label, apiKey) hex when it has none. */
export function callbackSigningKey({ apiKey = '', webhookSecret = '' }) {
	if (webhookSecret) return webhookSecret;
	return crypto.createHmac('sha256', DERIVATION_LABEL).update(apiKey).digest('hex');
}

export function signReference(key, text) {
	return crypto.createHmac('sha256', key).update(text).digest('hex');
}

/** What is signed: the reference, then `\n<name>=<value>` for each extra present, in fixed order. */
function signedText(reference, extras = {}) {
	return SIGNED_EXTRA_PARAMS.reduce(
		(text, name) => (extras[name] === undefined ? text : `${text}\n${name}=${extras[name]}`),
		reference,
	);
}

export function signedCallbackUrl(baseUrl, key, reference, extras = {}) {
	const url = new URL(baseUrl);
	url.searchParams.set('ref', reference);
	for (const name of SIGNED_EXTRA_PARAMS) if (extras[name] !== undefined) url.searchParams.set(name, extras[name]);
	url.searchParams.set('sig', signReference(key, signedText(reference, extras)));
	return url.toString();
}

/** Whether a callback URL handed out by the package carries a valid `sig` for its `ref` and extras. */
export function hasValidSignature(callbackUrl, key) {
	const query = new URL(callbackUrl).searchParams;
	const reference = query.get('ref');
	const signature = query.get('sig');
	if (!reference || !signature) return false;
	const extras = {};
	for (const name of SIGNED_EXTRA_PARAMS) if (query.has(name)) extras[name] = query.get(name);
	return signReference(key, signedText(reference, extras)) === signature;
}

// ---------------------------------------------------------------------------------------------
// n8n executions over REST
// ---------------------------------------------------------------------------------------------

/**
 * n8n stores and serves execution data in the `flatted` format (an array whose first entry is the
 * root; inside objects every string is the index of the entry holding it). Decoded here to stay
 * dependency-free.
 */
export function unflatten(text) {
	const input = JSON.parse(text);
	const revived = new Map();
	const resolve = (index) => {
		const value = input[index];
		if (typeof value !== 'object' || value === null) return value;
		if (revived.has(index)) return revived.get(index);
		const output = Array.isArray(value) ? [] : {};
		revived.set(index, output);
		for (const [key, reference] of Object.entries(value)) {
			output[key] = typeof reference === 'string' ? resolve(Number(reference)) : reference;
		}
		return output;
	};
	return resolve(0);
}

/** Executions of one workflow, newest first (GET /rest/executions?filter=...). */
export async function listExecutions(client, workflowId, { limit = 100 } = {}) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const answer = await client.request(`/rest/executions?filter=${filter}&limit=${limit}`);
	const results = Array.isArray(answer) ? answer : answer?.results ?? [];
	return results.filter((execution) => String(execution.workflowId) === String(workflowId));
}

/** One execution with its run data decoded: {..., data: {resultData: {runData, error?}}}. */
export async function getExecution(client, executionId) {
	const execution = await client.request(`/rest/executions/${executionId}`);
	if (typeof execution.data === 'string') execution.data = unflatten(execution.data);
	return execution;
}

/** The items a node emitted on its first output in its last run. */
export function nodeOutput(execution, nodeName) {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	if (!runs?.length) return undefined;
	return runs[runs.length - 1].data?.main?.[0] ?? [];
}

/** Why an execution failed, from its data: the workflow error and every node's error. */
export function executionErrors(execution) {
	const resultData = execution.data?.resultData ?? {};
	const lines = [];
	if (resultData.error) lines.push(`workflow: ${describeError(resultData.error)}`);
	for (const [nodeName, runs] of Object.entries(resultData.runData ?? {})) {
		for (const run of runs ?? []) if (run.error) lines.push(`node "${nodeName}": ${describeError(run.error)}`);
	}
	return lines;
}

function describeError(error) {
	return [error.message, error.description, error.httpCode && `HTTP ${error.httpCode}`]
		.filter(Boolean)
		.join(' | ');
}

/** A line per execution for failure messages: status and errors, or why it could not be read. */
export async function describeExecutions(client, executionIds) {
	const lines = [];
	for (const id of new Set(executionIds)) {
		try {
			const execution = await getExecution(client, id);
			const errors = executionErrors(execution);
			const ran = Object.keys(execution.data?.resultData?.runData ?? {}).join(', ');
			lines.push(`execution ${id}: status ${execution.status}, finished ${execution.finished}, nodes run: [${ran}]` +
				(errors.length ? `\n    ${errors.join('\n    ')}` : ''));
		} catch (error) {
			lines.push(`execution ${id}: could not be read (${error.message})`);
		}
	}
	return lines.join('\n');
}

/** Waits until an execution of `workflowId` newer than `afterId` has finished; returns the list seen. */
export async function waitForFinishedExecution(client, workflowId, { afterIds = new Set(), timeoutMs = 60_000, onSeen } = {}) {
	return waitFor(`an execution of workflow ${workflowId} to finish`, async () => {
		const fresh = (await listExecutions(client, workflowId)).filter((execution) => !afterIds.has(String(execution.id)));
		for (const execution of fresh) onSeen?.(execution);
		const finished = fresh.find((execution) => FINAL_EXECUTION_STATUSES.has(execution.status));
		return finished ?? false;
	}, { timeoutMs, intervalMs: 150 });
}

// ---------------------------------------------------------------------------------------------
// Diagnostics and timings
// ---------------------------------------------------------------------------------------------

/**
 * Rethrows `error` with the n8n log tail, the local services' output and the executions' errors
 * appended (the original stays as `cause`).
 */
export async function enrichError(error, { product, executionIds = [], servicesLog = [] }) {
	const parts = [error.message];
	if (product?.client && executionIds.length) {
		parts.push(`--- executions ---\n${await describeExecutions(product.client, executionIds)}`);
	}
	if (servicesLog.length) parts.push(`--- local services (last lines) ---\n${servicesLog.join('').split('\n').slice(-20).join('\n')}`);
	if (product?.n8n?.logFile) parts.push(`--- tail of ${product.n8n.logFile} ---\n${n8nLogTail(product.n8n.logFile)}`);
	const enriched = new Error(parts.join('\n'), { cause: error });
	return enriched;
}

/**
 * The last lines of n8n's log of this run, without the start-up noise (migrations, notices) when
 * n8n got as far as serving: what happened while the checks ran is what explains a failure.
 */
export function n8nLogTail(logFile, maxLines = 60) {
	const run = tailOfFile(logFile, 5000);
	const marker = run.lastIndexOf('Editor is now accessible via');
	return (marker >= 0 ? run.slice(marker) : run).split('\n').slice(-maxLines).join('\n');
}

/** How many lines of n8n's log (all runs) contain `text`. */
export function countLogLines(logFile, text) {
	try {
		return fs.readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes(text)).length;
	} catch {
		return 0;
	}
}

const ISO_IN_BRACKETS = /\[(\d{4}-\d\d-\d\dT[\d:.]+Z)\]/g;

function logHeaderTimes(file) {
	try {
		return [...fs.readFileSync(file, 'utf8').matchAll(ISO_IN_BRACKETS)].map((match) => Date.parse(match[1]));
	} catch {
		return [];
	}
}

/**
 * Records startProduct's `step` lines with their times; `phases(endedAt)` gives each step's
 * duration (until the next step, the last one until `endedAt`) for the summary.
 */
export function createStepTimer(startedAt = Date.now()) {
	const steps = [];
	return {
		step: (line) => steps.push({ line, at: Date.now() }),
		phases: (endedAt = Date.now()) => steps.map((entry, index) => ({
			step: entry.line.length > 90 ? `${entry.line.slice(0, 87)}...` : entry.line,
			seconds: ((steps[index + 1]?.at ?? endedAt) - entry.at) / 1000,
		})).filter((phase, index) => index > 0 || steps[0].at - startedAt >= 0),
	};
}

/** Services output collector for startProduct's `log` option (keeps the last ~200 chunks). */
export function createLogCollector(limit = 200) {
	const lines = [];
	const log = (chunk) => {
		lines.push(String(chunk));
		if (lines.length > limit) lines.splice(0, lines.length - limit);
	};
	return { lines, log };
}

/** A base64 image run anywhere in a JSON text (a PNG's base64 starts with iVBORw0KGgo). */
export function findBase64(value) {
	const text = JSON.stringify(value);
	const match = /iVBORw0KGgo|[A-Za-z0-9+/]{200,}={0,2}/.exec(text);
	return match ? text.slice(Math.max(0, match.index - 40), match.index + 80) : undefined;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sha256(buffer) {
	return crypto.createHash('sha256').update(buffer).digest('hex');
}

/**
 * Webhook {jobs: [{name}]} → Split Out (one item per job) → RunPod (raw input, Wait for Callback):
 * the workflow the batch and queue-mode suites resume. `idPrefix` (one hex digit) keeps node and
 * webhook ids apart between workflows of one n8n.
 */
export function waitForCallbackWorkflow(credential, { name, path, idPrefix, waitOptions }) {
	const id = (suffix) => `${idPrefix}0000000-0000-4000-8000-0000000000${suffix}`;
	return {
		name,
		nodes: [
			{
				parameters: { httpMethod: 'POST', path, options: {} },
				id: id('01'),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: id('a1'),
			},
			{
				parameters: { fieldToSplitOut: 'body.jobs', options: {} },
				id: id('02'),
				name: 'One item per job',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
			},
			{
				parameters: {
					operation: 'run',
					endpointId: 'sim-endpoint',
					inputType: 'raw',
					rawInput: '={{ JSON.stringify($json) }}',
					waitFor: 'callback',
					correlationId: '={{ $json.name }}',
					waitOptions,
				},
				id: id('03'),
				name: 'RunPod',
				type: NODE_TYPES.runPod,
				typeVersion: 1,
				position: [440, 0],
				webhookId: id('a3'),
				credentials: { [credential.type]: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'One item per job', type: 'main', index: 0 }]] },
			'One item per job': { main: [[{ node: 'RunPod', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

// ---------------------------------------------------------------------------------------------
// Trigger deliveries: exactly one execution per job
// ---------------------------------------------------------------------------------------------

/**
 * Delivers each job's callback as `deliver` says, then waits until every job has a finished
 * execution and no further execution appears for 2 s; returns the answers and the executions
 * grouped by job (from each new execution's trigger output).
 */
export async function deliverAndCount(product, trigger, jobs, { executionIds, deliver }) {
	const { client } = product;
	const known = new Set((await listExecutions(client, trigger.workflow.id)).map((execution) => String(execution.id)));
	const perJob = [];
	for (const job of jobs) perJob.push({ job, answers: await deliver(job) });

	const fresh = async () => (await listExecutions(client, trigger.workflow.id)).filter((execution) => !known.has(String(execution.id)));
	await waitFor(`${jobs.length} finished executions of the trigger workflow`, async () => {
		const executions = await fresh();
		for (const execution of executions) if (!executionIds.includes(execution.id)) executionIds.push(execution.id);
		return executions.filter((execution) => FINAL_EXECUTION_STATUSES.has(execution.status)).length >= jobs.length;
	}, { timeoutMs: 30_000 });
	// Settle: a duplicate that slipped through may start its execution a moment later.
	let settled = (await fresh()).length;
	let stableSince = Date.now();
	await waitFor('the trigger workflow to start no further execution for 2 s', async () => {
		const count = (await fresh()).length;
		if (count !== settled) {
			settled = count;
			stableSince = Date.now();
		}
		return Date.now() - stableSince >= 2000;
	}, { timeoutMs: 15_000, intervalMs: 250 });

	const newExecutions = await fresh();
	for (const execution of newExecutions) if (!executionIds.includes(execution.id)) executionIds.push(execution.id);
	const executionsByJob = new Map(jobs.map((job) => [job.jobId, []]));
	for (const execution of newExecutions) {
		const detail = await getExecution(client, execution.id);
		const [item] = nodeOutput(detail, trigger.node.name) ?? [];
		const list = executionsByJob.get(item?.json?.jobId);
		if (list) list.push({ id: execution.id, status: execution.status, item });
		else executionsByJob.set(`(unknown: ${item?.json?.jobId})`, [{ id: execution.id, status: execution.status, item }]);
	}
	return { perJob, newExecutions, executionsByJob };
}

/** Every job started exactly one successful execution emitting its RenderResult with the image. */
export function assertOneExecutionPerJob({ perJob, newExecutions, executionsByJob }) {
	const problems = [];
	for (const { job, answers } of perJob) {
		const executions = executionsByJob.get(job.jobId) ?? [];
		if (executions.length !== 1) {
			problems.push(`job ${job.jobId}: ${executions.length} executions [${executions.map((execution) => execution.id).join(', ')}], ` +
				`answers ${answers.map((answer) => `${answer.status} ${answer.text}`).join(' / ')}`);
		}
	}
	for (const [jobId, executions] of executionsByJob) {
		if (jobId.startsWith('(unknown')) problems.push(`executions for an unexpected job ${jobId}: ${executions.map((execution) => execution.id).join(', ')}`);
	}
	assert.deepEqual(problems, [], `each job must start exactly one execution; ${newExecutions.length} executions for ${perJob.length} jobs`);
	for (const { job } of perJob) {
		const [{ id, status, item }] = executionsByJob.get(job.jobId);
		assert.equal(status, 'success', `execution ${id} for ${job.jobId} ended "${status}"`);
		assert.equal(item.json.correlationId, job.reference, `trigger output of execution ${id}: ${short(item.json)}`);
		assert.equal(item.json.status, 'completed');
		assert.equal(item.binary?.data?.mimeType, 'image/png', `binary of the trigger item: ${short(item.binary)}`);
	}
	const duplicatesAnswered = perJob.filter(({ answers }) => answers.some((answer) => answer.json?.duplicate === true)).length;
	assert.equal(duplicatesAnswered, perJob.length, `every job's repeat is answered duplicate:true (${duplicatesAnswered} of ${perJob.length})`);
}

/**
 * A proxy in front of a simulator that records each request ({method, path, body (parsed JSON or
 * text), at}) and forwards it unchanged: how a check sees what a node sent to a simulator that runs
 * in the product's own process. Point a second credential's base URLs at `url`.
 */
export async function startRecordingProxy(targetOrigin) {
	const requests = [];
	const server = http.createServer(async (req, res) => {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const raw = Buffer.concat(chunks);
		let body;
		try {
			body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
		} catch {
			body = raw.toString('utf8');
		}
		requests.push({ method: req.method, path: req.url, body, at: Date.now() });
		try {
			const headers = Object.fromEntries(['authorization', 'content-type'].filter((name) => req.headers[name]).map((name) => [name, req.headers[name]]));
			const answer = await fetch(`${targetOrigin}${req.url}`, { method: req.method, headers, body: raw.length ? raw : undefined });
			const bytes = Buffer.from(await answer.arrayBuffer());
			res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
			res.end(bytes);
		} catch (error) {
			res.writeHead(502, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ error: `proxy: ${error.message}` }));
		}
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		close: () => new Promise((resolve) => {
			server.closeAllConnections?.();
			server.close(() => resolve());
		}),
	};
}
