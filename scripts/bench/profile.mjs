/**
 * Where n8n's main thread spends its time per request: n8n runs with --cpu-prof, takes `seconds`
 * of load at 10 connections on one contender, is restarted for the next (one profile each), and
 * each profile is cut to the load window (first to last sample inside n8n's webhook handling) and
 * summed: the CPU ms per answered request that n8n's steps, each code package (self time) and
 * each function (inclusive) were on the stack. Also the CPU n8n's whole process used (all threads,
 * sqlite's included, from /proc) per request. A sample's time is wall time to the next sample, so
 * on a busy machine the profile's figures grow with the wait for a core; the /proc figure does not. Then what the RunPod Trigger costs beyond the
 * reference trigger (a community trigger that only emits its body; rig.mjs), function by function.
 *
 *   node scripts/bench/profile.mjs [--seconds 12] [--lazy-acquire] [--targets trigger,reference,webhook,triggerImage] [--top 25] [--deliveries 1000]
 *
 * Contenders: trigger (RunPod Trigger, latest version, a callback without an image), triggerImage
 * (the same with an image URL it downloads), both starting with `--deliveries` earlier deliveries
 * in their static data (default: a full delivery memory, as a trigger that has run a while has;
 * 0 for a new one), triggerNew (not by default: the trigger starting with no earlier deliveries,
 * to see what a full delivery memory costs), reference (the do-nothing community trigger),
 * webhook (n8n's Webhook node). --lazy-acquire runs n8n with
 * N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true (an expression sandbox only for requests that
 * evaluate an expression).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { closedLoop, processCpuMs } from './load.mjs';
import {
	DELIVERY_MEMORY, TRIGGER_LATEST_VERSION, callbackBody, fillDeliveryMemory, referenceTriggerWorkflow, signedQuery, startRig, triggerWorkflow, webhookNodeWorkflow,
} from './rig.mjs';

const { values: options } = parseArgs({
	options: {
		seconds: { type: 'string', default: '12' },
		'lazy-acquire': { type: 'boolean', default: false },
		targets: { type: 'string', default: 'trigger,reference,webhook,triggerImage' },
		top: { type: 'string', default: '25' },
		deliveries: { type: 'string', default: String(DELIVERY_MEMORY) },
	},
});
const say = (line = '') => process.stdout.write(`${line}\n`);

/** n8n steps of a production webhook request and its execution, by the functions that run them (inclusive time). */
const STEPS = [
	['webhook request, in all', /^executeWebhook$/, /live-webhooks/],
	['workflow load (DB)', /^(loadWebhookExecutionData|loadFromPublishedVersion|loadFromActiveVersion|getPublishedWorkflowData)$/],
	['additional data (getBase)', /^getBase$/, /workflow-execute-additional-data/],
	['expression isolate acquire / release', /^(acquire|acquireIsolate|acquireBridgeSync|releaseIsolate|release|createBridge|initializeSync|initialize)$/, /expression-runtime|expression\.js|workflow-expression/],
	['expression evaluation', /^(evaluate|resolveSimpleParameterValue|getParameterValue|getSimpleParameterValue|getComplexParameterValue)$/, /expression/],
	['getNodeWebhooks (webhook description)', /^(getNodeWebhooks|getNodeWebhookPath|getNodeWebhookUrl)$/],
	['node webhook()', /^webhook$/, /\.node\.js$/],
	['  getNodeParameter (webhook & execute)', /^getNodeParameter$/],
	['  credentials read + decrypt', /^(getCredentials|getDecrypted|getDecryptedCredentials|getCredentialsProperties|applyDefaultsAndOverwrites)$/],
	['  getWorkflowStaticData', /^getWorkflowStaticData$/],
	['static data save (DB)', /^(saveStaticData|saveStaticDataById)$/],
	['execution start (WorkflowRunner.run)', /^(run|runMainProcess)$/, /workflow-runner/],
	['execution run (processRunExecutionData)', /^processRunExecutionData$/],
	['  node execute()', /^execute$/, /\.node\.js$/],
	['  binary data store', /^(prepareBinaryData|setBinaryDataBuffer|store)$/, /binary/i],
	['  HTTP download (httpRequest helper)', /^(httpRequest|proxyRequestToAxios|invokeAxios)$/],
	['execution save (DB)', /^(updateExistingExecution|createNewExecution|saveExecutionProgress|save|updateExecution)$/, /execution/i],
	['garbage collection', /^\(garbage collector\)$/],
];

