import type {
	IDataObject,
	INodeExecutionData,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { AttachOptions } from './binary';
import { attachOptions, renderItems } from './binary';
import { ACCEPTED_CALLBACK_ANSWER, rejectCallback, respondJson, verifyCallback } from './callback-intake';
import type { RenderContext, RenderProvider } from './provider';
import type { ParsedRender, RenderResult } from './result';
import { isFinalStatus } from './result';
import type { PollSettings } from './wait';
import { ConcurrencyLimit, followJob, lookUpUnfinished, pollSettings } from './wait';

/**
 * The webhook of every action node that can Wait for Callback: n8n routes a waiting execution's
 * resume URL to it. A restart webhook is never registered remotely, so it needs no webhookMethods.
 */
export const RESUME_WEBHOOKS: INodeTypeDescription['webhooks'] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: ACCEPTED_CALLBACK_ANSWER,
		path: '',
		restartWebhook: true,
		isFullPath: true,
	},
];

/**
 * The webhook of a node that waits for a callback. n8n resumes a waiting execution only once, and
 * keeps nothing a node could write while it waits, except what the node left as its input when it
 * went to wait: there each item holds its job (`leaveTimeoutItems` in submit.ts). Only the last
 * item's job was given the resume URL, naming its item; its callback is checked against that job
 * (the URL is good for it alone) and resumes the execution with every item's result.
 *
 * The resuming callback looks every other job up once. When all are final, the results go back to
 * n8n and n8n answers the provider itself, only after it has stored the resume: a crash before
 * that leaves the provider retrying instead of a result lost behind a 200. Jobs still running are
 * polled to the end, which can outlast the provider's patience, so then the answer goes first.
 */
export async function resumeAfterCallback(
	context: IWebhookFunctions,
	provider: RenderProvider,
): Promise<IWebhookResponseData> {
	const jobs = waitingJobs(context);
	const verified = await verifyCallback(context, provider, {
		expectedJobId: (extras) => jobs[Number(extras.item)]?.jobId,
	});
	if (!verified.ok) return verified.response;
	const itemIndex = verified.extras.item === undefined ? -1 : Number(verified.extras.item);
	const job = jobs[itemIndex];
	if (!job?.jobId || job.reference !== verified.reference || itemIndex !== jobs.length - 1) {
		return rejectCallback(context, 403, `This callback URL was not issued for the job this execution waits for; nothing was resumed.`);
	}
	const reported = verified.parsed.result.jobId;
	if (reported !== job.jobId) {
		return rejectCallback(
			context,
			403,
			`This callback URL was issued for ${provider.displayName} job ${job.jobId}, but the callback reports job ${reported}; nothing was resumed.`,
		);
	}

	const finished: Array<ParsedRender | Error> = jobs.map((entry, index) =>
		index === itemIndex ? verified.parsed : (pendingRender(provider, entry) ?? new Error(entry.error ?? 'The job was not submitted')),
	);
	const waitOptions = context.getNodeParameter('waitOptions', {}) as IDataObject;
	const settings = pollSettings(waitOptions);
	await lookUpUnfinished(context, provider, finished, lookupConcurrency(provider, waitOptions, settings));
	const unfinished = (): number[] =>
		finished.flatMap((entry, index) => (entry instanceof Error || isFinalStatus(entry.result.status) ? [] : [index]));
	const stillRunning = unfinished();
	if (stillRunning.length > 0) {
		respondJson(context, 200, { received: true });
		const statusChecks = new ConcurrencyLimit(settings.concurrency);
		await Promise.all(
			stillRunning.map(async (index) => {
				const latest = finished[index] as ParsedRender;
				const tracked = { jobId: latest.result.jobId, itemIndex: index, latest };
				finished[index] = await followJob(context, provider, tracked, settings, statusChecks);
			}),
		);
	}
	const options = attachOptions(context);
	const items = await emitResults(context, finished, () => options);
	return stillRunning.length > 0 ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
}

/**
 * How many status looks run at once when every job is looked at in one go: as many as the provider
 * takes submits, unless the user limited status checks (Max Parallel Status Checks), so that it
 * takes about as long as one status call.
 */
function lookupConcurrency(provider: RenderProvider, waitOptions: IDataObject, { concurrency }: PollSettings): number {
	return waitOptions.maxConcurrentPolls === undefined ? Math.max(concurrency, provider.maxParallelSubmits) : concurrency;
}

/** What the waiting execution keeps of an item: its job, or why it has none. */
interface WaitingJob {
	jobId?: string;
	reference?: string;
	error?: string;
}

/**
 * The items the waiting node left as its input (one per input item: the job's RenderResult, or
 * no jobId and `error` where the item has no job), as n8n hands them to the resume webhook.
 */
function waitingJobs(context: IWebhookFunctions): WaitingJob[] {
	const stored = context.evaluateExpression(
		'{{ $input.all().map(({ json }) => [json.jobId, json.correlationId, json.error]) }}',
		0,
	);
	if (!Array.isArray(stored)) return [];
	return stored.map((entry: unknown) => {
		const [jobId, reference, error] = Array.isArray(entry) ? (entry as unknown[]) : [];
		if (typeof jobId !== 'string' || !jobId) return { error: typeof error === 'string' ? error : undefined };
		return { jobId, reference: typeof reference === 'string' ? reference : undefined };
	});
}

/** A job known only by its id: pending until polled. */
function pendingRender(provider: RenderProvider, entry: WaitingJob): ParsedRender | undefined {
	if (!entry.jobId) return undefined;
	const result: RenderResult = {
		provider: provider.id,
		jobId: entry.jobId,
		status: 'pending',
		outputs: [],
		correlationId: entry.reference,
		receivedAt: new Date().toISOString(),
		raw: {},
	};
	return { result, inlineImages: {} };
}

/** The items of finished jobs: RenderResults with their images, or the error of an item. */
export async function emitResults(
	context: RenderContext,
	entries: Array<ParsedRender | Error | undefined>,
	optionsFor: (itemIndex: number) => AttachOptions,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, entry] of entries.entries()) {
		const pairedItem = { item: itemIndex };
		if (entry === undefined) continue;
		if (entry instanceof Error) {
			output.push({ json: { error: entry.message }, pairedItem });
		} else {
			const items = await renderItems(context, entry, optionsFor(itemIndex));
			output.push(...items.map((item) => ({ ...item, pairedItem })));
		}
	}
	return output;
}
