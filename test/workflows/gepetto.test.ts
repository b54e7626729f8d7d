import axios from 'axios';
import type { IDataObject } from 'n8n-workflow';

import { GepettoApi } from '../../credentials/GepettoApi.credentials';
import { chain, startNode, testCredential } from '../harness';
import { PNG_SIGNATURE } from '../../simulators/png';
import { gepettoCredentials, gepettoNode, loadOptions, useGepettoWorld } from './gepetto-setup';

const world = useGepettoWorld();

async function run(parameters: IDataObject, inputItems: IDataObject[] = [{}], credentials = {}, extra = {}) {
	return await world.host.runWorkflow({
		nodes: [startNode(), { ...gepettoNode(world.sim, parameters), ...extra }],
		connections: chain('Start', 'Gepetto'),
		credentials: { ...gepettoCredentials(world.sim), ...credentials },
		inputItems,
	});
}

const onlyJob = () => {
	const jobs = [...world.sim.jobs.values()];
	expect(jobs).toHaveLength(1);
	return jobs[0];
};
const renderCalls = () => world.sim.requests.filter((request) => !['job', 'files', 'samples', 'rooms', 'styles'].includes(request.route ?? ''));

describe('Gepetto node: every render operation, Wait in the Request', () => {
	const cases: Array<[string, IDataObject, string, IDataObject]> = [
		['redesign', { styleId: 'scandinave', roomId: 'bedroom', creativity: 18, preserveWalls: true }, 'redesign', { styleId: 'scandinave', roomId: 'bedroom', creativity: 18, preserveWindows: true, preserveWalls: true }],
		['creativeRedesign', { styleId: 'boheme' }, 'creative-redesign', { styleId: 'boheme', roomId: 'living_room' }],
		['furnish', { preserveWindows: false }, 'furnish', { styleId: 'scandinave', roomId: 'living_room' }],
		['smartStaging', { stagingRoomId: 'kitchen' }, 'smart-staging-v2', { styleId: 'scandinave', roomId: 'kitchen' }],
		['smartStagingLegacy', { legacyStagingRoomId: 'gaming_room' }, 'smart-staging', { styleId: 'scandinave', roomId: 'gaming_room' }],
		['refresh', { transformation: 'floor', floorValue: 'marble' }, 'refresh', { transformation: 'floor', value: 'marble' }],
		['declutter', {}, 'declutter', {}],
		['sunshine', { skyId: 'sunset' }, 'sunshine', { skyId: 'sunset' }],
		['upscale', {}, 'upscale', {}],
	];

	it.each(cases)('%s sends its documented body without a webhook and returns the image as binary', async (operation, parameters, mode, sent) => {
		const result = (await run({ operation, waitFor: 'inRequest', ...parameters })).assertStatus('success');
		const [item] = result.output('Gepetto');
		expect(item.json).toMatchObject({ provider: 'gepetto', jobId: 'sync', status: 'completed', outputs: [{ binaryProperty: 'data', mimeType: 'image/png' }] });
		expect((await result.binary('Gepetto', 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect(JSON.stringify(item.json)).not.toMatch(/iVBORw0KGgo/);

		const job = onlyJob();
		expect(job.mode).toBe(mode);
		expect(job.request).toEqual({ url: world.sim.sampleUrl(), ...sent });
		expect(world.sim.requests.some((request) => request.route === 'job')).toBe(false);
	});
});

describe('Gepetto node: Poll, Don’t Wait, Get Job', () => {
	it('Poll hands Gepetto a webhook n8n never routes (Gepetto needs one to run in the background) and polls Get Job to the image', async () => {
		const result = (await run({ correlationId: 'listing-9', maskUrl: world.sim.sampleUrl('mask.png') })).assertStatus('success');
		const [item] = result.output('Gepetto');
		const job = onlyJob();
		expect(item.json).toMatchObject({ jobId: job.id, status: 'completed', correlationId: 'listing-9', outputs: [{ url: job.output, binaryProperty: 'data' }] });
		expect(job.request).toMatchObject({ styleId: 'scandinave', roomId: 'living_room', preserveWindows: true, mask: world.sim.sampleUrl('mask.png') });
		const webhook = new URL(job.webhook as string);
		expect(webhook.pathname).toMatch(/^\/webhook-waiting\/[^/]+\/render-hooks-no-callback$/);
		expect(world.sim.requests.filter((request) => request.route === 'job').length).toBeGreaterThanOrEqual(1);
		// Gepetto's callback there is refused and resumes nothing.
		const callback = await axios.post(job.webhook as string, { id: job.id, output: job.output }, { validateStatus: () => true });
		expect(callback.status).toBeGreaterThanOrEqual(400);
	});

	it('Furnish by a single piece sends furnitureId and no roomId', async () => {
		(await run({ furnishBy: 'furniture', furnitureId: 'sofa', waitFor: 'inRequest' })).assertStatus('success');
		expect(onlyJob().request).toMatchObject({ furnitureId: 'sofa' });
		expect(onlyJob().request).not.toHaveProperty('roomId');
	});

	it('Declutter with a mask sends it; automatic sends none', async () => {
		(await run({ operation: 'declutter', declutterMode: 'manual', declutterMaskUrl: world.sim.sampleUrl('m.png'), waitFor: 'inRequest' })).assertStatus('success');
		expect(onlyJob().request).toEqual({ url: world.sim.sampleUrl(), mask: world.sim.sampleUrl('m.png') });
	});

	it("Don't Wait returns the pending job at once, with the Callback URL signed, and Get Job fetches it later", async () => {
		const submitted = (
			await run({ waitFor: 'none', callbackUrl: 'https://n8n.example.com/webhook/abc/callback', correlationId: 'order-1' })
		).assertStatus('success').json('Gepetto')[0];
		expect(submitted).toMatchObject({ status: 'pending', correlationId: 'order-1', request: { mode: 'furnish', styleId: 'scandinave' } });
		const webhook = new URL(onlyJob().webhook as string);
		expect(webhook.origin + webhook.pathname).toBe('https://n8n.example.com/webhook/abc/callback');
		expect(webhook.searchParams.get('ref')).toBe('order-1');

		await new Promise((resolve) => setTimeout(resolve, 300));
		const fetched = (await run({ resource: 'job', operation: 'getJob', jobId: submitted.jobId })).assertStatus('success');
		expect(fetched.json('Gepetto')[0]).toMatchObject({ jobId: submitted.jobId, status: 'completed', outputs: [{ binaryProperty: 'data' }] });
	});

	it('a job Gepetto reports as failed ends as failed with its message', async () => {
		world.sim.setFaults({ outcome: 'error' });
		const result = (await run({})).assertStatus('success');
		expect(result.json('Gepetto')[0]).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('Rendering failed') } });
	});

	it('a job still running at the timeout is returned with its id and WAIT_TIMEOUT', async () => {
		world.sim.setFaults({ stall: true });
		const result = (await run({ waitOptions: { pollInterval: 1, timeout: 2 } })).assertStatus('success');
		expect(result.json('Gepetto')[0]).toMatchObject({
			jobId: onlyJob().id,
			status: 'pending',
			// Gepetto's own operation, not RunPod's Get Status.
			error: { code: 'WAIT_TIMEOUT', message: expect.stringContaining('It goes on at Gepetto: fetch it later with Job → Get, or raise the timeout') },
		});
	});

	it('Wait in the Request outlasts a cold boot within its timeout, and a too-short timeout says the request timed out', async () => {
		world.sim.setFaults({ cold: true, coldBootMs: 1500 });
		(await run({ waitFor: 'inRequest', waitOptions: { timeout: 30 } })).assertStatus('success');
		const short = await run({ waitFor: 'inRequest', waitOptions: { timeout: 1 } });
		short.assertStatus('error');
		// The request reached Gepetto, which may render (and bill) it anyway: the message says so.
		expect(short.error?.message).toMatch(/Gepetto did not answer POST \/v1\/furnish: the request timed out\. It may have been created anyway/);
	});
});

