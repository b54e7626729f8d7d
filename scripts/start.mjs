/**
 * `npm start`: the product on this machine. A local n8n (pinned version, installed on first run)
 * with this package, the provider simulators, the SMTP and Slack-style sinks, and the example
 * workflows loaded and published. Ctrl-C stops everything it started.
 */
import { DEFAULT_OWNER } from './n8n-host.mjs';
import { CREDENTIAL_NAMES, startProduct } from './product.mjs';

const started = Date.now();
process.stdout.write('Starting: local services, n8n (the first run installs it: a few minutes), examples…\n');
const product = await startProduct({
	port: Number(process.env.N8N_PORT ?? 5678),
	log: (line) => process.stdout.write(line),
});

const webhook = product.n8n.webhookUrl.replace(/\/$/, '');
const editor = `http://localhost:${product.n8n.port}`;
process.stdout.write(
	[
		'',
		`n8n ${product.version} with n8n-nodes-render-hooks is running (ready in ${Math.round((Date.now() - started) / 1000)} s):`,
		`  editor       ${editor}/   log in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`,
		`  credentials  "${CREDENTIAL_NAMES.runPod}", "${CREDENTIAL_NAMES.smtp}"`,
		'  workflows    ' + product.workflows.map((workflow) => `"${workflow.name}"`).join(',\n               '),
		'',
		'Try first:',
		`  1. Render a listing photo and get it by email (Wait for Callback):`,
		`       curl -X POST ${webhook}/webhook/render-listing -H 'content-type: application/json' -d '{"prompt": "sunny scandinavian living room", "listing": "demo-1"}'`,
		`     then open ${product.services.sinkUrl}/mails (the mail and its attachment) and ${product.rendersDir}`,
		`  2. Submit without waiting; the RunPod Trigger workflow posts the result to the Slack-style sink:`,
		`       curl -X POST ${webhook}/webhook/submit-render -H 'content-type: application/json' -d '{"prompt": "modern kitchen, white oak"}'`,
		`     then open ${product.services.sinkUrl}/posts`,
		'  3. Open the workflows in the editor and look at the executions.',
		'',
		'Ctrl-C stops n8n and the local services.',
		'',
	].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		process.stdout.write('\nStopping…\n');
		product.stop().finally(() => process.exit(0));
	});
}
await new Promise(() => {});
