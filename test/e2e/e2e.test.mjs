/**
 * End-to-end tests of the provider packages in a real n8n, for each n8n version under test and each
 * installation: the four packages together (what `npm start` installs), then each package alone.
 * Each installation is the product as `npm start` runs it (scripts/product.mjs: the simulators, SMTP
 * and Slack-style sinks, n8n with the packed packages installed, credentials, the examples of the
 * installed providers imported and published), driven over HTTP like a user's systems would drive
 * it; a provider's checks run in every installation that has its package.
 *
 *   node scripts/n8n/cli.mjs install --version 2.40.7 && node scripts/n8n/cli.mjs install --version 1.123.81
 *   node --test --test-concurrency=1 test/e2e/e2e.test.mjs
 *
 * Env: N8N_E2E_VERSIONS=2.40.7,1.123.81 (comma list; default both), N8N_E2E_INSTALLS=together,alone
 * (default both), N8N_E2E_KEEP=1 keeps the
 * throwaway user folders (they are always kept when a check fails; the path is printed).
 * Every instance uses free ports (never 5678/5681-5683 of `npm start`) and its own user folder.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { getCredentialTypes, getNodeTypes } from '../../scripts/n8n/rest-client.mjs';
import { buildAndPack } from '../../scripts/n8n/package.mjs';
import { startProduct } from '../../scripts/product.mjs';
import {
	CREDENTIAL_TYPE_OF_NODE,
	CREDENTIAL_TYPES,
	NODE_TYPES,
	PROVIDERS,
	assertOneExecutionPerJob,
	deliverAndCount,
	PNG_SIGNATURE,
	callbackSigningKey,
	countLogLines,
	createLogCollector,
	enrichError,
	exampleWorkflow,
	executionErrors,
	findBase64,
	freeProductPorts,
	getExecution,
	hasValidSignature,
	listExecutions,
	nodeOutput,
	postCallback,
	sha256,
	short,
	signedCallbackUrl,
	createStepTimer,
	staysTrue,
	waitFor,
	waitForFinishedExecution,
} from './e2e-support.mjs';

const VERSIONS = (process.env.N8N_E2E_VERSIONS ?? '2.40.7,1.123.81')
	.split(',')
	.map((version) => version.trim())
	.filter(Boolean);
const KEEP_USER_FOLDERS = process.env.N8N_E2E_KEEP === '1';
const INSTALLS = (process.env.N8N_E2E_INSTALLS ?? 'together,alone').split(',').map((install) => install.trim());
/** What each product installs: all four packages together, then each package alone. */
const INSTALLATIONS = [
	...(INSTALLS.includes('together') ? [{ label: 'the four packages together', providers: PROVIDERS }] : []),
	...(INSTALLS.includes('alone') ? PROVIDERS.map((provider) => ({ label: `${provider.packageName} alone`, providers: [provider] })) : []),
];
const START_TIMEOUT_MS = 10 * 60_000; // build + pack + install + n8n start; n8n itself is installed beforehand
const CHECK_TIMEOUT_MS = 120_000;
/** The key the RunPod credential of the local simulator signs callback URLs with (set once a product runs). */
let SIGNING_KEY;

/** {version, step, result, seconds, notes} for the summary printed at the end. */
const summary = [];
const suiteStartedAt = Date.now();

const randomTag = () => crypto.randomBytes(4).toString('hex');
const slug = (text) => text.replace(/[^A-Za-z0-9]+/g, '-');
const seconds = (since) => (Date.now() - since) / 1000;

after(() => printSummary());

/**
 * Provider checks: every test/e2e/providers/<providerId>.mjs runs on the same product, after the
 * RunPod checks of each version (a product takes minutes to start: a provider never starts its own).
 * Such a file exports
 *
 *   export function providerChecks({ check, ctx, version }) {
 *     check('gepetto: 1. what it proves', async ({ t, product, executionIds, note }) => { ... });
 *   }
 *
 * `check(name, body)` is this file's check for this version: it times the body, records it in
 * the summary, gives it CHECK_TIMEOUT_MS and, on failure, adds the n8n log tail, the local
 * services' output and the errors of the executions whose ids the body pushed to `executionIds`.
 * `product` is what scripts/product.mjs started: {n8n: {url, webhookUrl, logFile}, client (REST,
 * logged in as the owner), services: {sinkUrl, smtpPort, services: [{providerId, url, credential}]},
 * credentials, workflows (the examples, imported and published), rendersDir}. `ctx` is shared by the
 * version's checks ({version, product, failed, services}); keep provider state in the module.
 * Name the checks "<providerId>: <n>. ..." so the summary groups them. Helpers: ../e2e-support.mjs.
 */
