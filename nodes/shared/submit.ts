import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { attachOptions } from './binary';
import { newReference, signedCallbackUrl } from './callback-auth';
import type { RenderProvider, SubmitOperation, WaitMode } from './provider';
import type { ParsedRender } from './result';
import { isFinalStatus } from './result';
import { isHttpUrl } from './payload';
import { MAX_BATCH_PARAM_LENGTH, emitResults, encodeBatch } from './resume';
import type { TrackedJob } from './wait';
import { forEachWithLimit, pollSettings, pollUntilFinal } from './wait';

const SUBMIT_CONCURRENCY = 4;

type Submitted = Array<ParsedRender | Error | undefined>;

/**
 * The whole life of a submitting operation, for every provider: submit each item's job (with a
 * signed callback URL where one is wanted), then wait as the user chose, then emit RenderResults.
 */
export async function runSubmitOperation(
	context: IExecuteFunctions,
	provider: RenderProvider,
	operation: SubmitOperation,
): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	const chosenWait = operation.offersWaitChoice ? (context.getNodeParameter('waitFor', 0, 'poll') as string) : 'poll';
	let waitMode: WaitMode = chosenWait === 'none' || chosenWait === 'callback' ? chosenWait : 'poll';
	if (waitMode === 'callback' && provider.callbacks.mode !== 'perJob') waitMode = 'poll';
	const secret = provider.callbackSecret(await context.getCredentials(provider.credentialType));
	const resumeUrl = waitMode === 'callback' ? executionResumeUrl(context) : undefined;

	const submitted: Submitted = new Array(items.length);
	let batchTooLong = false;
	const callbackUrlFor = (itemIndex: number, reference: string): string | undefined => {
		if (resumeUrl) {
			if (itemIndex < items.length - 1) return signedCallbackUrl(resumeUrl, secret, reference, { member: '1' });
			const batch = encodeBatch(submitted.slice(0, itemIndex));
			batchTooLong = batch.length > MAX_BATCH_PARAM_LENGTH;
			return batchTooLong ? undefined : signedCallbackUrl(resumeUrl, secret, reference, { batch });
		}
		if (waitMode !== 'none' || provider.callbacks.mode !== 'perJob') return undefined;
		const userUrl = context.getNodeParameter('callbackUrl', itemIndex, '') as string;
		return userUrl ? signedCallbackUrl(userUrl, secret, reference) : undefined;
	};

	// Waiting for callbacks submits one job after the other: the last job's URL lists the others.
	const concurrency = waitMode === 'callback' ? 1 : SUBMIT_CONCURRENCY;
	await forEachWithLimit([...items.keys()], concurrency, async (itemIndex) => {
		if (submitted.some((entry) => entry instanceof Error) && !context.continueOnFail()) return;
		const reference = (context.getNodeParameter('correlationId', itemIndex, '') as string) || newReference();
		try {
			const callbackUrl = callbackUrlFor(itemIndex, reference);
			const parsed = await operation.submit(context, { itemIndex, callbackUrl, waitMode: chosenWait });
			parsed.result.correlationId = reference;
			submitted[itemIndex] = parsed;
		} catch (error) {
			submitted[itemIndex] = error as Error;
		}
	});
	throwFirstErrorUnlessContinuing(context, provider, submitted);

	const tracked = trackedJobs(submitted);
	const waitOptions = context.getNodeParameter('waitOptions', 0, {}) as IDataObject;
	if (waitMode === 'callback') {
		// Only the last job's callback can resume the execution; without that job, poll instead.
		const lastJobAccepted = !(submitted[items.length - 1] instanceof Error);
		if (batchTooLong) {
			context.logger.warn(`${context.getNode().name}: too many items to list in one callback URL; polling instead`);
		} else if (lastJobAccepted && tracked.some((job) => !isFinalStatus(job.latest.result.status))) {
			await context.putExecutionToWait(new Date(Date.now() + pollSettings(waitOptions).timeoutMs));
			// What the execution shows while it waits; the resuming callback replaces it.
			return submitted.map((entry, itemIndex) => pendingItem(entry, itemIndex));
		}
		waitMode = 'poll';
	}

	let finished: Submitted = submitted;
	if (waitMode === 'poll') {
		const polled = await pollUntilFinal(context, provider, tracked, pollSettings(waitOptions));
		finished = [...submitted];
		tracked.forEach((job, position) => (finished[job.itemIndex] = polled[position]));
	}
	return await emitResults(context, finished, (itemIndex) => attachOptions(context, itemIndex));
}

function throwFirstErrorUnlessContinuing(
	context: IExecuteFunctions,
	provider: RenderProvider,
	submitted: Submitted,
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

function trackedJobs(entries: Submitted): TrackedJob[] {
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
