/**
 * Gepetto in a real n8n: the checks e2e.test.mjs runs on its product for each n8n version (see the
 * header there on provider checks). The product's Gepetto simulator runs in another process, so
 * what the node sends to Gepetto is seen through a recording proxy: a second Gepetto credential
 * whose Base URL is the proxy (the credential's field for proxies), forwarding to the simulator.
 *
 *   1. example 3: room photo by webhook -> Gepetto Furnish (Wait for Callback) -> email + file
 *   2. Gepetto Trigger: a signed seed-shaped callback {id, output} -> one execution with the image
 *      as binary; forged and malformed callbacks refused, nothing started; duplicates emitted once
 *   3. Poll, then a Wait node: the URL Gepetto is handed (<resume URL>/render-hooks-no-callback)
 *      is refused by n8n while the execution runs, while it waits on the Wait node, and once it
 *      has finished, and resumes nothing (the Wait node is then resumed through its own URL)
 *   4. Don't Wait: with a Callback URL the simulator's own callback reaches the Gepetto Trigger;
 *      without, Gepetto gets the unrouted URL; then Get Job and List Styles
 *   5. the drop-downs' lists through the editor's loadOptions endpoint
 *   6. Wait in the Request: no webhook sent, Gepetto's blocking base64 answer -> binary image
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';

import { importCredentials, importWorkflows, publishWorkflow } from '../../../scripts/n8n/rest-client.mjs';
import {
	NODE_TYPES,
	PNG_SIGNATURE,
	assertOneExecutionPerJob,
	callbackSigningKey,
	countLogLines,
	deliverAndCount,
	exampleWorkflow,
	executionErrors,
	findBase64,
	getExecution,
	hasValidSignature,
	listExecutions,
	nodeOutput,
	postCallback,
	sha256,
	short,
	signedCallbackUrl,
	staysTrue,
	startRecordingProxy,
	waitFor,
	waitForFinishedExecution,
} from '../e2e-support.mjs';

const UNROUTED_SUFFIX = '/render-hooks-no-callback';

/**
 * What n8n answers a POST to <resume URL>/render-hooks-no-callback, measured in these versions
 * (n8n's webhooks/waiting-webhooks.js). 2.x stores a resume token with the execution and checks
 * the `signature` query first: the URL carries none, so 401 {"error":"Invalid token"} whatever the
 * execution's state. 1.x: 409 while it runs or once it has finished, 404 ("does not contain a
 * waiting webhook with a matching path/method") while it waits on a later Wait node. Other
 * versions: any 4xx.
 */
const UNROUTED_STATUS = {
	2: { running: 401, waiting: 401, finished: 401 },
	1: { running: 409, waiting: 404, finished: 409 },
};
const randomTag = () => crypto.randomBytes(4).toString('hex');

