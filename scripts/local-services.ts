/**
 * The stand-ins the local n8n talks to: the RunPod simulator, an SMTP sink and a Slack-style
 * webhook sink, on fixed loopback ports so that the imported credentials and workflows point at
 * them. Runs until it is stopped (Ctrl-C or SIGTERM). Ports come from the environment when set.
 */
import { startSinks } from '../simulators/sinks';
import { startRunPodSimulator } from '../simulators/runpod';

export const LOCAL_SERVICE_PORTS = {
	runPod: Number(process.env.RENDER_HOOKS_RUNPOD_PORT ?? 5681),
	smtp: Number(process.env.RENDER_HOOKS_SMTP_PORT ?? 5682),
	sink: Number(process.env.RENDER_HOOKS_SINK_PORT ?? 5683),
};

async function main() {
	const runPod = await startRunPodSimulator({
		port: LOCAL_SERVICE_PORTS.runPod,
		apiKey: process.env.RENDER_HOOKS_RUNPOD_KEY ?? 'rp_local_demo_key',
		// Long enough to watch a job queue and run in the editor, short enough not to bore.
		queueMs: Number(process.env.RENDER_HOOKS_QUEUE_MS ?? 800),
		runMs: Number(process.env.RENDER_HOOKS_RUN_MS ?? 2500),
		webhookRetryDelayMs: 2000,
	});
	const sinks = await startSinks({ smtpPort: LOCAL_SERVICE_PORTS.smtp, httpPort: LOCAL_SERVICE_PORTS.sink });
	process.stdout.write(
		[
			`RunPod simulator   ${runPod.baseUrl} (REST ${runPod.restUrl}), API key ${runPod.apiKey}`,
			`SMTP sink          127.0.0.1:${sinks.smtpPort} (received mails: ${sinks.httpUrl}/mails)`,
			`Slack-style sink   ${sinks.httpUrl}/slack/… (received posts: ${sinks.httpUrl}/posts)`,
			'',
		].join('\n'),
	);
	process.stdout.write('local services ready\n');

	const stop = async () => {
		await Promise.allSettled([runPod.close(), sinks.close()]);
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
	process.stderr.write(`${(error as Error).stack}\n`);
	process.exit(1);
});