describe('Gepetto node: lists and drop-downs', () => {
	it.each([
		['listRooms', 'living_room', 'Living room'],
		['listStyles', 'demeures', 'Mansion'],
		['listFurnitures', 'sofa', 'Sofa'],
		['listSkies', 'sunset', 'Sunset'],
	])('%s returns one item per entry', async (operation, id, english) => {
		const items = (await run({ resource: 'catalog', operation })).assertStatus('success').json('Gepetto');
		expect(items.length).toBeGreaterThan(2);
		expect(items).toContainEqual(expect.objectContaining({ id, 'name-en': english }));
	});

	it('drop-downs are labelled in English (name-en), sorted, and the sky list starts with Gepetto’s default', async () => {
		const rooms = await loadOptions(world.sim, 'getRooms');
		expect(rooms).toContainEqual({ name: 'Living room', value: 'living_room', description: 'interior' });
		expect(rooms.map((option) => option.name)).toEqual([...rooms.map((option) => option.name)].sort((a, b) => a.localeCompare(b)));
		expect(await loadOptions(world.sim, 'getStyles')).toContainEqual({ name: 'Scandinavian', value: 'scandinave' });
		expect(await loadOptions(world.sim, 'getFurnitures')).toContainEqual({ name: 'Dining table', value: 'dining_table' });
		const skies = await loadOptions(world.sim, 'getSkies');
		expect(skies[0]).toEqual({ name: 'Gepetto’s Default', value: '' });
		await expect(loadOptions(world.sim, 'getStyles', 'wrong')).rejects.toThrow();
	});

	it('the credential test makes one authenticated call and names a refused key', async () => {
		expect((await testCredential(GepettoApi, gepettoCredentials(world.sim).gepettoApi)).status).toBe('OK');
		const bad = await testCredential(GepettoApi, gepettoCredentials(world.sim, { apiKey: 'nope' }).gepettoApi);
		expect(bad).toMatchObject({ status: 'Error', message: expect.stringContaining('Gepetto refused the API key') });
		const calls = world.sim.requests.map((request) => [request.route, request.status]);
		expect(calls[0]).toEqual(['rooms', 200]);
		expect(calls.slice(1).every(([route, status]) => route === 'rooms' && status === 401)).toBe(true);
	});
});

