/**
 * The stand-ins the local n8n talks to: the provider simulators, an SMTP sink and a Slack-style
 * webhook sink, on fixed loopback ports so that the imported credentials and workflows point at
 * them. Started by product.mjs as a child process; prints one line `local services ready {json}`
 * (the services and the credentials that reach them), then runs until SIGTERM/SIGINT/SIGHUP or
 * until its parent goes away (its stdin closes). Ports: RENDER_HOOKS_FIRST_PORT (default 5681) for
 * the HTTP sink, the next for the SMTP sink, then one per provider simulator.
 *
 * The sinks keep what they receive in memory: a restart forgets every mail and post.
 */
import { startSinks } from '../simulators/sinks';
import { startRunPodSimulator } from '../simulators/runpod';
import { RunPodApi } from '../credentials/RunPodApi.credentials';

interface LocalService {
	providerId: string;
	name: string;
	url: string;
	credential: { name: string; type: string; data: Record<string, unknown> };
}

const FIRST_PORT = Number(process.env.RENDER_HOOKS_FIRST_PORT ?? 5681);

async function startSimulators(firstPort: number): Promise<{ services: LocalService[]; close(): Promise<void> }> {
	const runPod = await startRunPodSimulator({
		port: firstPort,
		apiKey: 'rp_local_demo_key',
		// Long enough to watch a job queue and run in the editor, short enough not to bore.
		queueMs: Number(process.env.RENDER_HOOKS_QUEUE_MS ?? 800),
		runMs: Number(process.env.RENDER_HOOKS_RUN_MS ?? 2500),
		webhookRetryDelayMs: 2000,
	});
	const service: LocalService = {
		providerId: 'runPod',
		name: 'RunPod simulator',
		url: runPod.baseUrl,
		credential: {
			name: 'RunPod (local simulator)',
			type: new RunPodApi().name,
			data: { apiKey: runPod.apiKey, baseUrl: runPod.baseUrl, restUrl: runPod.restUrl },
		},
	};
	return { services: [service], close: () => runPod.close() };
}

async function main() {
	const sinks = await startSinks({ httpPort: FIRST_PORT, smtpPort: FIRST_PORT + 1 });
	const simulators = await startSimulators(FIRST_PORT + 2);
	const lines = [
		...simulators.services.map((service) => `${service.name.padEnd(22)} ${service.url}`),
		`${'SMTP sink'.padEnd(22)} 127.0.0.1:${sinks.smtpPort} (received mails: ${sinks.httpUrl}/mails)`,
		`${'Slack-style sink'.padEnd(22)} ${sinks.httpUrl}/slack/… (received posts: ${sinks.httpUrl}/posts)`,
	];
	process.stdout.write(`${lines.join('\n')}\n`);
	const ready = { sinkUrl: sinks.httpUrl, smtpPort: sinks.smtpPort, services: simulators.services };
	process.stdout.write(`local services ready ${JSON.stringify(ready)}\n`);

	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await Promise.allSettled([simulators.close(), sinks.close()]);
		process.exit(0);
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());
	// The parent holds our stdin open: when it exits, even killed, stdin ends and we stop too.
	process.stdin.on('end', () => void stop());
	process.stdin.on('close', () => void stop());
	process.stdin.resume();
}

main().catch((error) => {
	process.stderr.write(`${(error as Error).stack}\n`);
	process.exit(1);
});