const PROVIDER_CHECKS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'providers');
const providerCheckModules = await Promise.all(
	(fs.existsSync(PROVIDER_CHECKS_DIR) ? fs.readdirSync(PROVIDER_CHECKS_DIR) : [])
		.filter((file) => file.endsWith('.mjs'))
		.sort()
		.map(async (file) => ({ file, module: await import(pathToFileURL(path.join(PROVIDER_CHECKS_DIR, file)).href) })),
);
for (const entry of providerCheckModules) {
	assert.equal(typeof entry.module.providerChecks, 'function', `test/e2e/providers/${entry.file} must export providerChecks({ check, ctx, version })`);
	// runPodComfyui.mjs belongs to runPod: a module runs where its provider's package is installed.
	entry.provider = PROVIDERS.filter((provider) => entry.file.startsWith(provider.id)).sort((a, b) => b.id.length - a.id.length)[0];
	assert.ok(entry.provider, `test/e2e/providers/${entry.file} must be named after a provider id (${PROVIDERS.map((provider) => provider.id).join(', ')})`);
}

/** Built and packed once for every product of the run. */
const TARBALLS = await buildAndPack({ log: (line) => process.stderr.write(`[e2e] ${line}\n`) });

for (const version of VERSIONS) for (const installation of INSTALLATIONS) {
	const group = `n8n ${version}, ${installation.label}`;
	const installed = (providerId) => installation.providers.some((provider) => provider.id === providerId);
	describe(group, () => {
		const ctx = { version, group, product: undefined, userFolder: undefined, failed: false, services: createLogCollector() };

		before(async () => {
			const startedAt = Date.now();
			const timer = createStepTimer(startedAt);
			const { port, firstServicePort } = await freeProductPorts();
			ctx.userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `render-hooks-e2e-${slug(version)}-`));
			try {
				ctx.product = await startProduct({
					version,
					packages: installation.providers.map((provider) => provider.packageName),
					tarballs: TARBALLS,
					port,
					userFolder: ctx.userFolder,
					firstServicePort,
					log: ctx.services.log,
					step: timer.step,
				});
				const runPodService = ctx.product.services.services.find((service) => service.providerId === 'runPod');
				SIGNING_KEY = callbackSigningKey(runPodService.credential.data);
			} catch (error) {
				ctx.failed = true;
				summary.push({ group, step: 'start product', result: 'FAIL', seconds: seconds(startedAt) });
				throw await enrichError(error, {
					product: { n8n: { logFile: path.join(ctx.userFolder, 'n8n.log') } },
					servicesLog: ctx.services.lines,
				});
			}
			const endedAt = Date.now();
			summary.push({ group, step: 'start product (total)', result: 'ok', seconds: (endedAt - startedAt) / 1000 });
			for (const phase of timer.phases(endedAt)) {
				summary.push({ group, step: `  ${phase.step}`, result: '', seconds: phase.seconds });
			}
		}, { timeout: START_TIMEOUT_MS });

		after(async () => {
			const startedAt = Date.now();
			if (ctx.product) {
				await ctx.product.stop();
				summary.push({ group, step: 'stop product', result: 'ok', seconds: seconds(startedAt) });
			}
			if (!ctx.userFolder) return;
			if (ctx.failed || KEEP_USER_FOLDERS) {
				process.stderr.write(`[e2e] ${group}: user folder kept for inspection: ${ctx.userFolder}\n`);
			} else {
				fs.rmSync(ctx.userFolder, { recursive: true, force: true });
			}
		}, { timeout: 60_000 });

		// Checks 2 to 4c are RunPod's (its examples 1, 2a, 2b and its trigger): they run where its package is.
		const runPodCheck = installed('runPod') ? check : () => {};

		check(ctx, '1. the installed packages load: nodes and credentials, with their icons, each package listed', async ({ product, note }) => {
			const { client } = product;
			const nodeTypes = await getNodeTypes(client);
			const ours = nodeTypes.filter((type) => PROVIDERS.some((provider) => type.name.startsWith(`${provider.packageName}.`))).map((type) => type.name);
			const expectedTypes = installation.providers.flatMap((provider) => provider.nodes.map((node) => node.type));
			// Exactly the installed packages' nodes: nothing of another provider, nothing missing.
			assert.deepEqual(ours.filter((name) => !name.endsWith('Tool')).sort(), [...expectedTypes].sort(), 'the render-hooks node types n8n serves');
			for (const name of expectedTypes) {
				const type = nodeTypes.find((candidate) => candidate.name === name);
				assert.ok(type, `${name} missing from /types/nodes.json (the package's types there: ${ours.join(', ') || 'none'})`);
				assert.ok(
					(type.credentials ?? []).some((credential) => credential.name === CREDENTIAL_TYPE_OF_NODE[name]),
					`${name} does not use the ${CREDENTIAL_TYPE_OF_NODE[name]} credential: ${short(type.credentials)}`,
				);
				const checked = await checkIcons(product, type, name);
				note(`${name.split('.')[1]}: ${checked.length} icon(s)`);
			}
			// The editor's view of each node, as n8n serves it: codex (categories, docs link) read from the
			// <Name>.node.json files, hints, and the Simplify parameter of each action node's AI-tool variant.
			for (const name of expectedTypes) {
				const type = nodeTypes.find((candidate) => candidate.name === name);
				assert.ok(type.codex?.categories?.length, `${name} has no codex categories in /types/nodes.json: ${short(type.codex)}`);
				assert.match(type.codex.resources?.primaryDocumentation?.[0]?.url ?? '', /^https:\/\//, `${name}: codex documentation link`);
				const isTrigger = type.group.includes('trigger');
				if (isTrigger) assert.ok((type.hints ?? []).some((hint) => /WEBHOOK_URL/.test(hint.message)), `${name}: no WEBHOOK_URL hint`);
				if (isTrigger || !type.usableAsTool) continue;
				const tool = nodeTypes.find((candidate) => candidate.name === `${name}Tool`);
				assert.ok(tool, `${name}Tool (the AI-tool variant n8n derives from usableAsTool) is missing`);
				const simplify = tool.properties.filter((property) => property.name === 'simplify');
				assert.ok(simplify.some((property) => property.default === true && property.displayOptions?.show?.['@tool']?.[0] === true),
					`${name}Tool: no Simplify on by default for the tool: ${short(simplify)}`);
			}
			const trigger = nodeTypes.find((candidate) => candidate.name === NODE_TYPES.runPodTrigger);
			ctx.triggerPath = trigger?.webhooks?.[0]?.path ?? 'callback';

			const credentialTypes = await getCredentialTypes(client);
			for (const credentialType of installation.providers.map((provider) => provider.credentialType)) {
				const credential = credentialTypes.find((candidate) => candidate.name === credentialType);
				assert.ok(credential, `credential ${credentialType} missing from /types/credentials.json`);
				const checked = await checkIcons(product, credential, credentialType);
				note(`${credentialType}: ${checked.length} icon(s)`);
			}

			// Settings > Community nodes lists each package, loaded, with its own nodes (the rows
			// product.mjs registers).
			const packages = await client.request('/rest/community-packages');
			assert.deepEqual(packages.map((entry) => entry.packageName).sort(), installation.providers.map((provider) => provider.packageName).sort(),
				'the packages listed in Settings > Community nodes');
			for (const provider of installation.providers) {
				const listed = packages.find((entry) => entry.packageName === provider.packageName);
				assert.ok(listed, `${provider.packageName} not in /rest/community-packages: ${short(packages)}`);
				assert.ok(!listed.failedLoading, `${provider.packageName} is listed with failedLoading: ${short(listed)}`);
				assert.deepEqual(
					listed.installedNodes.map((node) => node.type).sort(),
					provider.nodes.map((node) => node.type).sort(),
					`${provider.packageName}: installed nodes listed in Settings > Community nodes`,
				);
			}
			note(`${packages.length} packages listed`);
		});

		runPodCheck(ctx, '2. example 1: webhook (400 without prompt, 202 naming where the result goes) -> RunPod Wait for Callback -> saved file + email', async ({ t, product, executionIds, note }) => {
			const { client, n8n, services } = product;
			const workflow = exampleWorkflow(product, '1-');
			// A listing id from outside, with a slash: the saved file's name must still be safe.
			const listing = `e2e/${slug(version)}-${randomTag()}`;
			const safeListing = listing.replace(/[^A-Za-z0-9._-]+/g, '_');
			const known = new Set((await listExecutions(client, workflow.id)).map((execution) => String(execution.id)));
			const post = (body) => fetch(`${n8n.url}/webhook/render-listing`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});

			// No prompt: a 400 that says what to send, and no render.
			const refused = await post({ listing });
			const refusal = await refused.text();
			assert.equal(refused.status, 400, `a request without prompt answered ${refused.status}: ${refusal}`);
			assert.match(JSON.parse(refusal).error, /prompt/, `the 400 names the missing field: ${refusal}`);
			const refusedRun = await waitForFinishedExecution(client, workflow.id, { afterIds: known });
			const refusedNodes = Object.keys((await getExecution(client, refusedRun.id)).data?.resultData?.runData ?? {});
			assert.ok(!refusedNodes.includes('RunPod'), `the refused request submitted no job (nodes run: ${refusedNodes.join(', ')})`);
			known.add(String(refusedRun.id));

			const response = await post({ prompt: 'sunny scandinavian living room', listing });
			const answer = await response.text();
			assert.equal(response.status, 202, `POST /webhook/render-listing answered ${response.status}: ${answer}`);
			const accepted = JSON.parse(answer);
			assert.equal(accepted.reference, listing, `the answer echoes the reference: ${answer}`);
			assert.equal(accepted.result?.email, 'client@example.com', `the answer says where the mail goes: ${answer}`);
			// Where the file will be, as far as it is known before the job exists (its name ends with the job id).
			assert.equal(accepted.result?.folder, product.rendersDir, `the answer names the folder: ${answer}`);
			assert.equal(accepted.result?.fileNamePrefix, `${safeListing}-runPod-`, `the answer names the file's prefix: ${answer}`);
			assert.ok(!answer.includes('<job id>'), `no placeholder in the answer: ${answer}`);

			// Poll quickly: the simulator takes ~3.3 s (queue + run), so the waiting state is visible.
			let waitingSeen = false;
			const finished = await waitForFinishedExecution(client, workflow.id, {
				afterIds: known,
				timeoutMs: 60_000,
				onSeen: (execution) => {
					if (!executionIds.includes(execution.id)) executionIds.push(execution.id);
					if (execution.status === 'waiting') waitingSeen = true;
				},
			});
			await t.test('the execution waited for the callback', { skip: waitingSeen ? false : 'waiting state not observed while polling' }, () => {});
			note(waitingSeen ? 'waiting observed' : 'waiting not observed');
			assert.equal(finished.status, 'success', `execution ${finished.id} of example 1 ended "${finished.status}"`);

			const execution = await getExecution(client, finished.id);
			assert.deepEqual(executionErrors(execution), [], 'no node of example 1 reported an error');
			const [item] = nodeOutput(execution, 'RunPod') ?? [];
			assert.ok(item, 'the RunPod node emitted an item');
			const render = item.json;
			assert.equal(render.status, 'completed', `RunPod output: ${short(render)}`);
			assert.equal(render.correlationId, listing, 'correlationId of the RenderResult');
			assert.equal(render.outputs?.length, 1, `one output image: ${short(render.outputs)}`);
			const [output] = render.outputs;
			assert.equal(output.binaryProperty, 'data');
			assert.equal(output.mimeType, 'image/png');
			assert.equal(item.binary?.data?.mimeType, 'image/png', `binary data of the RunPod item: ${short(item.binary)}`);
			assert.equal(findBase64(render), undefined, 'no base64 in the RenderResult JSON');

			// The job's webhook (echoed in the callback body, kept in raw) was n8n's waiting-webhook URL
			// of this very execution, signed by the package; the callback to it resumed the execution.
			const jobWebhook = render.raw?.webhook;
			assert.ok(typeof jobWebhook === 'string', `the callback body carries the job's webhook: ${short(render.raw)}`);
			assert.ok(
				jobWebhook.startsWith(`${n8n.webhookUrl}webhook-waiting/${finished.id}`),
				`the job's webhook ${jobWebhook} is the waiting-webhook URL of execution ${finished.id}`,
			);
			const query = new URL(jobWebhook).searchParams;
			assert.equal(query.get('ref'), listing, 'ref of the resume URL');
			assert.equal(query.get('item'), '0', `the resume URL names the item whose job it is: ${jobWebhook}`);
			assert.ok(hasValidSignature(jobWebhook, SIGNING_KEY), `the resume URL's sig is valid: ${jobWebhook}`);

			const mail = await waitFor(`a mail about ${listing} in ${services.sinkUrl}/mails`, async () => {
				const mails = await (await fetch(`${services.sinkUrl}/mails`)).json();
				return mails.find((candidate) => candidate.subject?.includes(listing));
			}, { timeoutMs: 20_000 });
			assert.deepEqual(mail.to, ['client@example.com']);
			assert.equal(mail.attachments.length, 1, `attachments: ${short(mail.attachments)}`);
			const [attachment] = mail.attachments;
			assert.equal(attachment.contentType, 'image/png');
			assert.ok(attachment.size > 0, `attachment size ${attachment.size}`);
			assert.equal(attachment.filename, output.fileName);

			const file = path.join(product.rendersDir, `${safeListing}-${output.fileName}`);
			const bytes = await waitFor(`${file} to exist`, () => fs.existsSync(file) && fs.readFileSync(file), { timeoutMs: 5000 });
			assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`);
			assert.equal(bytes.length, attachment.size, 'saved file and mail attachment have the same size');
			assert.equal(sha256(bytes), attachment.sha256, 'saved file and mail attachment have the same bytes');
			note(`image ${bytes.length} bytes`);
		});

		runPodCheck(ctx, '3. examples 2a + 2b: submit (Don\'t Wait) -> RunPod Trigger -> Slack-style sink', async ({ product, executionIds, note }) => {
			const { client, n8n, services } = product;
			const submitter = exampleWorkflow(product, '2a-');
			const receiver = exampleWorkflow(product, '2b-');
			const triggerNode = receiver.nodes.find((node) => node.type === NODE_TYPES.runPodTrigger);
			const listing = `e2e-${slug(version)}-${randomTag()}`;
			const knownA = new Set((await listExecutions(client, submitter.id)).map((execution) => String(execution.id)));
			const knownB = new Set((await listExecutions(client, receiver.id)).map((execution) => String(execution.id)));
			const track = (execution) => executionIds.includes(execution.id) || executionIds.push(execution.id);

			const response = await fetch(`${n8n.url}/webhook/submit-render`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ prompt: 'modern kitchen, white oak', listing }),
			});
			const answer = await response.text();
			assert.equal(response.status, 200, `POST /webhook/submit-render answered ${response.status}: ${answer}`);
			const answeredJobId = JSON.parse(answer).jobId;
			assert.ok(answeredJobId, `the caller gets the submitted job's id: ${answer}`);

			const submitted = await waitForFinishedExecution(client, submitter.id, { afterIds: knownA, onSeen: track });
			assert.equal(submitted.status, 'success', `execution ${submitted.id} of example 2a ended "${submitted.status}"`);
			const [submittedItem] = nodeOutput(await getExecution(client, submitted.id), 'RunPod') ?? [];
			assert.ok(submittedItem, 'the RunPod node of example 2a emitted an item');
			assert.ok(['pending', 'running'].includes(submittedItem.json.status), `Don't Wait emits the job as submitted: ${short(submittedItem.json)}`);
			const { jobId } = submittedItem.json;
			assert.ok(jobId, 'the submitted job has an id');
			assert.equal(answeredJobId, jobId, 'the caller was told the id of the job that was submitted');

			const received = await waitForFinishedExecution(client, receiver.id, { afterIds: knownB, onSeen: track });
			assert.equal(received.status, 'success', `execution ${received.id} of example 2b ended "${received.status}"`);
			const receivedExecution = await getExecution(client, received.id);
			const [triggerItem] = nodeOutput(receivedExecution, triggerNode.name) ?? [];
			assert.equal(triggerItem?.json?.jobId, jobId, 'the trigger execution is about the submitted job');

			const posts = () => fetch(`${services.sinkUrl}/posts`).then((answer) => answer.json());
			const post = await waitFor(`the JSON post about ${listing} at ${services.sinkUrl}/posts`, async () =>
				(await posts()).find((candidate) => candidate.path === '/slack/renders' && candidate.body?.render?.correlationId === listing),
			{ timeoutMs: 20_000 });
			const { render } = post.body;
			assert.equal(render.status, 'completed', `posted RenderResult: ${short(render)}`);
			assert.equal(render.jobId, jobId);
			assert.equal(render.correlationId, listing);
			assert.equal(render.outputs?.length, 1, `outputs: ${short(render.outputs)}`);
			assert.equal(render.outputs[0].binaryProperty, 'data');
			assert.equal(render.outputs[0].mimeType, 'image/png');
			assert.equal(findBase64(post.body), undefined, 'no base64 in the posted JSON');
			assert.match(post.body.text, new RegExp(`Render ${listing} completed: 1 image`));

			// RunPod called the trigger's production URL signed by the submitting node: the correlation
			// id (asserted above) travels only in that URL's signed `ref`. The trigger (version 4)
			// confirmed the job with the API, so it emitted RunPod's /status answer, which does not echo
			// the webhook as the callback body does.
			assert.equal(triggerNode.typeVersion, 4, 'example 2b uses RunPod Trigger version 4');
			assert.equal(render.raw?.webhook, undefined, `the RenderResult is the API's answer, not the callback body: ${short(render.raw)}`);

			const filePost = await waitFor(`the image upload ${render.outputs[0].fileName}`, async () =>
				(await posts()).find((candidate) => candidate.path === '/slack/files' && candidate.file?.filename === render.outputs[0].fileName),
			{ timeoutMs: 20_000 });
			assert.match(filePost.file.contentType, /^image\/png\b/);
			assert.ok(filePost.file.size > 0, `uploaded size ${filePost.file.size}`);
			note(`job ${jobId}, image ${filePost.file.size} bytes`);
		});

		runPodCheck(ctx, '4a. trigger refuses bad signatures (401) and bad bodies (400), starts nothing', async ({ product, note }) => {
			const { client } = product;
			const trigger = triggerEndpoint(ctx, product);
			const callback = await signedCallback(product, trigger);
			const countBefore = (await listExecutions(client, trigger.workflow.id)).length;
			const loggedBefore = countLogLines(product.n8n.logFile, 'callback rejected (');
			const goodQuery = new URL(callback.url).search;
			const refused = [
				{ label: 'a wrong sig', status: 401, query: `?ref=${encodeURIComponent(callback.reference)}&sig=${'0'.repeat(64)}` },
				{ label: 'the sig of another ref', status: 401, query: goodQuery.replace(`ref=${callback.reference}`, `ref=${callback.reference}-forged`) },
				{ label: 'no ref and sig', status: 401, query: '' },
				{ label: 'a body that is not JSON', status: 400, query: goodQuery, contentType: 'text/plain', body: 'not json' },
				{ label: 'a body that is not a RunPod job', status: 400, query: goodQuery, body: JSON.stringify({ id: 'no-status' }) },
			];
			for (const attempt of refused) {
				const answer = await postCallback(product, trigger, attempt.query, attempt.body ?? callback.body, attempt.contentType);
				assert.equal(answer.status, attempt.status, `callback with ${attempt.label} answered ${answer.status}: ${answer.text}`);
				assert.ok(answer.json?.error, `the ${answer.status} says why: ${answer.text}`);
			}
			await staysTrue('no execution of the trigger workflow after refused callbacks',
				async () => (await listExecutions(client, trigger.workflow.id)).length === countBefore, { windowMs: 1500 });
			// README: each refusal is also logged in n8n's log ("<node>: callback rejected (<status>): <reason>").
			await waitFor(`${refused.length} "callback rejected" lines in ${product.n8n.logFile}`,
				() => countLogLines(product.n8n.logFile, 'callback rejected (') - loggedBefore >= refused.length, { timeoutMs: 5000 });
			note(`${refused.length} refused (${refused.map((attempt) => attempt.status).join(', ')}), logged, 0 executions`);
		});

		runPodCheck(ctx, '4b. a signed callback sent twice starts one execution (second: duplicate)', async ({ product, executionIds, note }) => {
			// Several jobs, each delivered twice in a row (the second right after the first's 200):
			// a repeat must be dropped however soon it follows.
			const jobs = await Promise.all(Array.from({ length: 5 }, () => signedCallback(product, triggerEndpoint(ctx, product))));
			const outcome = await deliverAndCount(product, triggerEndpoint(ctx, product), jobs, {
				executionIds,
				deliver: async (job) => [await job.send(), await job.send()],
			});
			for (const { job, answers } of outcome.perJob) {
				assert.equal(answers[0].status, 200, `first delivery of ${job.jobId}: ${answers[0].status} ${answers[0].text}`);
				// The first delivery starts an execution: n8n answers it itself (no body), once the execution exists.
				assert.equal(answers[0].text, '', 'n8n answers an accepted callback with an empty 200');
				assert.ok(!answers[0].json?.duplicate, `the first delivery is not a duplicate: ${answers[0].text}`);
				assert.equal(answers[1].status, 200, `second delivery of ${job.jobId}: ${answers[1].status} ${answers[1].text}`);
			}
			assertOneExecutionPerJob(outcome);
			note(`${jobs.length} jobs x 2 deliveries -> ${outcome.newExecutions.length} executions`);
		});

		// 4b and 4c: the trigger answers 200 from inside webhook() (respondJson) before n8n persists the
		// workflow's static data, where the delivery is remembered; n8n saves it only after webhook()
		// returns, and each production webhook request reads it afresh from the database. A repeat
		// that arrives in between (at once, or right after the first 200) is not recognised.
		runPodCheck(ctx, '4c. the same callback delivered twice at once starts one execution', async ({ product, executionIds, note }) => {
			const jobs = await Promise.all(Array.from({ length: 3 }, () => signedCallback(product, triggerEndpoint(ctx, product))));
			const outcome = await deliverAndCount(product, triggerEndpoint(ctx, product), jobs, {
				executionIds,
				deliver: async (job) => await Promise.all([job.send(), job.send()]),
			});
			for (const { job, answers } of outcome.perJob) {
				assert.deepEqual(answers.map((answer) => answer.status), [200, 200], `deliveries of ${job.jobId}: ${short(answers.map((answer) => answer.text))}`);
			}
			assertOneExecutionPerJob(outcome);
			note(`${jobs.length} jobs x 2 concurrent deliveries -> ${outcome.newExecutions.length} executions`);
		});

		for (const { module, provider } of providerCheckModules) {
			if (!installed(provider.id)) continue;
			module.providerChecks({ check: (name, body) => check(ctx, name, body), ctx, version });
		}
	});
}