export function providerChecks({ check, version }) {
	/** Per version: the simulator, the recording proxy, the imported workflows (made by the first check that needs them). */
	let world;
	after(async () => {
		await world?.proxy.close();
	});
	const setUp = async (product) => {
		world ??= await setUpGepettoWorld(product, version);
		return world;
	};

	check('gepetto: 1. example 3: room photo by webhook (400 without photoUrl) -> Furnish, Wait for Callback -> before/after emailed + saved', async ({ t, product, executionIds, note }) => {
		const { client, services } = product;
		const sim = gepettoSimulator(product);
		const workflow = exampleWorkflow(product, '3-');
		const listing = `e2e/${version}-${randomTag()}`;
		const safeListing = listing.replace(/[^A-Za-z0-9._-]+/g, '_');
		const photoUrl = `${sim.origin}/samples/${randomTag()}-empty-room.png`;
		const known = new Set((await listExecutions(client, workflow.id)).map((execution) => String(execution.id)));
		const post = (body) => postCallback(product, { path: '/webhook/gepetto-furnish' }, '', JSON.stringify(body));

		const refused = await post({ listing });
		assert.equal(refused.status, 400, `a request without photoUrl answered ${refused.status}: ${refused.text}`);
		assert.match(refused.json?.error ?? '', /photoUrl/, `the 400 names the missing field: ${refused.text}`);
		const refusedRun = await waitForFinishedExecution(client, workflow.id, { afterIds: known });
		known.add(String(refusedRun.id));
		const refusedNodes = Object.keys((await getExecution(client, refusedRun.id)).data?.resultData?.runData ?? {});
		assert.ok(!refusedNodes.includes('Gepetto Furnish'), `the refused request submitted no job (nodes run: ${refusedNodes.join(', ')})`);

		const accepted = await post({ photoUrl, listing, style: 'scandinave', room: 'living_room' });
		assert.equal(accepted.status, 202, `POST /webhook/gepetto-furnish answered ${accepted.status}: ${accepted.text}`);
		assert.equal(accepted.json.result?.email, 'client@example.com', `the answer says where the mail goes: ${accepted.text}`);
		assert.equal(accepted.json.result?.folder, product.rendersDir, `the answer names the folder: ${accepted.text}`);
		assert.equal(accepted.json.result?.fileNamePrefix, `${safeListing}-gepetto-`, `the answer names the file's prefix: ${accepted.text}`);

		let waitingSeen = false;
		const finished = await waitForFinishedExecution(client, workflow.id, {
			afterIds: known,
			timeoutMs: 45_000,
			onSeen: (execution) => {
				if (!executionIds.includes(execution.id)) executionIds.push(execution.id);
				if (execution.status === 'waiting') waitingSeen = true;
			},
		});
		await t.test('the execution waited for the callback', { skip: waitingSeen ? false : 'waiting state not observed while polling' }, () => {});
		assert.equal(finished.status, 'success', `execution ${finished.id} of example 3 ended "${finished.status}"`);
		const execution = await getExecution(client, finished.id);
		assert.deepEqual(executionErrors(execution), [], 'no node of example 3 reported an error');
		const [item] = nodeOutput(execution, 'Gepetto Furnish') ?? [];
		assert.ok(item, 'the Gepetto Furnish node emitted an item');
		const render = item.json;
		assert.equal(render.provider, 'gepetto');
		assert.equal(render.status, 'completed', `Gepetto output: ${short(render)}`);
		assert.equal(render.correlationId, listing);
		assert.match(render.jobId, /^[A-Za-z0-9]{20}$/, `a Gepetto job id: ${render.jobId}`);
		assert.equal(render.outputs?.length, 1, `one output image: ${short(render.outputs)}`);
		const [output] = render.outputs;
		assert.equal(output.url, `${sim.origin}/files/${render.jobId}.png`, 'the callback\'s output URL');
		assert.equal(item.binary?.data?.mimeType, 'image/png', `binary of the Gepetto item: ${short(item.binary)}`);
		assert.equal(findBase64(render), undefined, 'no base64 in the RenderResult JSON');
		// The callback is the seed's {id, output}: all that reached n8n.
		assert.deepEqual(Object.keys(render.raw ?? {}).sort(), ['id', 'output'], `the callback body kept in raw: ${short(render.raw)}`);

		const mail = await waitFor(`a mail about ${listing} in ${services.sinkUrl}/mails`, async () => {
			const mails = await (await fetch(`${services.sinkUrl}/mails`)).json();
			return mails.find((candidate) => candidate.subject?.includes(listing));
		}, { timeoutMs: 20_000 });
		assert.deepEqual(mail.to, ['client@example.com']);
		const byName = Object.fromEntries(mail.attachments.map((attachment) => [attachment.filename, attachment]));
		assert.equal(mail.attachments.length, 2, `before and after attached: ${short(mail.attachments)}`);
		const afterImage = byName[output.fileName];
		assert.ok(afterImage, `the render ${output.fileName} is attached: ${short(mail.attachments)}`);
		assert.equal(afterImage.contentType, 'image/png');
		const beforeImage = mail.attachments.find((attachment) => attachment !== afterImage);
		const photo = Buffer.from(await (await fetch(photoUrl)).arrayBuffer());
		assert.equal(beforeImage.sha256, sha256(photo), 'the "before" attachment is the submitted photo');

		const file = path.join(product.rendersDir, `${safeListing}-${output.fileName}`);
		const bytes = await waitFor(`${file} to exist`, () => fs.existsSync(file) && fs.readFileSync(file), { timeoutMs: 5000 });
		assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is a PNG`);
		assert.equal(sha256(bytes), afterImage.sha256, 'saved file and mailed render have the same bytes');
		const rendered = Buffer.from(await (await fetch(output.url)).arrayBuffer());
		assert.equal(sha256(bytes), sha256(rendered), 'the saved file is the image Gepetto rendered');
		note(`${waitingSeen ? 'waiting observed' : 'waiting not observed'}; job ${render.jobId}; image ${bytes.length} bytes mailed and saved`);
	});

	check('gepetto: 2. Gepetto Trigger: signed {id, output} -> one execution with the image; forged 401, malformed 400, nothing started; duplicates once', async ({ product, executionIds, note }) => {
		const { client } = product;
		const { trigger, signingKey, sim } = await setUp(product);
		const callback = () => seedCallback(product, trigger, signingKey, sim);

		// Refusals first: none may start an execution.
		const good = callback();
		const goodQuery = new URL(good.url).search;
		const countBefore = (await listExecutions(client, trigger.workflow.id)).length;
		const loggedBefore = countLogLines(product.n8n.logFile, 'callback rejected (');
		const refused = [
			{ label: 'a wrong sig', status: 401, query: `?ref=${encodeURIComponent(good.reference)}&sig=${'0'.repeat(64)}` },
			{ label: 'the sig of another ref', status: 401, query: goodQuery.replace(`ref=${good.reference}`, `ref=${good.reference}-forged`) },
			{ label: 'no ref and sig (the seed\'s bare callback)', status: 401, query: '' },
			{ label: 'a key that is not the credential\'s', status: 401, query: new URL(signedCallbackUrl(good.url, 'another-key', good.reference)).search },
			{ label: 'no id', status: 400, query: goodQuery, body: JSON.stringify({ output: JSON.parse(good.body).output }) },
			{ label: 'an id that is not a string', status: 400, query: goodQuery, body: JSON.stringify({ id: 42, output: JSON.parse(good.body).output }) },
			{ label: 'a JSON array', status: 400, query: goodQuery, body: JSON.stringify([JSON.parse(good.body)]) },
		];
		const answers = [];
		for (const attempt of refused) {
			const answer = await postCallback(product, trigger, attempt.query, attempt.body ?? good.body);
			answers.push(answer.status);
			assert.equal(answer.status, attempt.status, `callback with ${attempt.label} answered ${answer.status}: ${answer.text}`);
			assert.ok(answer.json?.error, `the ${answer.status} says why: ${answer.text}`);
		}
		// n8n itself refuses a body that is not JSON before the node runs (status measured, not fixed).
		const notJson = await postCallback(product, trigger, goodQuery, '{"id": "x", "output": ', 'application/json');
		assert.ok(notJson.status >= 400 && notJson.status < 500, `a body that is not JSON answered ${notJson.status}: ${notJson.text}`);
		await staysTrue('no execution of the trigger workflow after refused callbacks',
			async () => (await listExecutions(client, trigger.workflow.id)).length === countBefore, { windowMs: 1500 });
		await waitFor(`${refused.length} "callback rejected" lines in n8n's log`,
			() => countLogLines(product.n8n.logFile, 'callback rejected (') - loggedBefore >= refused.length, { timeoutMs: 5000 });

		// Accepted: two jobs each delivered twice in a row, one delivered twice at once.
		const sequential = [good, callback()];
		const concurrent = [callback()];
		const outcome = await deliverAndCount(product, trigger, [...sequential, ...concurrent], {
			executionIds,
			deliver: async (job) => (concurrent.includes(job) ? await Promise.all([job.send(), job.send()]) : [await job.send(), await job.send()]),
		});
		for (const { job, answers: delivered } of outcome.perJob) {
			assert.deepEqual(delivered.map((answer) => answer.status), [200, 200], `deliveries of ${job.jobId}: ${short(delivered.map((answer) => answer.text))}`);
		}
		assertOneExecutionPerJob(outcome);
		for (const job of [...sequential, ...concurrent]) {
			const [{ item }] = outcome.executionsByJob.get(job.jobId);
			assert.equal(item.json.provider, 'gepetto');
			assert.equal(item.json.outputs?.[0]?.url, job.imageUrl, `the callback's image URL: ${short(item.json.outputs)}`);
		}
		note(`refused ${answers.join(', ')} + not JSON ${notJson.status}; ${sequential.length + concurrent.length} jobs x 2 -> ${outcome.newExecutions.length} executions`);
	});

	check(`gepetto: 3. Poll then a Wait node: Gepetto is handed <resume URL>${UNROUTED_SUFFIX}; n8n refuses it running, waiting and finished, resuming nothing`, async ({ product, executionIds, note }) => {
		const { client } = product;
		const { proxy, workflows, sim } = await setUp(product);
		const workflow = workflows.poll;
		const listing = `poll-${randomTag()}`;
		const known = new Set((await listExecutions(client, workflow.id)).map((execution) => String(execution.id)));
		const submitsBefore = proxy.submits().length;
		const started = await postCallback(product, { path: '/webhook/gepetto-e2e-poll' }, '', JSON.stringify({ photoUrl: `${sim.origin}/samples/poll.png`, listing }));
		assert.equal(started.status, 200, `POST /webhook/gepetto-e2e-poll answered ${started.status}: ${started.text}`);

		const submit = await waitFor('the Poll submit at the proxy', () => proxy.submits()[submitsBefore], { timeoutMs: 15_000 });
		const execution = await waitFor('the Poll execution', async () =>
			(await listExecutions(client, workflow.id)).find((candidate) => !known.has(String(candidate.id))), { timeoutMs: 10_000 });
		executionIds.push(execution.id);
		const handed = submit.body.webhook;
		assert.equal(handed, `${product.n8n.webhookUrl}webhook-waiting/${execution.id}${UNROUTED_SUFFIX}`, 'the webhook Gepetto is handed in Poll mode');
		const seedBody = JSON.stringify({ id: 'forged-job', output: `${sim.origin}/samples/forged.png` });
		const probe = async (when, state) => {
			const answer = await postCallback(product, { path: new URL(handed).pathname }, '', seedBody);
			assertUnroutedStatus(version, state, answer, when);
			return `${when} ${answer.status} (${short(answer.json?.message ?? answer.json?.error ?? answer.text, 70)})`;
		};

		const seen = [];
		const statusNow = (await listExecutions(client, workflow.id)).find((candidate) => candidate.id === execution.id)?.status;
		if (statusNow === 'running' || statusNow === 'new') seen.push(await probe('while polling', 'running'));
		else seen.push(`(polling already over: ${statusNow})`);

		// The Gepetto node finishes, a Set node notes the Wait node's resume URL, the Wait node waits.
		const waiting = await waitFor('the execution to wait on its Wait node', async () => {
			const detail = await getExecution(client, execution.id);
			return detail.status === 'waiting' && nodeOutput(detail, 'Resume URL') ? detail : false;
		}, { timeoutMs: 30_000 });
		const [polled] = nodeOutput(waiting, 'Gepetto Poll');
		assert.equal(polled.json.status, 'completed', `Poll result: ${short(polled.json)}`);
		assert.equal(polled.json.correlationId, listing);
		assert.equal(polled.binary?.data?.mimeType, 'image/png', `binary of the polled item: ${short(polled.binary)}`);
		const statusCalls = proxy.requests.filter((request) => request.method === 'GET' && request.path === `/v1/job/${polled.json.jobId}`).length;
		assert.ok(statusCalls >= 1, 'the node polled GET /job/{id}');

		seen.push(await probe('while waiting on a Wait node', 'waiting'));
		const stillWaiting = await getExecution(client, execution.id);
		assert.equal(stillWaiting.status, 'waiting', 'the unrouted POST did not resume the Wait node');
		assert.equal(stillWaiting.data.resultData.lastNodeExecuted, 'Wait', `the Wait node is still the one waiting: ${stillWaiting.data.resultData.lastNodeExecuted}`);
		assert.equal(stillWaiting.data.resultData.runData['Gepetto Poll'].length, 1, 'the Gepetto node ran once');

		const [{ json: { resumeUrl } }] = nodeOutput(waiting, 'Resume URL');
		const resumed = await postCallback(product, { path: new URL(resumeUrl).pathname }, new URL(resumeUrl).search, '{}');
		assert.ok(resumed.status < 300, `the Wait node's own resume URL answered ${resumed.status}: ${resumed.text}`);
		const finished = await waitForFinishedExecution(client, workflow.id, { afterIds: known, timeoutMs: 15_000 });
		assert.equal(finished.id, execution.id);
		assert.equal(finished.status, 'success', `execution ${finished.id} ended "${finished.status}"`);
		seen.push(await probe('once finished', 'finished'));

		const done = await getExecution(client, execution.id);
		assert.equal(nodeOutput(done, 'Gepetto Poll').length, 1, 'the Gepetto node emitted one item');
		assert.equal(done.data.resultData.runData['Gepetto Poll'].length, 1, 'the Gepetto node ran once');
		await staysTrue('no other execution of the Poll workflow', async () =>
			(await listExecutions(client, workflow.id)).filter((candidate) => !known.has(String(candidate.id))).length === 1, { windowMs: 1000 });
		note(`${statusCalls} status call(s); unrouted POST: ${seen.join('; ')}`);
	});

	check('gepetto: 4. Don\'t Wait: Callback URL -> simulator calls the Gepetto Trigger; none -> unrouted URL refused; Get Job; List Styles', async ({ product, executionIds, note }) => {
		const { client } = product;
		const { proxy, workflows, trigger, signingKey, sim } = await setUp(product);
		const triggerUrl = `${product.n8n.webhookUrl.replace(/\/$/, '')}${trigger.path}`;
		const knownTrigger = new Set((await listExecutions(client, trigger.workflow.id)).map((execution) => String(execution.id)));
		const submit = async (body) => {
			const before = proxy.submits().length;
			const answer = await postCallback(product, { path: '/webhook/gepetto-e2e-dont-wait' }, '', JSON.stringify({ photoUrl: `${sim.origin}/samples/dw.png`, ...body }));
			assert.equal(answer.status, 200, `POST /webhook/gepetto-e2e-dont-wait answered ${answer.status}: ${answer.text}`);
			assert.equal(answer.json.status, 'pending', `Don't Wait returns the pending job: ${answer.text}`);
			return { result: answer.json, sent: proxy.submits()[before] };
		};

		// With the trigger's URL: the node signs it, the simulator calls it when the job is done.
		const listing = `dw-${randomTag()}`;
		const toTrigger = await submit({ callbackUrl: triggerUrl, listing });
		assert.ok(toTrigger.sent.body.webhook.startsWith(`${triggerUrl}?`), `the webhook sent: ${toTrigger.sent.body.webhook}`);
		assert.ok(hasValidSignature(toTrigger.sent.body.webhook, signingKey), 'the Callback URL is signed with the credential\'s key');
		const received = await waitForFinishedExecution(client, trigger.workflow.id, { afterIds: knownTrigger, timeoutMs: 20_000 });
		executionIds.push(received.id);
		assert.equal(received.status, 'success');
		const [fromTrigger] = nodeOutput(await getExecution(client, received.id), trigger.node.name);
		assert.equal(fromTrigger.json.jobId, toTrigger.result.jobId, 'the trigger ran for the submitted job');
		assert.equal(fromTrigger.json.correlationId, listing);
		assert.equal(fromTrigger.json.status, 'completed');
		assert.equal(fromTrigger.binary?.data?.mimeType, 'image/png');

		// Without one: Gepetto still needs a webhook to run the job in the background.
		const bare = await submit({});
		const handed = bare.sent.body.webhook;
		assert.match(handed, new RegExp(`^${escapeRegExp(product.n8n.webhookUrl)}webhook-waiting/\\d+${UNROUTED_SUFFIX}$`), `the webhook sent without a Callback URL: ${handed}`);
		const submitterRuns = (await listExecutions(client, workflows.dontWait.id)).length;
		const unrouted = await postCallback(product, { path: new URL(handed).pathname }, '', JSON.stringify({ id: bare.result.jobId, output: `${sim.origin}/files/${bare.result.jobId}.png` }));
		assertUnroutedStatus(version, 'finished', unrouted, 'after Don\'t Wait');
		await staysTrue('no execution started by the unrouted POST', async () =>
			(await listExecutions(client, workflows.dontWait.id)).length === submitterRuns, { windowMs: 1000 });

		// Get Job once the job is done, then the styles: the last node answers the webhook.
		await waitFor(`job ${bare.result.jobId} done at the simulator`, async () => {
			const response = await fetch(`${sim.origin}/files/${bare.result.jobId}.png`);
			await response.arrayBuffer();
			return response.ok;
		}, { timeoutMs: 15_000 });
		const knownLookup = new Set((await listExecutions(client, workflows.lookup.id)).map((execution) => String(execution.id)));
		const listed = await postCallback(product, { path: '/webhook/gepetto-e2e-lookup' }, '', JSON.stringify({ jobId: bare.result.jobId }));
		assert.equal(listed.status, 200, `POST /webhook/gepetto-e2e-lookup answered ${listed.status}: ${listed.text}`);
		assert.ok(Array.isArray(listed.json) && listed.json.length >= 3, `List Styles: one item per style: ${short(listed.json)}`);
		assert.ok(listed.json.some((style) => style.id === 'scandinave' && style['name-en'] === 'Scandinavian'), `styles with English names: ${short(listed.json)}`);
		const lookup = await waitForFinishedExecution(client, workflows.lookup.id, { afterIds: knownLookup });
		executionIds.push(lookup.id);
		const [job] = nodeOutput(await getExecution(client, lookup.id), 'Gepetto Get Job');
		assert.equal(job.json.jobId, bare.result.jobId);
		assert.equal(job.json.status, 'completed', `Get Job: ${short(job.json)}`);
		assert.equal(job.binary?.data?.mimeType, 'image/png', 'Get Job downloads the image');
		note(`trigger execution ${received.id}; unrouted POST after Don't Wait ${unrouted.status}; ${listed.json.length} styles`);
	});

	check('gepetto: 5. drop-downs: n8n\'s editor endpoint loads styles, rooms, furnitures and skies from the simulator, in English', async ({ product, note }) => {
		const sim = gepettoSimulator(product);
		const expected = { getStyles: 'Scandinavian', getRooms: 'Living room', getFurnitures: 'Sofa', getSkies: 'Blue sky' };
		const counts = [];
		for (const [methodName, label] of Object.entries(expected)) {
			const response = await product.client.raw('/rest/dynamic-node-parameters/options', {
				method: 'POST',
				body: {
					nodeTypeAndVersion: { name: NODE_TYPES.gepetto, version: 1 },
					path: 'parameters.styleId',
					methodName,
					currentNodeParameters: { operation: 'furnish' },
					credentials: { [sim.credential.type]: { id: sim.credential.id, name: sim.credential.name } },
				},
			});
			const text = await response.text();
			assert.equal(response.status, 200, `${methodName} answered ${response.status}: ${short(text)}`);
			const options = JSON.parse(text).data;
			assert.ok(options.some((option) => option.name === label), `${methodName} lists "${label}": ${short(options)}`);
			counts.push(`${methodName} ${options.length}`);
		}
		note(counts.join(', '));
	});

	check('gepetto: 6. Wait in the Request: no webhook sent, the blocking base64 answer becomes the binary image', async ({ product, executionIds, note }) => {
		const { client } = product;
		const { proxy, workflows, sim } = await setUp(product);
		const known = new Set((await listExecutions(client, workflows.inRequest.id)).map((execution) => String(execution.id)));
		const before = proxy.submits().length;
		const answer = await postCallback(product, { path: '/webhook/gepetto-e2e-in-request' }, '', JSON.stringify({ photoUrl: `${sim.origin}/samples/sync.png` }));
		assert.equal(answer.status, 200, `POST /webhook/gepetto-e2e-in-request answered ${answer.status}: ${answer.text}`);
		const [sent] = proxy.submits().slice(before);
		assert.ok(sent, 'the node called Gepetto');
		assert.equal(sent.body.webhook, undefined, `no webhook in the request: ${short(sent.body)}`);
		assert.equal(answer.json.status, 'completed', `the node's answer: ${answer.text}`);
		assert.equal(answer.json.jobId, 'sync', 'the blocking answer has no job id');
		assert.equal(findBase64(answer.json), undefined, 'no base64 left in the RenderResult');
		const finished = await waitForFinishedExecution(client, workflows.inRequest.id, { afterIds: known });
		executionIds.push(finished.id);
		const [item] = nodeOutput(await getExecution(client, finished.id), 'Gepetto In Request');
		assert.equal(item.binary?.data?.mimeType, 'image/png', `binary of the item: ${short(item.binary)}`);
		assert.equal(proxy.requests.filter((request) => request.at >= sent.at && request.method === 'GET').length, 0, 'no status call: the request itself waited');
		note(`jobId sync, image ${item.binary.data.fileSize ?? '(size not stored)'}, no status call`);
	});
}

