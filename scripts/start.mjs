/**
 * `npm start`: the product on this machine. Installs the dev tree when it is missing or stale,
 * then a local n8n (pinned version, installed into the n8n cache on first run) with the four
 * provider packages installed through its Community Nodes installer from a local registry,
 * the provider simulators, the SMTP and Slack-style sinks, and the example workflows loaded and
 * published.
 *
 * It owns what it starts: Ctrl-C, SIGTERM, SIGHUP (the terminal closed), its parent going away
 * or any of its processes stopping on its own stops all of them. Ports taken by another process
 * stop it before it starts anything, with the name of that process.
 */
import { ensureDevTree } from './dev-tree.mjs';

const startedAt = Date.now();
const elapsed = () => `${Math.round((Date.now() - startedAt) / 1000)} s`.padStart(5);
const say = (line) => process.stdout.write(`[start ${elapsed()}] ${line}\n`);

let stopping = false;
let stopEverything = async () => {};

async function shutDown(reason, exitCode) {
	if (stopping) return;
	stopping = true;
	process.stdout.write(`\n${reason}: stopping n8n and the local services…\n`);
	await stopEverything().catch((error) => process.stderr.write(`${error.stack ?? error}\n`));
	process.exit(exitCode);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutDown(signal, signal === 'SIGINT' ? 0 : 129));
// npm forwards only SIGINT and SIGTERM to us: when it dies of anything else we are reparented.
const parentPid = process.ppid;
setInterval(() => {
	if (process.ppid !== parentPid) void shutDown(`parent process ${parentPid} is gone`, 129);
}, 1000).unref();

await ensureDevTree();
const { stopAllN8n } = await import('./n8n/process.mjs');
const { DEFAULT_OWNER } = await import('./n8n/rest-client.mjs');
const { cacheDir } = await import('./n8n/paths.mjs');
const { DEFAULT_FIRST_SERVICE_PORT, startProduct } = await import('./product.mjs');
stopEverything = stopAllN8n; // until the product is up; local services stop when we exit

const firstServicePort = Number(process.env.RENDER_HOOKS_FIRST_PORT ?? DEFAULT_FIRST_SERVICE_PORT);
say(`n8n cache: ${cacheDir()} (npm run clean:n8n removes it)`);
let product;
try {
	product = await startProduct({
		port: Number(process.env.N8N_PORT ?? 5678),
		firstServicePort,
		log: (line) => process.stdout.write(line),
		step: say,
	});
} catch (error) {
	if (error.code === 'PORT_IN_USE') {
		process.stderr.write(`\nnpm start did not start: ${error.message}\n` +
			'(Another `npm start` still running? Stop it with Ctrl-C in its terminal. Other ports: N8N_PORT=5680 RENDER_HOOKS_FIRST_PORT=5690 npm start)\n');
		process.exit(2);
	}
	process.stderr.write(`\nnpm start failed: ${error.stack ?? error}\n`);
	await stopAllN8n();
	process.exit(1);
}
stopEverything = () => product.stop();

const webhook = product.n8n.webhookUrl.replace(/\/$/, '');
const sink = product.services.sinkUrl;
process.stdout.write(
	[
		'',
		`n8n ${product.version} with n8n-nodes-render-hooks is running (ready in ${elapsed().trim()}):`,
		`  editor       http://localhost:${product.n8n.port}/   log in as ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}`,
		`  credentials  ${product.credentials.map((credential) => `"${credential.name}"`).join(', ')}`,
		'  workflows    ' + product.workflows.map((workflow) => `"${workflow.name}"`).join(',\n               '),
		`  state        ${product.userFolder} (delete it to start over); n8n log: ${product.n8n.logFile}`,
		'',
		'Try first:',
		'  1. Render a listing photo and get it by email (Wait for Callback); the answer names the job:',
		`       curl -X POST ${webhook}/webhook/render-listing -H 'content-type: application/json' -d '{"prompt": "sunny scandinavian living room", "listing": "demo-1"}'`,
		'     the render takes a few seconds; wait for the mail with its attachment, and find the file in',
		`     ${product.rendersDir}:`,
		`       until curl -s ${sink}/mails | grep -q demo-1; do sleep 1; done; curl -s ${sink}/mails`,
		'  2. Submit without waiting; the trigger workflow posts the result to the Slack-style sink:',
		`       curl -X POST ${webhook}/webhook/submit-render -H 'content-type: application/json' -d '{"prompt": "modern kitchen, white oak"}'`,
		`       until curl -s ${sink}/posts | grep -q jobId; do sleep 1; done; curl -s ${sink}/posts`,
		'  3. Open the workflows in the editor and look at the executions.',
		'The sinks keep mails and posts in memory only: a restart forgets them.',
		'',
		'Ctrl-C (or closing this terminal) stops n8n and the local services.',
		'',
	].join('\n'),
);

const reason = await product.exited;
await shutDown(reason, 1);
