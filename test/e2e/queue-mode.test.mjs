/**
 * The package in n8n 2.40.7's queue mode (scripts/n8n/queue-mode.mjs): main + 2 webhook processors
 * + 2 workers on Redis and PostgreSQL, the webhook processors behind a round-robin proxy that is
 * n8n's webhook URL. One start for every test; the RunPod simulator runs in this process.
 *
 *   node --test test/e2e/queue-mode.test.mjs      (N8N_E2E_KEEP=1 keeps the folder; it is kept on failure)
 *
 * What is measured rather than asserted: how often one callback sent at the same moment to both
 * webhook processors starts two executions. n8n gives a node no atomic primitive across processes
 * (see the README), so that window stays open; its size is printed at the end.
 *
 * The last check restarts only the workers while callbacks arrive: n8n crashes those resumes, and
 * examples/6-retry-crashed-resumes.json, published once, retries each with the original workflow.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { executionStatusCounts, startQueueMode } from '../../scripts/n8n/queue-mode.mjs';
import { freePort } from '../../scripts/n8n/queue-services.mjs';
import { importCredentials, importWorkflows, publishWorkflow, unpublishWorkflow } from '../../scripts/n8n/rest-client.mjs';
import { getExecution, nodeOutput, short } from './e2e-support.mjs';
import {
	TRIGGER_PATH, WAIT_PATH, countExecutions, errorWorkflow, exampleWorkflowFile, executionsMentioning, linkN8nApiCredential, loadRunPodSimulator,
	postJson, runPodCredential, runRequests, settle, signedTriggerCallback, triggerWorkflow, waitWorkflow,
} from './queue-mode-support.mjs';

const KEEP = process.env.N8N_E2E_KEEP === '1';
/** Waiting executions whose callbacks arrive while only the workers are down (issue 18: 20 of 20 crashed). */
const CRASHED_RESUMES = 20;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const figures = { startedAt: new Date().toISOString() };
const suiteStartedAt = Date.now();

