/**
 * `npm run bench`: a real n8n (2.40.7, one main process, sqlite) with this package and a RunPod
 * simulator, and each figure as a ratio measured side by side in this one run (see measures.mjs).
 * Trigger throughput is measured against n8n's Webhook node and against a do-nothing community
 * trigger the bench builds and installs beside the package (rig.mjs, writeReferencePackage): the
 * most any community trigger gets from n8n. Prints them, writes docs/bench.json and draws
 * docs/bench.svg. Not part of CI.
 *
 *   npm run bench [-- --rounds 4 --seconds 8 --poll-runs 10 --no-queue]  (4 rounds: each of the 4
 *   throughput contenders once in each position, see roundOrder)
 *   npm run bench -- --only-wait   (only Wait for Callback vs Poll, merged into docs/bench.json)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { nodeFor } from '../n8n/install.mjs';
import { DEFAULT_N8N_VERSION, REPO_ROOT } from '../n8n/paths.mjs';
import { ratioChart } from './chart.mjs';
import { largeCallback, pollUnderFaults, pollingCalls, submits, throughput, waitVersusPoll } from './measures.mjs';
import { queueModeAvailable, queueModeThroughput } from './queue.mjs';
import {
	TRIGGER_LATEST_VERSION, fillDeliveryMemory, referenceTriggerWorkflow, startRig, triggerWorkflow, webhookNodeWorkflow,
} from './rig.mjs';

const { values: options } = parseArgs({
	options: {
		rounds: { type: 'string', default: '4' },
		seconds: { type: 'string', default: '8' },
		'poll-runs': { type: 'string', default: '10' },
		'no-queue': { type: 'boolean', default: false },
		/** Only the Wait for Callback vs Poll figure (about 2 minutes), merged into the last written figures. */
		'only-wait': { type: 'boolean', default: false },
		version: { type: 'string', default: DEFAULT_N8N_VERSION },
	},
});
const rounds = Number(options.rounds);
const seconds = Number(options.seconds);
const say = (line) => process.stdout.write(`${line}\n`);
const LAZY = { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' };

async function main() {
	const startedAt = Date.now();
	say(`bench: n8n ${options.version}, one main process, ${os.cpus().length} CPUs, load average ${os.loadavg().map((load) => load.toFixed(1)).join(' ')}; bench on Node ${process.version}`);
	const rig = await startRig({
		version: options.version,
		reference: true,
		// Limits out of the way: the bench measures n8n and the nodes, not the simulated quotas.
		simulator: { queueMs: 50, runMs: 400, rateLimits: { run: 1e6, status: 1e6 }, runMaxConcurrentJobs: 1e6 },
		log: (line) => process.stderr.write(`[bench] ${line}\n`),
	});
	const figures = {
		version: options.version, cpus: os.cpus().length, date: new Date().toISOString(),
		benchNode: process.version, n8nNode: await n8nNodeVersion(options.version),
		settings: { rounds, seconds, connections: 10, triggerVersion: TRIGGER_LATEST_VERSION }, loadAverageBefore: os.loadavg(),
	};
	try {
		if (options['only-wait']) {
			say('\n8. Wait for Callback vs Poll, 100 items of 3 s, API answering in 100 ms');
			figures.waitVersusPoll = await waitVersusPoll(rig, { log: say });
		} else {
			await allFigures(rig, figures);
		}
	} finally {
		await rig.stop();
		rig.removeUserFolder();
	}
	figures.seconds = (Date.now() - startedAt) / 1000;
	figures.loadAverageAfter = os.loadavg();
	if (options['only-wait']) reportWaitOnly(figures);
	else report(figures);
}

/** Every figure but --only-wait's alone, in the order printed. */
async function allFigures(rig, figures) {
	const trigger = await rig.createWorkflow(triggerWorkflow(rig.credential, { typeVersion: TRIGGER_LATEST_VERSION }));
	const webhook = await rig.createWorkflow(webhookNodeWorkflow());
	const reference = await rig.createWorkflow(referenceTriggerWorkflow());
	// The same trigger, its own workflow (own delivery memory), for callbacks naming an image to download.
	const triggerImage = await rig.createWorkflow(triggerWorkflow(rig.credential, { typeVersion: TRIGGER_LATEST_VERSION }));
	// Both start with a full delivery memory (1000 keys in their static data), as a trigger that has run a while.
	for (const workflow of [trigger, triggerImage]) await fillDeliveryMemory(rig, workflow);
	const contenders = {
		webhookNode: { workflow: webhook, path: webhook.webhookPaths.Webhook },
		reference: { workflow: reference, path: reference.webhookPaths['Bench Reference Trigger'] },
		trigger: { workflow: trigger, path: trigger.webhookPaths['RunPod Trigger'] },
		// A small PNG the simulator serves: the trigger's execute() downloads it and stores it as a file.
		triggerImage: { workflow: triggerImage, path: triggerImage.webhookPaths['RunPod Trigger'], images: [`${rig.sim.url}/samples/bench-image.png`] },
	};
	const describe = `${rounds} interleaved rounds (order balanced, see roundOrder) of ${seconds} s at 10 connections: Webhook node, reference trigger, RunPod Trigger v${TRIGGER_LATEST_VERSION} (no image; an image to download; 1000 deliveries remembered)`;

	say(`\n1. throughput, ${describe} (n8n's default expression engine settings)`);
	figures.throughput = withRatios(await throughput(rig, { contenders, rounds, seconds, log: say }));
	say(`\n2. 15 MB callback, trigger vs Webhook node`);
	figures.largeCallback = await largeCallback(rig, { trigger, webhook, log: say });
	say(`\n3. 200 submits in one execution, API answering in 100 ms`);
	figures.submits = await submits(rig, { log: say });
	say(`\n4. status calls per polled job`);
	figures.polling = await pollingCalls(rig, { log: say });
	say(`\n5. Poll, 20 items, status calls answered 30% 429 + 10% 500`);
	figures.pollUnderFaults = await pollUnderFaults(rig, { runs: Number(options['poll-runs']), log: say });

	say('\n8. Wait for Callback vs Poll, 100 items of 3 s, API answering in 100 ms');
	figures.waitVersusPoll = await waitVersusPoll(rig, { log: say });

	say(`\n6. throughput again with ${Object.entries(LAZY).map(([name, value]) => `${name}=${value}`).join(' ')} (n8n restarted): ${describe}`);
	await rig.restartN8n({ env: LAZY });
	figures.throughputLazyAcquire = withRatios(await throughput(rig, { contenders, rounds, seconds, log: say }));
	await rig.restartN8n({ env: {} });

	if (options['no-queue'] || !queueModeAvailable()) {
		say('\n7. queue mode vs one main: not measured');
	} else {
		say('\n7. queue mode (main + 2 webhook processors + 2 workers) vs one main: trigger throughput');
		await rig.n8n.stop(); // one n8n at a time on this machine
		figures.queueMode = await queueModeThroughput({ sim: rig.sim, signingKey: rig.signingKey, rounds, seconds, log: say });
		figures.queueMode.ratio = figures.queueMode.perSecond / figures.throughput.trigger.perSecond;
	}
}

/** The Node.js version n8n `version` runs on here. */
async function n8nNodeVersion(version) {
	try {
		return execFileSync(await nodeFor(version), ['--version'], { encoding: 'utf8' }).trim();
	} catch {
		return 'unknown';
	}
}

/** The throughput ratios: each RunPod Trigger variant and the reference trigger against the Webhook node and the reference. */
function withRatios(side) {
	const per = (a, b) => side[a].perSecond / side[b].perSecond;
	return {
		...side,
		ratio: per('trigger', 'webhookNode'),
		ratios: {
			triggerToWebhookNode: per('trigger', 'webhookNode'),
			triggerToReference: per('trigger', 'reference'),
			triggerImageToWebhookNode: per('triggerImage', 'webhookNode'),
			triggerImageToReference: per('triggerImage', 'reference'),
			referenceToWebhookNode: per('reference', 'webhookNode'),
		},
	};
}

function waitVersusPollLine({ waitVersusPoll: wait }) {
	return `Wait for Callback vs Poll:    ${wait.ratioToPollDefault.toFixed(2)}× Poll at its default 5 s, ${wait.ratioToPoll1s.toFixed(2)}× Poll at 1 s  (${wait.jobs} jobs of ${wait.jobMs} ms, API ${wait.apiMs} ms: ${wait.ms.waitForCallback} vs ${wait.ms.pollDefault} vs ${wait.ms.poll1s} ms, start to end)`;
}

/** `--only-wait`: prints the figure and merges it into the figures last written for this version. */
function reportWaitOnly(figures) {
	say('\n== figures ==');
	say(waitVersusPollLine(figures));
	const base = figures.version === DEFAULT_N8N_VERSION ? 'bench' : `bench-n8n-${figures.version}`;
	const file = path.join(REPO_ROOT, 'docs', `${base}.json`);
	const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
	const { date, benchNode, n8nNode, loadAverageBefore, loadAverageAfter, seconds: took } = figures;
	previous.waitVersusPoll = { ...figures.waitVersusPoll, date, benchNode, n8nNode, loadAverageBefore, loadAverageAfter, seconds: took };
	fs.writeFileSync(file, `${JSON.stringify(previous, null, 2)}\n`);
	say(`merged into docs/${base}.json`);
}

function report(figures) {
	const { throughput: t, throughputLazyAcquire: lazy, largeCallback: large, submits: sub, polling, pollUnderFaults: faults, queueMode } = figures;
	const rate = (entry) => `${entry.perSecond.toFixed(1)} req/s, p50 ${entry.p50.toFixed(0)} ms, ${entry.answered} answered → ${entry.executions} executions`;
	say('\n== figures ==');
	say(`throughput at 10 connections, req/s (median of ${figures.settings.rounds} rounds)   defaults   LAZY_ACQUIRE=true`);
	const rates = [
		['Webhook node', 'webhookNode'], ['reference trigger (do nothing)', 'reference'],
		[`RunPod Trigger v${figures.settings.triggerVersion}, no image`, 'trigger'], [`RunPod Trigger v${figures.settings.triggerVersion}, image to download`, 'triggerImage'],
	];
	const cell = (entry) => `${entry.perSecond.toFixed(1)} (p50 ${entry.p50.toFixed(0)} ms)`.padStart(20);
	for (const [label, key] of rates) say(`  ${label.padEnd(58)}${cell(t[key])}${cell(lazy[key])}`);
	const ratios = [
		['RunPod Trigger ÷ Webhook node', 'triggerToWebhookNode'], ['RunPod Trigger ÷ reference trigger', 'triggerToReference'],
		['RunPod Trigger with image ÷ Webhook node', 'triggerImageToWebhookNode'], ['RunPod Trigger with image ÷ reference trigger', 'triggerImageToReference'],
		['reference trigger ÷ Webhook node (n8n\'s ceiling for a trigger)', 'referenceToWebhookNode'],
	];
	for (const [label, key] of ratios) say(`  ${label.padEnd(58)}${`${t.ratios[key].toFixed(2)}×`.padStart(20)}${`${lazy.ratios[key].toFixed(2)}×`.padStart(20)}`);
	say('  n8n process CPU ms per request (all threads; robust to a busy machine, unlike req/s)');
	for (const [label, key] of rates) say(`  ${`  ${label}`.padEnd(58)}${t[key].cpuMsPerRequest.toFixed(1).padStart(20)}${lazy[key].cpuMsPerRequest.toFixed(1).padStart(20)}`);
	const executions = (side) => Object.entries(side).filter(([, entry]) => entry?.rounds).map(([name, entry]) => `${name} ${entry.answered}→${entry.executions}`).join(', ');
	say(`  answered → executions: defaults ${executions(t)}; lazy ${executions(lazy)}`);
	say(`15 MB callback latency:       ${large.latencyRatio.toFixed(2)}×  (trigger ${large.trigger.ms.toFixed(0)} ms, Webhook node ${large.webhookNode.ms.toFixed(0)} ms)`);
	say(`15 MB callback memory:        ${large.memoryPerBody.toFixed(2)}× the body  (RSS +${large.trigger.rssGrowthMb.toFixed(0)} MB trigger, +${large.webhookNode.rssGrowthMb.toFixed(0)} MB Webhook node, body ${large.bodyMb.toFixed(1)} MB)`);
	say(`200 submits vs HTTP Request:  ${sub.ratio.toFixed(2)}×  (RunPod node ${sub.ms.runPodNode} ms; HTTP Request batching ${sub.batchSize}/0 ms ${sub.ms.httpRequestBatching} ms, defaults ${sub.ms.httpRequestDefaults} ms → ${sub.ratioToDefaults.toFixed(2)}×)`);
	say(`status calls per polled job:  ${polling.ratio.toFixed(2)}× the bound  (${polling.perJob.toFixed(2)} per job, max ${polling.maxPerJob}; ⌈${polling.durationMs / 1000} s ÷ ${polling.intervalS} s⌉ + 1 = ${polling.bound})`);
	say(`Poll under 30% 429 + 10% 500: every job completed in ${faults.allCompletedRuns} of ${faults.runs} runs`);
	say(waitVersusPollLine(figures));
	say(queueMode ? `queue mode vs one main:       ${queueMode.ratio.toFixed(2)}×  (queue mode ${rate(queueMode)})` : 'queue mode vs one main:       not measured');
	say(`(bench took ${figures.seconds.toFixed(0)} s)`);

	fs.mkdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true });
	// The default version's figures are the README's; another version's go beside them.
	const base = figures.version === DEFAULT_N8N_VERSION ? 'bench' : `bench-n8n-${figures.version}`;
	fs.writeFileSync(path.join(REPO_ROOT, 'docs', `${base}.json`), `${JSON.stringify(figures, null, 2)}\n`);
	fs.writeFileSync(path.join(REPO_ROOT, 'docs', `${base}.svg`), ratioChart({
		title: `n8n-nodes-render-hooks vs n8n's own nodes (n8n ${figures.version}, one main, ${figures.cpus} CPUs)`,
		subtitle: `npm run bench, ${figures.date.slice(0, 10)}, load ${figures.loadAverageBefore[0].toFixed(1)}; Poll through 30% 429 + 10% 500: all jobs completed in ${faults.allCompletedRuns} of ${faults.runs} runs`,
		rows: [
			{ label: 'Trigger ÷ reference trigger, req/s', value: t.ratios.triggerToReference, target: 0.95, better: 'higher' },
			{ label: '  same, LAZY_ACQUIRE=true', value: lazy.ratios.triggerToReference, target: 0.95, better: 'higher' },
			{ label: 'Trigger ÷ Webhook node, req/s', value: t.ratios.triggerToWebhookNode, target: 0.95, better: 'higher' },
			{ label: '  same, LAZY_ACQUIRE=true', value: lazy.ratios.triggerToWebhookNode, target: 0.95, better: 'higher' },
			{ label: 'Trigger, image download ÷ reference', value: t.ratios.triggerImageToReference },
			{ label: '  same, LAZY_ACQUIRE=true', value: lazy.ratios.triggerImageToReference },
			{ label: 'Reference trigger ÷ Webhook node', value: t.ratios.referenceToWebhookNode },
			{ label: '  same, LAZY_ACQUIRE=true', value: lazy.ratios.referenceToWebhookNode },
			{ label: '15 MB callback latency ÷ Webhook node', value: large.latencyRatio, target: 1.5, better: 'lower' },
			{ label: '15 MB callback RSS growth ÷ body size', value: large.memoryPerBody, target: 3, better: 'lower' },
			{ label: '200 submits ÷ HTTP Request (batching)', value: sub.ratio, target: 1.1, better: 'lower' },
			{ label: 'Status calls per job ÷ ⌈d ÷ i⌉ + 1', value: polling.ratio, target: 1, better: 'lower' },
			{ label: 'Queue mode ÷ one main, trigger req/s', value: queueMode?.ratio },
		],
	}));
	say(`wrote docs/${base}.json and docs/${base}.svg`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exit(1);
});
