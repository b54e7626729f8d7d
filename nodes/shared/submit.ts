import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { attachOptions } from './binary';
import { newReference, signedCallbackUrl } from './callback-auth';
import type { RenderProvider, SubmitOperation, WaitMode } from './provider';
import { resultOperationLabel } from './provider';
import type { ParsedRender } from './result';
import { isFinalStatus } from './result';
import { isHttpUrl } from './payload';
import { DEFAULT_CALLBACK_URL_VALID_HOURS } from './descriptions';
import { emitResults } from './resume';
import type { StopSignal } from './wait';
import { providerCredentials, toNodeError } from './transport';
import { ConcurrencyLimit, WAIT_TIMEOUT_CODE, followJob, isUnfinished, lookUpUnfinished, pollSettings } from './wait';

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
	const secret = provider.callbackSecret(await providerCredentials(context, provider.credentialType));
	const resumeUrl = waitMode === 'callback' ? executionResumeUrl(context) : undefined;
	if (resumeUrl) hintWhenOnlyLocal(context, resumeUrl, provider.displayName);
	const { callbacks } = provider;
	const unroutedUrl =
		callbacks.mode === 'perJob' && callbacks.urlRequiredForBackgroundJobs
			? `${executionResumeUrl(context).split('?')[0]}/${UNROUTED_CALLBACK_PATH}`
			: undefined;

	const submitted: Submitted = new Array(items.length);
	const submitOptions = context.getNodeParameter('submitOptions', 0, {}) as IDataObject;
	const callbackUrlFor = (itemIndex: number, reference: string): string | undefined => {
		// Only the last item's job calls back: the waiting execution keeps every item's job
		// (leaveTimeoutItems), and that callback looks the others up. A callback of each job would
		// cost n8n a resume request apiece (an expression sandbox in n8n 2.x) and change nothing.
		if (resumeUrl) {
			return itemIndex === items.length - 1 ? signedCallbackUrl(resumeUrl, secret, reference, { item: String(itemIndex) }) : unroutedUrl;
		}
		const userUrl =
			waitMode === 'none' && callbacks.mode === 'perJob' ? (context.getNodeParameter('callbackUrl', itemIndex, '') as string) : '';
		if (userUrl && !isHttpUrl(userUrl)) {
			throw new NodeOperationError(context.getNode(), `The Callback URL "${userUrl}" is not an http(s) URL`, {
				itemIndex,
				description: 'Paste the Production URL of the provider’s trigger, or leave Callback URL empty.',
			});
		}
		if (userUrl) return signedCallbackUrl(userUrl, secret, reference, { exp: callbackUrlExpiry(submitOptions) });
		return unroutedUrl;
	};

	// Polling starts for each job as soon as it is accepted, on its own schedule.
	const waitOptions = context.getNodeParameter('waitOptions', 0, {}) as IDataObject;
	const settings = pollSettings(waitOptions);
	const statusChecks = new ConcurrencyLimit(settings.concurrency);
	const stop: StopSignal = { stopped: false };
	const finished: Submitted = new Array(items.length);
	const followers: Array<Promise<void>> = [];
	const follow = (itemIndex: number, parsed: ParsedRender) => {
		const job = { jobId: parsed.result.jobId, itemIndex, latest: parsed };
		followers.push(
			followJob(context, provider, job, settings, statusChecks, stop).then((result) => {
				finished[itemIndex] = result;
			}),
		);
	};

	const submitItem = async (itemIndex: number) => {
		if (stop.stopped) return;
		const reference = (context.getNodeParameter('correlationId', itemIndex, '') as string) || newReference();
		try {
			const callbackUrl = callbackUrlFor(itemIndex, reference);
			const parsed = await operation.submit(context, { itemIndex, reference, callbackUrl, waitMode: chosenWait });
			parsed.result.correlationId = reference;
			submitted[itemIndex] = parsed;
			finished[itemIndex] = parsed;
			if (waitMode === 'poll') follow(itemIndex, parsed);
		} catch (error) {
			// Whatever a handler throws becomes an n8n error here, so it can never pass for a result.
			const failure = toNodeError(context.getNode(), error, itemIndex);
			submitted[itemIndex] = failure;
			finished[itemIndex] = failure;
			if (!context.continueOnFail()) stop.stopped = true;
		}
	};
	const submits = new ConcurrencyLimit(maxParallelSubmits(submitOptions, provider));
	await Promise.all([...items.keys()].map(async (itemIndex) => await submits.run(async () => await submitItem(itemIndex))));
	throwFirstErrorUnlessContinuing(context, provider, submitted);

	if (waitMode === 'callback') {
		// The last job may have ended while the others were submitted, its callback refused (409)
		// because the execution did not wait yet: one look says whether a callback is still to come.
		const last = items.length - 1;
		await lookUpUnfinished(context, provider, submitted, 1, [last]);
		finished[last] = submitted[last];
		if (isUnfinished(submitted[last])) {
			await context.putExecutionToWait(new Date(Date.now() + settings.timeoutMs));
			leaveTimeoutItems(context, provider, submitted, settings.timeoutMs);
			// What the execution shows while it waits; the resuming callback replaces it.
			return submitted.map((entry, itemIndex) => pendingItem(entry, itemIndex));
		}
		// No callback will resume (the last job has ended, or was not accepted): poll the others.
		submitted.forEach((entry, itemIndex) => entry && !(entry instanceof Error) && follow(itemIndex, entry));
	}
	await Promise.all(followers);
	return await emitResults(context, finished, (itemIndex) => attachOptions(context, itemIndex));
}

