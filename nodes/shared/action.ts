import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { AttachOptions } from './binary';
import { renderItems } from './binary';
import { callbackSigningKey, newReference, signedCallbackUrl } from './callback';
import type { RenderContext, RenderProvider } from './provider';
import type { ParsedRender, RenderResult } from './result';
import { isFinalStatus, isPlainObject } from './result';
import type { PollSettings, TrackedJob } from './wait';
import { forEachWithLimit, pollUntilFinal } from './wait';
import { rejectCallback, respondJson, verifyCallback } from './webhook';

export type WaitMode = 'none' | 'poll' | 'callback';

/**
 * The webhook of every action node that can Wait for Callback: n8n routes a waiting execution's
 * resume URL to it. A restart webhook is never registered remotely, so it needs no webhookMethods.
 */
export const RESUME_WEBHOOKS: INodeTypeDescription['webhooks'] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '',
		restartWebhook: true,
		isFullPath: true,
	},
];

export interface SubmitRequest {
	itemIndex: number;
	/** Signed URL the provider should call back, when there is one. */
	callbackUrl?: string;
}

/** Sends one item's job to the provider and returns what it answered, as a parsed render. */
export type SubmitJob = (request: SubmitRequest) => Promise<ParsedRender>;

const SUBMIT_CONCURRENCY = 4;

/**
 * The whole life of a submitting operation, for every provider: submit each item's job (with a
 * signed callback URL where one is wanted), then wait as the user chose, then emit RenderResults.
 */
export async function runSubmitOperation(
	context: IExecuteFunctions,
	provider: RenderProvider,
	submit: SubmitJob,
): Promise<INodeExecutionData[][]> {
	const items = context.getInputData();
	const waitMode = context.getNodeParameter('waitFor', 0, 'poll') as WaitMode;
	const signingKey = callbackSigningKey(await context.getCredentials(provider.credentialType));
	const resumeUrl = waitMode === 'callback' ? executionResumeUrl(context) : undefined;

	const submitted: Array<ParsedRender | Error | undefined> = new Array(items.length);
	await forEachWithLimit([...items.keys()], SUBMIT_CONCURRENCY, async (itemIndex) => {
		if (submitted.some((entry) => entry instanceof Error) && !context.continueOnFail()) return;
		const reference = (context.getNodeParameter('correlationId', itemIndex, '') as string) || newReference();
		const callbackBase =
			resumeUrl ?? (waitMode === 'none' ? (context.getNodeParameter('callbackUrl', itemIndex, '') as string) : '');
		try {
			const callbackUrl = callbackBase ? signedCallbackUrl(callbackBase, signingKey, reference) : undefined;
			const parsed = await submit({ itemIndex, callbackUrl });
			parsed.result.correlationId = reference;
			submitted[itemIndex] = parsed;
		} catch (error) {
			submitted[itemIndex] = error as Error;
		}
	});
	throwFirstErrorUnlessContinuing(context, provider, submitted);

	const tracked = trackedJobs(submitted);
	if (waitMode === 'callback' && tracked.some((job) => !isFinalStatus(job.latest.result.status))) {
		const { timeoutMs } = pollSettings(context.getNodeParameter('waitOptions', 0, {}) as IDataObject);
		await context.putExecutionToWait(new Date(Date.now() + timeoutMs));
		// What the execution shows while it waits; the callback replaces it with the results.
		return [submitted.map((entry, itemIndex) => pendingItem(entry, itemIndex))];
	}

	let finished: Array<ParsedRender | Error | undefined> = submitted;
	if (waitMode === 'poll') {
		const settings = pollSettings(context.getNodeParameter('waitOptions', 0, {}) as IDataObject);
		const polled = await pollUntilFinal(context, provider, tracked, settings);
		finished = [...submitted];
		tracked.forEach((job, position) => (finished[job.itemIndex] = polled[position]));
	}
	return [await emitResults(context, finished, (itemIndex) => outputOptions(context, itemIndex))];
}

/**
 * The webhook of a node that waits for callbacks. Several items make several jobs, but n8n resumes
 * a waiting execution only once: the first valid callback resumes it, this handler answers the
 * provider at once, then polls the jobs that have not called back yet, and emits every result.
 */
export async function resumeAfterCallback(
	context: IWebhookFunctions,
	provider: RenderProvider,
): Promise<IWebhookResponseData> {
	const verified = await verifyCallback(context, provider);
	if (!verified.ok) return verified.response;

	const waiting = itemsThisNodeWaitsWith(context);
	const caller = waiting.findIndex((item) => item.json.correlationId === verified.reference);
	if (caller < 0) {
		return rejectCallback(context, 404, `No job of this execution has the reference "${verified.reference}".`);
	}
	const callerJobId = waiting[caller].json.jobId;
	if (callerJobId !== verified.parsed.result.jobId) {
		return rejectCallback(
			context,
			400,
			`The callback is for job "${verified.parsed.result.jobId}", but its URL was handed out for job "${String(callerJobId)}".`,
		);
	}
	respondJson(context, 200, { received: true });

	const tracked: TrackedJob[] = [];
	waiting.forEach((item, itemIndex) => {
		const latest = itemIndex === caller ? verified.parsed : asParsedRender(item.json, provider);
		if (latest) tracked.push({ jobId: latest.result.jobId, itemIndex, latest });
	});
	const settings = pollSettings(context.getNodeParameter('waitOptions', {}) as IDataObject);
	const polled = await pollUntilFinal(context, provider, tracked, settings);

	const finished: Array<ParsedRender | INodeExecutionData> = [...waiting];
	tracked.forEach((job, position) => (finished[job.itemIndex] = polled[position]));
	const options = outputOptions(context);
	const items = await emitResults(context, finished, () => options);
	return { noWebhookResponse: true, workflowData: [items] };
}

