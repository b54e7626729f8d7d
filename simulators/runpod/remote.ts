/**
 * The RunPod simulator in its own process, driven over HTTP: for the suites and the bench that run
 * a real n8n (plain .mjs, no TypeScript) and need to arm faults and read what the simulator saw.
 *
 *   node -r ts-node/register/transpile-only simulators/runpod/remote.ts '<options as JSON>'
 *
 * Prints `runpod simulator ready {"baseUrl", "restUrl", "apiKey", "controlUrl"}`, then serves on
 * controlUrl:
 *   GET  /state          {config, requests, deliveries, jobs: [{id, status, input, createdAt, webhook}]}
 *   POST /faults         a RunPodFaults patch (faultRates, dropWebhooks, runMs, answerDelayMs, ...)
 *   POST /reset          forgets jobs, requests and deliveries; the starting configuration again
 * It stops on SIGTERM or when its stdin closes (its parent is gone).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { createServer } from 'http';
import { startRunPodSimulator } from './index';

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

async function main(): Promise<void> {
	const sim = await startRunPodSimulator(JSON.parse(process.argv[2] ?? '{}'));
	const control = createServer((req, res) => {
		void (async () => {
			if (req.method === 'GET' && req.url === '/state') {
				const jobs = [...sim.jobs.values()].map(({ id, status, input, createdAt, webhook }) => ({ id, status, input, createdAt, webhook }));
				return send(res, 200, { config: sim.config, requests: sim.requests, deliveries: sim.deliveries, jobs });
			}
			if (req.method === 'POST' && req.url === '/faults') {
				sim.setFaults(await readJson(req));
				return send(res, 200, { config: sim.config });
			}
			if (req.method === 'POST' && req.url === '/reset') {
				sim.reset();
				return send(res, 200, { config: sim.config });
			}
			send(res, 404, { error: 'unknown control route' });
		})().catch((error: Error) => send(res, 500, { error: error.message }));
	});
	await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
	const address = control.address();
	const controlUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
	const ready = { url: sim.url, baseUrl: sim.baseUrl, restUrl: sim.restUrl, apiKey: sim.apiKey, controlUrl };
	process.stdout.write(`runpod simulator ready ${JSON.stringify(ready)}\n`);

	const stop = async () => {
		control.close();
		await sim.close();
		process.exit(0);
	};
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop());
	process.stdin.on('end', () => void stop());
	process.stdin.resume();
}

main().catch((error: Error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exit(1);
});
