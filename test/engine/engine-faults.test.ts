/**
 * Transport faults and bad input, through both fake providers: which requests the engine repeats
 * (the fake's request log says what arrived), and what the user is told.
 */
import type { IDataObject } from 'n8n-workflow';

import { chain, startNode } from '../harness';
import { makePng } from '../../simulators/png';
import { alphaCredentials, alphaNode, betaCredentials, betaNode, binaryItem, useEngineWorld } from './world';

const world = useEngineWorld();

const runAlpha = async (parameters: IDataObject = {}, credentials: IDataObject = {}, inputItems: IDataObject[] = [{}]) =>
	await world.host.runWorkflow({
		nodes: [startNode(), alphaNode(parameters)],
		connections: chain('Start', 'Alpha'),
		credentials: alphaCredentials(world.alpha, credentials),
		inputItems,
	});

const runBeta = async (parameters: IDataObject = {}, inputItems: IDataObject[] = [binaryItem(makePng(12, 12, 4))], onError?: string) =>
	await world.host.runWorkflow({
		nodes: [startNode(), { ...betaNode(parameters), ...(onError ? { onError } : {}) } as ReturnType<typeof betaNode>],
		connections: chain('Start', 'Beta'),
		credentials: betaCredentials(world.beta),
		inputItems,
	});

const alphaStatuses = (route: string) => world.alpha.server.requests.filter((request) => request.route === route).map((request) => request.status);
const betaStatuses = (route: string) => world.beta.server.requests.filter((request) => request.route === route).map((request) => request.status);

describe('Transport: what is retried', () => {
	it('retries a create answered 429 with Retry-After: the provider refused it before acting', async () => {
		world.alpha.server.faults.next('rateLimit', 1, 'create');
		const result = (await runAlpha()).assertStatus('success');
		expect(result.json('Alpha')[0]).toMatchObject({ status: 'completed' });
		expect(alphaStatuses('create')).toEqual([429, 201]);
		expect(world.alpha.jobs.size).toBe(1);
	});

	it('retries the multipart upload of a two-step submit answered 429, sending the same bytes again', async () => {
		world.beta.server.faults.next('rateLimit', 1, 'upload');
		const photo = makePng(14, 10, 9);
		(await runBeta({}, [binaryItem(photo)])).assertStatus('success');
		expect(betaStatuses('upload')).toEqual([429, 201]);
		const [upload] = world.beta.received.filter((request) => request.route === 'upload');
		expect(upload.multipart?.files[0].data.equals(photo)).toBe(true);
	});

	it('does not retry a create answered 500, and says why', async () => {
		world.alpha.server.faults.next('serverError', 1, 'create');
		const result = (await runAlpha()).assertStatus('error');
		expect(result.error?.message).toBe('Alpha answered 500: Internal Server Error. It may have been created anyway: check before sending it again.');
		expect(result.error?.description).toMatch(/Not retried: the provider may have created it anyway, and a second request could create \(and bill\) it twice/);
		expect(alphaStatuses('create')).toEqual([500]);
	});

	it('does not retry the second step of a two-step submit answered 500; the upload was sent once', async () => {
		world.beta.server.faults.next('serverError', 1, 'process');
		const result = (await runBeta()).assertStatus('error');
		expect(result.error?.message).toBe('Beta answered 500: Internal Server Error. It may have been created anyway: check before sending it again.');
		expect(result.error?.description).toMatch(/Not retried/);
		expect([betaStatuses('upload'), betaStatuses('process')]).toEqual([[201], [500]]);
	});

	it('retries a read answered 500', async () => {
		world.alpha.settings.lookupsUntilDone = 1;
		(await runAlpha({ waitFor: 'none' })).assertStatus('success');
		const [jobId] = world.alpha.jobs.keys();
		world.alpha.server.faults.next('serverError', 1, 'status');
		const result = (await runAlpha({ operation: 'getRender', renderId: jobId })).assertStatus('success');
		expect(result.json('Alpha')[0]).toMatchObject({ jobId, status: 'completed' });
		expect(alphaStatuses('status')).toEqual([500, 200]);
	});

	it('gives up on a read after the provider’s retries and says how often it tried', async () => {
		world.alpha.server.faults.next('serverError', 10, 'status');
		const result = (await runAlpha({ operation: 'getRender', renderId: 'al-1' })).assertStatus('error');
		expect(result.error?.message).toBe('Alpha answered 500 (after 2 retries): Internal Server Error');
		expect(alphaStatuses('status')).toEqual([500, 500, 500]);
	});

	it('while polling, a 500 that is not a process (an outage behind a status that carries answers) is asked again later', async () => {
		world.beta.server.faults.next('serverError', 1, 'status');
		const result = (await runBeta()).assertStatus('success');
		expect(result.json('Beta')[0]).toMatchObject({ status: 'completed' });
		expect(betaStatuses('status')).toEqual([500, 200, 200]);
	});

	it('reports an answer that is not JSON, without retrying a 200', async () => {
		world.alpha.server.faults.next('garbage', 1, 'status');
		const result = (await runAlpha({ operation: 'getRender', renderId: 'al-1' })).assertStatus('error');
		expect(result.error?.message).toBe('Alpha answered with something that is not JSON');
		expect(result.error?.description).toMatch(/502 Bad Gateway/);
		expect(alphaStatuses('status')).toEqual([200]);
	});

	it('names the provider and the address when it cannot be reached', async () => {
		const result = (await runAlpha({}, { server: 'http://127.0.0.1:1' })).assertStatus('error');
		expect(result.error?.message).toMatch(/^Alpha could not be reached/);
		expect(result.error?.description).toContain('POST http://127.0.0.1:1/v1/renders');
	});
});

describe('Bad input', () => {
	it('a missing binary property is a clear error naming it, and nothing is uploaded', async () => {
		const result = (await runBeta({ binaryProperty: 'photo' })).assertStatus('error');
		expect(result.error?.message).toMatch(/binary (field|file) 'photo'/);
		expect(world.beta.received).toHaveLength(0);
	});

	it('with continueOnFail, the item without its file is an error item and the others are processed', async () => {
		const result = (await runBeta({}, [{ json: { name: 'no file' } }, binaryItem(makePng(6, 6, 6))], 'continueRegularOutput')).assertStatus('success');
		const items = result.output('Beta');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.error).toMatch(/binary file 'data'/);
		expect(items[1].json).toMatchObject({ status: 'completed' });
		expect(world.beta.received.filter((request) => request.route === 'upload')).toHaveLength(1);
	});

	it('a refused key shows the provider’s answer and the hint to check the credential', async () => {
		const result = (await runAlpha({}, { token: 'wrong' })).assertStatus('error');
		expect(result.error?.message).toBe('Alpha answered 401: invalid token');
		expect(result.error?.description).toMatch(/check the credential/);
		expect(alphaStatuses('create')).toEqual([401]);
	});

	// Fails today: submit.ts tells a failed item from a result by `instanceof Error`, and the TypeError of
	// `new URL` is not one in this realm (jest's sandbox; in n8n, anything thrown that is not an Error),
	// so the item is read as a render: "Cannot read properties of undefined (reading 'outputs')".
	it('a Callback URL that is no URL is an error naming it, and no job is created', async () => {
		const result = (await runAlpha({ waitFor: 'none', callbackUrl: 'not a url' })).assertStatus('error');
		expect(`${result.error?.message} ${result.error?.description ?? ''}`).toMatch(/not a url|Invalid URL/i);
		expect(world.alpha.jobs.size).toBe(0);
	});
});