/**
 * A path below the execution's resume URL that no node ever listens on: n8n refuses a callback
 * there and resumes nothing, not even a later Wait node of the same execution, whose resume URL
 * it would otherwise be (measured: 2.40.7 answers 401; 1.123.81 answers 409 while the execution
 * runs or after it ends, 404 while a Wait node waits).
 */
const UNROUTED_CALLBACK_PATH = 'render-hooks-no-callback';

/** The provider's parallel submits, or fewer when the user asks (Submit Options). */
function maxParallelSubmits(options: IDataObject, provider: RenderProvider): number {
	const asked = typeof options.maxParallelSubmits === 'number' ? Math.floor(options.maxParallelSubmits) : Infinity;
	return Math.max(1, Math.min(asked, provider.maxParallelSubmits));
}

/** When a Don’t Wait Callback URL signed now stops being accepted (Unix seconds, as signed). */
function callbackUrlExpiry(options: IDataObject): string {
	const hours =
		typeof options.callbackUrlValidHours === 'number' && options.callbackUrlValidHours > 0
			? options.callbackUrlValidHours
			: DEFAULT_CALLBACK_URL_VALID_HOURS;
	return String(Math.floor(Date.now() / 1000 + hours * 3600));
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

function pendingItem(entry: ParsedRender | Error | undefined, itemIndex: number): INodeExecutionData {
	const pairedItem = { item: itemIndex };
	if (entry instanceof Error || entry === undefined) {
		return { json: { error: entry?.message ?? 'Not submitted' }, pairedItem };
	}
	return { json: entry.result as unknown as IDataObject, pairedItem };
}

/**
 * When no callback comes before the timeout, n8n resumes the execution by passing this node's
 * input through unchanged (the node does not run again). The input the waiting execution keeps is
 * therefore replaced by one item per job: the input item's fields, then the job as a RenderResult
 * with error code WAIT_TIMEOUT. A timeout thus names every job; it never looks like success with
 * the bare input. A resuming callback replaces these items with the results.
 */
function leaveTimeoutItems(context: IExecuteFunctions, provider: RenderProvider, submitted: Submitted, timeoutMs: number): void {
	const input = context.getExecuteData().data.main;
	const items = input[0] ?? [];
	const seconds = Math.round(timeoutMs / 1000);
	input[0] = submitted.map((entry, itemIndex) => {
		const { json } = pendingItem(entry, itemIndex);
		if (entry && !(entry instanceof Error)) {
			const { jobId, status } = entry.result;
			const message = isFinalStatus(status)
				? `Job ${jobId} had ended (${status}) but no callback resumed the execution within ${seconds} s: fetch its result with ${resultOperationLabel(provider)}.`
				: `No callback came for job ${jobId} within ${seconds} s. It goes on at ${provider.displayName}: fetch it with ${resultOperationLabel(provider)}.`;
			json.error = { code: WAIT_TIMEOUT_CODE, message };
		} else {
			// An item without a job has no jobId, whatever its input had: the resume tells them apart so.
			json.jobId = undefined;
		}
		return { json: { ...items[itemIndex]?.json, ...json }, pairedItem: { item: itemIndex } };
	});
}

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(?:\.\d+){3}|\[::1\])(?::\d+)?(?=\/|$)/i;

/** A resume URL on localhost reaches only a provider on this machine: say so where the user looks. */
function hintWhenOnlyLocal(context: IExecuteFunctions, resumeUrl: string, providerName: string): void {
	const origin = LOOPBACK_ORIGIN.exec(resumeUrl)?.[0];
	if (!origin) return;
	context.addExecutionHints({
		message: `Callbacks go to ${origin}, which ${providerName} reaches only from this machine. Set N8N_WEBHOOK_URL (n8n 2.x; WEBHOOK_URL in 1.x) to n8n’s public URL so results can arrive.`,
		type: 'warning',
		location: 'outputPane',
	});
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