/**
 * One test per check: times it, records the result for the summary, and turns a failure into one
 * that carries the n8n log tail, the local services' output and the executions' errors. Its own
 * timeout (instead of the runner's) so that the diagnostics are still collected.
 */
function check(ctx, name, body) {
	test(name, async (t) => {
		assert.ok(ctx.product, 'the product did not start (see the before hook)');
		const startedAt = Date.now();
		const executionIds = [];
		const notes = [];
		let result = 'pass';
		let timer;
		try {
			await Promise.race([
				body({ t, product: ctx.product, executionIds, note: (text) => notes.push(text) }),
				new Promise((_, reject) => {
					timer = setTimeout(() => reject(new Error(`check timed out after ${CHECK_TIMEOUT_MS / 1000}s`)), CHECK_TIMEOUT_MS);
				}),
			]);
		} catch (error) {
			result = 'FAIL';
			ctx.failed = true;
			notes.push(error.message.split('\n')[0].slice(0, 160));
			throw await enrichError(error, { product: ctx.product, executionIds, servicesLog: ctx.services.lines });
		} finally {
			clearTimeout(timer);
			summary.push({ group: ctx.group, step: name, result, seconds: seconds(startedAt), notes });
		}
	});
}

/** The RunPod Trigger of example 2b: its workflow, node and production path. */
function triggerEndpoint(ctx, product) {
	const workflow = exampleWorkflow(product, '2b-');
	const node = workflow.nodes.find((candidate) => candidate.type === NODE_TYPES.runPodTrigger);
	assert.ok(node, `example 2b has no ${NODE_TYPES.runPodTrigger} node`);
	return { workflow, node, path: `/webhook/${node.webhookId}/${ctx.triggerPath ?? 'callback'}` };
}

