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
import { isFinalStatus } from './result';
import { isHttpUrl, isPlainObject } from './payload';
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
	let waitMode = context.getNodeParameter('waitFor', 0, 'poll') as WaitMode;
	const signingKey = callbackSigningKey(await context.getCredentials(provider.credentialType));
	const resumeUrl = waitMode === 'callback' ? executionResumeUrl(context) : undefined;

	const submitted: Array<ParsedRender | Error | undefined> = new Array(items.length);
	let batchTooLong = false;
	const callbackUrlFor = (itemIndex: number, reference: string): string | undefined => {
		if (resumeUrl) {
			if (itemIndex < items.length - 1) return signedCallbackUrl(resumeUrl, signingKey, reference, { member: '1' });
			const batch = encodeBatch(submitted.slice(0, itemIndex));
			batchTooLong = batch.length > MAX_BATCH_PARAM_LENGTH;
			return batchTooLong ? undefined : signedCallbackUrl(resumeUrl, signingKey, reference, { batch });
		}
		const userUrl = waitMode === 'none' ? (context.getNodeParameter('callbackUrl', itemIndex, '') as string) : '';
		return userUrl ? signedCallbackUrl(userUrl, signingKey, reference) : undefined;
	};

	// Waiting for callbacks submits one job after the other: the last job's URL lists the others.
	const concurrency = waitMode === 'callback' ? 1 : SUBMIT_CONCURRENCY;
	await forEachWithLimit([...items.keys()], concurrency, async (itemIndex) => {
		if (submitted.some((entry) => entry instanceof Error) && !context.continueOnFail()) return;
		const reference = (context.getNodeParameter('correlationId', itemIndex, '') as string) || newReference();
		try {
			const parsed = await submit({ itemIndex, callbackUrl: callbackUrlFor(itemIndex, reference) });
			parsed.result.correlationId = reference;
			submitted[itemIndex] = parsed;
		} catch (error) {
			submitted[itemIndex] = error as Error;
		}
	});
	throwFirstErrorUnlessContinuing(context, provider, submitted);

	const tracked = trackedJobs(submitted);
	if (waitMode === 'callback') {
		// Only the last job's callback can resume the execution; without that job, poll instead.
		const lastJobAccepted = !(submitted[items.length - 1] instanceof Error);
		if (batchTooLong) {
			context.logger.warn(`${context.getNode().name}: too many items to list in one callback URL; polling instead`);
		} else if (lastJobAccepted && tracked.some((job) => !isFinalStatus(job.latest.result.status))) {
			const { timeoutMs } = pollSettings(context.getNodeParameter('waitOptions', 0, {}) as IDataObject);
			await context.putExecutionToWait(new Date(Date.now() + timeoutMs));
			// What the execution shows while it waits; the resuming callback replaces it.
			return [submitted.map((entry, itemIndex) => pendingItem(entry, itemIndex))];
		}
		waitMode = 'poll';
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
 * The webhook of a node that waits for callbacks. n8n resumes a waiting execution only once, and
 * keeps nothing a node could write while it waits, so the jobs travel in the callback URLs: every
 * job's callback is answered at once, the last item's job carries the list of all the others, and
 * its callback resumes the execution: this handler then polls any job not finished yet and emits
 * every item's result. The other callbacks only confirm receipt.
 */
export async function resumeAfterCallback(
	context: IWebhookFunctions,
	provider: RenderProvider,
): Promise<IWebhookResponseData> {
	const verified = await verifyCallback(context, provider);
	if (!verified.ok) return verified.response;
	if (verified.extras.batch === undefined) {
		respondJson(context, 200, { received: true, resumesWith: 'the callback of the last item’s job' });
		return { noWebhookResponse: true };
	}
	const others = decodeBatch(verified.extras.batch);
	if (!others) return rejectCallback(context, 400, 'The callback URL’s job list is damaged.');
	respondJson(context, 200, { received: true });

	const entries: Array<BatchEntry | ParsedRender> = [...others, verified.parsed];
	const tracked: TrackedJob[] = entries.flatMap((entry, itemIndex) => {
		const latest = 'result' in entry ? entry : pendingRender(provider, entry);
		return latest ? [{ jobId: latest.result.jobId, itemIndex, latest }] : [];
	});
	const settings = pollSettings(context.getNodeParameter('waitOptions', {}) as IDataObject);
	const polled = await pollUntilFinal(context, provider, tracked, settings);

	const finished: Array<ParsedRender | Error> = entries.map((entry) =>
		'result' in entry ? entry : new Error(entry.error ?? 'The job was not submitted'),
	);
	tracked.forEach((job, position) => (finished[job.itemIndex] = polled[position]));
	const options = outputOptions(context);
	const items = await emitResults(context, finished, () => options);
	return { noWebhookResponse: true, workflowData: [items] };
}

/** What the last job's callback URL says of an earlier item: its job, or why it has none. */
interface BatchEntry {
	jobId?: string;
	reference?: string;
	error?: string;
}

const MAX_ERROR_IN_URL = 200;
/** Keeps the last job's callback URL well below the 32 KB that web servers commonly accept. */
const MAX_BATCH_PARAM_LENGTH = 24_000;

function encodeBatch(entries: Array<ParsedRender | Error | undefined>): string {
	const compact = entries.map((entry) =>
		entry === undefined || entry instanceof Error
			? { e: (entry?.message ?? 'Not submitted').slice(0, MAX_ERROR_IN_URL) }
			: { j: entry.result.jobId, r: entry.result.correlationId },
	);
	return Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
}

function decodeBatch(batch: string): BatchEntry[] | undefined {
	try {
		const compact: unknown = JSON.parse(Buffer.from(batch, 'base64url').toString('utf8'));
		if (!Array.isArray(compact)) return undefined;
		return compact.map((entry) => {
			const { j, r, e } = isPlainObject(entry) ? entry : {};
			return {
				jobId: typeof j === 'string' ? j : undefined,
				reference: typeof r === 'string' ? r : undefined,
				error: typeof e === 'string' ? e : undefined,
			};
		});
	} catch {
		return undefined;
	}
}

/** A job known only by its id: pending until polled. */
function pendingRender(provider: RenderProvider, entry: BatchEntry): ParsedRender | undefined {
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

async function emitResults(
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

function executionResumeUrl(context: IExecuteFunctions): string {
	const url = context.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof url !== 'string' || !isHttpUrl(url)) {
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
