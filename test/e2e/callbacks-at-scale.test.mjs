/**
 * Callbacks at scale in a real n8n (issue 8): the RunPod Trigger emits each (job, final status)
 * once under concurrency and across a restart, emits no progress by default and never progress
 * after a final result, refuses bad input with the statuses the README gives; the RunPod node's
 * polling brings every job back through 429s and 500s; a Wait for Callback timeout leaves items
 * naming their jobs with WAIT_TIMEOUT.
 *
 *   node --test test/e2e/callbacks-at-scale.test.mjs        (N8N_E2E_VERSIONS=2.40.7,1.123.81)
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
	callbackBody, executionsByJob, jobsWorkflow, post, runPodNode, settledExecutionCount, signedQuery, startRig, triggerWorkflow,
} from '../../scripts/bench/rig.mjs';
import { getExecution, listExecutions, nodeOutput, short, waitFor } from './e2e-support.mjs';

const VERSIONS = (process.env.N8N_E2E_VERSIONS ?? '2.40.7,1.123.81').split(',').map((version) => version.trim()).filter(Boolean);
const WAIT_TIMEOUT_SECONDS = 3;

for (const version of VERSIONS) {
	describe(`n8n ${version}: callbacks at scale`, () => {
		const tag = crypto.randomBytes(3).toString('hex');
		const jobIdPattern = `scale-${tag}-[a-z]+-\\d+`;
		const jobId = (kind, index) => `scale-${tag}-${kind}-${index}`;
		let rig;
		let trigger;
		let progressTrigger;
		let poll;
		let waiting;
		let failed = false;

		const deliver = (workflow, id, status = 'COMPLETED', { query, contentType, body } = {}) => post(rig,
			`${workflow.webhookPaths['RunPod Trigger']}${query ?? signedQuery(rig.signingKey, `ref-${id}`)}`,
			body ?? callbackBody(id, status), { contentType });
		const emitted = async (workflow, { atLeast = 0 } = {}) => {
			await settledExecutionCount(rig, workflow.id, { atLeast, quietMs: 2000 });
			return executionsByJob(rig, workflow.id, jobIdPattern);
		};

		before(async () => {
			rig = await startRig({ version, simulator: { queueMs: 50, runMs: 400 } });
			trigger = await rig.createWorkflow(triggerWorkflow(rig.credential));
			progressTrigger = await rig.createWorkflow(triggerWorkflow(rig.credential, { emitProgress: true }));
			poll = await rig.createWorkflow(jobsWorkflow(runPodNode(rig.credential, { waitOptions: { pollInterval: 0.5, timeout: 300 } })));
			waiting = await rig.createWorkflow(jobsWorkflow(
				runPodNode(rig.credential, { waitFor: 'callback', waitOptions: { timeout: WAIT_TIMEOUT_SECONDS } }),
				{ responseMode: 'onReceived' },
			));
			// Started first: n8n ends a short wait only at its next 60 s scan of waiting executions.
			await rig.sim.faults({ dropWebhooks: true });
			const started = await post(rig, waiting.webhookPaths.Webhook, JSON.stringify({
				jobs: [0, 1, 2].map((index) => ({ name: jobId('wait', index), prompt: 'no callback comes' })),
			}));
			assert.equal(started.status, 200, started.text);
			await waitFor('the three waiting jobs to finish without a webhook', async () => {
				const { jobs } = await rig.sim.state();
				return jobs.filter((job) => String(job.input?.name).includes('-wait-') && job.status === 'COMPLETED').length === 3;
			}, { timeoutMs: 30_000 });
			await rig.sim.faults({ dropWebhooks: false });
		}, { timeout: 10 * 60_000 });

		after(async () => {
			await rig?.stop();
			if (failed) process.stderr.write(`[scale] n8n ${version}: user folder kept: ${rig?.userFolder}\n`);
			else rig?.removeUserFolder();
		}, { timeout: 60_000 });

		const check = (name, body, timeout = 5 * 60_000) => test(name, { timeout }, async () => {
			try {
				await body();
			} catch (error) {
				failed = true;
				throw error;
			}
		});

		check('10 distinct callbacks at once: 10 executions, and the saved static data holds all 10 keys', async () => {
			const ids = Array.from({ length: 10 }, (_, index) => jobId('burst', index));
			const answers = await Promise.all(ids.map((id) => deliver(trigger, id)));
			for (const answer of answers) assert.equal(answer.status, 200, answer.text);
			const { byJob, statuses } = await emitted(trigger, { atLeast: 10 });
			assert.deepEqual(ids.map((id) => byJob.get(id)?.length ?? 0), ids.map(() => 1), `executions per job: ${short([...byJob])}`);
			assert.deepEqual(statuses, { success: 10 });
			const saved = await rig.client.request(`/rest/workflows/${trigger.id}`);
			// The saved list is one '\n'-joined string (nodes/shared/callback-deliveries.ts).
			const keys = Object.values(saved.staticData ?? {}).flatMap((node) => String(node.renderHooksDeliveries ?? '').split('\n'));
			for (const id of ids) assert.ok(keys.includes(`${id}:completed`), `static data lacks ${id}:completed: ${short(saved.staticData)}`);
		});

		check('after a restart, the same 10 resent at once start nothing', async () => {
			await rig.restartN8n();
			const ids = Array.from({ length: 10 }, (_, index) => jobId('burst', index));
			const answers = await Promise.all(ids.map((id) => deliver(trigger, id)));
			for (const answer of answers) {
				assert.equal(answer.status, 200, answer.text);
				assert.equal(answer.json?.duplicate, true, answer.text);
			}
			const { total } = await emitted(trigger, { atLeast: 10 });
			assert.equal(total, 10, 'no new execution after the resend');
		});

		check('progress starts nothing by default; with Emit Progress, none after the job’s final result', async () => {
			const before = (await emitted(trigger)).total;
			for (const [index, status] of ['IN_QUEUE', 'IN_PROGRESS'].entries()) {
				const answer = await deliver(trigger, jobId('progress', index), status);
				assert.equal(answer.status, 200, answer.text);
				assert.equal(answer.json?.emitted, false, answer.text);
			}
			// A late IN_PROGRESS of a job whose COMPLETED was emitted.
			assert.equal((await deliver(trigger, jobId('burst', 0), 'IN_PROGRESS')).json?.emitted, false);
			assert.equal((await emitted(trigger)).total, before, 'no execution for progress');

			const id = jobId('optin', 0);
			assert.equal((await deliver(progressTrigger, id, 'IN_PROGRESS')).status, 200);
			assert.equal((await deliver(progressTrigger, id, 'COMPLETED')).status, 200);
			const late = await deliver(progressTrigger, id, 'IN_PROGRESS');
			assert.equal(late.json?.emitted, false, late.text);
			const { byJob, total } = await emitted(progressTrigger, { atLeast: 2 });
			assert.equal(total, 2, 'running, then completed; the late running is dropped');
			assert.equal(byJob.get(id)?.length, 2);
		});

		check('bad input: form body 400, malformed JSON 422, wrong signature 401, and nothing starts', async () => {
			const before = (await emitted(trigger)).total;
			const id = jobId('bad', 0);
			const form = await deliver(trigger, id, 'COMPLETED', {
				contentType: 'application/x-www-form-urlencoded', body: `id=${id}&status=COMPLETED&output=x`,
			});
			assert.equal(form.status, 400, form.text);
			const malformed = await deliver(trigger, id, 'COMPLETED', { body: '{"id": "x", "status": ' });
			assert.equal(malformed.status, 422, malformed.text);
			const forged = await deliver(trigger, id, 'COMPLETED', { query: signedQuery('not the key', `ref-${id}`) });
			assert.equal(forged.status, 401, forged.text);
			assert.equal((await emitted(trigger)).total, before);
		});

		check('Poll, 20 items, status calls answered 30% 429 (Retry-After 1) and 10% 500: every job comes back completed', async () => {
			await rig.sim.faults({ faultRates: { rateLimit: 0.3, serverError: 0.1 }, faultRateRoutes: ['status'], faultSeed: Date.now() % 1e6 });
			try {
				const jobs = Array.from({ length: 20 }, (_, index) => ({ name: jobId('poll', index), prompt: 'poll me' }));
				const answer = await post(rig, poll.webhookPaths.Webhook, JSON.stringify({ jobs }));
				assert.equal(answer.status, 200, answer.text);
				const items = Array.isArray(answer.json) ? answer.json : [];
				assert.equal(items.length, 20, answer.text.slice(0, 500));
				for (const item of items) assert.equal(item.status, 'completed', short(item));
				assert.equal(new Set(items.map((item) => item.jobId)).size, 20);
				const { requests } = await rig.sim.state();
				const faulted = requests.filter((request) => request.route === 'status' && request.status >= 429).length;
				assert.ok(faulted > 0, 'the status calls met faults');
			} finally {
				await rig.sim.faults({ faultRates: {} });
			}
		});

		check('Wait for Callback timeout: the items name their jobs with WAIT_TIMEOUT', async () => {
			const finished = await waitFor('the waiting execution to end at its timeout', async () => {
				const [execution] = await listExecutions(rig.client, waiting.id);
				return execution && !['waiting', 'running', 'new'].includes(execution.status) ? execution : undefined;
			}, { timeoutMs: 150_000, intervalMs: 1000 });
			const execution = await getExecution(rig.client, finished.id);
			const items = nodeOutput(execution, 'RunPod') ?? [];
			assert.equal(items.length, 3, short(items));
			const submitted = (await rig.sim.state()).jobs.filter((job) => String(job.input?.name).includes('-wait-')).map((job) => job.id);
			for (const item of items) {
				assert.equal(item.json.error?.code, 'WAIT_TIMEOUT', short(item.json));
				assert.ok(submitted.includes(item.json.jobId), `item names a submitted job: ${short(item.json)}`);
			}
		}, 4 * 60_000);
	});
}
