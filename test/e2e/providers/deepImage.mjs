/**
 * Deep Image in a real n8n: the checks e2e.test.mjs runs on its product for each n8n version (see
 * the header there on provider checks). The product's Deep Image simulator runs in another process;
 * what a job received (settings, uploaded file) is read from its `/_simulator/jobs/{job}` page.
 *
 *   1. example 4: a product photo uploaded to a webhook (multipart) -> Deep Image (multipart upload,
 *      preset + white background, Poll) -> file saved + posted to the Slack-style sink; the bytes
 *      Deep Image received are the uploaded photo's
 *   2. Deep Image Trigger: signed seed callbacks {job, data, result_url, results} -> one execution
 *      each with the image as binary and `request` without the echoed base64 input; forged,
 *      malformed and non-JSON callbacks refused, nothing started; duplicates emitted once
 *   3. Don't Wait with the trigger's URL as Callback URL, a binary file sent as multipart: the
 *      simulator's own webhooks.complete reaches the trigger
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { importWorkflows, publishWorkflow } from '../../../scripts/n8n/rest-client.mjs';
import {
	NODE_TYPES,
	PNG_SIGNATURE,
	assertOneExecutionPerJob,
	callbackSigningKey,
	deliverAndCount,
	exampleWorkflow,
	executionErrors,
	findBase64,
	getExecution,
	listExecutions,
	nodeOutput,
	postCallback,
	sha256,
	short,
	signedCallbackUrl,
	staysTrue,
	waitFor,
	waitForFinishedExecution,
} from '../e2e-support.mjs';

const randomTag = () => crypto.randomBytes(4).toString('hex');
const EXAMPLE_NODE = 'Deep Image: preset and white background';

export function providerChecks({ check, version }) {
	/** Per version: the imported trigger and submit workflows (made by the first check that needs them). */
	let world;
	const setUp = async (product) => {
		world ??= await setUpDeepImageWorld(product, version);
		return world;
	};

	check('deepImage: 1. example 4: product photo uploaded by webhook (400 without a file) -> Deep Image multipart, Poll -> saved + posted to Slack', async ({ product, executionIds, note }) => {
		const { client, services } = product;
		const sim = deepImageSimulator(product);
		const workflow = exampleWorkflow(product, '4-');
		const sku = `e2e/${version}-${randomTag()}`;
		const safeSku = sku.replace(/[^A-Za-z0-9._-]+/g, '_');
		const photo = await download(`${sim.origin}/samples/${randomTag()}-chair.png`);
		const known = new Set((await listExecutions(client, workflow.id)).map((execution) => String(execution.id)));

		const refused = await postCallback(product, { path: '/webhook/deepimage-product' }, '', JSON.stringify({ sku }));
		assert.equal(refused.status, 400, `a request without a file answered ${refused.status}: ${refused.text}`);
		assert.match(refused.json?.error ?? '', /photo/, `the 400 names the missing file field: ${refused.text}`);
		const refusedRun = await waitForFinishedExecution(client, workflow.id, { afterIds: known });
		known.add(String(refusedRun.id));
		const refusedNodes = Object.keys((await getExecution(client, refusedRun.id)).data?.resultData?.runData ?? {});
		assert.ok(!refusedNodes.includes(EXAMPLE_NODE), `the refused request submitted no job (nodes run: ${refusedNodes.join(', ')})`);

		const accepted = await postPhoto(product, '/webhook/deepimage-product', photo, { sku });
		assert.equal(accepted.status, 202, `POST /webhook/deepimage-product answered ${accepted.status}: ${accepted.text}`);
		assert.equal(accepted.json.result?.folder, product.rendersDir, `the answer names the folder: ${accepted.text}`);
		assert.equal(accepted.json.result?.fileNamePrefix, `${safeSku}-deepImage-`, `the answer names the file's prefix: ${accepted.text}`);

		const finished = await waitForFinishedExecution(client, workflow.id, {
			afterIds: known,
			timeoutMs: 45_000,
			onSeen: (execution) => executionIds.includes(execution.id) || executionIds.push(execution.id),
		});
		assert.equal(finished.status, 'success', `execution ${finished.id} of example 4 ended "${finished.status}"`);
		const execution = await getExecution(client, finished.id);
		assert.deepEqual(executionErrors(execution), [], 'no node of example 4 reported an error');
		const [item] = nodeOutput(execution, EXAMPLE_NODE) ?? [];
		assert.ok(item, 'the Deep Image node emitted an item');
		const render = item.json;
		assert.equal(render.provider, 'deepImage');
		assert.equal(render.status, 'completed', `Deep Image output: ${short(render)}`);
		assert.equal(render.correlationId, safeSku);
		assert.equal(item.binary?.data?.mimeType, 'image/png', `binary of the Deep Image item: ${short(item.binary)}`);
		assert.equal(findBase64(render), undefined, 'no base64 in the RenderResult JSON');

		// What Deep Image received: the uploaded photo's bytes as a multipart file, the settings as JSON.
		const job = await (await fetch(`${sim.origin}/_simulator/jobs/${render.jobId}`)).json();
		assert.equal(job.upload?.sha256, sha256(photo), `the file Deep Image received is the uploaded photo: ${short(job.upload)}`);
		assert.deepEqual(job.request, { preset: 'ecommerce', background: { remove: 'item', color: '#FFFFFF' }, output_format: 'png' }, `settings: ${short(job.request)}`);

		const [output] = render.outputs;
		const file = path.join(product.rendersDir, `${safeSku}-${output.fileName}`);
		const bytes = await waitFor(`${file} to exist`, () => fs.existsSync(file) && fs.readFileSync(file), { timeoutMs: 5000 });
		assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`);
		assert.equal(sha256(bytes), sha256(await download(output.url)), 'the saved file is the image Deep Image made');

		const posts = await waitFor(`a Slack post and file about ${safeSku}`, async () => {
			const all = await (await fetch(`${services.sinkUrl}/posts`)).json();
			const text = all.find((post) => post.path === '/slack/products' && post.body?.text?.includes(safeSku));
			const upload = all.find((post) => post.path === '/slack/files' && post.file?.filename === output.fileName);
			return text && upload && { text, upload };
		}, { timeoutMs: 15_000 });
		assert.match(posts.text.body.text, /completed/);
		assert.equal(posts.upload.file.sha256, sha256(bytes), 'the image posted to Slack is the saved one');
		note(`job ${render.jobId}; ${photo.length}-byte photo uploaded as multipart; ${bytes.length}-byte result saved and posted`);
	});

	check('deepImage: 2. Deep Image Trigger: signed {job, data, result_url, results} -> one execution with the image, base64 input cut from request; forged 401, malformed 400; duplicates once', async ({ product, executionIds, note }) => {
		const { client } = product;
		const { trigger, signingKey, sim } = await setUp(product);
		const callback = (data) => seedCallback(product, trigger, signingKey, sim, data);

		const good = callback();
		const goodQuery = new URL(good.url).search;
		const countBefore = (await listExecutions(client, trigger.workflow.id)).length;
		const seed = JSON.parse(good.body);
		const refused = [
			{ label: 'a wrong sig', status: 401, query: `?ref=${encodeURIComponent(good.reference)}&sig=${'0'.repeat(64)}` },
			{ label: 'no ref and sig (the seed\'s bare callback)', status: 401, query: '' },
			{ label: 'a key that is not the credential\'s', status: 401, query: new URL(signedCallbackUrl(good.url, 'another-key', good.reference)).search },
			{ label: 'no job', status: 400, query: goodQuery, body: JSON.stringify({ ...seed, job: undefined }) },
			{ label: 'a JSON array', status: 400, query: goodQuery, body: JSON.stringify([seed]) },
		];
		const answers = [];
		for (const attempt of refused) {
			const answer = await postCallback(product, trigger, attempt.query, attempt.body ?? good.body);
			answers.push(answer.status);
			assert.equal(answer.status, attempt.status, `callback with ${attempt.label} answered ${answer.status}: ${answer.text}`);
		}
		const notJson = await postCallback(product, trigger, goodQuery, '{"job": "x", "data": ');
		assert.ok(notJson.status >= 400 && notJson.status < 500, `a body that is not JSON answered ${notJson.status}: ${notJson.text}`);
		await staysTrue('no execution of the trigger workflow after refused callbacks',
			async () => (await listExecutions(client, trigger.workflow.id)).length === countBefore, { windowMs: 1500 });

		// Accepted: the seed's shape, and one echoing a base64 input; each delivered twice.
		const base64Input = `base64,${(await download(`${sim.origin}/samples/echo.png`)).toString('base64')}`;
		const jobs = [good, callback({ url: base64Input, preset: 'ecommerce' })];
		const outcome = await deliverAndCount(product, trigger, jobs, {
			executionIds,
			deliver: async (job) => [await job.send(), await job.send()],
		});
		assertOneExecutionPerJob(outcome);
		const [{ item: echoed }] = outcome.executionsByJob.get(jobs[1].jobId);
		assert.match(echoed.json.request?.url ?? '', /^\[base64 image removed: \d+ chars\]$/, `request without the base64 input: ${short(echoed.json.request)}`);
		assert.equal(echoed.json.request?.preset, 'ecommerce');
		assert.equal(findBase64(echoed.json), undefined, 'no base64 in the trigger\'s RenderResult');
		note(`refused ${answers.join(', ')} + not JSON ${notJson.status}; ${jobs.length} jobs x 2 -> ${outcome.newExecutions.length} executions`);
	});

	check('deepImage: 3. Don\'t Wait, file sent as multipart, trigger URL as Callback URL: the simulator\'s webhooks.complete reaches the Deep Image Trigger', async ({ product, executionIds, note }) => {
		const { client } = product;
		const { trigger, workflows, sim } = await setUp(product);
		const triggerUrl = `${product.n8n.webhookUrl.replace(/\/$/, '')}${trigger.path}`;
		const knownTrigger = new Set((await listExecutions(client, trigger.workflow.id)).map((execution) => String(execution.id)));
		const photo = await download(`${sim.origin}/samples/${randomTag()}-lamp.png`);
		const sku = `dw-${randomTag()}`;
		const answer = await postPhoto(product, `/webhook/${workflows.dontWait.path}`, photo, { sku, callbackUrl: triggerUrl });
		assert.equal(answer.status, 200, `the Don't Wait workflow answered ${answer.status}: ${answer.text}`);
		assert.equal(answer.json.status, 'pending', `Don't Wait returns the received job: ${answer.text}`);
		const job = await (await fetch(`${sim.origin}/_simulator/jobs/${answer.json.jobId}`)).json();
		assert.equal(job.upload?.sha256, sha256(photo), 'the file went to Deep Image as multipart');
		assert.ok(job.webhook?.startsWith(`${triggerUrl}?`), `webhooks.complete is the trigger's URL, signed: ${job.webhook}`);

		const received = await waitForFinishedExecution(client, trigger.workflow.id, { afterIds: knownTrigger, timeoutMs: 20_000 });
		executionIds.push(received.id);
		assert.equal(received.status, 'success');
		const [fromTrigger] = nodeOutput(await getExecution(client, received.id), trigger.node.name);
		assert.equal(fromTrigger.json.jobId, answer.json.jobId, 'the trigger ran for the submitted job');
		assert.equal(fromTrigger.json.correlationId, sku);
		assert.equal(fromTrigger.json.status, 'completed');
		assert.equal(fromTrigger.binary?.data?.mimeType, 'image/png');
		note(`job ${answer.json.jobId} -> trigger execution ${received.id}`);
	});
}

