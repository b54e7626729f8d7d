/**
 * Soak in a real n8n (issue 8): 1,000 callbacks at 10 connections, 10% duplicates (half of them
 * sent at the same moment as their original), 5% malformed, 5% forged. Every valid callback is
 * emitted exactly once (executions counted per job in n8n's database), every bad one refused with
 * its status. Then one execution of the RunPod node with the provider answering 20% 429/500 on
 * submit and status: every job completes or fails with a clear error, none is submitted twice.
 *
 *   node --test test/e2e/soak.test.mjs        (N8N_E2E_VERSIONS=2.40.7 by default; ~2-3 min)
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import {
	callbackBody, executionsByJob, jobsWorkflow, post, runPodNode, settledExecutionCount, signedQuery, startRig, triggerWorkflow,
} from '../../scripts/bench/rig.mjs';
import { short } from './e2e-support.mjs';

const VERSIONS = (process.env.N8N_SOAK_VERSIONS ?? '2.40.7').split(',').map((version) => version.trim()).filter(Boolean);
const CONNECTIONS = 10;
const VALID = 800;
const DUPLICATES = 100; // half sent alongside their original, half well after it
const MALFORMED = 50; // 30 broken JSON (n8n: 422), 20 JSON that is no RunPod job (400)
const FORGED = 50;

/** mulberry32: a seeded shuffle, so a failing order can be replayed with the printed seed. */
function shuffle(list, seed) {
	let state = seed >>> 0;
	const random = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), state | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	for (let index = list.length - 1; index > 0; index--) {
		const other = Math.floor(random() * (index + 1));
		[list[index], list[other]] = [list[other], list[index]];
	}
	return list;
}

/**
 * The 1,000 requests in sending order: [{kind, jobId, expect}]. Valid callbacks are shuffled with
 * the malformed and forged ones; a concurrent duplicate directly follows its original (the next
 * free connection takes it while the original is in flight), a late one comes 100+ places later.
 */
function soakPlan(tag, seed) {
	const jobId = (index) => `soak-${tag}-${index}`;
	const base = shuffle([
		...Array.from({ length: VALID }, (_, index) => ({ kind: 'valid', jobId: jobId(index), expect: 200 })),
		...Array.from({ length: MALFORMED }, (_, index) => index < 30
			? { kind: 'malformed', jobId: jobId(`m${index}`), expect: 422 }
			: { kind: 'not a job', jobId: jobId(`m${index}`), expect: 400 }),
		...Array.from({ length: FORGED }, (_, index) => ({ kind: 'forged', jobId: jobId(index % VALID), expect: 401 })),
	], seed);
	const plan = [...base];
	const validPositions = base.flatMap((entry, position) => (entry.kind === 'valid' ? [position] : []));
	const chosen = shuffle([...validPositions], seed + 1).slice(0, DUPLICATES);
	// Inserted from the back so earlier positions stay valid.
	const inserts = chosen.map((position, index) => ({
		at: index < DUPLICATES / 2 ? position + 1 : Math.min(base.length, position + 100 + index),
		entry: { kind: index < DUPLICATES / 2 ? 'duplicate (concurrent)' : 'duplicate (late)', jobId: base[position].jobId, expect: 200 },
	})).sort((a, b) => b.at - a.at);
	for (const { at, entry } of inserts) plan.splice(at, 0, entry);
	return plan;
}

function requestOf(rig, path, entry) {
	const query = signedQuery(entry.kind === 'forged' ? 'a forger’s key' : rig.signingKey, `ref-${entry.jobId}`);
	if (entry.kind === 'malformed') return () => post(rig, path + query, `{"id": "${entry.jobId}", "status": "COMPLETED", `);
	if (entry.kind === 'not a job') return () => post(rig, path + query, JSON.stringify({ hello: entry.jobId }));
	return () => post(rig, path + query, callbackBody(entry.jobId));
}

