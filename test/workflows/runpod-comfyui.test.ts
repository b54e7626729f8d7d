import { LoadOptionsContext } from 'n8n-core';
import type { IDataObject, INodeExecutionData, INodeListSearchResult } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { RunPodApi } from '../../credentials/RunPodApi.credentials';
import { RunPod } from '../../nodes/RunPod/RunPod.node';
import { PNG_SIGNATURE, makePng } from '../../simulators/png';
import { CredentialTypes, HarnessCredentialsHelper, NodeTypes, chain, createNode, startNode } from '../harness';
import { createAdditionalData } from '../harness/additional-data';
import { ensureN8nRuntime } from '../harness/runtime';
import { runPodCredentials, runPodNode, useRunPodWorld } from './runpod-setup';

const world = useRunPodWorld();

/** A text-to-image workflow as ComfyUI's Export (API) writes it, saving `batch` images of 96×64 named `prefix`_00001_.png, .... */
function textToImageWorkflow(batch = 1, prefix = 'n8n'): IDataObject {
	return {
		'4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'flux1-schnell-fp8.safetensors' } },
		'5': { class_type: 'EmptyLatentImage', inputs: { width: 96, height: 64, batch_size: batch } },
		'6': { class_type: 'CLIPTextEncode', inputs: { text: 'a bright living room', clip: ['4', 1] } },
		'3': { class_type: 'KSampler', inputs: { seed: 7, steps: 4, model: ['4', 0], positive: ['6', 0], latent_image: ['5', 0] } },
		'8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
		'9': { class_type: 'SaveImage', inputs: { filename_prefix: prefix, images: ['8', 0] } },
	};
}

/** An image-to-image workflow whose Load Image node reads `fileName`. */
function imageToImageWorkflow(fileName: string): IDataObject {
	const workflow = textToImageWorkflow();
	workflow['10'] = { class_type: 'LoadImage', inputs: { image: fileName } };
	return workflow;
}

function comfyNode(parameters: IDataObject = {}) {
	return runPodNode({
		endpointId: { __rl: true, mode: 'list', value: 'sim-comfyui' },
		inputType: 'comfyui',
		comfyWorkflow: JSON.stringify(textToImageWorkflow()),
		...parameters,
	});
}

async function run(parameters: IDataObject, inputItems: Array<IDataObject | { json: IDataObject; binary?: IDataObject }> = [{}]) {
	return await world.host.runWorkflow({
		nodes: [startNode(), comfyNode(parameters)],
		connections: chain('Start', 'RunPod'),
		credentials: runPodCredentials(world.sim),
		inputItems: inputItems as IDataObject[],
	});
}

