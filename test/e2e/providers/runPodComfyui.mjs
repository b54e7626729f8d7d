/**
 * RunPod's endpoint picker and ComfyUI Workflow input (node version 2) in a real n8n: the checks
 * e2e.test.mjs runs on its product for each n8n version (see the header there on provider checks).
 * The product's RunPod simulator runs in another process, so what the node sends is seen through a
 * recording proxy: a second RunPod credential whose Base URL and REST URL are the proxy's.
 *
 *   1. the Endpoint picker through the editor's resource-locator endpoint: the account's endpoints
 *      with their names, from RunPod's REST API; a filter narrows them
 *   2. Webhook -> HTTP Request (a room photo as binary) -> RunPod (Endpoint by URL, ComfyUI
 *      Workflow, the photo as input image, Poll): the job input is {workflow, images: [{name, image}]},
 *      the worker's base64 output becomes the binary image, no base64 left in the JSON
 *   3. the same workflow given ComfyUI's editor format (nodes and links): the node fails with the
 *      way to export the API format, and no job is queued
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after } from 'node:test';

import { importCredentials, importWorkflows, publishWorkflow } from '../../../scripts/n8n/rest-client.mjs';
import {
	NODE_TYPES,
	PNG_SIGNATURE,
	executionErrors,
	findBase64,
	getExecution,
	listExecutions,
	nodeOutput,
	short,
	startRecordingProxy,
	waitForFinishedExecution,
} from '../e2e-support.mjs';

const COMFY_ENDPOINT = 'sim-comfyui';
const WEBHOOK_PATH = 'runpod-comfyui-e2e';
const INPUT_NAME = 'room.png';
const randomTag = () => crypto.randomBytes(4).toString('hex');

/** An image-to-image workflow as ComfyUI's Export (API) writes it; its Load Image node reads INPUT_NAME. */
const API_FORMAT_WORKFLOW = {
	'4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'flux1-schnell-fp8.safetensors' } },
	'5': { class_type: 'EmptyLatentImage', inputs: { width: 96, height: 64, batch_size: 1 } },
	'6': { class_type: 'CLIPTextEncode', inputs: { text: 'a bright living room', clip: ['4', 1] } },
	'10': { class_type: 'LoadImage', inputs: { image: INPUT_NAME } },
	'3': { class_type: 'KSampler', inputs: { seed: 7, steps: 4, model: ['4', 0], positive: ['6', 0], latent_image: ['5', 0] } },
	'8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
	'9': { class_type: 'SaveImage', inputs: { filename_prefix: 'n8n', images: ['8', 0] } },
};

/** The same graph as ComfyUI's normal Save writes it (the editor format). */
const EDITOR_FORMAT_WORKFLOW = {
	last_node_id: 9,
	last_link_id: 1,
	nodes: [
		{ id: 5, type: 'EmptyLatentImage', pos: [0, 0], widgets_values: [96, 64, 1], outputs: [{ name: 'LATENT', type: 'LATENT', links: [1] }] },
		{ id: 9, type: 'SaveImage', pos: [300, 0], widgets_values: ['n8n'], inputs: [{ name: 'images', type: 'IMAGE', link: 1 }] },
	],
	links: [[1, 5, 0, 9, 0, 'LATENT']],
	groups: [],
	version: 0.4,
};