describe('Gepetto node: bad input gets a clear error and loses nothing', () => {
	it('a wrong API key fails with 401 and a hint', async () => {
		const result = await run({}, [{}], gepettoCredentials(world.sim, { apiKey: 'wrong' }));
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/Gepetto answered 401: Unauthorized/);
		expect(result.error?.description).toMatch(/check the credential/);
	});

	it.each<[string, IDataObject, RegExp]>([
		['an unknown style', { styleId: '={{ "no-such-style" }}' }, /Gepetto answered 400: Unknown styleId 'no-such-style'/],
		['a URL that is no image', { imageUrl: '__SAMPLE__not-an-image.html' }, /Gepetto answered 400: The file at url .* is not an image \(text\/html\)/],
		['an unreachable URL', { imageUrl: 'http://127.0.0.1:1/room.jpg' }, /Gepetto answered 400: Could not download the image at url/],
	])('%s fails with Gepetto’s own message', async (_, parameters, message) => {
		const imageUrl = String(parameters.imageUrl ?? '').replace('__SAMPLE__', `${world.sim.url}/samples/`);
		const result = await run({ ...parameters, ...(imageUrl ? { imageUrl } : {}), waitFor: 'inRequest' });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(message);
		expect(world.sim.jobs.size).toBe(0);
	});

	it('a binary file instead of a URL is refused before any call, naming the file and saying Gepetto takes URLs only', async () => {
		const item = { json: {}, binary: { photo: { data: PNG_SIGNATURE.toString('base64'), mimeType: 'image/png', fileName: 'room.png' } } };
		// What a user mapping the file of an earlier node ends up sending: its name.
		const result = await run({ imageUrl: '={{ $binary.photo.fileName }}' }, [item]);
		result.assertStatus('error');
		expect(result.error?.message).toBe(
			'Image URL "room.png" is not an http(s) URL: Gepetto takes images only by public URL. This item carries a file (binary property "photo"), but Gepetto cannot take files.',
		);
		expect(renderCalls()).toEqual([]);
	});

	it('with Continue on Fail, a bad item becomes an error item and the others go on', async () => {
		const inputItems = [{ style: 'scandinave' }, { style: 'nope' }, { style: 'moderne' }];
		const result = (await run({ styleId: '={{ $json.style }}', correlationId: '={{ $json.style }}' }, inputItems, {}, { onError: 'continueRegularOutput' })).assertStatus('success');
		const items = result.output('Gepetto');
		expect(items.map((item) => [item.json.status ?? 'error', item.pairedItem])).toEqual([
			['completed', { item: 0 }],
			['error', { item: 1 }],
			['completed', { item: 2 }],
		]);
		expect(items[1].json.error).toMatch(/Unknown styleId 'nope'/);
	});

	it('429 is retried after Retry-After; a 500 on a submit is not retried (it may have started a billed job)', async () => {
		world.sim.setFaults({ rateLimitNext: 1 });
		(await run({ waitFor: 'inRequest' })).assertStatus('success');
		expect(world.sim.requests.slice(0, 2).map((request) => request.status)).toEqual([429, 200]);

		world.sim.reset();
		world.sim.setFaults({ failNext: 1 });
		const failed = await run({ waitFor: 'inRequest' });
		failed.assertStatus('error');
		expect(failed.error?.description).toMatch(/Not retried/);
		expect(renderCalls()).toHaveLength(1);
	});

	it('the simulator holds every user to 120 calls a minute', async () => {
		world.sim.setFaults({ rateLimitPerMinute: 3 });
		const headers = { authorization: `Bearer ${world.sim.apiKey}` };
		const statuses = [];
		for (let call = 0; call < 4; call++) statuses.push((await fetch(`${world.sim.baseUrl}/rooms`, { headers })).status);
		expect(statuses).toEqual([200, 200, 200, 429]);
	});
});

