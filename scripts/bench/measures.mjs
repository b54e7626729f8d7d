/**
 * The bench's measurements, each side by side with n8n's own nodes in the same n8n:
 * - throughput of the RunPod Trigger, a do-nothing community trigger and the Webhook node
 *   (alternating rounds, executions counted),
 * - one 15 MB callback: latency and n8n's RSS growth, trigger vs Webhook node,
 * - 200 submits in one execution: RunPod node (Don't Wait) vs HTTP Request node,
 * - status calls per polled job vs ⌈duration ÷ interval⌉ + 1, and Poll through 429/500 bursts.
 */
import crypto from 'node:crypto';

import { sleep } from '../n8n/commands.mjs';
import { closedLoop, median, postOnce, processCpuMs, sampleRss } from './load.mjs';
import {
	callbackBody, countExecutions, httpSubmitNode, jobsWorkflow, post, runPodNode, settledExecutionCount, signedQuery,
} from './rig.mjs';

const MB = 1024 * 1024;

/**
 * The order of `count` contenders in round `round`: rows of a balanced Latin square (Williams
 * design: 0, 1, n-1, 2, n-2, ... shifted by the round), so over `count` rounds each contender runs
 * once in each position and (for an even count) right after each other one once. Two contenders
 * alternate: AB, BA.
 */
export function roundOrder(count, round) {
	const row = [];
	for (let step = 0; row.length < count; step++) {
		row.push(step === 0 ? 0 : step % 2 === 1 ? (step + 1) / 2 : count - step / 2);
	}
	return row.map((index) => (index + round) % count);
}

/**
 * Closed-loop load on each contender in turn, `rounds` rounds of `seconds` at `connections`, in
 * the order of `roundOrder`, so no contender always follows the same one or always runs first. `contenders`: {name: {workflow, path, images?}}; each request is a
 * COMPLETED callback with a distinct job id, signed, carrying `images` ([] unless given). After
 * each round the executions it started are counted, and the CPU n8n's process used from the
 * round's start until its executions settled (all threads, so sqlite's too; the few execution
 * count queries of the wait included) is divided by the requests answered. Returns {name:
 * {perSecond, p50, cpuMsPerRequest (medians of the rounds), answered, executions, rounds}}.
 */
export async function throughput(rig, { contenders, rounds = 3, seconds = 8, connections = 10, log = () => {} }) {
	const names = Object.keys(contenders);
	const results = Object.fromEntries(names.map((name) => [name, []]));
	const run = crypto.randomBytes(3).toString('hex');
	for (let round = 0; round < rounds; round++) {
		for (const name of roundOrder(names.length, round).map((index) => names[index])) {
			const { workflow, path, images = [] } = contenders[name];
			const before = await countExecutions(rig, workflow.id);
			const cpuBefore = processCpuMs(rig.n8n.pid);
			const figures = await closedLoop({
				connections,
				seconds,
				nextRequest: (index) => {
					const jobId = `bench-${run}-${round}-${name}-${index}`;
					return { url: `${rig.n8n.url}${path}${signedQuery(rig.signingKey, `ref-${jobId}`)}`, body: callbackBody(jobId, 'COMPLETED', { images }) };
				},
			});
			const executions = (await settledExecutionCount(rig, workflow.id, { atLeast: before + figures.ok, quietMs: 1500 })) - before;
			const cpuMsPerRequest = (processCpuMs(rig.n8n.pid) - cpuBefore) / figures.ok;
			results[name].push({ ...figures, executions, cpuMsPerRequest });
			const other = Object.entries(figures.statuses).filter(([status]) => status !== '200').map(([status, count]) => `, ${count}× ${status}`).join('');
			log(`  round ${round + 1} ${name.padEnd(16)} ${figures.perSecond.toFixed(1).padStart(6)} req/s, p50 ${figures.p50.toFixed(0)} ms, n8n CPU ${cpuMsPerRequest.toFixed(1)} ms/request, ${figures.ok} answered 200${other}, ${executions} executions`);
		}
	}
	return Object.fromEntries(names.map((name) => {
		const list = results[name];
		return [name, {
			perSecond: median(list.map((entry) => entry.perSecond)),
			p50: median(list.map((entry) => entry.p50)),
			cpuMsPerRequest: median(list.map((entry) => entry.cpuMsPerRequest)),
			answered: list.reduce((sum, entry) => sum + entry.ok, 0),
			executions: list.reduce((sum, entry) => sum + entry.executions, 0),
			rounds: list,
		}];
	}));
}

