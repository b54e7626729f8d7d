/**
 * AI Home Design in a real n8n: the checks e2e.test.mjs runs on its product for each n8n version
 * (see the header there on provider checks). `npm start`'s product registered the AI Home Design
 * Trigger of example 5b, with the credential's token, as the simulator's dashboard webhook URL.
 *
 *   1. examples 5a -> 5b: listing photo by webhook -> Render virtual staging (Don't Wait); the
 *      simulator's dashboard webhook starts 5b, which emails the staged photo and saves it
 *   2. the Render chain with Poll (5 s floor): every step's id in the result; a failing step is
 *      named with the ids made before it
 *   3. the dashboard trigger: missing/wrong token 401, older products' bodies 200 and no
 *      execution, a repeated delivery emitted once
 *   4. the tool drop-down through n8n's editor endpoint: the live catalogue's active tools
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { importWorkflows, publishWorkflow } from '../../../scripts/n8n/rest-client.mjs';
import {
	NODE_TYPES,
	PNG_SIGNATURE,
	exampleWorkflow,
	executionErrors,
	getExecution,
	listExecutions,
	nodeOutput,
	postCallback,
	sha256,
	short,
	staysTrue,
	waitFor,
	waitForFinishedExecution,
} from '../e2e-support.mjs';

const randomTag = () => crypto.randomBytes(4).toString('hex');

export function providerChecks({ check }) {
	/** Per version: the process of check 1 (check 3 repeats its delivery) and the chain workflow. */
	let delivered;
	let chainWorkflow;

	check('aiHomeDesign: 1. examples 5a -> 5b: listing photo by webhook (400 without photoUrl) -> Render, Don\'t Wait -> dashboard webhook -> AI Home Design Trigger -> photo emailed + saved', async ({ product, executionIds, note }) => {
		const { client, services } = product;
		const sim = simulator(product);
		const submitter = exampleWorkflow(product, '5a-');
		const receiver = exampleWorkflow(product, '5b-');
		const trigger = triggerOf(receiver);
		const registered = await (await fetch(`${sim.origin}/_sim/webhook`)).json();
		assert.equal(registered.webhookUrl, `${product.n8n.webhookUrl}webhook/${trigger.webhookId}/callback?token=${sim.data.webhookToken}`, 'npm start pasted the trigger\'s URL with the token into the simulated dashboard');

		const post = (body) => postCallback(product, { path: '/webhook/aihomedesign-listing-photo' }, '', JSON.stringify(body));
		const refused = await post({ listing: 'no-photo' });
		assert.equal(refused.status, 400, `a request without photoUrl answered ${refused.status}: ${refused.text}`);

		const known = new Set((await listExecutions(client, receiver.id)).map((execution) => String(execution.id)));
		const listing = `e2e-${randomTag()}`;
		const accepted = await post({ photoUrl: `${sim.origin}/samples/${listing}.png`, listing, address: `${listing} Harbour Street` });
		assert.equal(accepted.status, 202, `POST /webhook/aihomedesign-listing-photo answered ${accepted.status}: ${accepted.text}`);
		const { processId, orderId, projectId } = accepted.json;
		assert.match(processId ?? '', /^[0-9a-f]{24}$/, `the answer names the process: ${accepted.text}`);
		assert.ok(orderId && projectId, `the answer names the order and the project made for the address: ${accepted.text}`);

		const finished = await waitForFinishedExecution(client, receiver.id, { afterIds: known, timeoutMs: 30_000 });
		executionIds.push(finished.id);
		assert.equal(finished.status, 'success', `execution ${finished.id} of example 5b ended "${finished.status}"`);
		const execution = await getExecution(client, finished.id);
		assert.deepEqual(executionErrors(execution), [], 'no node of example 5b reported an error');
		const [item] = nodeOutput(execution, trigger.name);
		assert.equal(item.json.jobId, processId, 'the trigger ran for the submitted process');
		assert.equal(item.json.status, 'completed', `trigger output: ${short(item.json)}`);
		assert.equal(item.json.request?.order_id, orderId);
		const [output] = item.json.outputs;
		assert.match(output.thumbnailUrl ?? '', /_thumb\.png$/, 'the thumbnail stays a URL');
		assert.equal(item.binary?.data?.mimeType, 'image/png', `the temp_src image was downloaded: ${short(item.binary)}`);
		delivered = { processId, orderId, url: output.url };

		const mail = await waitFor(`a mail about ${processId} in ${services.sinkUrl}/mails`, async () => {
			const mails = await (await fetch(`${services.sinkUrl}/mails`)).json();
			return mails.find((candidate) => candidate.subject?.includes(processId));
		}, { timeoutMs: 20_000 });
		assert.deepEqual(mail.to, ['agent@example.com']);
		assert.equal(mail.attachments.length, 1, `the staged photo attached: ${short(mail.attachments)}`);
		const file = path.join(product.rendersDir, output.fileName);
		const bytes = await waitFor(`${file} to exist`, () => fs.existsSync(file) && fs.readFileSync(file), { timeoutMs: 5000 });
		assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`);
		assert.equal(sha256(bytes), mail.attachments[0].sha256, 'saved file and mailed photo have the same bytes');
		const staged = Buffer.from(await (await fetch(output.url)).arrayBuffer());
		assert.equal(sha256(bytes), sha256(staged), 'the saved file is the image AI Home Design made');
		note(`process ${processId}; ${bytes.length} bytes mailed and saved`);
	});

	check('aiHomeDesign: 2. Render chain, Poll (5 s floor): project -> order -> process, every id in the result; a failing step named with the ids made', async ({ product, executionIds, note }) => {
		const { client } = product;
		const sim = simulator(product);
		if (!chainWorkflow) {
			const definition = renderWorkflow(sim);
			const [stored] = await importWorkflows(client, [definition]);
			await publishWorkflow(client, stored.id);
			chainWorkflow = stored;
		}
		const known = new Set((await listExecutions(client, chainWorkflow.id)).map((execution) => String(execution.id)));
		const receiver = exampleWorkflow(product, '5b-');
		const knownReceived = new Set((await listExecutions(client, receiver.id)).map((execution) => String(execution.id)));
		const started = Date.now();
		const answer = await postCallback(product, { path: '/webhook/aihomedesign-e2e-render' }, '', JSON.stringify({ photoUrl: `${sim.origin}/samples/chain.png`, address: `chain ${randomTag()}` }));
		const elapsed = Date.now() - started;
		assert.equal(answer.status, 200, `the Render workflow answered ${answer.status}: ${answer.text}`);
		const result = answer.json;
		assert.equal(result.status, 'completed', `Render result: ${short(result)}`);
		assert.equal(result.provider, 'aiHomeDesign');
		for (const field of ['project_id', 'order_id', 'process_id']) assert.match(result.request?.[field] ?? '', /^[0-9a-f]{24}$/, `request.${field}: ${short(result.request)}`);
		assert.equal(result.request.asset_ids?.length, 1, `one asset: ${short(result.request)}`);
		assert.equal(result.outputs?.[0]?.binaryProperty, 'data', `the image as binary: ${short(result.outputs)}`);
		const ok = await waitForFinishedExecution(client, chainWorkflow.id, { afterIds: known });
		executionIds.push(ok.id);
		known.add(String(ok.id));
		// The dashboard webhook also delivered this process to example 5b: let it finish here.
		const received = await waitForFinishedExecution(client, receiver.id, { afterIds: knownReceived, timeoutMs: 20_000 });
		assert.equal(nodeOutput(await getExecution(client, received.id), triggerOf(receiver).name)?.[0]?.json.jobId, result.jobId, 'example 5b received the polled process too');

		const failing = await postCallback(product, { path: '/webhook/aihomedesign-e2e-render' }, '', JSON.stringify({ photoUrl: `${sim.origin}/samples/chain.png`, projectId: 'ffffffffffffffffffffffff' }));
		assert.ok(failing.status >= 400, `a Render into an unknown project answered ${failing.status}: ${failing.text}`);
		const failed = await waitForFinishedExecution(client, chainWorkflow.id, { afterIds: known });
		executionIds.push(failed.id);
		const errors = executionErrors(await getExecution(client, failed.id)).join('\n');
		assert.match(errors, /Render stopped at step "Upload Order": AI Home Design answered 404: Project 'ffffffffffffffffffffffff' not found/, `the error names the step: ${errors}`);
		note(`completed in ${(elapsed / 1000).toFixed(1)} s (polled at the 5 s floor); failing step: Upload Order 404`);
	});

	check('aiHomeDesign: 3. dashboard trigger: missing/wrong token 401, older products\' bodies 200 and no execution, a repeated delivery once', async ({ product, note }) => {
		const { client } = product;
		const sim = simulator(product);
		const receiver = exampleWorkflow(product, '5b-');
		const trigger = { path: `/webhook/${triggerOf(receiver).webhookId}/callback` };
		const token = `?token=${encodeURIComponent(sim.data.webhookToken)}`;
		const countBefore = (await listExecutions(client, receiver.id)).length;
		const seed = delivered ?? { processId: crypto.randomBytes(12).toString('hex'), orderId: 'o', url: `${sim.origin}/samples/seed.png` };
		const body = JSON.stringify({ event: 'process.completed', process_id: seed.processId, order_id: seed.orderId, tool: 'tool-virtual-staging', status: 'done', final_assets: [{ asset_id: 'a', asset_type: 'image', temp_src: seed.url }] });

		const missing = await postCallback(product, trigger, '', body);
		const wrong = await postCallback(product, trigger, '?token=guessed', body);
		assert.deepEqual([missing.status, wrong.status], [401, 401], `missing ${missing.text} / wrong ${wrong.text}`);

		const foreign = [
			{ order_id: 'o1', image: { id: 'i1', src: `${sim.origin}/samples/v1.png` }, service_name: 'virtual-staging', user_id: 'u1' },
			{ generated_image_id: 'g1', upscaled_image_src: `${sim.origin}/samples/up.png`, user_id: 'u1' },
		];
		for (const other of foreign) {
			const answer = await postCallback(product, trigger, token, JSON.stringify(other));
			assert.equal(answer.status, 200, `an older product's body answered ${answer.status}: ${answer.text}`);
			assert.equal(answer.json?.emitted, false, `nothing emitted: ${answer.text}`);
		}
		const repeats = delivered
			? [await postCallback(product, trigger, token, body), await postCallback(product, trigger, token, body)]
			: [];
		for (const repeat of repeats) assert.deepEqual([repeat.status, repeat.json], [200, { received: true, duplicate: true }], `a repeat of process ${seed.processId}: ${repeat.text}`);
		await staysTrue('no new execution of example 5b', async () => (await listExecutions(client, receiver.id)).length === countBefore, { windowMs: 1500 });
		note(`401 ${missing.status}/${wrong.status}; ${foreign.length} foreign bodies 200; ${repeats.length} repeats answered duplicate`);
	});

	check('aiHomeDesign: 4. tool drop-down: n8n\'s editor endpoint lists the live catalogue\'s active tools', async ({ product, note }) => {
		const sim = simulator(product);
		const response = await product.client.raw('/rest/dynamic-node-parameters/options', {
			method: 'POST',
			body: {
				nodeTypeAndVersion: { name: NODE_TYPES.aiHomeDesign, version: 1 },
				path: 'parameters.tool',
				methodName: 'getTools',
				currentNodeParameters: { operation: 'render' },
				credentials: { [sim.credential.type]: { id: sim.credential.id, name: sim.credential.name } },
			},
		});
		const text = await response.text();
		assert.equal(response.status, 200, `getTools answered ${response.status}: ${short(text)}`);
		const values = JSON.parse(text).data.map((option) => option.value);
		assert.ok(values.includes('tool-virtual-staging'), `active tools listed: ${short(values)}`);
		assert.ok(!values.includes('tool-sky-change'), `inactive tools left out: ${short(values)}`);
		note(`${values.length} active tools`);
	});
}

