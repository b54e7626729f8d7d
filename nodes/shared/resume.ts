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
import { isPlainObject } from './payload';
import { ConcurrencyLimit, followJob, pollSettings } from './wait';

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
 * The webhook of a node that waits for callbacks. n8n resumes a waiting execution only once, and
 * keeps nothing a node could write while it waits, so the jobs travel in the callback URLs: every
 * job's callback is answered at once, the last item's job carries the list of all the others, and
 * its callback resumes the execution with every item's result. The other callbacks only confirm
 * receipt.
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
	const verified = await verifyCallback(context, provider);
	if (!verified.ok) return verified.response;
	if (verified.extras.batch === undefined) {
		respondJson(context, 200, { received: true, resumesWith: 'the callback of the last item’s job' });
		return { noWebhookResponse: true };
	}
	const others = decodeBatch(verified.extras.batch);
	if (!others) return rejectCallback(context, 400, 'The callback URL’s job list is damaged.');

	const entries: Array<BatchEntry | ParsedRender> = [...others, verified.parsed];
	const finished: Array<ParsedRender | Error> = entries.map((entry) =>
		'result' in entry ? entry : (pendingRender(provider, entry) ?? new Error(entry.error ?? 'The job was not submitted')),
	);
	const settings = pollSettings(context.getNodeParameter('waitOptions', {}) as IDataObject);
	const statusChecks = new ConcurrencyLimit(settings.concurrency);
	const unfinished = (): number[] =>
		finished.flatMap((entry, itemIndex) => (entry instanceof Error || isFinalStatus(entry.result.status) ? [] : [itemIndex]));

	await Promise.all(
		unfinished().map(async (itemIndex) => {
			const latest = finished[itemIndex] as ParsedRender;
			try {
				const fresh = await statusChecks.run(async () => await provider.fetchJob(context, latest.result.jobId, itemIndex));
				finished[itemIndex] = { ...fresh, result: { ...fresh.result, correlationId: latest.result.correlationId } };
			} catch {
				// Still unknown: polled below like any unfinished job.
			}
		}),
	);
	const stillRunning = unfinished();
	if (stillRunning.length > 0) {
		respondJson(context, 200, { received: true });
		await Promise.all(
			stillRunning.map(async (itemIndex) => {
				const latest = finished[itemIndex] as ParsedRender;
				const job = { jobId: latest.result.jobId, itemIndex, latest };
				finished[itemIndex] = await followJob(context, provider, job, settings, statusChecks);
			}),
		);
	}
	const options = attachOptions(context);
	const items = await emitResults(context, finished, () => options);
	return stillRunning.length > 0 ? { noWebhookResponse: true, workflowData: [items] } : { workflowData: [items] };
}

/** What the last job's callback URL says of an earlier item: its job, or why it has none. */
interface BatchEntry {
	jobId?: string;
	reference?: string;
	error?: string;
}

const MAX_ERROR_IN_URL = 200;
/** Keeps the last job's callback URL well below the 32 KB that web servers commonly accept. */
export const MAX_BATCH_PARAM_LENGTH = 24_000;

export function encodeBatch(entries: Array<ParsedRender | Error | undefined>): string {
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