/** A ~`megabytes` MB COMPLETED callback: one image of random bytes behind a PNG signature, base64. */
export function largeCallbackBody(jobId, megabytes = 15) {
	const raw = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(Math.floor(megabytes * 1e6 * 0.75) - 400)]);
	return callbackBody(jobId, 'COMPLETED', { images: [raw.toString('base64')] });
}

/** One 15 MB callback at a time, alternating trigger / Webhook node: latency and n8n's RSS growth (peak above the level before). */
export async function largeCallback(rig, { trigger, webhook, runs = 3, megabytes = 15, log = () => {} }) {
	const results = { trigger: [], webhookNode: [] };
	for (let run = 0; run < runs; run++) {
		for (const kind of run % 2 === 0 ? ['trigger', 'webhookNode'] : ['webhookNode', 'trigger']) {
			const workflow = kind === 'trigger' ? trigger : webhook;
			const path = workflow.webhookPaths[kind === 'trigger' ? 'RunPod Trigger' : 'Webhook'];
			const jobId = `large-${crypto.randomBytes(4).toString('hex')}`;
			const body = largeCallbackBody(jobId, megabytes);
			const before = await countExecutions(rig, workflow.id);
			await sleep(2000);
			const sampler = sampleRss(rig.n8n.pid);
			const answer = await postOnce(undefined, `${rig.n8n.url}${path}${signedQuery(rig.signingKey, `ref-${jobId}`)}`, body);
			await settledExecutionCount(rig, workflow.id, { atLeast: before + 1, quietMs: 2000 });
			const memory = sampler.stop();
			results[kind].push({ status: answer.status, ms: answer.ms, rssGrowthMb: memory.growth / MB, bodyMb: body.length / MB });
			log(`  ${kind}: ${answer.status} in ${answer.ms.toFixed(0)} ms, RSS +${(memory.growth / MB).toFixed(0)} MB (body ${(body.length / MB).toFixed(1)} MB)`);
		}
	}
	const summary = (list) => ({ ms: median(list.map((entry) => entry.ms)), rssGrowthMb: median(list.map((entry) => entry.rssGrowthMb)), runs: list });
	const trig = summary(results.trigger);
	const hook = summary(results.webhookNode);
	const bodyMb = results.trigger[0]?.bodyMb ?? megabytes;
	return { bodyMb, trigger: trig, webhookNode: hook, latencyRatio: trig.ms / hook.ms, memoryPerBody: trig.rssGrowthMb / bodyMb };
}

/** The run time of `nodeName` in the newest execution of a workflow (n8n's own executionTime, ms). */
async function nodeTime(rig, workflowId, nodeName) {
	const { listExecutions, getExecution } = await import('../../test/e2e/e2e-support.mjs');
	const [newest] = await listExecutions(rig.client, workflowId, { limit: 1 });
	const execution = await getExecution(rig.client, newest.id);
	return execution.data.resultData.runData[nodeName][0].executionTime;
}

/**
 * `jobs` submits in one execution against the simulator answering in `apiMs`: the RunPod node
 * (Don't Wait, its default parallelism) vs the HTTP Request node (its defaults, and batching
 * `batchSize` items with 0 ms between batches) POSTing the same bodies to /run. Medians of `runs`.
 */