/** The code package a frame's script belongs to: node_modules/<package>, our package, or node's own. */
function packageOf(url) {
	if (!url) return '(native / V8)';
	if (url.startsWith('node:')) return 'node: (Node internals)';
	const match = /node_modules\/((?:@[^/]+\/)?[^/]+)(?!.*node_modules)/.exec(url);
	return match ? match[1] : url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

function analyse(file, requests) {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const stacks = new Map();
	const stackOf = (id) => {
		let stack = stacks.get(id);
		if (!stack) {
			stack = [];
			for (let current = id; current !== undefined; current = parent.get(current)) stack.push(byId.get(current).callFrame);
			stacks.set(id, stack);
		}
		return stack;
	};
	let time = profile.startTime;
	const samples = profile.samples.map((id, index) => ({ id, at: (time += profile.timeDeltas[index]) }));
	const inWebhook = (sample) => stackOf(sample.id).some((frame) => frame.functionName === 'executeWebhook');
	const first = samples.findIndex(inWebhook);
	const last = samples.length - 1 - [...samples].reverse().findIndex(inWebhook);
	const window = samples.slice(first, last + 1);
	const steps = Object.fromEntries(STEPS.map(([name]) => [name, 0]));
	const packages = {};
	const functions = {};
	let busy = 0;
	for (let index = 0; index < window.length; index++) {
		const ms = ((window[index + 1]?.at ?? window[index].at) - window[index].at) / 1000;
		const stack = stackOf(window[index].id);
		const top = stack[0];
		if (top.functionName === '(idle)' || top.functionName === '(program)') continue;
		busy += ms;
		const owner = top.functionName === '(garbage collector)' ? '(garbage collector)' : packageOf(top.url);
		packages[owner] = (packages[owner] ?? 0) + ms;
		for (const [name, pattern, urlPattern] of STEPS) {
			if (stack.some((frame) => pattern.test(frame.functionName) && (!urlPattern || urlPattern.test(frame.url)))) steps[name] += ms;
		}
		// Inclusive time per function (each counted once per sample, however deep it recurses).
		const seen = new Set();
		for (const frame of stack) {
			const key = `${frame.functionName || '(anonymous)'}  ${packageOf(frame.url)}${frame.url ? `:${path.basename(frame.url)}` : ''}`;
			if (seen.has(key)) continue;
			seen.add(key);
			const entry = (functions[key] ??= { inclusive: 0, self: 0 });
			entry.inclusive += ms;
			if (frame === top) entry.self += ms;
		}
	}
	const perRequest = (totals) => Object.fromEntries(Object.entries(totals).map(([name, ms]) => [name, ms / requests]));
	return {
		seconds: (window.at(-1).at - window[0].at) / 1e6,
		busyPerRequest: busy / requests,
		steps: perRequest(steps),
		packages: perRequest(packages),
		functions: Object.fromEntries(Object.entries(functions).map(([name, { inclusive, self }]) => [name, { inclusive: inclusive / requests, self: self / requests }])),
	};
}

async function loadAndProfile(rig, contender, label) {
	const run = `${label}-${Date.now()}`;
	const cpuBefore = processCpuMs(rig.n8n.pid);
	const figures = await closedLoop({
		connections: 10,
		seconds: Number(options.seconds),
		nextRequest: (index) => {
			const jobId = `prof-${run}-${index}`;
			return {
				url: `${rig.n8n.url}${contender.path}${signedQuery(rig.signingKey, `ref-${jobId}`)}`,
				body: callbackBody(jobId, 'COMPLETED', { images: contender.images ?? [] }),
			};
		},
	});
	// The executions of the last answered requests finish inside the profile too.
	await new Promise((resolve) => setTimeout(resolve, 3000));
	return { ...figures, processCpuMsPerRequest: (processCpuMs(rig.n8n.pid) - cpuBefore) / figures.ok };
}

async function main() {
	const targets = options.targets.split(',').map((name) => name.trim()).filter(Boolean);
	const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-profile-'));
	const env = (name) => ({
		NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.join(profileDir, name)}`,
		...(options['lazy-acquire'] ? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } : {}),
	});
	say(`profile: n8n with${options['lazy-acquire'] ? ' N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true' : ' its default expression engine settings'}, ${options.seconds} s at 10 connections per contender, triggers starting with ${options.deliveries} deliveries in their static data, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
	const rig = await startRig({ env: env(targets[0]), reference: true, log: (line) => process.stderr.write(`[profile] ${line}\n`) });
	const results = {};
	try {
		const trigger = await rig.createWorkflow(triggerWorkflow(rig.credential, { typeVersion: TRIGGER_LATEST_VERSION }));
		const triggerImage = await rig.createWorkflow(triggerWorkflow(rig.credential, { typeVersion: TRIGGER_LATEST_VERSION }));
		const triggerNew = await rig.createWorkflow(triggerWorkflow(rig.credential, { typeVersion: TRIGGER_LATEST_VERSION }));
		if (Number(options.deliveries) > 0) {
			for (const workflow of [trigger, triggerImage]) await fillDeliveryMemory(rig, workflow, Number(options.deliveries));
		}
		const reference = await rig.createWorkflow(referenceTriggerWorkflow());
		const webhook = await rig.createWorkflow(webhookNodeWorkflow());
		const contenders = {
			trigger: { path: trigger.webhookPaths['RunPod Trigger'] },
			triggerImage: { path: triggerImage.webhookPaths['RunPod Trigger'], images: [`${rig.sim.url}/samples/bench-image.png`] },
			triggerNew: { path: triggerNew.webhookPaths['RunPod Trigger'] },
			reference: { path: reference.webhookPaths['Bench Reference Trigger'] },
			webhook: { path: webhook.webhookPaths.Webhook },
		};
		const loads = {};
		for (const [index, name] of targets.entries()) {
			if (!contenders[name]) throw new Error(`unknown target ${name}; the targets are ${Object.keys(contenders).join(', ')}`);
			if (index > 0) await rig.restartN8n({ env: env(name) });
			loads[name] = await loadAndProfile(rig, contenders[name], name);
			process.stderr.write(`[profile] ${name}: ${loads[name].perSecond.toFixed(1)} req/s, ${loads[name].ok} answered\n`);
		}
		await rig.n8n.stop();
		for (const name of targets) {
			const dir = path.join(profileDir, name);
			// The largest profile is n8n's main process (the task runner's is small).
			const [file] = fs.readdirSync(dir).map((entry) => path.join(dir, entry)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
			results[name] = {
				requests: loads[name].ok, perSecond: loads[name].perSecond, p50: loads[name].p50,
				processCpuMsPerRequest: loads[name].processCpuMsPerRequest, file, ...analyse(file, loads[name].ok),
			};
		}
	} finally {
		await rig.stop();
		rig.removeUserFolder();
	}
	fs.writeFileSync(path.join(profileDir, 'summary.json'), `${JSON.stringify(results, null, 2)}\n`);
	report(results, targets, profileDir);
}

function report(results, targets, profileDir) {
	say(`profiles and summary.json in ${profileDir}; load average now ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}`);
	const diff = results.trigger && results.reference;
	const columns = [...targets, ...(diff ? ['trigger − reference'] : [])];
	const header = (title) => say(`\n${title.padEnd(46)}${columns.map((name) => name.padStart(14)).join('')}`);
	const row = (label, pick) => {
		const values = targets.map((name) => pick(results[name]) ?? 0);
		if (diff) values.push((pick(results.trigger) ?? 0) - (pick(results.reference) ?? 0));
		say(`${label.slice(0, 46).padEnd(46)}${values.map((value) => value.toFixed(2).padStart(14)).join('')}`);
	};
	header('main-thread CPU ms per answered request');
	row('req/s', (result) => result.perSecond);
	row('answered requests', (result) => result.requests);
	row('n8n process CPU, all threads (/proc)', (result) => result.processCpuMsPerRequest);
	row('main thread busy (profile samples)', (result) => result.busyPerRequest);
	for (const [name] of STEPS) row(name, (result) => result.steps[name]);

	header('self time by code package');
	const packageNames = [...new Set(targets.flatMap((name) => Object.keys(results[name].packages)))];
	const byWeight = (names, pick) => names.sort((a, b) => Math.max(...targets.map((name) => pick(results[name], b) ?? 0)) - Math.max(...targets.map((name) => pick(results[name], a) ?? 0)));
	for (const name of byWeight(packageNames, (result, key) => result.packages[key]).slice(0, 20)) row(name, (result) => result.packages[name]);

	const top = Number(options.top);
	for (const [variant, label] of [['trigger', 'RunPod Trigger'], ['triggerImage', 'RunPod Trigger with image'], ['triggerNew', 'RunPod Trigger, new (no deliveries)']]) {
		if (!results[variant] || !results.reference) continue;
		const names = [...new Set([...Object.keys(results[variant].functions), ...Object.keys(results.reference.functions)])];
		const delta = (name, kind) => (results[variant].functions[name]?.[kind] ?? 0) - (results.reference.functions[name]?.[kind] ?? 0);
		for (const kind of ['inclusive', 'self']) {
			say(`\n${label} − reference trigger, ${kind} CPU ms per request, top ${top} functions by difference`);
			say(`${'difference'.padStart(11)}${variant.padStart(14)}${'reference'.padStart(11)}  function  package:file`);
			for (const name of names.sort((a, b) => delta(b, kind) - delta(a, kind)).slice(0, top)) {
				say(`${delta(name, kind).toFixed(2).padStart(11)}${(results[variant].functions[name]?.[kind] ?? 0).toFixed(2).padStart(14)}${(results.reference.functions[name]?.[kind] ?? 0).toFixed(2).padStart(11)}  ${name}`);
			}
		}
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exit(1);
});
