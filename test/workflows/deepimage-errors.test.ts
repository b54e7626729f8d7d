import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { chain, startNode } from '../harness';
import { deepImageCredentials, deepImageNode, photoItem, useDeepImageWorld } from './deepimage-setup';

/**
 * Deep Image answers a failed job with HTTP 500 `{message, status: "failed", job}`. Only that 500 is
 * a (failed) result; any other error answer, a plain 500 `{message: "Internal error"}` above all, is
 * an error that names the status and Deep Image's message (the call in its description), and for a
 * submit that the job may exist anyway.
 */
const world = useDeepImageWorld();

async function run(parameters: IDataObject, inputItems: unknown[] = [{}], extra: IDataObject = {}) {
	return await world.host.runWorkflow({
		nodes: [startNode(), { ...deepImageNode(world.sim, parameters), ...extra }],
		connections: chain('Start', 'Deep Image'),
		credentials: deepImageCredentials(world.sim),
		inputItems: inputItems as IDataObject[],
	});
}

const continueOnFail = { onError: 'continueRegularOutput' };
const calls = (route: string) => world.sim.requests.filter((request) => request.route === route);
const onlyJobId = () => {
	const ids = [...world.sim.jobs.keys()];
	expect(ids).toHaveLength(1);
	return ids[0];
};

const MAY_EXIST = 'It may have been created anyway: check before sending it again.';
const submitFailed = `Deep Image answered 500: Internal error. ${MAY_EXIST}`;
const NOT_RETRIED = /^The provider had an internal error\. Not retried: the provider may have created it anyway/;

/** A job Deep Image has finished, submitted with Don’t Wait. */
async function finishedJob(): Promise<string> {
	const [submitted] = (await run({ waitFor: 'none' })).assertStatus('success').json('Deep Image');
	await sleep(400);
	return submitted.jobId as string;
}

