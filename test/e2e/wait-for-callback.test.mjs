/**
 * Wait for Callback in a real n8n (issue 18, items 5, 9 and 13): the jobs live in the waiting
 * execution, not in a URL, and only the last item's job carries the resume URL, so 1,000 items
 * wait and resume with every result; the resume URL is good for its own job only (a leaked one with
 * another job id is refused 403 and nothing resumes); the body RunPod's local test server posts
 * ({output}, no id or status) completes the URL's job.
 *
 *   node --test test/e2e/wait-for-callback.test.mjs        (N8N_E2E_VERSIONS=2.40.7,1.123.81)
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { TINY_PNG, jobsWorkflow, post, runPodNode, startRig } from '../../scripts/bench/rig.mjs';
import { getExecution, listExecutions, nodeOutput, short, waitFor } from './e2e-support.mjs';

const VERSIONS = (process.env.N8N_E2E_VERSIONS ?? '2.40.7,1.123.81').split(',').map((version) => version.trim()).filter(Boolean);
/** 1,000 items on the newest n8n; 200 on the others (the same code path, a shorter run in CI). */
const manyFor = (version) => Number(process.env.N8N_E2E_WAIT_ITEMS ?? (version === VERSIONS[0] ? 1000 : 200));
/**
 * How long each of the many jobs runs. The simulator allows 200 unfinished jobs per endpoint (its
 * reading of RunPod's "/run: 200 concurrent") and answers 429 beyond, so the submits take several
 * rounds of jobs, and the last job must still run when the last submit is answered.
 */
const MANY_RUN_MS = 3000;

