/**
 * Trigger throughput in queue mode (main + 2 webhook processors + 2 workers on Redis and
 * PostgreSQL, behind one round-robin address; scripts/n8n/queue-mode.mjs) with the same load as
 * the single-main measurement of the RunPod Trigger (latest version, callbacks without an image):
 * 10 connections, distinct job ids, executions counted.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { importCredentials } from '../n8n/rest-client.mjs';
import { closedLoop, median } from './load.mjs';
import { TRIGGER_LATEST_VERSION, callbackBody, settledExecutionCount, signedQuery, triggerWorkflow } from './rig.mjs';

const QUEUE_MODE_MODULE = new URL('../n8n/queue-mode.mjs', import.meta.url);

export function queueModeAvailable() {
	return fs.existsSync(QUEUE_MODE_MODULE);
}

/** Starts queue mode, publishes a RunPod Trigger there and runs `rounds` rounds of load against it. */
export async function queueModeThroughput({ sim, signingKey, rounds = 3, seconds = 8, connections = 10, log = () => {} }) {
	const { startQueueMode } = await import(QUEUE_MODE_MODULE);
	const { importWorkflows, publishWorkflow } = await import('../n8n/rest-client.mjs');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-bench-queue-'));
	const set = await startQueueMode({ dir, build: false, log: (line) => log(`  ${line}`) });
	try {
		const [credential] = await importCredentials(set.client, [{
			name: 'RunPod (bench simulator)', type: 'runPodApi', data: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, restUrl: sim.restUrl },
		}]);
		const workflow = triggerWorkflow({ id: credential.id, name: credential.name, type: 'runPodApi' }, { typeVersion: TRIGGER_LATEST_VERSION });
		const [{ id }] = await importWorkflows(set.client, [workflow]);
		await publishWorkflow(set.client, id);
		const hookPath = `webhook/${workflow.nodes[0].webhookId}/callback`;
		const counter = { client: set.client };
		const results = [];
		const run = crypto.randomBytes(3).toString('hex');
		let expected = 0;
		for (let round = 0; round < rounds; round++) {
			const figures = await closedLoop({
				connections,
				seconds,
				nextRequest: (index) => {
					const jobId = `queue-${run}-${round}-${index}`;
					return { url: `${set.webhookUrl}${hookPath}${signedQuery(signingKey, `ref-${jobId}`)}`, body: callbackBody(jobId, 'COMPLETED', { images: [] }) };
				},
			});
			expected += figures.ok;
			const executions = await settledExecutionCount(counter, id, { atLeast: expected, quietMs: 2000 });
			results.push({ ...figures, executions });
			log(`  queue mode round ${round + 1}: ${figures.perSecond.toFixed(1)} req/s, p50 ${figures.p50.toFixed(0)} ms, ${figures.ok} answered 200, executions so far ${executions}`);
		}
		return {
			perSecond: median(results.map((entry) => entry.perSecond)),
			p50: median(results.map((entry) => entry.p50)),
			answered: expected,
			executions: results.at(-1)?.executions ?? 0,
			rounds: results,
		};
	} finally {
		await set.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