function pngSize(bytes: Buffer) {
	expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The Endpoint picker's listSearch, run the way n8n's editor does: in n8n-core's LoadOptionsContext. */
async function searchEndpoints(filter?: string, apiKey = world.sim.apiKey): Promise<INodeListSearchResult> {
	await ensureN8nRuntime();
	const nodeTypes = new NodeTypes([RunPod]);
	const helper = new HarnessCredentialsHelper(new CredentialTypes([RunPodApi]), nodeTypes, runPodCredentials(world.sim, { apiKey }));
	const node = createNode(RunPod, { parameters: { operation: 'run' }, credentials: { runPodApi: { id: 'runPodApi-test', name: 'RunPod (test)' } } });
	const workflow = new Workflow({ id: 'list-search', nodes: [node], connections: {}, active: false, nodeTypes });
	const context = new LoadOptionsContext(workflow, node, createAdditionalData({ baseUrl: 'http://127.0.0.1:1', credentialsHelper: helper }), 'parameters.endpointId');
	return await new RunPod().methods.listSearch.searchEndpoints.call(context, filter);
}

describe('RunPod Endpoint picker (resource locator)', () => {
	it("lists the account's endpoints from the REST API, named and linked to the console", async () => {
		const { results } = await searchEndpoints();
		expect(results).toEqual([
			{ name: 'runpod-worker-comfy (older) (sim-comfy-legacy)', value: 'sim-comfy-legacy', url: 'https://console.runpod.io/serverless/user/endpoint/sim-comfy-legacy' },
			{ name: 'Simulated A1111 worker (sim-endpoint)', value: 'sim-endpoint', url: 'https://console.runpod.io/serverless/user/endpoint/sim-endpoint' },
			{ name: 'worker-comfyui FLUX.1 schnell (sim-comfyui)', value: 'sim-comfyui', url: 'https://console.runpod.io/serverless/user/endpoint/sim-comfyui' },
		]);
		expect(world.sim.requests.map((request) => `${request.method} ${request.path}`)).toContain('GET /v1/endpoints');
	});

	it('filters by name or id, case-insensitively, and refuses a wrong key', async () => {
		expect((await searchEndpoints('COMFY')).results.map((item) => item.value)).toEqual(['sim-comfy-legacy', 'sim-comfyui']);
		expect((await searchEndpoints('sim-endpoint')).results.map((item) => item.value)).toEqual(['sim-endpoint']);
		expect((await searchEndpoints('no such endpoint')).results).toEqual([]);
		await expect(searchEndpoints(undefined, 'wrong-key')).rejects.toThrow(/401/);
	});

	it.each([
		['an API URL', 'https://api.runpod.ai/v2/sim-comfyui/runsync'],
		['a console URL', 'https://console.runpod.io/serverless/user/endpoint/sim-comfyui?tab=requests'],
		['an older console URL', 'https://www.runpod.io/console/serverless/user/endpoint/sim-comfyui'],
	])('takes the endpoint id from %s', async (_label, url) => {
		(await run({ endpointId: { __rl: true, mode: 'url', value: url } })).assertStatus('success');
		expect([...world.sim.jobs.values()].map((job) => job.endpointId)).toEqual(['sim-comfyui']);
	});

	it('refuses a URL without an endpoint in it, before calling RunPod', async () => {
		const result = await run({ endpointId: { __rl: true, mode: 'url', value: 'https://www.runpod.io/pricing' } });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/Paste an endpoint URL/);
		expect(world.sim.jobs.size).toBe(0);
	});

	it('runs version 1 nodes with the endpoint saved as plain text, and by-ID values', async () => {
		const nodes = [startNode(), { ...comfyNode({ endpointId: 'sim-endpoint' }), typeVersion: 1 }];
		(await world.host.runWorkflow({ nodes, connections: chain('Start', 'RunPod'), credentials: runPodCredentials(world.sim) })).assertStatus('success');
		(await run({ endpointId: { __rl: true, mode: 'id', value: 'sim-comfy-legacy' } })).assertStatus('success');
		expect([...world.sim.jobs.values()].map((job) => job.endpointId).sort()).toEqual(['sim-comfy-legacy', 'sim-endpoint']);
	});
});