for (const version of VERSIONS) {
	describe(`n8n ${version}: Wait for Callback`, () => {
		const MANY = manyFor(version);
		const tag = crypto.randomBytes(3).toString('hex');
		let rig;
		let waiting;
		let failed = false;

		before(async () => {
			rig = await startRig({ version, simulator: { queueMs: 50, runMs: 300 } });
			waiting = await rig.createWorkflow(jobsWorkflow(
				runPodNode(rig.credential, { waitFor: 'callback', waitOptions: { timeout: 600 } }),
				{ responseMode: 'onReceived' },
			));
		}, { timeout: 10 * 60_000 });

		after(async () => {
			await rig?.stop();
			if (failed) process.stderr.write(`[wait] n8n ${version}: user folder kept: ${rig?.userFolder}\n`);
			else rig?.removeUserFolder();
		}, { timeout: 60_000 });

		const check = (name, body, timeout = 10 * 60_000) => test(name, { timeout }, async () => {
			try {
				await body();
			} catch (error) {
				failed = true;
				throw error;
			}
		});

		/**
		 * Starts the waiting workflow with `names` as jobs, each running `runMs` at the simulator;
		 * resolves with its execution once it waits (the jobs must outlast the submits: the node
		 * looks at every job before waiting and does not wait when all have ended).
		 */
		const startWaiting = async (names, runMs) => {
			const known = new Set((await listExecutions(rig.client, waiting.id)).map((execution) => String(execution.id)));
			const jobs = names.map((name) => ({ name, prompt: 'wait', sim_delay_ms: runMs }));
			const started = await post(rig, waiting.webhookPaths.Webhook, JSON.stringify({ jobs }));
			assert.equal(started.status, 200, started.text);
			const execution = await waitFor('the execution to wait or end', async () => {
				const fresh = (await listExecutions(rig.client, waiting.id)).find((candidate) => !known.has(String(candidate.id)));
				return fresh && fresh.status !== 'running' && fresh.status !== 'new' ? fresh : undefined;
			}, { timeoutMs: 5 * 60_000 });
			assert.equal(execution.status, 'waiting', `the execution waits (it ended ${execution.status}: did every job end before the node went to wait?)`);
			return execution;
		};
		// Until its data holds the RunPod node's run: n8n 1.123.81 was seen answering `success` for a
		// resumed execution with run data that did not have it yet.
		const finished = async (executionId, timeoutMs = 5 * 60_000) => await waitFor(`execution ${executionId} to finish`, async () => {
			const execution = await getExecution(rig.client, executionId);
			const ended = execution.finished || ['success', 'error', 'crashed'].includes(execution.status);
			return ended && (execution.status !== 'success' || nodeOutput(execution, 'RunPod')) ? execution : undefined;
		}, { timeoutMs });
		const jobsNamed = async (prefix) => (await rig.sim.state()).jobs.filter((job) => String(job.input?.name).startsWith(prefix));
		const postTo = async (url, body) => {
			const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			const text = await response.text();
			return { status: response.status, text };
		};

		check(`${MANY} items wait for their callbacks and resume with every result`, async () => {
			const prefix = `many-${tag}-`;
			const names = Array.from({ length: MANY }, (_, index) => `${prefix}${index}`);
			const startedAt = Date.now();
			const execution = await startWaiting(names, MANY_RUN_MS);
			const waitingAt = Date.now();
			const jobs = await jobsNamed(prefix);
			assert.equal(jobs.length, MANY, 'one job per item');
			const withUrl = jobs.filter((job) => job.webhook);
			assert.deepEqual(withUrl.map((job) => job.input.name), [names.at(-1)], 'only the last item’s job carries the resume URL');
			const longest = withUrl[0].webhook.length;
			assert.ok(longest < 400, `the resume URL is short (${longest} characters)`);

			const done = await finished(execution.id);
			const doneAt = Date.now();
			assert.equal(done.status, 'success', short(done));
			const items = nodeOutput(done, 'RunPod');
			assert.equal(items.length, MANY, 'one result per item');
			assert.deepEqual(items.map((item) => item.json.correlationId), names, 'results in item order, each with its correlation id');
			const statuses = items.map((item) => item.json.status);
			assert.deepEqual([...new Set(statuses)], ['completed'], `statuses: ${short(statuses)}`);
			assert.equal(new Set(items.map((item) => item.json.jobId)).size, MANY, 'distinct jobs');
			const { deliveries } = await rig.sim.state();
			const answered = deliveries.filter((delivery) => String(delivery.url).includes(`/${execution.id}`));
			process.stdout.write(`[wait] n8n ${version}: ${MANY} items: submitted and waiting after ${((waitingAt - startedAt) / 1000).toFixed(1)} s, `
				+ `resumed with ${MANY} results ${((doneAt - waitingAt) / 1000).toFixed(1)} s later; resume URL ${longest} characters; `
				+ `deliveries to the execution answered ${short(answered.map((delivery) => delivery.statusCode ?? 'no answer'))}\n`);
		}, 15 * 60_000);

		check('a leaked resume URL with another job id is refused 403 and nothing resumes; an {output} body completes its own job', async () => {
			await rig.sim.faults({ dropWebhooks: true });
			try {
				const prefix = `leak-${tag}-`;
				const execution = await startWaiting([`${prefix}0`, `${prefix}1`], 300);
				const jobs = await waitFor('both jobs to finish', async () => {
					const found = await jobsNamed(prefix);
					return found.length === 2 && found.every((job) => job.status === 'COMPLETED') ? found : undefined;
				}, { timeoutMs: 30_000 });
				const [first, last] = [`${prefix}0`, `${prefix}1`].map((name) => jobs.find((job) => job.input.name === name));
				assert.equal(first.webhook, undefined, 'only the last item’s job carries the resume URL');
				const forged = { status: 'COMPLETED', output: { images: ['https://attacker.example/cat.png'] } };
				for (const id of [first.id, 'invented-job']) {
					const answer = await postTo(last.webhook, { ...forged, id });
					assert.equal(answer.status, 403, `a body for job ${id} on job ${last.id}'s URL: ${answer.text}`);
					assert.match(answer.text, new RegExp(`issued for RunPod job ${last.id}`));
				}
				await new Promise((resolve) => setTimeout(resolve, 1000));
				assert.equal((await getExecution(rig.client, execution.id)).status, 'waiting', 'the execution still waits');

				// RunPod's local test server posts only {output}: the URL names the job, so it completes it.
				const resuming = await postTo(last.webhook, { output: { images: [TINY_PNG] } });
				assert.equal(resuming.status, 200, resuming.text);
				const done = await finished(execution.id, 60_000);
				assert.equal(done.status, 'success', short(done));
				const items = nodeOutput(done, 'RunPod');
				assert.deepEqual(items.map((item) => [item.json.jobId, item.json.status]), [[first.id, 'completed'], [last.id, 'completed']]);
				assert.ok(!JSON.stringify(items).includes('attacker.example'), 'nothing of the forged bodies');
				assert.equal(items[1].json.outputs?.length, 1, `the {output} body's image: ${short(items[1].json)}`);
				const late = await postTo(last.webhook, { output: { images: [TINY_PNG] } });
				assert.ok([404, 409].includes(late.status), `a call after the resume is refused by n8n: ${late.status} ${late.text}`);
			} finally {
				await rig.sim.faults({ dropWebhooks: false });
			}
		});
	});
}