export async function submits(rig, { jobs = 200, apiMs = 100, runs = 3, batchSize = 50, log = () => {} }) {
	const contenders = {
		// One expression per item on both sides (the body): the HTTP Request node has no correlation id.
		runPodNode: await rig.createWorkflow(jobsWorkflow(runPodNode(rig.credential, { waitFor: 'none', correlationId: '' }))),
		httpRequestDefaults: await rig.createWorkflow(jobsWorkflow(httpSubmitNode(rig.sim))),
		httpRequestBatching: await rig.createWorkflow(jobsWorkflow(httpSubmitNode(rig.sim, { batchSize }))),
	};
	const nodeNames = { runPodNode: 'RunPod', httpRequestDefaults: 'HTTP Request', httpRequestBatching: 'HTTP Request' };
	await rig.sim.faults({ answerDelayMs: apiMs });
	const results = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
	try {
		for (let run = 0; run < runs; run++) {
			const order = Object.keys(contenders);
			for (const name of run % 2 === 0 ? order : order.reverse()) {
				const body = JSON.stringify({ jobs: Array.from({ length: jobs }, (_, index) => ({ name: `submit-${run}-${index}`, prompt: 'bench' })) });
				const answer = await post(rig, contenders[name].webhookPaths.Webhook, body);
				if (answer.status !== 200 || answer.json?.length !== jobs) throw new Error(`${name}: ${answer.status} ${answer.text.slice(0, 300)}`);
				const ms = await nodeTime(rig, contenders[name].id, nodeNames[name]);
				results[name].push(ms);
				log(`  ${name}: ${jobs} submits in ${ms} ms`);
				await rig.sim.reset();
				await rig.sim.faults({ answerDelayMs: apiMs });
			}
		}
	} finally {
		await rig.sim.faults({ answerDelayMs: 0 });
	}
	const ms = Object.fromEntries(Object.entries(results).map(([name, list]) => [name, median(list)]));
	return { jobs, apiMs, batchSize, ms, runs: results, ratio: ms.runPodNode / ms.httpRequestBatching, ratioToDefaults: ms.runPodNode / ms.httpRequestDefaults };
}

/** Poll mode, `jobs` jobs of `durationMs` each at `intervalS`: status calls per job against ⌈duration ÷ interval⌉ + 1. */
export async function pollingCalls(rig, { jobs = 20, durationMs = 3000, intervalS = 1, log = () => {} }) {
	const { config } = await rig.sim.state();
	const workflow = await rig.createWorkflow(jobsWorkflow(runPodNode(rig.credential, { waitOptions: { pollInterval: intervalS, timeout: 300 } })));
	await rig.sim.reset();
	await rig.sim.faults({ runMs: durationMs - config.queueMs });
	try {
		const answer = await post(rig, workflow.webhookPaths.Webhook, JSON.stringify({ jobs: Array.from({ length: jobs }, (_, index) => ({ name: `poll-${index}` })) }));
		const items = answer.json ?? [];
		const completed = items.filter((item) => item.status === 'completed').length;
		const { requests } = await rig.sim.state();
		const calls = items.map((item) => requests.filter((request) => request.route === 'status' && request.path.endsWith(`/${item.jobId}`)).length);
		const bound = Math.ceil(durationMs / (intervalS * 1000)) + 1;
		const perJob = calls.reduce((sum, count) => sum + count, 0) / Math.max(1, calls.length);
		log(`  ${completed}/${jobs} completed, status calls per job ${perJob.toFixed(2)} (min ${Math.min(...calls)}, max ${Math.max(...calls)}), bound ${bound}`);
		return { jobs, completed, durationMs, intervalS, perJob, maxPerJob: Math.max(...calls), bound, ratio: perJob / bound };
	} finally {
		await rig.sim.faults({ runMs: config.runMs });
	}
}

/** Poll, `jobs` items, status calls answered 30% 429 + 10% 500, `runs` times: in how many did every job come back completed. */
export async function pollUnderFaults(rig, { jobs = 20, runs = 10, log = () => {} }) {
	const workflow = await rig.createWorkflow(jobsWorkflow(runPodNode(rig.credential, { waitOptions: { pollInterval: 0.5, timeout: 600 } })));
	const outcomes = [];
	try {
		for (let run = 0; run < runs; run++) {
			await rig.sim.reset();
			await rig.sim.faults({ faultRates: { rateLimit: 0.3, serverError: 0.1 }, faultRateRoutes: ['status'], faultSeed: 1000 + run });
			const startedAt = Date.now();
			const answer = await post(rig, workflow.webhookPaths.Webhook, JSON.stringify({ jobs: Array.from({ length: jobs }, (_, index) => ({ name: `faulty-${run}-${index}` })) }));
			const items = answer.json ?? [];
			const completed = items.filter((item) => item.status === 'completed').length;
			const { requests } = await rig.sim.state();
			const faulted = requests.filter((request) => request.route === 'status' && request.status >= 429).length;
			outcomes.push({ completed, seconds: (Date.now() - startedAt) / 1000, faulted });
			log(`  run ${run + 1}: ${completed}/${jobs} completed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s, ${faulted} status calls answered 429/500`);
		}
	} finally {
		await rig.sim.faults({ faultRates: {} });
	}
	return { jobs, runs, allCompletedRuns: outcomes.filter((outcome) => outcome.completed === jobs).length, outcomes };
}

