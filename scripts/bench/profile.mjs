/**
 * Where n8n's main thread spends its time per callback: n8n runs with --cpu-prof, takes `seconds`
 * of load at 10 connections on the RunPod Trigger, then (after a restart) on n8n's Webhook node,
 * and each profile is cut to the load window (first to last sample inside n8n's webhook handling)
 * and summed per n8n step: the CPU ms per answered request a step's frames were on the stack.
 *
 *   node scripts/bench/profile.mjs [--seconds 12] [--lazy-acquire]
 *
 * --lazy-acquire runs n8n with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (an expression sandbox only
 * for requests that evaluate an expression).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { closedLoop } from './load.mjs';
import { callbackBody, signedQuery, startRig, triggerWorkflow, webhookNodeWorkflow } from './rig.mjs';

const { values: options } = parseArgs({
	options: { seconds: { type: 'string', default: '12' }, 'lazy-acquire': { type: 'boolean', default: false } },
});

/** n8n steps of a production webhook request, by the function names that run them (inclusive time). */
const STEPS = [
	['webhook request, in all', /^executeWebhook$/],
	['workflow load (DB)', /^(loadWebhookExecutionData|getPublishedWorkflowData|loadFromActiveVersion)$/],
	['expression isolate acquire', /^(acquire|acquireIsolate|createIsolate|createBridge)$/],
	['body parse', /^(parseRequestBody|parseBody)$/],
	['node webhook()', /^(runWebhook)$/],
	['credentials decrypt', /^(getDecrypted|getCredentials)$/],
	['static data save', /^saveStaticData$/],
	['execution start (WorkflowRunner.run)', /^(run|runMainProcess)$/, /workflow-runner/],
	['execution run (processRunExecutionData)', /^processRunExecutionData$/],
	['node execute()', /^(emitReceivedRenders|renderItems)$/],
	['binary data store', /^(prepareBinaryData|setBinaryDataBuffer|store)$/, /binary/i],
	['execution save (DB)', /^(updateExistingExecution|createNewExecution|saveExecutionProgress)$/],
	['garbage collection', /^\(garbage collector\)$/],
];

function analyse(file, requests) {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const stackOf = (id) => {
		const stack = [];
		for (let current = id; current !== undefined; current = parent.get(current)) stack.push(byId.get(current).callFrame);
		return stack;
	};
	let time = profile.startTime;
	const samples = profile.samples.map((id, index) => ({ id, at: (time += profile.timeDeltas[index]) }));
	const inWebhook = (sample) => stackOf(sample.id).some((frame) => frame.functionName === 'executeWebhook');
	const first = samples.findIndex(inWebhook);
	const last = samples.length - 1 - [...samples].reverse().findIndex(inWebhook);
	const window = samples.slice(first, last + 1);
	const totals = Object.fromEntries(STEPS.map(([name]) => [name, 0]));
	let busy = 0;
	for (let index = 0; index < window.length; index++) {
		const ms = (window[index + 1]?.at ?? window[index].at) / 1000 - window[index].at / 1000;
		const stack = stackOf(window[index].id);
		if (stack[0].functionName !== '(idle)' && stack[0].functionName !== '(program)') busy += ms;
		for (const [name, pattern, urlPattern] of STEPS) {
			if (stack.some((frame) => pattern.test(frame.functionName) && (!urlPattern || urlPattern.test(frame.url)))) totals[name] += ms;
		}
	}
	const seconds = (window.at(-1).at - window[0].at) / 1e6;
	return { seconds, busyPerRequest: busy / requests, perRequest: Object.fromEntries(Object.entries(totals).map(([name, ms]) => [name, ms / requests])) };
}

async function loadAndProfile(rig, workflow, pathOf, label) {
	const run = `${label}-${Date.now()}`;
	const figures = await closedLoop({
		connections: 10,
		seconds: Number(options.seconds),
		nextRequest: (index) => {
			const jobId = `prof-${run}-${index}`;
			return { url: `${rig.n8n.url}${pathOf}${signedQuery(rig.signingKey, `ref-${jobId}`)}`, body: callbackBody(jobId) };
		},
	});
	await new Promise((resolve) => setTimeout(resolve, 3000));
	return figures;
}

async function main() {
	const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-profile-'));
	const env = (name) => ({
		NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.join(profileDir, name)}`,
		...(options['lazy-acquire'] ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {}),
	});
	const rig = await startRig({ env: env('trigger'), log: (line) => process.stderr.write(`[profile] ${line}\n`) });
	const results = {};
	try {
		const trigger = await rig.createWorkflow(triggerWorkflow(rig.credential));
		const webhook = await rig.createWorkflow(webhookNodeWorkflow());
		const triggerLoad = await loadAndProfile(rig, trigger, trigger.webhookPaths['RunPod Trigger'], 'trigger');
		await rig.restartN8n({ env: env('webhook') });
		const webhookLoad = await loadAndProfile(rig, webhook, webhook.webhookPaths.Webhook, 'webhook');
		await rig.n8n.stop();
		for (const [name, load] of [['trigger', triggerLoad], ['webhook', webhookLoad]]) {
			const dir = path.join(profileDir, name);
			// The largest profile is n8n's main process (the task runner's is small).
			const [file] = fs.readdirSync(dir).map((entry) => path.join(dir, entry)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
			results[name] = { requests: load.ok, perSecond: load.perSecond, p50: load.p50, ...analyse(file, load.ok) };
		}
	} finally {
		await rig.stop();
		rig.removeUserFolder();
	}
	process.stdout.write(`profiles in ${profileDir}\n`);
	process.stdout.write(`${'main-thread CPU ms per request'.padEnd(42)}${'trigger'.padStart(10)}${'Webhook node'.padStart(14)}\n`);
	const row = (name, a, b) => process.stdout.write(`${name.padEnd(42)}${a.toFixed(1).padStart(10)}${b.toFixed(1).padStart(14)}\n`);
	row('req/s', results.trigger.perSecond, results.webhook.perSecond);
	row('busy (not idle)', results.trigger.busyPerRequest, results.webhook.busyPerRequest);
	for (const [name] of STEPS) row(name, results.trigger.perRequest[name], results.webhook.perRequest[name]);
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exit(1);
});