describe('n8n 2.40.7 in queue mode (main + 2 webhook processors + 2 workers)', () => {
	let set;
	let sim;
	let dir;
	let failed = false;
	const workflows = {};

	before(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-queue-mode-'));
		const { startRunPodSimulator } = loadRunPodSimulator();
		sim = await startRunPodSimulator({ port: await freePort(), queueMs: 100, runMs: 200, webhookRetryDelayMs: 2000 });
		set = await startQueueMode({ dir, log: (line) => process.stderr.write(`[queue-mode] ${line}\n`) });
		figures.startup = { seconds: (Date.now() - suiteStartedAt) / 1000, ...set.timings };
		const [credential] = await importCredentials(set.client, [runPodCredential(sim)]);
		const [onError] = await importWorkflows(set.client, [errorWorkflow()]);
		await publishWorkflow(set.client, onError.id); // n8n 2.40.7 runs only published Error Workflows
		const [trigger, wait] = await importWorkflows(set.client, [triggerWorkflow(credential), waitWorkflow(credential, { errorWorkflow: onError.id })]);
		Object.assign(workflows, { trigger: trigger.id, wait: wait.id, onError: onError.id });
		await publishWorkflow(set.client, trigger.id);
		await publishWorkflow(set.client, wait.id);
	});

	after(async () => {
		await set?.stop();
		await sim?.close();
		figures.totalSeconds = (Date.now() - suiteStartedAt) / 1000;
		process.stdout.write(`\nqueue-mode figures: ${JSON.stringify(figures, null, 2)}\n`);
		if (dir && (KEEP || failed)) process.stdout.write(`queue-mode folder kept: ${dir}\n`);
		else if (dir) fs.rmSync(dir, { recursive: true, force: true });
	});

	/** Runs a check, marking the suite failed (to keep its folder) when it throws. */
	const check = (name, fn, timeoutMs = 180_000) => it(name, { timeout: timeoutMs }, async () => {
		try {
			await fn();
		} catch (error) {
			failed = true;
			const logs = set?.processes.map((member) => `${member.name}: ${member.logFile}`).join('\n');
			throw new Error(`${error.message}\n--- n8n logs ---\n${logs}`, { cause: error });
		}
	});

	const processorUrls = () => set.processes.filter((member) => member.role === 'webhook').map((member) => `http://127.0.0.1:${member.port}`);
	const triggerExecutions = () => countExecutions(set, workflows.trigger);

	/** Sends each job's callback to both processors, the second `offsetMs` after the first. */
	async function deliverTwice(jobs, offsetMs) {
		const [first, second] = processorUrls();
		const answers = [];
		for (const job of jobs) {
			const one = postJson(`${first}${TRIGGER_PATH}${job.query}`, job.body);
			if (offsetMs === 'after-answer') await one;
			await sleep(offsetMs === 'after-answer' ? 2000 : offsetMs);
			const two = postJson(`${second}${TRIGGER_PATH}${job.query}`, job.body);
			answers.push({ job, answers: await Promise.all([one, two]) });
		}
		await settle('trigger executions to stop appearing and finish', () => [triggerExecutions(), executionStatusCounts(set, workflows.trigger)],
			{ quietMs: 2000, done: ([, counts]) => !counts.new && !counts.running });
		return answers.map(({ job, answers: pair }) => ({ job, pair, executions: executionsMentioning(set, workflows.trigger, job.jobId) }));
	}

	check('RunPod Trigger: one callback sent at once to both webhook processors (measured), and resent 2 s later (deduplicated)', async () => {
		const before = triggerExecutions();
		const simultaneous = await deliverTwice(Array.from({ length: 10 }, () => signedTriggerCallback(sim)), 0);
		for (const { job, pair, executions } of simultaneous) {
			assert.deepEqual(pair.map((answer) => answer.status), [200, 200], `answers for ${job.jobId}: ${short(pair.map((answer) => answer.text))}`);
			assert.ok(executions.length >= 1 && executions.length <= 2, `job ${job.jobId}: ${executions.length} executions`);
			assert.ok(executions.every((execution) => execution.status === 'success'), `job ${job.jobId}: ${short(executions)}`);
		}
		// One execution's trigger output is the job's RenderResult with its image.
		const sample = await getExecution(set.client, simultaneous[0].executions[0].id);
		const [item] = nodeOutput(sample, 'RunPod Trigger') ?? [];
		assert.equal(item?.json?.jobId, simultaneous[0].job.jobId, short(item?.json));
		assert.equal(item.json.status, 'completed');
		assert.equal(item.binary?.data?.mimeType, 'image/png', short(item.binary));

		// How wide the window is: the second delivery later and later.
		const sweep = [];
		for (const offsetMs of [50, 150, 400, 1000]) {
			const results = await deliverTwice(Array.from({ length: 3 }, () => signedTriggerCallback(sim)), offsetMs);
			sweep.push({ offsetMs, jobs: results.length, duplicated: results.filter((result) => result.executions.length > 1).length });
		}
		const resent = await deliverTwice(Array.from({ length: 5 }, () => signedTriggerCallback(sim)), 'after-answer');
		const firstAnswerMs = simultaneous.flatMap(({ pair }) => pair.map((answer) => answer.ms)).sort((a, b) => a - b);
		figures.crossProcessorDuplicates = {
			simultaneous: { jobs: 10, duplicated: simultaneous.filter((result) => result.executions.length > 1).length },
			delayedSecondDelivery: sweep,
			resentAfterAnswerPlus2s: { jobs: resent.length, duplicated: resent.filter((result) => result.executions.length > 1).length },
			answerMs: { p50: Math.round(firstAnswerMs[Math.floor(firstAnswerMs.length / 2)]), max: Math.round(firstAnswerMs.at(-1)) },
			executionsStarted: triggerExecutions() - before,
		};
		for (const { job, pair, executions } of resent) {
			assert.equal(executions.length, 1, `job ${job.jobId} resent 2 s after its answer to the other processor started ${executions.length} executions`);
			assert.equal(pair[1].json?.duplicate, true, `the resend of ${job.jobId} answered ${pair[1].status} ${pair[1].text}`);
		}
	});

	/** Starts the wait workflow once per job list through the proxy; resolves the answers. */
	const startWaiting = (jobLists) => Promise.all(jobLists.map(async (jobs) => {
		const answer = await postJson(`${set.proxy.url}${WAIT_PATH}`, JSON.stringify({ jobs }));
		assert.equal(answer.status, 200, `${WAIT_PATH} answered ${answer.status} ${answer.text}`);
	}));

	/** The one execution of the wait workflow that carries `name`, once final. */
	const finishedExecutionOf = (name) => settle(`the execution of ${name} to finish`, () => executionsMentioning(set, workflows.wait, name),
		{ quietMs: 500, done: (list) => list.length === 1 && !['new', 'running', 'waiting'].includes(list[0].status) });

	/** RunPod's output in an execution: asserts one completed result per name, in order. */
	async function assertResults(executionId, names) {
		const execution = await getExecution(set.client, executionId);
		assert.equal(execution.status, 'success', `execution ${executionId} is ${execution.status}`);
		const items = nodeOutput(execution, 'RunPod') ?? [];
		assert.deepEqual(items.map((item) => [item.json.correlationId, item.json.status]), names.map((name) => [name, 'completed']),
			`RunPod output of execution ${executionId}: ${short(items.map((item) => item.json))}`);
		for (const item of items) assert.ok(sim.jobs.has(item.json.jobId), `job ${item.json.jobId} is not one the simulator ran`);
		return items;
	}

	check('Wait for Callback with 1 and with 3 items, through the proxy: each execution resumes with every result', async () => {
		const tag = Date.now().toString(36);
		const single = [`single-${tag}`];
		const triple = [0, 1, 2].map((index) => `triple-${tag}-${index}`);
		const proxiedBefore = new Map(set.proxy.counts);
		await startWaiting([single, triple].map((names) => names.map((name) => ({ name }))));
		const [one] = await finishedExecutionOf(single[0]);
		const [three] = await finishedExecutionOf(triple[0]);
		await assertResults(one.id, single);
		await assertResults(three.id, triple);
		const perProcessor = processorUrls().map((url) => {
			const port = Number(new URL(url).port);
			return (set.proxy.counts.get(port) ?? 0) - (proxiedBefore.get(port) ?? 0);
		});
		assert.ok(perProcessor.every((count) => count > 0), `the proxy spread the webhook calls over both processors: ${perProcessor}`);
	});

	check('50 executions waiting for callbacks survive a stop and start of every n8n process', async () => {
		const names = Array.from({ length: 50 }, (_, index) => `restart-${Date.now().toString(36)}-${index}`);
		const runsBefore = runRequests(sim);
		const waitingBefore = countExecutions(set, workflows.wait, `status = 'waiting'`);
		sim.setFaults({ stall: true }); // jobs stay IN_QUEUE and call back only once released
		for (let index = 0; index < names.length; index += 10) await startWaiting(names.slice(index, index + 10).map((name) => [{ name }]));
		await settle('50 executions to wait', () => countExecutions(set, workflows.wait, `status = 'waiting'`),
			{ quietMs: 500, done: (count) => count === 50 + waitingBefore });
		assert.equal(runRequests(sim) - runsBefore, 50);

		const restartStartedAt = Date.now();
		await set.stopN8n();
		await set.startN8n();
		figures.restart = { fullRestartSeconds: (Date.now() - restartStartedAt) / 1000 };
		assert.equal(countExecutions(set, workflows.wait, `status = 'waiting'`), 50 + waitingBefore, 'still waiting after the restart');

		sim.setFaults({ stall: false });
		const executions = await settle('the 50 executions to resume and finish', () => names.map((name) => executionsMentioning(set, workflows.wait, name)),
			{ quietMs: 1000, done: (lists) => lists.every((list) => list.length === 1 && !['new', 'running', 'waiting'].includes(list[0].status)) });
		const resumed = [];
		for (const [index, [execution]] of executions.entries()) {
			await assertResults(execution.id, [names[index]]);
			resumed.push(execution.id);
		}
		figures.restart.resumedWithResults = `${resumed.length} of ${names.length}`;
		figures.restart.submits = runRequests(sim) - runsBefore;
		assert.equal(runRequests(sim) - runsBefore, 50, 'no job was submitted again');
	}, 300_000);

	check(`${CRASHED_RESUMES} callbacks answered while only the workers are stopped: n8n crashes the resumes, example 6 retries each with the original workflow, no new submit`, async () => {
		// The one-time set-up a user makes: an API key (execution list/read/retry), an n8n API
		// credential, example 6 imported as npm start fills it in, published.
		const apiKey = await set.client.request('/rest/api-keys', {
			method: 'POST', body: { label: 'retry crashed resumes', scopes: ['execution:list', 'execution:read', 'execution:retry'], expiresAt: null },
		});
		const [apiCredential] = await importCredentials(set.client, [{
			name: 'n8n API', type: 'n8nApi', data: { apiKey: apiKey.rawApiKey, baseUrl: `${set.proxy.url}/api/v1` },
		}]);
		const sweeper = linkN8nApiCredential(exampleWorkflowFile('6-', { RENDER_HOOKS_WEBHOOK_URL: set.webhookUrl.replace(/\/$/, '') }), apiCredential);
		const [sweeperStored] = await importWorkflows(set.client, [sweeper]);
		await publishWorkflow(set.client, sweeperStored.id);

		const names = Array.from({ length: CRASHED_RESUMES }, (_, index) => `crash-${Date.now().toString(36)}-${index}`);
		sim.setFaults({ stall: true });
		for (let index = 0; index < names.length; index += 10) await startWaiting(names.slice(index, index + 10).map((name) => [{ name }]));
		const waiting = await settle(`${names.length} executions to wait`, () => names.map((name) => executionsMentioning(set, workflows.wait, name)),
			{ quietMs: 500, done: (lists) => lists.every((list) => list.length === 1 && list[0].status === 'waiting') });
		const ids = waiting.map(([execution]) => execution.id);
		const runsBefore = runRequests(sim);
		const deliveriesBefore = sim.deliveries.length;
		const errorRunsBefore = countExecutions(set, workflows.onError);
		const statusOf = () => ids.map((id) => set.postgres.psql(`SELECT status FROM execution_entity WHERE id = ${id}`)[0][0]);
		const tally = (list) => list.reduce((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

		await set.stopWorkers();
		sim.setFaults({ stall: false });
		const jobIds = [...sim.jobs.values()].filter((job) => names.includes(job.input?.name)).map((job) => job.id);
		assert.equal(jobIds.length, names.length, 'the simulator holds every job');
		const answered = await settle('every callback to be answered', () => sim.deliveries.slice(deliveriesBefore)
			.filter((delivery) => jobIds.includes(delivery.jobId))
			.map((delivery) => delivery.statusCode ?? delivery.error),
		{ quietMs: 5000, done: (list) => list.length >= names.length });
		const statusesWithoutWorkers = tally(statusOf());

		const workersBackAt = Date.now();
		await set.startWorkers();
		const statusesAfter = await settle('the resumed executions to settle once the workers are back', statusOf,
			{ quietMs: 5000, done: (list) => list.every((status) => !['new', 'running'].includes(status)) });
		const crashedIds = ids.filter((_, index) => statusesAfter[index] !== 'success');

		// No one acts from here: example 6's schedule finds the crashed resumes and retries them.
		const retryOf = () => Object.fromEntries(set.postgres.psql(
			`SELECT "retryOf", count(*), max(id) FROM execution_entity WHERE "retryOf" IN (${crashedIds.map((id) => `'${id}'`).join(',') || "''"}) GROUP BY "retryOf"`,
		).map(([original, count, latest]) => [original, { count: Number(count), latest }]));
		const successOf = () => crashedIds.map((id) => set.postgres.psql(`SELECT id, "retrySuccessId" FROM execution_entity WHERE id = ${id}`)[0][1] || null);
		const retrySuccessIds = await settle('example 6 to retry every crashed resume', successOf,
			{ quietMs: 3000, timeoutMs: 240_000, done: (list) => list.every(Boolean) });
		const recoveredSeconds = (Date.now() - workersBackAt) / 1000;
		for (const [index, retryId] of retrySuccessIds.entries()) {
			await assertResults(retryId, [names[ids.indexOf(crashedIds[index])]]);
		}
		const submitsDuringRecovery = runRequests(sim) - runsBefore;

		// A crashed execution no callback resumed (its RunPod node would run again) is left alone, and
		// the next run retries nothing twice. The control is a waiting execution marked crashed the
		// way n8n's markAsCrashed does it; its job never calls back.
		sim.setFaults({ stall: true });
		const control = `crash-control-${Date.now().toString(36)}`;
		await startWaiting([[{ name: control }]]);
		const [[controlExecution]] = await settle('the control to wait', () => [executionsMentioning(set, workflows.wait, control)],
			{ quietMs: 500, done: ([list]) => list.length === 1 && list[0].status === 'waiting' });
		set.postgres.psql(`UPDATE execution_entity SET status = 'crashed', "waitTill" = NULL, "stoppedAt" = now() WHERE id = ${controlExecution.id}`);
		const runsWithControl = runRequests(sim);
		const controlCrashedAt = set.postgres.psql('SELECT now()')[0][0];
		await settle('example 6 to run once more', () => Number(set.postgres.psql(
			`SELECT count(*) FROM execution_entity WHERE "workflowId" = '${sweeperStored.id}' AND "startedAt" > '${controlCrashedAt}' AND status NOT IN ('new', 'running')`,
		)[0][0]), { quietMs: 1000, timeoutMs: 120_000, done: (count) => count >= 1 });
		const retries = retryOf();
		const controlRetries = countExecutions(set, workflows.wait, `"retryOf" = '${controlExecution.id}'`);
		const { new: _queued, running: _running, ...sweeps } = executionStatusCounts(set, sweeperStored.id); // finished runs
		await unpublishWorkflow(set.client, sweeperStored.id);

		figures.crashedResumes = {
			waiting: names.length,
			callbacksAnswered: tally(answered),
			statusesWithoutWorkers,
			statusesAfterWorkersBack: tally(statusesAfter),
			errorWorkflowRuns: countExecutions(set, workflows.onError) - errorRunsBefore, // the waiting workflow's Settings → Error Workflow
			recoveredByExample6: `${retrySuccessIds.filter(Boolean).length} of ${crashedIds.length}`,
			retriesPerCrashed: tally(Object.values(retries).map((retry) => retry.count)),
			secondsFromWorkersBackToAllRecovered: recoveredSeconds,
			sweeperExecutions: sweeps,
			newSubmits: submitsDuringRecovery,
			controlNotResumedByACallback: { retries: controlRetries, newSubmits: runRequests(sim) - runsWithControl },
		};
		assert.ok(crashedIds.length > 0, `no resume crashed (${JSON.stringify(statusesAfter)}): n8n changed, revisit the README`);
		assert.ok(Object.values(retries).every((retry) => retry.count === 1), `one retry per crashed execution: ${JSON.stringify(retries)}`);
		assert.deepEqual(Object.keys(sweeps).filter((status) => status !== 'success'), [], `example 6's own runs: ${JSON.stringify(sweeps)}`);
		assert.equal(submitsDuringRecovery, 0, 'recovering the results submitted jobs again');
		assert.deepEqual(figures.crashedResumes.controlNotResumedByACallback, { retries: 0, newSubmits: 0 }, 'example 6 retried an execution no callback resumed');
	}, 600_000);
});