export function providerChecks({ check, version }) {
	/** Per version: the recording proxy, its credential and the imported workflow (made by the first check). */
	let world;
	after(async () => {
		await world?.proxy.close();
	});
	const setUp = async (product) => {
		world ??= await setUpComfyWorld(product, version);
		return world;
	};

	check('runPodComfyui: 1. Endpoint picker: the editor\'s resource-locator endpoint lists the account\'s endpoints by name; a filter narrows them', async ({ product, note }) => {
		const { proxy, credential } = await setUp(product);
		const search = async (filter) => {
			const response = await product.client.raw('/rest/dynamic-node-parameters/resource-locator-results', {
				method: 'POST',
				body: {
					nodeTypeAndVersion: { name: NODE_TYPES.runPod, version: 2 },
					path: 'parameters.endpointId',
					methodName: 'searchEndpoints',
					currentNodeParameters: { operation: 'run', endpointId: { __rl: true, mode: 'list', value: '' } },
					credentials: { [credential.type]: { id: credential.id, name: credential.name } },
					...(filter === undefined ? {} : { filter }),
				},
			});
			const text = await response.text();
			assert.equal(response.status, 200, `resource-locator-results (filter ${filter}) answered ${response.status}: ${short(text)}`);
			return JSON.parse(text).data.results;
		};
		const listedBefore = proxy.requests.length;
		const all = await search();
		assert.deepEqual(all.map((item) => item.value), ['sim-comfy-legacy', 'sim-endpoint', 'sim-comfyui'], `every endpoint, sorted by name: ${short(all)}`);
		assert.deepEqual(all.find((item) => item.value === COMFY_ENDPOINT), {
			name: 'worker-comfyui FLUX.1 schnell (sim-comfyui)',
			value: COMFY_ENDPOINT,
			url: 'https://console.runpod.io/serverless/user/endpoint/sim-comfyui',
		}, 'an entry is "name (id)" with a link to the console');
		const calls = proxy.requests.slice(listedBefore).map((request) => `${request.method} ${request.path}`);
		assert.deepEqual(calls, ['GET /v1/endpoints'], 'the list comes from RunPod\'s REST API');

		const comfy = await search('COMFY');
		assert.deepEqual(comfy.map((item) => item.value), ['sim-comfy-legacy', 'sim-comfyui'], `filter "COMFY": ${short(comfy)}`);
		const byId = await search('sim-endpoint');
		assert.deepEqual(byId.map((item) => item.value), ['sim-endpoint'], `filter by id: ${short(byId)}`);
		assert.deepEqual(await search('no such endpoint'), [], 'a filter matching nothing lists nothing');
		note(`${all.length} endpoints; "COMFY" -> ${comfy.length}, "sim-endpoint" -> ${byId.length}`);
	});

	check('runPodComfyui: 2. ComfyUI Workflow, Endpoint by URL, photo from binary, Poll -> job input {workflow, images[{name, image}]}, the PNG as binary, no base64 in the JSON', async ({ product, executionIds, note }) => {
		const { client } = product;
		const { proxy, workflow, sim } = await setUp(product);
		const photoUrl = `${sim.origin}/samples/${randomTag()}-room.png`;
		const photo = Buffer.from(await (await fetch(photoUrl)).arrayBuffer());
		const known = new Set((await listExecutions(client, workflow.id)).map((execution) => String(execution.id)));
		const before = proxy.requests.length;

		const response = await fetch(`${product.n8n.url}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ photoUrl, workflow: API_FORMAT_WORKFLOW }),
		});
		const answered = webhookImage(Buffer.from(await response.arrayBuffer()));
		const finished = await waitForFinishedExecution(client, workflow.id, { afterIds: known, timeoutMs: 30_000 });
		executionIds.push(finished.id);
		assert.equal(response.status, 200, `POST /webhook/${WEBHOOK_PATH} answered ${response.status}: ${short(answered.toString('utf8'))}`);
		assert.equal(finished.status, 'success', `execution ${finished.id} ended "${finished.status}"`);
		assert.ok(answered.subarray(0, 8).equals(PNG_SIGNATURE), `the webhook answers the RunPod node's binary image: ${short(answered.toString('utf8'), 120)}`);
		assert.deepEqual([answered.readUInt32BE(16), answered.readUInt32BE(20)], [96, 64], 'the image has the size of the workflow\'s Empty Latent Image');

		const submits = proxy.requests.slice(before).filter((request) => request.method === 'POST');
		assert.deepEqual(submits.map((request) => request.path), [`/v2/${COMFY_ENDPOINT}/run`], 'one job, at the endpoint named in the URL');
		const { input } = submits[0].body;
		assert.deepEqual(Object.keys(input).sort(), ['images', 'workflow'], `the job input: ${short(input)}`);
		assert.deepEqual(input.workflow, API_FORMAT_WORKFLOW, 'the workflow as given');
		assert.equal(input.images.length, 1, `one input image: ${short(input.images)}`);
		assert.equal(input.images[0].name, INPUT_NAME, 'the image under the name the Load Image node reads');
		assert.equal(input.images[0].image, photo.toString('base64'), 'the photo fetched by the HTTP Request node, as base64 without a data: prefix');
		const polls = proxy.requests.slice(before).filter((request) => request.method === 'GET' && request.path.startsWith(`/v2/${COMFY_ENDPOINT}/status/`)).length;
		assert.ok(polls >= 1, 'the node polled the job\'s status');

		const [item] = nodeOutput(await getExecution(client, finished.id), 'RunPod') ?? [];
		assert.ok(item, 'the RunPod node emitted an item');
		assert.equal(item.json.status, 'completed', `RunPod output: ${short(item.json)}`);
		assert.equal(item.json.outputs?.length, 1, `one output image: ${short(item.json.outputs)}`);
		assert.equal(item.binary?.data?.mimeType, 'image/png', `binary of the RunPod item: ${short(item.binary)}`);
		assert.equal(findBase64(item.json), undefined, 'no base64 (output or input image) left in the JSON');
		note(`job ${item.json.jobId}; ${polls} status call(s); input ${photo.length} bytes; output ${answered.length} bytes`);
	});

	check('runPodComfyui: 3. a workflow in ComfyUI\'s editor format (nodes, links) -> the node fails saying to export the API format; no job queued', async ({ product, executionIds, note }) => {
		const { client } = product;
		const { proxy, workflow, sim } = await setUp(product);
		const known = new Set((await listExecutions(client, workflow.id)).map((execution) => String(execution.id)));
		const before = proxy.requests.length;
		const response = await fetch(`${product.n8n.url}/webhook/${WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ photoUrl: `${sim.origin}/samples/${randomTag()}-room.png`, workflow: EDITOR_FORMAT_WORKFLOW }),
		});
		const text = await response.text();
		const finished = await waitForFinishedExecution(client, workflow.id, { afterIds: known, timeoutMs: 20_000 });
		executionIds.push(finished.id);
		assert.ok(response.status >= 400, `the webhook answers the failure: ${response.status} ${short(text)}`);
		assert.equal(finished.status, 'error', `execution ${finished.id} ended "${finished.status}"`);
		const execution = await getExecution(client, finished.id);
		const nodeError = execution.data.resultData.runData.RunPod?.at(-1)?.error;
		assert.ok(nodeError, `the RunPod node failed: ${executionErrors(execution).join('; ')}`);
		assert.match(nodeError.message, /ComfyUI’s editor format \(it has "nodes" and "links" arrays\)/, `the node's message: ${nodeError.message}`);
		assert.match(nodeError.description ?? '', /Export \(API\)/, `the description says how to export: ${nodeError.description}`);
		const sent = proxy.requests.slice(before);
		assert.deepEqual(sent.map((request) => `${request.method} ${request.path}`), [], 'nothing was sent to RunPod');
		note(`webhook ${response.status}; "${short(nodeError.message, 70)}"`);
	});
}

/**
 * The bytes of a Webhook node's "First Entry Binary" answer. n8n 1.x, with binary data kept in
 * memory (its default mode), sends a Buffer as JSON, {"type": "Buffer", "data": [bytes]}
 * (webhook-last-node-response-extractor.js makes a static response of it); 2.x streams the file.
 */
function webhookImage(body) {
	if (body[0] !== 0x7b) return body;
	try {
		const parsed = JSON.parse(body.toString('utf8'));
		return parsed?.type === 'Buffer' && Array.isArray(parsed.data) ? Buffer.from(parsed.data) : body;
	} catch {
		return body;
	}
}

function runPodSimulator(product) {
	const service = product.services.services.find((candidate) => candidate.providerId === 'runPod');
	assert.ok(service, `no RunPod simulator among the local services: ${short(product.services.services.map((candidate) => candidate.providerId))}`);
	return { origin: new URL(service.url).origin, data: service.credential.data, type: service.credential.type };
}

/** Starts the recording proxy, imports a RunPod credential pointing at it and the test workflow. */
async function setUpComfyWorld(product, version) {
	const { client } = product;
	const sim = runPodSimulator(product);
	const proxy = await startRecordingProxy(sim.origin);
	const [credential] = await importCredentials(client, [{
		name: `RunPod (recording proxy, ${version})`,
		type: sim.type,
		data: { ...sim.data, baseUrl: `${proxy.url}/v2`, restUrl: `${proxy.url}/v1` },
	}]);
	const definition = comfyWorkflow({ [sim.type]: { id: credential.id, name: credential.name } });
	const [stored] = await importWorkflows(client, [definition]);
	await publishWorkflow(client, stored.id);
	return { sim, proxy, credential: { ...credential, type: sim.type }, workflow: { id: stored.id } };
}

/**
 * Webhook {photoUrl, workflow} -> HTTP Request (the photo into binary "photo") -> RunPod v2
 * (ComfyUI Workflow from the webhook body, the photo as room.png, Poll); the webhook answers
 * with the RunPod node's first image.
 */
function comfyWorkflow(credentials) {
	const uuid = () => crypto.randomUUID();
	return {
		name: 'E2E: RunPod ComfyUI Workflow',
		nodes: [
			{
				parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'lastNode', responseData: 'firstEntryBinary', options: {} },
				id: uuid(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: uuid(),
			},
			{
				parameters: {
					url: '={{ $json.body.photoUrl }}',
					options: { response: { response: { responseFormat: 'file', outputPropertyName: 'photo' } } },
				},
				id: uuid(),
				name: 'Fetch Photo',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
			},
			{
				parameters: {
					endpointId: { __rl: true, mode: 'url', value: `https://api.runpod.ai/v2/${COMFY_ENDPOINT}/run` },
					operation: 'run',
					inputType: 'comfyui',
					comfyWorkflow: '={{ $(\'Webhook\').item.json.body.workflow }}',
					comfyImages: { image: [{ name: INPUT_NAME, source: 'binary', binaryProperty: 'photo' }] },
					waitFor: 'poll',
					waitOptions: { pollInterval: 0.5, timeout: 60 },
				},
				id: uuid(),
				name: 'RunPod',
				type: NODE_TYPES.runPod,
				typeVersion: 2,
				position: [440, 0],
				webhookId: uuid(),
				credentials,
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Fetch Photo', type: 'main', index: 0 }]] },
			'Fetch Photo': { main: [[{ node: 'RunPod', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
