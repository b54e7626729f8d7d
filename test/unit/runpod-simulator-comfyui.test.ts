import axios, { type AxiosInstance } from 'axios';

import { PNG_SIGNATURE, makePng } from '../../simulators/png';
import { startRunPodSimulator, type RunPodSimulator } from '../../simulators/runpod';

/** The smallest API-format workflow that saves an image, with a Load Image of `input.png` when asked. */
function workflow(withLoadImage = false): Record<string, unknown> {
	return {
		'5': { class_type: 'EmptyLatentImage', inputs: { width: 64, height: 48, batch_size: 1 } },
		'9': { class_type: 'SaveImage', inputs: { filename_prefix: 'sim', images: ['8', 0] } },
		...(withLoadImage ? { '10': { class_type: 'LoadImage', inputs: { image: 'input.png' } } } : {}),
	};
}

describe('RunPod simulator: ComfyUI workers', () => {
	let sim: RunPodSimulator;
	let api: AxiosInstance;
	const runSync = async (input: unknown) => (await api.post('/runsync', { input })).data;

	beforeAll(async () => {
		sim = await startRunPodSimulator({ queueMs: 5, runMs: 10 });
	});
	beforeEach(() => {
		sim.reset();
		api = axios.create({ baseURL: sim.endpointUrl('ep-comfy'), headers: { authorization: `Bearer ${sim.apiKey}` }, validateStatus: () => true });
	});
	afterAll(async () => await sim.close());

	it('worker-comfyui answers base64 images with their file names', async () => {
		const body = await runSync({ workflow: workflow() });
		expect(body).toMatchObject({ status: 'COMPLETED', output: { images: [{ filename: 'sim_00001_.png', type: 'base64', data: expect.any(String) }] } });
		const png = Buffer.from(body.output.images[0].data, 'base64');
		expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([64, 48]);
	});

	it('streams a worker-comfyui answer as one chunk (its handler does not stream)', async () => {
		const body = await runSync({ workflow: workflow() });
		const streamed = (await api.get(`/stream/${body.id}`)).data;
		expect(streamed).toEqual({ status: 'COMPLETED', stream: [{ output: body.output }] });
	});

	it('with a bucket, answers s3_url images that the bucket serves without auth', async () => {
		sim.config.comfyBucketUpload = true;
		const body = await runSync({ workflow: workflow() });
		const [image] = body.output.images;
		expect(image).toMatchObject({ filename: 'sim_00001_.png', type: 's3_url', data: expect.stringContaining('/bucket/') });
		const file = await axios.get(image.data, { responseType: 'arraybuffer' });
		expect(file.headers['content-type']).toBe('image/png');
		expect(Buffer.from(file.data).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect((await axios.get(`${sim.url}/bucket/nope/x.png`, { validateStatus: () => true })).status).toBe(404);
	});

	it('uploads input images with or without a data: prefix, and fails a Load Image of a file not uploaded', async () => {
		const png = makePng(8, 8).toString('base64');
		expect((await runSync({ workflow: workflow(true), images: [{ name: 'input.png', image: png }] })).status).toBe('COMPLETED');
		expect((await runSync({ workflow: workflow(true), images: [{ name: 'input.png', image: `data:image/png;base64,${png}` }] })).status).toBe('COMPLETED');
		expect(await runSync({ workflow: workflow(true) })).toMatchObject({
			status: 'FAILED',
			error: 'Workflow validation failed',
			output: { details: ['Node 10 (image): Invalid image file: input.png'] },
		});
	});

	it.each([
		['no workflow', { images: [] }, "Missing 'workflow' parameter"],
		['images of the wrong shape', { workflow: workflow(), images: ['abc'] }, "'images' must be a list of objects with 'name' and 'image' keys"],
		['the editor format', { workflow: { nodes: [], links: [] } }, 'Workflow validation failed'],
	])('fails %s the way worker-comfyui does', async (_label, input, error) => {
		// An endpoint running worker-comfyui (auto-detection needs a workflow in the input).
		sim.config.worker = 'comfyui';
		expect(await runSync(input)).toMatchObject({ status: 'FAILED', error });
	});

	it('answers success_no_images for a workflow that only previews, and fails one with no output node', async () => {
		expect((await runSync({ workflow: { '1': { class_type: 'PreviewImage', inputs: {} } } })).output).toEqual({ status: 'success_no_images', images: [] });
		expect(await runSync({ workflow: { '1': { class_type: 'KSampler', inputs: {} } } })).toMatchObject({
			status: 'FAILED',
			error: 'Job processing failed',
			output: { details: [expect.stringMatching(/^No outputs found in history for prompt /)] },
		});
	});

	it('the older worker-comfy answers {status: success, message} with the first image, base64 or S3 URL', async () => {
		sim.config.worker = 'comfy-legacy';
		const body = await runSync({ workflow: workflow() });
		expect(body.output).toEqual({ status: 'success', message: expect.any(String), refresh_worker: false });
		expect(Buffer.from(body.output.message, 'base64').subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		sim.config.comfyBucketUpload = true;
		expect((await runSync({ workflow: workflow() })).output.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bucket\/.+\/sim_00001_\.png$/);
	});
});