async function emitResults(
	context: RenderContext,
	entries: Array<ParsedRender | Error | INodeExecutionData | undefined>,
	optionsFor: (itemIndex: number) => AttachOptions,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, entry] of entries.entries()) {
		const pairedItem = { item: itemIndex };
		if (entry === undefined) continue;
		if (entry instanceof Error) {
			output.push({ json: { error: entry.message }, pairedItem });
		} else if ('result' in entry && 'inlineImages' in entry) {
			const items = await renderItems(context, entry as ParsedRender, optionsFor(itemIndex));
			output.push(...items.map((item) => ({ ...item, pairedItem })));
		} else {
			output.push({ ...(entry as INodeExecutionData), pairedItem });
		}
	}
	return output;
}

function throwFirstErrorUnlessContinuing(
	context: IExecuteFunctions,
	provider: RenderProvider,
	submitted: Array<ParsedRender | Error | undefined>,
): void {
	if (context.continueOnFail()) return;
	const failedAt = submitted.findIndex((entry) => entry instanceof Error);
	if (failedAt < 0) return;
	const error = submitted[failedAt] as Error;
	const accepted = submitted
		.filter((entry): entry is ParsedRender => !!entry && !(entry instanceof Error))
		.map((entry) => entry.result.jobId);
	const alreadySubmitted = accepted.length
		? ` ${provider.displayName} had already accepted jobs ${accepted.join(', ')} for other items; they go on running.`
		: '';
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = `${error.description ?? ''}${alreadySubmitted}`.trim();
		throw error;
	}
	throw new NodeOperationError(context.getNode(), error, {
		itemIndex: failedAt,
		description: alreadySubmitted.trim() || undefined,
	});
}

function trackedJobs(entries: Array<ParsedRender | Error | undefined>): TrackedJob[] {
	return entries.flatMap((entry, itemIndex) =>
		entry && !(entry instanceof Error) ? [{ jobId: entry.result.jobId, itemIndex, latest: entry }] : [],
	);
}

function pendingItem(entry: ParsedRender | Error | undefined, itemIndex: number): INodeExecutionData {
	const pairedItem = { item: itemIndex };
	if (entry instanceof Error || entry === undefined) {
		return { json: { error: entry?.message ?? 'Not submitted' }, pairedItem };
	}
	return { json: entry.result as unknown as IDataObject, pairedItem };
}

/** A RenderResult of this provider that is still open, read back from the waiting items. */
function asParsedRender(json: IDataObject, provider: RenderProvider): ParsedRender | undefined {
	if (json.provider !== provider.id || typeof json.jobId !== 'string' || !Array.isArray(json.outputs)) {
		return undefined;
	}
	return { result: json as unknown as RenderResult, inlineImages: {} };
}

/** The items this node emitted when it went to wait: n8n keeps them in the execution's run data. */
function itemsThisNodeWaitsWith(context: IWebhookFunctions): INodeExecutionData[] {
	const nodeName = JSON.stringify(context.getNode().name);
	const items = context.evaluateExpression(`{{ $(${nodeName}).all() }}`, 0);
	if (!Array.isArray(items)) {
		throw new NodeOperationError(context.getNode(), 'The waiting jobs of this execution could not be read');
	}
	return (items as INodeExecutionData[]).map((item) => ({
		json: isPlainObject(item.json) ? item.json : {},
	}));
}

function executionResumeUrl(context: IExecuteFunctions): string {
	const url = context.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
		throw new NodeOperationError(context.getNode(), 'n8n gave no resume URL for this execution', {
			description: 'Wait for Callback needs n8n’s waiting webhooks. Choose Poll Until Done instead.',
		});
	}
	return url;
}

const DEFAULT_POLL: PollSettings = { intervalMs: 5000, timeoutMs: 900_000, concurrency: 5 };

function pollSettings(options: IDataObject): PollSettings {
	const seconds = (value: unknown, fallbackMs: number) =>
		typeof value === 'number' && value > 0 ? value * 1000 : fallbackMs;
	return {
		intervalMs: seconds(options.pollInterval, DEFAULT_POLL.intervalMs),
		timeoutMs: seconds(options.timeout, DEFAULT_POLL.timeoutMs),
		concurrency:
			typeof options.maxConcurrentPolls === 'number' && options.maxConcurrentPolls >= 1
				? Math.floor(options.maxConcurrentPolls)
				: DEFAULT_POLL.concurrency,
	};
}

/** The Output Options collection of an action (per item) or trigger node. */
export function outputOptions(context: RenderContext, itemIndex?: number): AttachOptions {
	const options = (
		itemIndex === undefined
			? (context as IWebhookFunctions).getNodeParameter('outputOptions', {})
			: (context as IExecuteFunctions).getNodeParameter('outputOptions', itemIndex, {})
	) as IDataObject;
	return {
		downloadUrls: options.downloadImages !== false,
		onePerImage: options.onePerImage === true,
		binaryPrefix: (options.binaryPropertyPrefix as string) || 'data',
	};
}
