/**
 * Speed and memory figures of the hot paths, printed, never asserted (`npm run bench`).
 * Runs the nodes in-process through n8n-core against the RunPod simulator, like the tests.
 */
import { randomBytes } from 'crypto';
import axios from 'axios';

import { RunPodApi } from '../credentials/RunPodApi.credentials';
import { RunPod } from '../nodes/RunPod/RunPod.node';
import { RunPodTrigger } from '../nodes/RunPod/RunPodTrigger.node';
import { parseRunPodJob } from '../nodes/RunPod/parser';
import { runPodProvider } from '../nodes/RunPod/provider';
import { signedCallbackUrl } from '../nodes/shared/callback-auth';
import { N8nHost, chain, createNode, startNode } from '../test/harness';
import { makePng } from '../simulators/png';
import { startRunPodSimulator } from '../simulators/runpod';

const MB = 1024 * 1024;

/** Runs `work` while sampling RSS, returning its time and the RSS peak above the start. */
async function measure(work: () => Promise<void>) {
	global.gc?.();
	const startRss = process.memoryUsage().rss;
	let peakRss = startRss;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
	const started = process.hrtime.bigint();
	await work();
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	clearInterval(sampler);
	peakRss = Math.max(peakRss, process.memoryUsage().rss);
	return { ms, peakRssDeltaMb: (peakRss - startRss) / MB };
}

const rows: Array<[string, string]> = [];
const report = (name: string, figures: { ms: number; peakRssDeltaMb?: number }, note = '') =>
	rows.push([
		name,
		`${figures.ms.toFixed(0)} ms` +
			(figures.peakRssDeltaMb === undefined ? '' : `, RSS peak +${figures.peakRssDeltaMb.toFixed(0)} MB`) +
			(note ? `, ${note}` : ''),
	]);

async function main() {
	const sim = await startRunPodSimulator({ queueMs: 20, runMs: 50, webhookRetryDelayMs: 100 });
	const host = new N8nHost({ nodeTypes: [RunPod, RunPodTrigger], credentialTypes: [RunPodApi] });
	await host.start();
	const credentials = { runPodApi: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, restUrl: sim.restUrl } };

	// 1. The parser alone on a 15 MB callback body.
	const image = Buffer.concat([makePng(64, 64), randomBytes(11 * MB)]);
	const bigBody = { id: 'big', status: 'COMPLETED', delayTime: 1, executionTime: 2, output: { images: [image.toString('base64')] } };
	const payload = JSON.stringify(bigBody);
	report('parseRunPodJob, 15 MB body', await measure(async () => void parseRunPodJob(bigBody)), `body ${(payload.length / MB).toFixed(1)} MB`);

	// 2. The trigger receiving that body over HTTP, to the emitted item with its binary.
	const trigger = await host.activateTrigger({
		nodes: [createNode(RunPodTrigger, { name: 'Trigger' })],
		connections: {},
		credentials,
		triggerNode: 'Trigger',
	});
	const url = signedCallbackUrl(trigger.url(), runPodProvider.callbackSecret({ apiKey: sim.apiKey }), 'bench');
	report(
		'RunPod Trigger, 15 MB base64 callback → binary item',
		await measure(async () => {
			await axios.post(url, payload, { headers: { 'content-type': 'application/json' }, maxBodyLength: Infinity });
			await trigger.waitForExecutions(1, 60_000);
		}),
	);
	await trigger.deactivate();

	// 3. A 50-item Run + Poll batch, 5 status checks in flight at most.
	const items = Array.from({ length: 50 }, (_, index) => ({ prompt: `room ${index}` }));
	const batch = await measure(async () => {
		(
			await host.runWorkflow({
				nodes: [
					startNode(),
					createNode(RunPod, {
						name: 'RunPod',
						parameters: {
							endpointId: 'bench',
							operation: 'run',
							prompt: '={{ $json.prompt }}',
							waitFor: 'poll',
							waitOptions: { pollInterval: 0.5, timeout: 60, maxConcurrentPolls: 5 },
						},
					}),
				],
				connections: chain('Start', 'RunPod'),
				credentials,
				inputItems: items,
			})
		).assertStatus('success');
	});
	const statusCalls = sim.requests.filter((request) => request.path.includes('/status/')).length;
	report('RunPod Run + Poll, 50 items (one 256 px PNG each)', batch, `${statusCalls} status calls`);

	await host.stop();
	await sim.close();

	const width = Math.max(...rows.map(([name]) => name.length));
	process.stdout.write(`\nn8n-nodes-render-hooks benchmark (node ${process.version})\n`);
	for (const [name, figures] of rows) process.stdout.write(`${name.padEnd(width)}  ${figures}\n`);
}

main().catch((error) => {
	process.stderr.write(`${(error as Error).stack}\n`);
	process.exit(1);
});
