import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ApiContext, ProviderOperation, SubmitOperation, SubmitRequest } from '../shared/provider';
import type { ParsedRender } from '../shared/result';
import { callDeepImage } from './api';
import { parseDeepImageJob, requestWithoutImages } from './parser';
import { processRequestBody } from './request';

/** `process_result` holds the request up to about 25 s before it answers with the unfinished job. */
const WAIT_BRIEFLY_TIMEOUT_MS = 90_000;
const QUEUED_SUBMIT_TIMEOUT_MS = 120_000;

async function submitProcess(
	context: IExecuteFunctions,
	path: string,
	timeoutMs: number,
	{ itemIndex, callbackUrl }: SubmitRequest,
): Promise<ParsedRender> {
	const { body, sent } = await processRequestBody(context, itemIndex, callbackUrl);
	const answer = await callDeepImage(
		context,
		// A job that fails within process_result's wait is answered HTTP 500 with the job: a result (api.ts).
		{ method: 'POST', path, body, timeoutMs, creates: true, answersJob: true },
		itemIndex,
	);
	const parsed = parseDeepImageJob(answer);
	// Deep Image's status answer does not echo the request; polling keeps this one (see wait.ts).
	parsed.result.request = requestWithoutImages(sent);
	return parsed;
}

function processOperation(value: string, name: string, path: string, timeoutMs: number, action: string, description: string): SubmitOperation {
	return {
		kind: 'submit',
		value,
		name,
		action,
		description,
		offersWaitChoice: true,
		submit: async (context, request) => await submitProcess(context, path, timeoutMs, request),
	};
}

export async function fetchDeepImageJob(context: ApiContext, jobId: string, itemIndex: number): Promise<ParsedRender> {
	const answer = await callDeepImage(
		context,
		// A failed job is answered HTTP 500 `{message, status: "failed", job}`: a result, not an error (api.ts).
		{ method: 'GET', path: `/rest_api/result/${encodeURIComponent(jobId)}`, answersJob: true },
		itemIndex,
	);
	return parseDeepImageJob(answer);
}

const jobIdOf = (context: IExecuteFunctions, itemIndex: number) => String(context.getNodeParameter('jobId', itemIndex)).trim();

/** Deep Image's operations (n8n lists them by name). */
export const DEEP_IMAGE_OPERATIONS: ProviderOperation[] = [
	processOperation(
		'process',
		'Process',
		'/rest_api/process',
		QUEUED_SUBMIT_TIMEOUT_MS,
		'Process image',
		'Queue an image for enhancing, upscaling, background work or a preset; then wait as chosen',
	),
	processOperation(
		'processAndWaitBriefly',
		'Process and Wait Briefly',
		'/rest_api/process_result',
		WAIT_BRIEFLY_TIMEOUT_MS,
		'Process image and wait briefly',
		'Deep Image holds the request up to about 25 s and answers with the result when ready; a longer job then continues as Wait for Result says',
	),
	{
		kind: 'job',
		value: 'getResult',
		readsResult: true,
		name: 'Get Result',
		action: 'Get result',
		description: 'Fetch a job’s status and, when complete, its image',
		run: async (context, itemIndex) => await fetchDeepImageJob(context, jobIdOf(context, itemIndex), itemIndex),
	},
	{
		kind: 'data',
		value: 'deleteResult',
		name: 'Delete Result',
		action: 'Delete result',
		description: 'Remove a finished job’s result from Deep Image',
		run: async (context, itemIndex) => {
			const jobId = jobIdOf(context, itemIndex);
			await callDeepImage<IDataObject>(context, { method: 'DELETE', path: `/rest_api/result/${encodeURIComponent(jobId)}` }, itemIndex);
			// What n8n's delete operations return; the job id stays on the input item it is paired to.
			return { deleted: true };
		},
	},
];