function simulator(product) {
	const service = product.services.services.find((candidate) => candidate.providerId === 'aiHomeDesign');
	assert.ok(service, `no AI Home Design simulator among the local services: ${short(product.services.services.map((candidate) => candidate.providerId))}`);
	const credential = product.credentials.find((candidate) => candidate.name === service.credential.name);
	assert.ok(credential, `no credential "${service.credential.name}" in n8n`);
	return { origin: new URL(service.url).origin, data: service.credential.data, credential };
}

function triggerOf(workflow) {
	const node = workflow.nodes.find((candidate) => candidate.type === NODE_TYPES.aiHomeDesignTrigger);
	assert.ok(node?.webhookId, `example ${workflow.file} has an AI Home Design Trigger with a webhookId`);
	return node;
}

/** Webhook -> Render (Poll), answering with the RenderResult: the chain in a real n8n. */
function renderWorkflow(sim) {
	return {
		name: `e2e AI Home Design Render chain ${randomTag()}`,
		nodes: [
			{
				parameters: { httpMethod: 'POST', path: 'aihomedesign-e2e-render', responseMode: 'lastNode', options: {} },
				id: crypto.randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: crypto.randomUUID(),
			},
			{
				parameters: {
					operation: 'render',
					tool: 'tool-virtual-staging',
					space: 'bedroom',
					style: 'scandinavian',
					imageSource: 'url',
					imageUrl: '={{ $json.body.photoUrl }}',
					projectMode: "={{ $json.body.projectId ? 'existing' : 'address' }}",
					projectId: "={{ $json.body.projectId ?? '' }}",
					address: "={{ $json.body.address ?? '' }}",
					waitFor: 'poll',
					waitOptions: { pollInterval: 1, timeout: 60 },
				},
				id: crypto.randomUUID(),
				name: 'AI Home Design Render',
				type: NODE_TYPES.aiHomeDesign,
				typeVersion: 1,
				position: [220, 0],
				credentials: { [sim.credential.type]: { id: sim.credential.id, name: sim.credential.name } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'AI Home Design Render', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