function assertUnroutedStatus(version, state, answer, when) {
	const expected = UNROUTED_STATUS[version.split('.')[0]]?.[state];
	if (expected) assert.equal(answer.status, expected, `n8n ${version} answered the unrouted URL ${when}: ${answer.status} ${answer.text}`);
	else assert.ok(answer.status >= 400 && answer.status < 500, `the unrouted URL answered ${answer.status} ${when}: ${answer.text}`);
}

function escapeRegExp(text) {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function gepettoSimulator(product) {
	const service = product.services.services.find((candidate) => candidate.providerId === 'gepetto');
	assert.ok(service, `no Gepetto simulator among the local services: ${short(product.services.services.map((candidate) => candidate.providerId))}`);
	const credential = product.credentials.find((candidate) => candidate.name === service.credential.name);
	assert.ok(credential, `no credential "${service.credential.name}" in n8n`);
	return { origin: new URL(service.url).origin, baseUrl: service.url, data: service.credential.data, credential };
}

/** A seed-shaped callback {id, output} for a fresh job, to the trigger's URL signed as the Gepetto node signs it. */
function seedCallback(product, trigger, signingKey, sim) {
	const reference = `e2e-gepetto-${randomTag()}`;
	const url = signedCallbackUrl(`${product.n8n.webhookUrl.replace(/\/$/, '')}${trigger.path}`, signingKey, reference);
	const jobId = crypto.randomBytes(10).toString('hex').slice(0, 20);
	const imageUrl = `${sim.origin}/samples/${jobId}.png`;
	const body = JSON.stringify({ id: jobId, output: imageUrl });
	const query = new URL(url).search;
	return { reference, url, jobId, imageUrl, body, send: () => postCallback(product, trigger, query, body) };
}

/** Imports the trigger and test workflows, a proxied credential, and starts the recording proxy. */
async function setUpGepettoWorld(product, version) {
	const { client } = product;
	const sim = gepettoSimulator(product);
	const recording = await startRecordingProxy(sim.origin);
	// The render submits (POSTs below /v1), in order.
	const proxy = { ...recording, submits: () => recording.requests.filter((request) => request.method === 'POST' && request.path.startsWith('/v1/')) };
	const [proxied] = await importCredentials(client, [{
		name: `Gepetto (recording proxy, ${version})`,
		type: sim.credential.type,
		data: { ...sim.data, baseUrl: `${proxy.url}/v1` },
	}]);
	const credentialOf = (credential) => ({ [credential.type]: { id: credential.id, name: credential.name } });
	const definitions = {
		trigger: triggerWorkflow(credentialOf(sim.credential)),
		poll: pollThenWaitWorkflow(credentialOf(proxied)),
		dontWait: dontWaitWorkflow(credentialOf(proxied)),
		lookup: lookupWorkflow(credentialOf(sim.credential)),
		inRequest: inRequestWorkflow(credentialOf(proxied)),
	};
	const workflows = {};
	for (const [key, definition] of Object.entries(definitions)) {
		const [stored] = await importWorkflows(client, [definition]);
		await publishWorkflow(client, stored.id);
		workflows[key] = { id: stored.id, nodes: definition.nodes };
	}
	const triggerNode = definitions.trigger.nodes[0];
	return {
		sim,
		proxy,
		workflows,
		signingKey: callbackSigningKey(sim.data),
		trigger: { workflow: workflows.trigger, node: triggerNode, path: `/webhook/${triggerNode.webhookId}/callback` },
	};
}


// ---------------------------------------------------------------------------------------------
// The workflows the checks import (each Webhook path is unique in the product)
// ---------------------------------------------------------------------------------------------

const uuid = () => crypto.randomUUID();

function webhookNode(path, responseMode, extra = {}) {
	return {
		parameters: { httpMethod: 'POST', path, responseMode, options: {}, ...extra },
		id: uuid(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: uuid(),
	};
}

function gepettoNode(name, parameters, credentials, position) {
	return { parameters, id: uuid(), name, type: NODE_TYPES.gepetto, typeVersion: 1, position, webhookId: uuid(), credentials };
}

const chain = (...names) => Object.fromEntries(names.slice(0, -1).map((name, index) =>
	[name, { main: [[{ node: names[index + 1], type: 'main', index: 0 }]] }]));

const FURNISH = { operation: 'furnish', imageUrl: '={{ $json.body.photoUrl }}', styleId: 'scandinave', furnishBy: 'room', roomId: 'living_room' };

function triggerWorkflow(credentials) {
	return {
		name: 'E2E: Gepetto Trigger',
		nodes: [{ parameters: {}, id: uuid(), name: 'Gepetto Trigger', type: NODE_TYPES.gepettoTrigger, typeVersion: 2, position: [0, 0], webhookId: uuid(), credentials }],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** Webhook -> Gepetto (Poll) -> Set (notes $execution.resumeUrl) -> Wait (resume on a webhook call). */
function pollThenWaitWorkflow(credentials) {
	return {
		name: 'E2E: Gepetto Poll, then a Wait node',
		nodes: [
			webhookNode('gepetto-e2e-poll', 'onReceived'),
			gepettoNode('Gepetto Poll', {
				...FURNISH,
				waitFor: 'poll',
				correlationId: '={{ $json.body.listing }}',
				waitOptions: { pollInterval: 1, timeout: 60 },
			}, credentials, [220, 0]),
			{
				parameters: { mode: 'raw', jsonOutput: '={{ JSON.stringify({ resumeUrl: $execution.resumeUrl }) }}', options: {} },
				id: uuid(),
				name: 'Resume URL',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [440, 0],
			},
			{
				parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
				id: uuid(),
				name: 'Wait',
				type: 'n8n-nodes-base.wait',
				typeVersion: 1.1,
				position: [660, 0],
				webhookId: uuid(),
			},
		],
		connections: chain('Webhook', 'Gepetto Poll', 'Resume URL', 'Wait'),
		settings: { executionOrder: 'v1' },
	};
}

function dontWaitWorkflow(credentials) {
	return {
		name: 'E2E: Gepetto Don\'t Wait',
		nodes: [
			webhookNode('gepetto-e2e-dont-wait', 'lastNode', { responseData: 'firstEntryJson' }),
			gepettoNode('Gepetto Submit', {
				...FURNISH,
				waitFor: 'none',
				callbackUrl: '={{ $json.body.callbackUrl ?? \'\' }}',
				correlationId: '={{ $json.body.listing ?? \'\' }}',
			}, credentials, [220, 0]),
		],
		connections: chain('Webhook', 'Gepetto Submit'),
		settings: { executionOrder: 'v1' },
	};
}

function inRequestWorkflow(credentials) {
	return {
		name: 'E2E: Gepetto Wait in the Request',
		nodes: [
			webhookNode('gepetto-e2e-in-request', 'lastNode', { responseData: 'firstEntryJson' }),
			gepettoNode('Gepetto In Request', { ...FURNISH, waitFor: 'inRequest', waitOptions: { timeout: 60 } }, credentials, [220, 0]),
		],
		connections: chain('Webhook', 'Gepetto In Request'),
		settings: { executionOrder: 'v1' },
	};
}

/** Webhook {jobId} -> Get Job -> List Styles (the last node's items answer the webhook). */
function lookupWorkflow(credentials) {
	return {
		name: 'E2E: Gepetto Get Job and List Styles',
		nodes: [
			webhookNode('gepetto-e2e-lookup', 'lastNode', { responseData: 'allEntries' }),
			gepettoNode('Gepetto Get Job', { operation: 'getJob', jobId: '={{ $json.body.jobId }}' }, credentials, [220, 0]),
			gepettoNode('Gepetto List Styles', { operation: 'listStyles' }, credentials, [440, 0]),
		],
		connections: chain('Webhook', 'Gepetto Get Job', 'Gepetto List Styles'),
		settings: { executionOrder: 'v1' },
	};
}
