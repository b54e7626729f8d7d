import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ProviderOperation, ProviderResource } from '../shared/provider';
import { callRunPod } from './api';
import { parseRunPodJob, parseRunPodStream } from './parser';
import { buildRunBody } from './request';

function jobIdOf(context: IExecuteFunctions, itemIndex: number): string {
	return encodeURIComponent((context.getNodeParameter('jobId', itemIndex) as string).trim());
}

/** A call on one job of the item's endpoint, e.g. `/status/{id}`, answered as a job body. */
function jobCall(method: 'GET' | 'POST', route: string) {
	return async (context: IExecuteFunctions, itemIndex: number) =>
		parseRunPodJob(await callRunPod(context, { method, path: `/${route}/${jobIdOf(context, itemIndex)}` }, itemIndex));
}

/** What RunPod's operations act on: a job, or the endpoint that runs the jobs. */
export const RUNPOD_RESOURCES: ProviderResource[] = [
	{ value: 'job', name: 'Job', description: 'Run a job on a serverless endpoint, or read, cancel, retry one' },
	{ value: 'endpoint', name: 'Endpoint', description: 'A serverless endpoint’s health and queue' },
];

/**
 * RunPod's operations (n8n lists them by name). `flatName` keeps the names node versions before
 * resources show in their one Operation list.
 */
export const RUNPOD_OPERATIONS: ProviderOperation[] = [
	{
		kind: 'job',
		value: 'cancel',
		resource: 'job',
		name: 'Cancel',
		action: 'Cancel job',
		description: 'Stop a queued or running job',
		run: jobCall('POST', 'cancel'),
	},
	{
		kind: 'job',
		value: 'getStatus',
		readsResult: true,
		resource: 'job',
		name: 'Get Status',
		action: 'Get job status',
		description: 'Fetch a job’s status and, when done, its images',
		run: jobCall('GET', 'status'),
	},
	{
		kind: 'data',
		value: 'health',
		resource: 'endpoint',
		name: 'Get Health',
		flatName: 'Health',
		action: 'Get endpoint health',
		description: 'Count the endpoint’s jobs and workers',
		run: async (context, itemIndex) => await callRunPod(context, { method: 'GET', path: '/health' }, itemIndex),
	},
	{
		kind: 'data',
		value: 'purgeQueue',
		resource: 'endpoint',
		name: 'Purge Queue',
		action: 'Purge endpoint queue',
		description: 'Remove every job still waiting in the endpoint’s queue',
		run: async (context, itemIndex) => await callRunPod(context, { method: 'POST', path: '/purge-queue' }, itemIndex),
	},
	{
		kind: 'job',
		value: 'retry',
		resource: 'job',
		name: 'Retry',
		action: 'Retry job',
		description: 'Queue a failed or timed-out job again under the same ID',
		run: jobCall('POST', 'retry'),
	},
	{
		kind: 'submit',
		value: 'run',
		resource: 'job',
		name: 'Run',
		action: 'Run job',
		description: 'Queue a job on the endpoint and poll, wait for its callback, or return at once',
		offersWaitChoice: true,
		async submit(context, { itemIndex, callbackUrl }) {
			const body = await buildRunBody(context, itemIndex, 'run', callbackUrl);
			return parseRunPodJob(await callRunPod(context, { method: 'POST', path: '/run', body, creates: true }, itemIndex));
		},
	},
	{
		kind: 'submit',
		value: 'runSync',
		resource: 'job',
		name: 'Run Sync',
		action: 'Run job and wait for result',
		description: 'Run a job in one request that answers when it is done (short jobs)',
		// RunPod already waited for the job; one still running then is polled until done.
		offersWaitChoice: false,
		async submit(context, { itemIndex, callbackUrl }) {
			const body = await buildRunBody(context, itemIndex, 'runSync', callbackUrl);
			const waitMs = Math.round((context.getNodeParameter('syncWaitSeconds', itemIndex, 90) as number) * 1000);
			const answer = await callRunPod<IDataObject>(
				context,
				// RunPod holds the request up to `wait`; the client timeout leaves it room to answer.
				{ method: 'POST', path: '/runsync', body, qs: { wait: waitMs }, timeoutMs: waitMs + 30_000, creates: true },
				itemIndex,
			);
			return parseRunPodJob(answer);
		},
	},
	{
		kind: 'job',
		value: 'stream',
		resource: 'job',
		name: 'Stream Output',
		flatName: 'Stream',
		action: 'Stream job output',
		description: 'Fetch the output chunks a streaming worker has produced so far',
		async run(context, itemIndex) {
			const jobId = jobIdOf(context, itemIndex);
			const streamed = await callRunPod(context, { method: 'GET', path: `/stream/${jobId}` }, itemIndex);
			return parseRunPodStream(streamed, decodeURIComponent(jobId));
		},
	},
];
