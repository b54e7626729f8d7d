import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { DeepImageApi } from '../../credentials/DeepImageApi.credentials';
import { chain, startNode, testCredential } from '../harness';
import { PNG_SIGNATURE } from '../../simulators/png';
import { deepImageCredentials, deepImageNode, photoItem, useDeepImageWorld } from './deepimage-setup';

const world = useDeepImageWorld();

async function run(parameters: IDataObject, inputItems: unknown[] = [{}], credentials = {}, extra = {}) {
	return await world.host.runWorkflow({
		nodes: [startNode(), { ...deepImageNode(world.sim, parameters), ...extra }],
		connections: chain('Start', 'Deep Image'),
		credentials: { ...deepImageCredentials(world.sim), ...credentials },
		inputItems: inputItems as IDataObject[],
	});
}

const onlyJob = () => {
	const jobs = [...world.sim.jobs.values()];
	expect(jobs).toHaveLength(1);
	return jobs[0];
};
const calls = (route: string) => world.sim.requests.filter((request) => request.route === route);

describe('Deep Image node: Process with every option group, Poll', () => {
	it('sends each field group as Deep Image’s request fields and polls to the image as binary', async () => {
		const parameters = {
			preset: 'ecommerce',
			size: { width: '2000', height: '150%', minLength: 1200, fit: 'crop:item', padding: 10 },
			enhancements: { apply: ['denoise', 'light', 'white_balance'], denoiseType: 'v1', lightType: 'hdr_light_advanced', lightLevel: 0.4, whiteBalanceLevel: 0.7 },
			upscaling: { generativeUpscale: true, upscaleStrength: 3, upscaleType: 'text_x4' },
			background: 'remove',
			backgroundSubject: 'item',
			backgroundColor: '#FFFFFF',
			output: { outputFormat: 'png', quality: 90, maxFileSize: 500000, dpi: 300, printSize: 'A4', printReorientation: false, target: 'storage://bucket/out.png' },
			safety: { safe: true, nsfwParameters: '{"threshold": 0.8}' },
			caption: { url: 'https://example.com/logo.png', position: 'bottom-right', opacity: 0.5 },
			additionalParameters: '{"background": {"shadow": true}, "brand_new_option": 1}',
			correlationId: 'sku-7',
		};
		const result = (await run(parameters)).assertStatus('success');
		const [item] = result.output('Deep Image');
		const job = onlyJob();
		expect(job.request).toEqual({
			url: world.sim.sampleUrl(),
			preset: 'ecommerce',
			width: 2000,
			height: '150%',
			min_length: 1200,
			padding: 10,
			fit: { crop: 'item' },
			enhancements: ['denoise', 'light', 'white_balance'],
			denoise_parameters: { type: 'v1' },
			light_parameters: { type: 'hdr_light_advanced', level: 0.4 },
			white_balance_parameters: { level: 0.7 },
			generative_upscale: true,
			upscale_strength: 3,
			upscale_parameters: { type: 'text_x4' },
			background: { remove: 'item', color: '#FFFFFF', shadow: true },
			output_format: 'png',
			quality: 90,
			max_file_size: 500000,
			dpi: 300,
			print_size: 'A4',
			print_reorientation: false,
			target: 'storage://bucket/out.png',
			safe: true,
			nsfw_parameters: { threshold: 0.8 },
			caption: { url: 'https://example.com/logo.png', position: 'bottom-right', opacity: 0.5 },
			brand_new_option: 1,
		});
		expect(job.webhook).toBeUndefined();
		expect(item.json).toMatchObject({ provider: 'deepImage', jobId: job.id, status: 'completed', correlationId: 'sku-7', outputs: [{ url: job.resultUrl, binaryProperty: 'data', mimeType: 'image/png' }] });
		expect((await result.binary('Deep Image', 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect(calls('result').length).toBeGreaterThanOrEqual(1);
	});

	it.each<[string, IDataObject, IDataObject]>([
		['a generated background', { background: 'generate', generateDescription: 'a marble counter', generateOptions: { itemAreaPercentage: 0.4, sampleNum: 2, negativePrompt: 'people' } }, { background: { generate: { description: 'a marble counter', item_area_percentage: 0.4, sample_num: 2, negative_prompt: 'people' } } }],
		['a replaced background', { background: 'replace', backgroundReplaceUrl: 'https://example.com/studio.jpg' }, { background: { remove: 'auto', replace: 'https://example.com/studio.jpg' } }],
		['a preset typed by name', { preset: 'custom', presetName: 'auto_enhance' }, { preset: 'auto_enhance' }],
		['nothing but the image', {}, {}],
	])('sends %s', async (_, parameters, sent) => {
		(await run({ ...parameters, waitFor: 'none' })).assertStatus('success');
		expect(onlyJob().request).toEqual({ url: world.sim.sampleUrl(), ...sent });
	});
});

describe('Deep Image node: Simplify', () => {
	it('keeps Deep Image’s raw answer and the echoed request by default, and leaves both out with Simplify on', async () => {
		const full = (await run({ preset: 'ecommerce' })).assertStatus('success').json('Deep Image')[0];
		expect(full).toMatchObject({ status: 'completed', raw: { job: full.jobId, status: 'complete' }, request: { url: world.sim.sampleUrl(), preset: 'ecommerce' } });

		const result = (await run({ preset: 'ecommerce', simplify: true })).assertStatus('success');
		const [simplified] = result.json('Deep Image');
		expect(simplified).toMatchObject({ provider: 'deepImage', status: 'completed', jobId: expect.any(String), outputs: [{ binaryProperty: 'data', mimeType: 'image/png' }] });
		expect(simplified).not.toHaveProperty('raw');
		expect(simplified).not.toHaveProperty('request');
		expect((await result.binary('Deep Image', 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
	});
});

describe('Deep Image node: binary and storage input', () => {
	it('uploads a binary file as multipart (file in "image", settings in "parameters"): the bytes arrive unchanged', async () => {
		const { item, png } = photoItem();
		const result = (await run({ inputSource: 'binary', binaryPropertyName: 'photo', preset: 'ecommerce', background: 'remove' }, [item])).assertStatus('success');
		const job = onlyJob();
		expect(job.upload?.data.equals(png)).toBe(true);
		expect(job.upload).toMatchObject({ fileName: 'chair.png', mimeType: 'image/png' });
		expect(job.request).toEqual({ preset: 'ecommerce', background: { remove: 'auto' } });
		expect(result.json('Deep Image')[0]).toMatchObject({ status: 'completed', request: { preset: 'ecommerce' }, outputs: [{ binaryProperty: 'data' }] });
	});

	it('sends a binary file as "base64,<data>" when asked, and keeps the base64 out of the submitted job’s request', async () => {
		const { item, png } = photoItem();
		const result = (await run({ inputSource: 'binary', binaryPropertyName: 'photo', binaryUpload: 'base64', waitFor: 'none' }, [item])).assertStatus('success');
		expect(onlyJob().request.url).toBe(`base64,${png.toString('base64')}`);
		const [json] = result.json('Deep Image');
		expect(json.request).toEqual({ url: expect.stringMatching(/^\[base64 image removed: \d+ chars\]$/) });
		expect(JSON.stringify(json)).not.toContain(png.toString('base64').slice(0, 40));
	});

	it('sends a storage:// path as url, and refuses one without the scheme before any call', async () => {
		(await run({ inputSource: 'storage', storagePath: 'storage://shop/chair.jpg' })).assertStatus('success');
		expect(onlyJob().request.url).toBe('storage://shop/chair.jpg');
		world.sim.reset();
		const bad = await run({ inputSource: 'storage', storagePath: 'shop/chair.jpg' });
		bad.assertStatus('error');
		expect(bad.error?.message).toBe('Storage Path "shop/chair.jpg" does not start with storage://');
		expect(calls('process')).toEqual([]);
	});

	it('names a missing binary property', async () => {
		const result = await run({ inputSource: 'binary', binaryPropertyName: 'photo' });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/photo/);
		expect(calls('process')).toEqual([]);
	});
});

describe('Deep Image node: Process and Wait Briefly, Don’t Wait, Get Result, Delete Result', () => {
	it('Process and Wait Briefly returns the result from process_result without polling when it is ready in time', async () => {
		const result = (await run({ operation: 'processAndWaitBriefly' })).assertStatus('success');
		expect(result.json('Deep Image')[0]).toMatchObject({ status: 'completed', request: { url: world.sim.sampleUrl() }, outputs: [{ binaryProperty: 'data' }] });
		expect(calls('processResult')).toHaveLength(1);
		expect(calls('result')).toEqual([]);
	});

	it('Process and Wait Briefly continues as the chosen wait mode when the job outlasts the brief wait', async () => {
		world.sim.setFaults({ processResultWaitMs: 10, runMs: 500 });
		const result = (await run({ operation: 'processAndWaitBriefly' })).assertStatus('success');
		expect(result.json('Deep Image')[0]).toMatchObject({ status: 'completed' });
		expect(calls('result').length).toBeGreaterThanOrEqual(1);
	});

	it("Don't Wait returns the received job with the Callback URL signed; Get Result fetches it; Delete Result removes it", async () => {
		const [submitted] = (await run({ waitFor: 'none', callbackUrl: 'https://n8n.example.com/webhook/abc/callback', correlationId: 'order-1' })).assertStatus('success').json('Deep Image');
		expect(submitted).toMatchObject({ status: 'pending', correlationId: 'order-1', raw: { status: 'received' } });
		const webhook = new URL(onlyJob().webhook as string);
		expect(webhook.origin + webhook.pathname).toBe('https://n8n.example.com/webhook/abc/callback');
		expect(webhook.searchParams.get('ref')).toBe('order-1');
		expect(webhook.searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);

		await sleep(400);
		const fetched = (await run({ operation: 'getResult', jobId: submitted.jobId })).assertStatus('success');
		expect(fetched.json('Deep Image')[0]).toMatchObject({ jobId: submitted.jobId, status: 'completed', outputs: [{ binaryProperty: 'data' }] });

		const deleted = (await run({ operation: 'deleteResult', jobId: submitted.jobId })).assertStatus('success');
		// n8n's delete operations answer exactly {deleted: true}.
		expect(deleted.json('Deep Image')[0]).toEqual({ deleted: true });
		const gone = await run({ operation: 'getResult', jobId: submitted.jobId });
		gone.assertStatus('error');
		expect(gone.error?.message).toBe('Deep Image answered 404: Image deleted');
	});

	it('Get Result of an unknown job says Job not found', async () => {
		const result = await run({ operation: 'getResult', jobId: 'no-such-job' });
		result.assertStatus('error');
		expect(result.error?.message).toBe('Deep Image answered 404: Job not found');
	});
});

describe('Deep Image node: bad input gets a clear error and loses nothing', () => {
	it('a wrong API key says Deep Image found no user for it', async () => {
		const result = await run({}, [{}], deepImageCredentials(world.sim, { apiKey: 'wrong' }));
		result.assertStatus('error');
		expect(result.error?.message).toBe('Deep Image found no user for this API key (404 "No user found for provided token")');
		expect(result.error?.description).toMatch(/Check the API key in the Deep Image credential/);
	});

	it('spent credits fail at once with NOT_ENOUGH_CREDITS, not retried', async () => {
		world.sim.setFaults({ credits: 0 });
		const result = await run({});
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/^Deep Image has not enough credits left for this job: Not enough credits/);
		expect(calls('process')).toHaveLength(1);
	});

	it.each<[string, IDataObject, string]>([
		['an unknown preset', { preset: 'custom', presetName: 'glamour' }, 'Deep Image answered 400: Preset glamour not found!'],
		['an image too large to upscale', { size: { width: '20000' } }, 'Deep Image answered 400: Image cannot be upscaled above 8000 x 8000 pixels limit.'],
	])('%s fails with Deep Image’s own message, no job made', async (_, parameters, message) => {
		const result = await run(parameters);
		result.assertStatus('error');
		expect(result.error?.message).toBe(message);
		expect(world.sim.jobs.size).toBe(0);
	});

	it('an unreachable image URL becomes a failed RenderResult with Deep Image’s message (HTTP 500 read as the job)', async () => {
		const result = (await run({ imageUrl: 'http://127.0.0.1:1/chair.jpg' })).assertStatus('success');
		expect(result.json('Deep Image')[0]).toMatchObject({
			jobId: onlyJob().id,
			status: 'failed',
			error: { message: 'Image could not be downloaded from the given url' },
		});
	});

	it('an image URL that is no http(s) URL is refused before any call', async () => {
		const result = await run({ imageUrl: 'chair.png' });
		result.assertStatus('error');
		expect(result.error?.message).toBe('Image URL "chair.png" is not an http(s) URL');
		expect(calls('process')).toEqual([]);
	});

	it('More Parameters that are not JSON are refused before any call', async () => {
		const result = await run({ additionalParameters: '{"width": ' });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/^More Parameters is not valid JSON/);
		expect(calls('process')).toEqual([]);
	});

	it('429 TOO_MANY_REQUESTS (images in progress) is waited out: every item is processed, none twice', async () => {
		world.sim.setFaults({ concurrencyLimit: 1 });
		const items = [{ n: 1 }, { n: 2 }, { n: 3 }];
		const result = (await run({ correlationId: '={{ "item-" + $json.n }}' }, items)).assertStatus('success');
		expect(result.json('Deep Image').map((item) => [item.correlationId, item.status])).toEqual([
			['item-1', 'completed'],
			['item-2', 'completed'],
			['item-3', 'completed'],
		]);
		expect(calls('process').filter((call) => call.status === 429).length).toBeGreaterThanOrEqual(1);
		expect(world.sim.jobs.size).toBe(3);
	});

	it('with Continue on Fail, a bad item becomes an error item and the others go on', async () => {
		const items = [{ preset: 'ecommerce' }, { preset: 'nope' }, { preset: 'real_estate' }];
		const result = (await run({ preset: 'custom', presetName: '={{ $json.preset }}' }, items, {}, { onError: 'continueRegularOutput' })).assertStatus('success');
		expect(result.output('Deep Image').map((item) => [item.json.status ?? 'error', item.pairedItem])).toEqual([
			['completed', { item: 0 }],
			['error', { item: 1 }],
			['completed', { item: 2 }],
		]);
	});
});

describe('Deep Image credential', () => {
	it('tests with GET /rest_api/me and names a wrong key (404) and a missing key or spent quota (403)', async () => {
		expect((await testCredential(DeepImageApi, deepImageCredentials(world.sim).deepImageApi)).status).toBe('OK');
		expect(await testCredential(DeepImageApi, deepImageCredentials(world.sim, { apiKey: 'nope' }).deepImageApi)).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('Deep Image found no user for this API key'),
		});
		expect(await testCredential(DeepImageApi, deepImageCredentials(world.sim, { apiKey: '' }).deepImageApi)).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('credits or quota are spent'),
		});
		expect(calls('me').map((call) => call.status)).toEqual(expect.arrayContaining([200, 404, 403]));
	});
});