for (const version of VERSIONS) {
	describe(`n8n ${version}: soak`, () => {
		let rig;
		let failed = false;
		before(async () => {
			rig = await startRig({ version, simulator: { queueMs: 50, runMs: 400 } });
		}, { timeout: 10 * 60_000 });
		after(async () => {
			await rig?.stop();
			if (failed) process.stderr.write(`[soak] n8n ${version}: user folder kept: ${rig?.userFolder}\n`);
			else rig?.removeUserFolder();
		}, { timeout: 60_000 });

		test('1,000 callbacks at 10 connections: every valid one emitted once, every bad one refused', { timeout: 6 * 60_000 }, async (t) => {
			try {
				const tag = crypto.randomBytes(3).toString('hex');
				const seed = Number.parseInt(tag, 16);
				const trigger = await rig.createWorkflow(triggerWorkflow(rig.credential));
				const path = trigger.webhookPaths['RunPod Trigger'];
				const plan = soakPlan(tag, seed);
				assert.equal(plan.length, 1000);

				const startedAt = Date.now();
				let next = 0;
				const answers = new Array(plan.length);
				await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
					while (next < plan.length) {
						const index = next++;
						answers[index] = await requestOf(rig, path, plan[index])();
					}
				}));
				const seconds = (Date.now() - startedAt) / 1000;

				const wrong = plan.map((entry, index) => ({ ...entry, got: answers[index].status, text: answers[index].text }))
					.filter((entry) => entry.got !== entry.expect);
				assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} requests answered otherwise than expected (seed ${seed})`);
				for (const [index, entry] of plan.entries()) {
					if (entry.expect >= 400) assert.ok(answers[index].text.length > 0, `the ${entry.kind} refusal says why`);
				}

				await settledExecutionCount(rig, trigger.id, { atLeast: VALID, quietMs: 3000 });
				const { byJob, statuses, total } = await executionsByJob(rig, trigger.id, `soak-${tag}-\\d+`);
				const notOnce = [...new Set(plan.filter((entry) => entry.kind === 'valid').map((entry) => entry.jobId))]
					.filter((jobId) => byJob.get(jobId)?.length !== 1);
				assert.deepEqual(notOnce.slice(0, 5).map((jobId) => [jobId, byJob.get(jobId)]), [], `${notOnce.length} jobs not emitted exactly once`);
				assert.equal(total, VALID, `executions: ${short(statuses)}`);
				assert.deepEqual(statuses, { success: VALID });
				t.diagnostic(`${plan.length} requests in ${seconds.toFixed(1)} s (${(plan.length / seconds).toFixed(1)}/s), ` +
					`${total} executions for ${VALID} valid callbacks, seed ${seed}`);
			} catch (error) {
				failed = true;
				throw error;
			}
		});

		test('provider answering 20% 429/500 on submit and status: every job completes or fails clearly, none submitted twice', { timeout: 4 * 60_000 }, async (t) => {
			try {
				const tag = crypto.randomBytes(3).toString('hex');
				const workflow = await rig.createWorkflow(jobsWorkflow(runPodNode(rig.credential, {
					continueOnFail: true, waitOptions: { pollInterval: 0.5, timeout: 300 },
				})));
				await rig.sim.reset();
				await rig.sim.faults({ faultRates: { rateLimit: 0.1, serverError: 0.1 }, faultRateRoutes: ['run', 'status'], faultSeed: Number.parseInt(tag, 16) });
				const jobs = Array.from({ length: 100 }, (_, index) => ({ name: `faults-${tag}-${index}`, prompt: 'soak' }));
				const answer = await post(rig, workflow.webhookPaths.Webhook, JSON.stringify({ jobs }));
				await rig.sim.faults({ faultRates: {} });
				assert.equal(answer.status, 200, answer.text.slice(0, 500));
				const items = answer.json;
				assert.equal(items.length, jobs.length, answer.text.slice(0, 500));

				const completed = items.filter((item) => item.status === 'completed');
				const failedItems = items.filter((item) => item.status !== 'completed');
				for (const item of failedItems) {
					assert.match(String(item.error?.message ?? item.error), /500|429|RunPod/, `a clear error: ${short(item)}`);
				}
				const { jobs: created, requests } = await rig.sim.state();
				const perName = new Map();
				for (const job of created) perName.set(job.input?.name, (perName.get(job.input?.name) ?? 0) + 1);
				const twice = [...perName].filter(([, count]) => count > 1);
				assert.deepEqual(twice, [], 'no job submitted twice');
				assert.deepEqual(completed.map((item) => perName.get(item.correlationId)), completed.map(() => 1));
				const runs = requests.filter((request) => request.route === 'run');
				const answered = (status) => runs.filter((request) => request.status === status).length;
				assert.equal(answered(200), created.length, '/run answered 200 once per job');
				assert.equal(answered(500), failedItems.length, 'each item whose /run got 500 fails, not retried');
				t.diagnostic(`${completed.length} completed, ${failedItems.length} failed (/run 500, not retried), ` +
					`/run calls ${runs.length} (429: ${answered(429)}), status calls ${requests.filter((request) => request.route === 'status').length}`);
			} catch (error) {
				failed = true;
				throw error;
			}
		});
	});
}