/**
 * A RunPod COMPLETED callback for a fresh job the simulator ran (the trigger of example 2b confirms
 * each callback with the API, so the job must exist), and the trigger URL signed for a fresh
 * reference, as the RunPod node would hand it out.
 */
async function signedCallback(product, trigger) {
	const { data } = product.services.services.find((service) => service.providerId === 'runPod').credential;
	const headers = { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json' };
	const submitted = await (await fetch(`${data.baseUrl}/sim-endpoint/run`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ input: { prompt: 'e2e trigger callback', sim_delay_ms: 50 } }),
	})).json();
	const finished = await waitFor(`RunPod simulator job ${submitted.id} to complete`, async () => {
		const status = await (await fetch(`${data.baseUrl}/sim-endpoint/status/${submitted.id}`, { headers })).json();
		return status.status === 'COMPLETED' ? status : undefined;
	}, { timeoutMs: 20_000 });
	const reference = `e2e-signed-${randomTag()}`;
	const url = signedCallbackUrl(`${product.n8n.webhookUrl.replace(/\/$/, '')}${trigger.path}`, SIGNING_KEY, reference);
	const body = JSON.stringify({ ...finished, webhook: url });
	const query = new URL(url).search;
	return { reference, url, jobId: submitted.id, body, send: () => postCallback(product, trigger, query, body) };
}