describe('Gepetto node: a render whose file cannot be fetched loses nothing and says so', () => {
	const fileCalls = () => world.sim.requests.filter((request) => request.route === 'files').map((request) => request.status);

	it('outlasts a file server that answers 500 twice: the image arrives on the third try', async () => {
		world.sim.setFaults({ failFilesNext: 2 });
		const result = (await run({})).assertStatus('success');
		const [item] = result.output('Gepetto');
		expect(item.json).toMatchObject({ status: 'completed', outputs: [{ binaryProperty: 'data', mimeType: 'image/png' }] });
		expect(item.json.error).toBeUndefined();
		expect((await result.binary('Gepetto', 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		expect(fileCalls()).toEqual([500, 500, 200]);
	});

	it('a file that stays unreachable: completed with a top-level IMAGE_NOT_STORED error, the URL kept, no binary', async () => {
		world.sim.setFaults({ failFilesNext: 100 });
		const result = (await run({})).assertStatus('success');
		const [item] = result.output('Gepetto');
		const job = onlyJob();
		expect(item.json).toMatchObject({
			jobId: job.id,
			status: 'completed',
			error: { code: 'IMAGE_NOT_STORED', message: 'The job completed, but 1 of 1 images could not be stored: Download failed: HTTP 500 (after 4 tries). Their URLs are in outputs[].url.' },
			outputs: [{ url: job.output, error: 'Download failed: HTTP 500 (after 4 tries)' }],
		});
		expect(item.binary).toBeUndefined();
		expect(fileCalls()).toEqual([500, 500, 500, 500]);
	});
});