async function download(url) {
	const response = await fetch(url);
	assert.ok(response.ok, `GET ${url} answered ${response.status}`);
	return Buffer.from(await response.arrayBuffer());
}

/** POSTs a photo as a multipart file field "photo", with text fields, to an n8n webhook path. */
async function postPhoto(product, webhookPath, photo, fields) {
	const form = new FormData();
	form.append('photo', new Blob([photo], { type: 'image/png' }), 'product.png');
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	const response = await fetch(`${product.n8n.url}${webhookPath}`, { method: 'POST', body: form });
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

function deepImageSimulator(product) {
	const service = product.services.services.find((candidate) => candidate.providerId === 'deepImage');
	assert.ok(service, `no Deep Image simulator among the local services: ${short(product.services.services.map((candidate) => candidate.providerId))}`);
	const credential = product.credentials.find((candidate) => candidate.name === service.credential.name);
	assert.ok(credential, `no credential "${service.credential.name}" in n8n`);
	return { origin: new URL(service.url).origin, data: service.credential.data, credential };
}

/** A seed-shaped callback for a fresh job, to the trigger's URL signed as the Deep Image node signs it. */
function seedCallback(product, trigger, signingKey, sim, data = { url: 'https://deep-image.ai/api-example.png', width: 1000, height: 1000 }) {
	const reference = `e2e-deepimage-${randomTag()}`;
	const url = signedCallbackUrl(`${product.n8n.webhookUrl.replace(/\/$/, '')}${trigger.path}`, signingKey, reference);
	const jobId = crypto.randomUUID();
	const body = JSON.stringify({ job: jobId, data: { ...data, webhooks: { complete: url } }, result_url: `${sim.origin}/samples/${jobId}.png`, results: null });
	const query = new URL(url).search;
	return { reference, url, jobId, body, send: () => postCallback(product, trigger, query, body) };
}

const uuid = () => crypto.randomUUID();

async function setUpDeepImageWorld(product, version) {
	const { client } = product;
	const sim = deepImageSimulator(product);
	const credentials = { [sim.credential.type]: { id: sim.credential.id, name: sim.credential.name } };
	const dontWaitPath = `deepimage-e2e-dont-wait-${version.replace(/\W+/g, '-')}`;
	const definitions = {
		trigger: {
			name: 'E2E: Deep Image Trigger',
			nodes: [{ parameters: {}, id: uuid(), name: 'Deep Image Trigger', type: NODE_TYPES.deepImageTrigger, typeVersion: 2, position: [0, 0], webhookId: uuid(), credentials }],
			connections: {},
			settings: { executionOrder: 'v1' },
		},
		dontWait: {
			name: 'E2E: Deep Image Don\'t Wait (multipart)',
			nodes: [
				{ parameters: { httpMethod: 'POST', path: dontWaitPath, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} }, id: uuid(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: uuid() },
				{
					parameters: {
						operation: 'process',
						inputSource: 'binary',
						binaryPropertyName: 'photo',
						waitFor: 'none',
						callbackUrl: '={{ $json.body.callbackUrl }}',
						correlationId: '={{ $json.body.sku }}',
					},
					id: uuid(),
					name: 'Deep Image Submit',
					type: NODE_TYPES.deepImage,
					typeVersion: 1,
					position: [220, 0],
					webhookId: uuid(),
					credentials,
				},
			],
			connections: { Webhook: { main: [[{ node: 'Deep Image Submit', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		},
	};
	const workflows = {};
	for (const [key, definition] of Object.entries(definitions)) {
		const [stored] = await importWorkflows(client, [definition]);
		await publishWorkflow(client, stored.id);
		workflows[key] = { id: stored.id, nodes: definition.nodes };
	}
	workflows.dontWait.path = dontWaitPath;
	const triggerNode = definitions.trigger.nodes[0];
	return {
		sim,
		workflows,
		signingKey: callbackSigningKey(sim.data),
		trigger: { workflow: workflows.trigger, node: triggerNode, path: `/webhook/${triggerNode.webhookId}/callback` },
	};
}