/** GETs every icon URL of a node or credential type (light and dark) as the editor does: 200 + SVG. */
async function checkIcons(product, type, label) {
	const { iconUrl, icon } = type;
	const urls = typeof iconUrl === 'string' ? [iconUrl] : iconUrl && typeof iconUrl === 'object' ? Object.values(iconUrl) : [];
	assert.ok(urls.length > 0, `${label} has no iconUrl (icon: ${short(icon)}); n8n serves file: icons under /icons/<package>/...`);
	for (const url of urls) {
		const response = await product.client.raw(new URL(url, `${product.n8n.url}/`).pathname);
		const text = await response.text();
		assert.equal(response.status, 200, `icon ${url} of ${label} answered ${response.status}`);
		assert.match(response.headers.get('content-type') ?? '', /svg/, `icon ${url} of ${label} has content-type ${response.headers.get('content-type')}`);
		assert.ok(text.includes('<svg'), `icon ${url} of ${label} is not an SVG: ${short(text, 120)}`);
	}
	return urls;
}

function printSummary() {
	if (!summary.length) return;
	const width = Math.max(...summary.map((row) => row.step.length), 20);
	const lines = ['', `render-hooks e2e summary (${seconds(suiteStartedAt).toFixed(1)} s in all)`];
	for (const group of new Set(summary.map((row) => row.group))) {
		const rows = summary.filter((entry) => entry.group === group);
		const checks = rows.filter((row) => row.result === 'pass' || row.result === 'FAIL');
		lines.push(`${group}: ${checks.filter((row) => row.result === 'pass').length} of ${checks.length} checks passed`);
		for (const row of rows) {
			const notes = row.notes?.length ? `  ${row.notes.join('; ')}` : '';
			lines.push(`  ${row.step.padEnd(width)} ${row.result.padEnd(4)} ${row.seconds.toFixed(1).padStart(6)} s${notes}`);
		}
	}
	process.stdout.write(`${lines.join('\n')}\n`);
}