/**
 * `jobs` items of `jobMs` each, the API answering in `apiMs`: how long one execution takes from its
 * start to its end (n8n's startedAt → stoppedAt) with Wait for Callback, against Poll at its
 * default interval (5 s) and at 1 s. Runs alternate; medians of `runs`.
 */
export async function waitVersusPoll(rig, { jobs = 100, jobMs = 3000, apiMs = 100, runs = 3, log = () => {} }) {
	const { listExecutions, getExecution } = await import('../../test/e2e/e2e-support.mjs');
	const contenders = {
		waitForCallback: await rig.createWorkflow(jobsWorkflow(runPodNode(rig.credential, { waitFor: 'callback', waitOptions: { timeout: 600 } }), { responseMode: 'onReceived' })),
		pollDefault: await rig.createWorkflow(jobsWorkflow(runPodNode(rig.credential, { waitOptions: { timeout: 600 } }), { responseMode: 'onReceived' })),
		poll1s: await rig.createWorkflow(jobsWorkflow(runPodNode(rig.credential, { waitOptions: { pollInterval: 1, timeout: 600 } }), { responseMode: 'onReceived' })),
	};
	const { config } = await rig.sim.state();
	const results = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
	try {
		for (let run = 0; run < runs; run++) {
			const order = Object.keys(contenders);
			for (const name of run % 2 === 0 ? order : order.reverse()) {
				await rig.sim.reset();
				await rig.sim.faults({ answerDelayMs: apiMs, runMs: jobMs - config.queueMs });
				const { id } = contenders[name];
				const [before] = await listExecutions(rig.client, id, { limit: 1 });
				const body = JSON.stringify({ jobs: Array.from({ length: jobs }, (_, index) => ({ name: `${name}-${run}-${index}`, prompt: 'bench' })) });
				const answer = await post(rig, contenders[name].webhookPaths.Webhook, body);
				if (answer.status !== 200) throw new Error(`${name}: ${answer.status} ${answer.text.slice(0, 300)}`);
				let execution;
				for (const deadline = Date.now() + 10 * 60_000; Date.now() < deadline; await sleep(250)) {
					const [newest] = await listExecutions(rig.client, id, { limit: 1 });
					if (newest && newest.id !== before?.id && newest.stoppedAt && !['waiting', 'running', 'new'].includes(newest.status)) {
						execution = await getExecution(rig.client, newest.id);
						break;
					}
				}
				if (!execution) throw new Error(`${name}: the execution did not end within 10 minutes`);
				const items = execution.data.resultData.runData.RunPod?.at(-1)?.data?.main?.[0] ?? [];
				const completed = items.filter((item) => item.json.status === 'completed').length;
				if (execution.status !== 'success' || completed !== jobs) throw new Error(`${name}: ${execution.status}, ${completed}/${jobs} completed`);
				const ms = new Date(execution.stoppedAt).getTime() - new Date(execution.startedAt).getTime();
				results[name].push(ms);
				log(`  ${name}: ${jobs} jobs of ${jobMs} ms in ${ms} ms`);
			}
		}
	} finally {
		await rig.sim.faults({ answerDelayMs: 0, runMs: config.runMs });
	}
	const ms = Object.fromEntries(Object.entries(results).map(([name, list]) => [name, median(list)]));
	return { jobs, jobMs, apiMs, ms, runs: results, ratioToPollDefault: ms.waitForCallback / ms.pollDefault, ratioToPoll1s: ms.waitForCallback / ms.poll1s };
}