describe('RunPod node: ComfyUI Workflow input (worker-comfyui)', () => {
	it('sends the workflow and an input image from a binary property, and returns the images as binary', async () => {
		const room = makePng(40, 30, 3);
		const result = (
			await run(
				{
					comfyWorkflow: JSON.stringify(imageToImageWorkflow('room.png')),
					comfyImages: { image: [{ name: 'room.png', source: 'binary', binaryProperty: 'photo' }] },
				},
				[{ json: {}, binary: { photo: { data: room.toString('base64'), mimeType: 'image/png', fileName: 'living.png' } } }],
			)
		).assertStatus('success');

		const [job] = [...world.sim.jobs.values()];
		expect(job.input).toEqual({ workflow: imageToImageWorkflow('room.png'), images: [{ name: 'room.png', image: room.toString('base64') }] });
		const [item] = result.output('RunPod');
		expect(item.json).toMatchObject({ status: 'completed', outputs: [{ index: 0, binaryProperty: 'data', mimeType: 'image/png' }] });
		expect(pngSize(await result.binary('RunPod', 'data'))).toEqual({ width: 96, height: 64 });
		// Neither the output image nor the input image stays in the JSON.
		expect(JSON.stringify(item.json)).not.toContain(room.toString('base64'));
		expect(JSON.stringify(item.json).length).toBeLessThan(4000);
	});

	it("downloads an input image given by URL and names it by the file's own name when no name is given", async () => {
		const url = world.sim.sampleUrl('kitchen.png');
		const result = (
			await run({
				comfyWorkflow: JSON.stringify(imageToImageWorkflow('kitchen.png')),
				comfyImages: { image: [{ source: 'url', url }] },
			})
		).assertStatus('success');
		const images = ([...world.sim.jobs.values()][0].input as IDataObject).images as IDataObject[];
		expect(images).toHaveLength(1);
		expect(images[0].name).toBe('kitchen.png');
		expect(pngSize(Buffer.from(images[0].image as string, 'base64'))).toEqual({ width: 59, height: 32 });
		expect(result.json('RunPod')[0]).toMatchObject({ status: 'completed', outputs: [{ binaryProperty: 'data' }] });
	});

	it('takes the workflow from an expression, e.g. a prompt per item', async () => {
		const comfyWorkflow =
			'={"5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}}, ' +
			'"6": {"class_type": "CLIPTextEncode", "inputs": {"text": {{ JSON.stringify($json.prompt) }}}}, ' +
			'"9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "n8n"}}}';
		(await run({ comfyWorkflow }, [{ prompt: 'a "quoted" kitchen' }, { prompt: 'a loft' }])).assertStatus('success');
		const texts = [...world.sim.jobs.values()].map((job) => (((job.input as IDataObject).workflow as IDataObject)['6'] as IDataObject).inputs);
		expect(texts).toEqual(expect.arrayContaining([{ text: 'a "quoted" kitchen' }, { text: 'a loft' }]));
		expect(texts).toHaveLength(2);
	});

	it('downloads S3 URL outputs (endpoint with a bucket) into binary, keeping the URLs', async () => {
		world.sim.config.comfyBucketUpload = true;
		const result = (await run({ comfyWorkflow: JSON.stringify(textToImageWorkflow(2)) })).assertStatus('success');
		const [item] = result.output('RunPod');
		const outputs = item.json.outputs as IDataObject[];
		expect(outputs).toEqual([
			expect.objectContaining({ index: 0, url: expect.stringMatching(/\/bucket\/.+\/n8n_00001_\.png$/), binaryProperty: 'data' }),
			expect.objectContaining({ index: 1, url: expect.stringMatching(/\/bucket\/.+\/n8n_00002_\.png$/), binaryProperty: 'data_1' }),
		]);
		expect(pngSize(await result.binary('RunPod', 'data_1'))).toEqual({ width: 96, height: 64 });
		expect(world.sim.requests.filter((request) => request.path.startsWith('/bucket/'))).toHaveLength(2);
	});

	it('reports a workflow error of the worker as a failed result with its message', async () => {
		const workflow = { ...textToImageWorkflow(), '3': { class_type: 'SimFailKSampler', inputs: { message: 'CUDA out of memory' } } };
		const result = (await run({ comfyWorkflow: JSON.stringify(workflow) })).assertStatus('success');
		expect(result.json('RunPod')[0]).toMatchObject({
			status: 'failed',
			outputs: [],
			error: { message: 'Job processing failed: Workflow execution error: Node Type: SimFailKSampler, Node ID: 3, Message: CUDA out of memory' },
		});
	});

	it('reads the older worker-comfy {status: success, message: <base64>} as one image, the base64 out of the JSON', async () => {
		world.sim.config.worker = 'comfy-legacy';
		const result = (await run({})).assertStatus('success');
		const [item] = result.output('RunPod');
		expect(item.json).toMatchObject({ status: 'completed', outputs: [{ index: 0, binaryProperty: 'data' }] });
		expect((item.json.raw as IDataObject).output).toEqual({ status: 'success', message: expect.stringMatching(/^\[base64 image removed/), refresh_worker: false });
		expect(pngSize(await result.binary('RunPod', 'data'))).toEqual({ width: 96, height: 64 });
	});

	describe("keeps ComfyUI's file names (the SaveImage prefix the workflow set), made safe", () => {
		const livingRoom = () => JSON.stringify(textToImageWorkflow(2, 'living room'));
		const NAMES = ['living_room_00001_.png', 'living_room_00002_.png'];
		const fileNamesOf = (items: INodeExecutionData[]) => ({
			binary: items.flatMap((item) => Object.values(item.binary ?? {}).map((file) => file.fileName)),
			outputs: items.flatMap((item) => (item.json.outputs as IDataObject[]).map((output) => output.fileName)),
		});

		it('names the binary files and their outputs as ComfyUI named the images', async () => {
			const result = (await run({ comfyWorkflow: livingRoom() })).assertStatus('success');
			const [item] = result.output('RunPod');
			expect(fileNamesOf([item])).toEqual({ binary: NAMES, outputs: NAMES });
			expect(item.json.outputs).toEqual([
				expect.objectContaining({ index: 0, binaryProperty: 'data', mimeType: 'image/png' }),
				expect.objectContaining({ index: 1, binaryProperty: 'data_1', mimeType: 'image/png' }),
			]);
			expect(pngSize(await result.binary('RunPod', 'data_1'))).toEqual({ width: 96, height: 64 });
			// The worker's answer, in raw, still has ComfyUI's own spelling.
			const images = ((item.json.raw as IDataObject).output as IDataObject).images as IDataObject[];
			expect(images.map((image) => image.filename)).toEqual(['living room_00001_.png', 'living room_00002_.png']);
		});

		it('names them so with Simplify on, and with the images downloaded from S3 URLs', async () => {
			world.sim.config.comfyBucketUpload = true;
			const result = (await run({ comfyWorkflow: livingRoom(), simplify: true })).assertStatus('success');
			const [item] = result.output('RunPod');
			expect(item.json.raw).toBeUndefined();
			expect(fileNamesOf([item])).toEqual({ binary: NAMES, outputs: NAMES });
			expect((item.json.outputs as IDataObject[]).map((output) => output.url)).toEqual([
				expect.stringMatching(/_00001_\.png$/),
				expect.stringMatching(/_00002_\.png$/),
			]);
		});

		it('names them so with One Item per Image', async () => {
			const result = (await run({ comfyWorkflow: livingRoom(), outputOptions: { onePerImage: true } })).assertStatus('success');
			const items = result.output('RunPod');
			expect(items).toHaveLength(2);
			expect(items.map((item) => item.binary?.data?.fileName)).toEqual(NAMES);
			expect(fileNamesOf(items)).toEqual({ binary: NAMES, outputs: NAMES });
		});

		it('names them so when the execution resumes on RunPod’s callback, Simplify on', async () => {
			world.sim.setFaults({ runMs: 400 }); // unfinished when the node looks before waiting
			const waiting = (await run({ comfyWorkflow: livingRoom(), waitFor: 'callback', simplify: true })).assertStatus('waiting');
			const done = (await world.host.waitForExecution(waiting.executionId, 10_000)).assertStatus('success');
			expect(fileNamesOf(done.output('RunPod'))).toEqual({ binary: NAMES, outputs: NAMES });
		});

		it("keeps the engine's names for the older worker-comfy, which gives no file name", async () => {
			world.sim.config.worker = 'comfy-legacy';
			const [item] = (await run({ comfyWorkflow: livingRoom() })).assertStatus('success').output('RunPod');
			const jobId = item.json.jobId as string;
			expect(fileNamesOf([item])).toEqual({ binary: [`runPod-${jobId}-0.png`], outputs: [`runPod-${jobId}-0.png`] });
		});
	});

	describe('refuses bad input before queueing a job', () => {
		it.each([
			['JSON that is not an object', '[1, 2]', /must be a JSON object of ComfyUI nodes/],
			['text that is not JSON', '{"3": ', /is not valid JSON/],
			['an empty workflow', '{}', /not in ComfyUI’s API format: it has no nodes/],
			[
				"ComfyUI's editor format (Save, not Export (API))",
				JSON.stringify({ last_node_id: 9, nodes: [{ id: 3, type: 'KSampler' }], links: [[1, 4, 0, 3, 0, 'MODEL']], version: 0.4 }),
				/editor format \(it has "nodes" and "links" arrays\); the worker needs the API format/,
			],
			['nodes without class_type', JSON.stringify({ '3': { inputs: {} }, '4': 'KSampler' }), /"3", "4" are not nodes with a "class_type"/],
		])('%s', async (_label, comfyWorkflow, message) => {
			const result = await run({ comfyWorkflow });
			result.assertStatus('error');
			expect(result.error?.message).toMatch(message);
			expect(result.error?.description).toMatch(/Export \(API\)/);
			expect(world.sim.jobs.size).toBe(0);
		});

		it('a missing binary property', async () => {
			const result = await run({ comfyImages: { image: [{ name: 'room.png', source: 'binary', binaryProperty: 'photo' }] } });
			result.assertStatus('error');
			expect(result.error?.message).toMatch(/photo/);
			expect(world.sim.jobs.size).toBe(0);
		});
	});
});
