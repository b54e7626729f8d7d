/**
 * Wait for Callback with several items, in a real n8n: the earlier jobs' callbacks must leave the
 * execution waiting (n8n keeps nothing of a waiting-webhook call that returns no data), and the
 * last job's callback must resume it with one result per item.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { importWorkflows, publishWorkflow } from '../../scripts/n8n/rest-client.mjs';
import { startProduct } from '../../scripts/product.mjs';
import { freeProductPorts, waitForCallbackWorkflow } from './e2e-support.mjs';

const versions = (process.env.N8N_E2E_VERSIONS ?? '2.40.7,1.123.81').split(',').map((version) => version.trim());

const batchWorkflow = (credential) =>
	waitForCallbackWorkflow(credential, {
		name: 'e2e: batch wait for callback',
		path: 'e2e-batch',
		idPrefix: 'b',
		waitOptions: { pollInterval: 0.5, timeout: 120 },
	});

async function until(check, { timeoutMs = 30_000, what }) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

for (const version of versions) {
	describe(`n8n ${version}: Wait for Callback with several items`, () => {
		let product;
		let workflowId;

		before(async () => {
			const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `render-hooks-batch-${version}-`));
			product = await startProduct({
				version,
				...(await freeProductPorts()),
				userFolder,
			});
			const runPod = product.services.services.find((service) => service.providerId === 'runPod');
			const credential = product.credentials.find((candidate) => candidate.name === runPod.credential.name);
			[{ id: workflowId }] = await importWorkflows(product.client, [batchWorkflow(credential)]);
			await publishWorkflow(product.client, workflowId);
		});
		after(async () => await product?.stop());

		const executionsOf = async () => {
			const list = await product.client.request(`/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
			return Array.isArray(list) ? list : (list.results ?? []);
		};

		it('stays waiting through the earlier callbacks and resumes on the last job’s, with every result', async () => {
			const jobs = [
				{ name: 'fast-1', sim_delay_ms: 100 },
				{ name: 'fails', sim_delay_ms: 100, sim_fail: 'out of memory' },
				{ name: 'slow-last', sim_delay_ms: 4000 },
			];
			const answer = await fetch(`${product.n8n.webhookUrl}webhook/e2e-batch`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ jobs }),
			});
			assert.equal(answer.status, 200);

			// The two quick jobs have called back (the simulator queues 0.8 s, then their delay): still waiting.
			await new Promise((resolve) => setTimeout(resolve, 2500));
			const [waiting] = await executionsOf();
			assert.equal(waiting?.status, 'waiting', `expected a waiting execution, got ${JSON.stringify(waiting)}`);

			const finished = await until(
				async () => {
					const [execution] = await executionsOf();
					return execution && execution.status !== 'waiting' && execution.status !== 'running' ? execution : undefined;
				},
				{ timeoutMs: 60_000, what: 'the execution to finish' },
			);
			assert.equal(finished.status, 'success', JSON.stringify(finished));
			const full = await product.client.request(`/rest/executions/${finished.id}`);
			const text = typeof full.data === 'string' ? full.data : JSON.stringify(full.data);
			for (const name of ['fast-1', 'fails', 'slow-last']) assert.ok(text.includes(name), `result for ${name} missing`);
			assert.ok(text.includes('out of memory'), 'the failed job’s error is missing');
		});
	});
}
