import type { IDataObject, INodeProperties, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { attachOptions, renderItems } from './binary';
import { deliveryKeyOf, deliveryMemory } from './callback-deliveries';
import { rejectCallback, respondJson, verifyCallback } from './callback-intake';
import { outputOptionsProperty } from './descriptions';
import type { RenderProvider } from './provider';
import { isFinalStatus } from './result';

/** The parameters every provider trigger has, after its own. */
export function triggerProperties(providerName: string): INodeProperties[] {
	return [
		{
			displayName: 'Confirm with API',
			name: 'confirmWithApi',
			type: 'boolean',
			default: false,
			description: `Whether to treat each callback as a hint and fetch the job from the ${providerName} API before emitting it. A forged body then cannot inject a result; costs one API call per callback.`,
		},
		{
			displayName: 'Emit Progress Updates',
			name: 'emitProgress',
			type: 'boolean',
			default: false,
			description:
				'Whether to also start the workflow for callbacks of unfinished jobs (status pending or running). By default only final results start it: completed, failed, cancelled, timed out. An update that arrives after a job’s final result is never emitted.',
		},
		outputOptionsProperty(),
	];
}

/**
 * A provider's callback arriving at its trigger: verify the URL (401), parse the body (400),
 * optionally confirm it with the API, drop repeats and stale progress, answer 200 at once, then
 * emit the RenderResult with its images as binary data.
 */
export async function receiveCallback(
	context: IWebhookFunctions,
	provider: RenderProvider,
): Promise<IWebhookResponseData> {
	const verified = await verifyCallback(context, provider);
	if (!verified.ok) return verified.response;
	let { parsed } = verified;

	if (context.getNodeParameter('confirmWithApi', false) === true) {
		try {
			const confirmed = await provider.fetchJob(context, parsed.result.jobId, 0);
			parsed = { ...confirmed, result: { ...confirmed.result, correlationId: parsed.result.correlationId } };
		} catch (error) {
			return rejectCallback(
				context,
				422,
				`${provider.displayName} API could not confirm job "${parsed.result.jobId}": ${(error as Error).message}`,
			);
		}
	}

	const { jobId, status } = parsed.result;
	const scope = `${context.getWorkflow().id}:${context.getNode().id}`;
	const memory = deliveryMemory(scope, context.getWorkflowStaticData('node') as IDataObject);
	if (!isFinalStatus(status)) {
		const wanted = context.getNodeParameter('emitProgress', false) === true;
		if (!wanted || memory.hasFinal(jobId)) {
			respondJson(context, 200, { received: true, emitted: false, reason: `job ${jobId} is ${status}` });
			return { noWebhookResponse: true };
		}
	}
	if (!memory.claim(deliveryKeyOf(jobId, status))) {
		respondJson(context, 200, { received: true, duplicate: true });
		return { noWebhookResponse: true };
	}

	respondJson(context, 200, { received: true });
	const items = await renderItems(context, parsed, attachOptions(context));
	return { noWebhookResponse: true, workflowData: [items] };
}