describe('Deep Image node: a plain HTTP 500 to a submit is an error, never a job', () => {
	it.each<[string, string, string]>([
		['Process', 'process', '/rest_api/process'],
		['Process and Wait Briefly', 'processAndWaitBriefly', '/rest_api/process_result'],
	])('%s answered 500 {"message":"Internal error"} names the status, Deep Image’s message and that the job may exist (the call in its description); not retried', async (_, operation, path) => {
		world.sim.setFaults({ failSubmitNext: 1 });
		const result = await run({ operation });
		result.assertStatus('error');
		expect(result.error?.message).toBe(submitFailed);
		expect(result.error?.httpCode).toBe('500');
		expect(result.error?.description).toMatch(NOT_RETRIED);
		expect(result.error?.description).toContain(`POST ${world.sim.url}${path}`);
		// The simulator queued the job before failing: it does exist, and it was sent once.
		expect(world.sim.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
		expect(world.sim.jobs.size).toBe(1);
	});

	it('says the same for a multipart upload', async () => {
		world.sim.setFaults({ failSubmitNext: 1 });
		const result = await run({ inputSource: 'binary', binaryPropertyName: 'photo' }, [photoItem().item]);
		result.assertStatus('error');
		expect(result.error?.message).toBe(submitFailed);
	});

	it('with Continue On Fail, the error item says the same and the other items go on', async () => {
		world.sim.setFaults({ failSubmitNext: 1 });
		const result = (await run({ submitOptions: { maxParallelSubmits: 1 } }, [{ n: 1 }, { n: 2 }], continueOnFail)).assertStatus('success');
		const items = result.output('Deep Image');
		expect(items.map((item) => [item.json.error ?? item.json.status, item.pairedItem])).toEqual([
			[submitFailed, { item: 0 }],
			['completed', { item: 1 }],
		]);
		expect(world.sim.jobs.size).toBe(2);
	});
});

describe('Deep Image node: a failed job (HTTP 500 with status "failed" and the job) is still a failed RenderResult', () => {
	it('Get Result reads it at once, without retrying', async () => {
		world.sim.setFaults({ outcome: 'failed' });
		const jobId = await finishedJob();
		const result = (await run({ operation: 'getResult', jobId })).assertStatus('success');
		expect(result.json('Deep Image')[0]).toMatchObject({ jobId, status: 'failed', error: { message: `Processing of job ${jobId} failed` } });
		expect(calls('result').map((call) => call.status)).toEqual([500]);
	});

	it('Process and Wait Briefly gets it as the answer of process_result', async () => {
		world.sim.setFaults({ outcome: 'failed' });
		const result = (await run({ operation: 'processAndWaitBriefly' })).assertStatus('success');
		const jobId = onlyJobId();
		expect(result.json('Deep Image')[0]).toMatchObject({ jobId, status: 'failed', error: { message: `Processing of job ${jobId} failed` } });
		expect(calls('processResult').map((call) => call.status)).toEqual([500]);
		expect(calls('result')).toEqual([]);
	});

	it('Poll ends on it after one 500', async () => {
		world.sim.setFaults({ outcome: 'failed' });
		const result = (await run({})).assertStatus('success');
		expect(result.json('Deep Image')[0]).toMatchObject({ jobId: onlyJobId(), status: 'failed' });
		expect(calls('result').filter((call) => call.status === 500)).toHaveLength(1);
	});
});

describe('Deep Image node: a plain HTTP 500 to a status call is retried like any read, then an error naming the call', () => {
	it('Get Result outlasts one 500 {"message":"Internal error"}', async () => {
		const jobId = await finishedJob();
		world.sim.setFaults({ failResultNext: 1 });
		const result = (await run({ operation: 'getResult', jobId })).assertStatus('success');
		expect(result.json('Deep Image')[0]).toMatchObject({ jobId, status: 'completed', outputs: [{ binaryProperty: 'data' }] });
		expect(calls('result').map((call) => call.status)).toEqual([500, 200]);
	});

	it('Get Result that keeps answering 500 fails with the status and Deep Image’s message (the call in its description); with Continue On Fail the item says the same', async () => {
		const jobId = await finishedJob();
		const message = 'Deep Image answered 500 (after 4 retries): Internal error';
		world.sim.setFaults({ failResultNext: 100 });
		const failed = await run({ operation: 'getResult', jobId });
		failed.assertStatus('error');
		expect(failed.error?.message).toBe(message);
		expect(failed.error?.httpCode).toBe('500');
		expect(failed.error?.description).toContain(`GET ${world.sim.url}/rest_api/result/${jobId}`);

		const continued = (await run({ operation: 'getResult', jobId }, [{}], continueOnFail)).assertStatus('success');
		expect(continued.output('Deep Image').map((item) => [item.json, item.pairedItem])).toEqual([[{ error: message }, { item: 0 }]]);
	});

	it('Poll outlasts 500s to its status checks and ends with the image', async () => {
		world.sim.setFaults({ failResultNext: 2 });
		const result = (await run({})).assertStatus('success');
		expect(result.json('Deep Image')[0]).toMatchObject({ status: 'completed', outputs: [{ binaryProperty: 'data' }] });
		expect(calls('result').filter((call) => call.status === 500)).toHaveLength(2);
	});

	it('Poll whose status checks keep answering 500 times out naming the last lookup’s error, not a body it misread', async () => {
		world.sim.setFaults({ failResultNext: 1000 });
		const result = (await run({ waitOptions: { pollInterval: 0.1, timeout: 2 } })).assertStatus('success');
		const jobId = onlyJobId();
		expect(result.json('Deep Image')[0]).toMatchObject({
			jobId,
			error: {
				code: 'WAIT_TIMEOUT',
				message: expect.stringContaining('The last status lookup failed: Deep Image answered 500 (after 4 retries): Internal error'),
			},
		});
	});

	it('Delete Result that keeps answering 500 is an error with the status and the call', async () => {
		const jobId = await finishedJob();
		world.sim.setFaults({ failNext: 5 });
		const result = await run({ operation: 'deleteResult', jobId });
		result.assertStatus('error');
		expect(result.error?.message).toBe('Deep Image answered 500 (after 4 retries): Internal Server Error');
		expect(result.error?.description).toContain(`DELETE ${world.sim.url}/rest_api/result/${jobId}`);
	});
});

describe('Deep Image node: a submit whose answer was lost', () => {
	it('says the job may have been created: the simulator queued it, then dropped the connection', async () => {
		world.sim.setFaults({ dropSubmitNext: 1 });
		const result = await run({});
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/^Deep Image did not answer POST \/rest_api\/process: .+\. It may have been created anyway: check before sending it again\.$/);
		expect(result.error?.description).toContain(`POST ${world.sim.url}/rest_api/process`);
		expect(world.sim.jobs.size).toBe(1);
		expect(world.sim.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
	});

	it('a refused connection says only that it could not be reached: nothing was sent', async () => {
		const result = await world.host.runWorkflow({
			nodes: [startNode(), deepImageNode(world.sim, {})],
			connections: chain('Start', 'Deep Image'),
			credentials: deepImageCredentials(world.sim, { baseUrl: 'http://127.0.0.1:9' }),
			inputItems: [{}],
		});
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/^Deep Image could not be reached/);
		expect(result.error?.message).not.toContain('may have been created');
	});
});
