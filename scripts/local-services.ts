/**
 * The stand-ins the local n8n talks to: the provider simulators (one per provider of the registry,
 * simulators/local.ts), an SMTP sink and a Slack-style webhook sink, on fixed loopback ports so
 * that the imported credentials and workflows point at them. Started by product.mjs as a child process; prints one line `local services ready {json}`
 * (the services and the credentials that reach them), then runs until SIGTERM/SIGINT/SIGHUP or
 * until its parent goes away (its stdin closes). Ports: RENDER_HOOKS_FIRST_PORT (default 5681) for
 * the HTTP sink, the next for the SMTP sink, then one per provider simulator.
 *
 * The sinks keep what they receive in memory: a restart forgets every mail and post.
 */
import { startSinks } from '../simulators/sinks';
import { startLocalSimulators } from '../simulators/local';

const FIRST_PORT = Number(process.env.RENDER_HOOKS_FIRST_PORT ?? 5681);

async function main() {
	const sinks = await startSinks({ httpPort: FIRST_PORT, smtpPort: FIRST_PORT + 1 });
	const notes: string[] = [];
	const simulators = await startLocalSimulators({ firstPort: FIRST_PORT + 2, env: process.env, log: (line) => notes.push(line) });
	const lines = [
		...notes.filter((line) => line.startsWith('no simulator')),
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
