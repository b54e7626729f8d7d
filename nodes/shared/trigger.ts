import type { IDataObject, INodeProperties, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { outputOptions } from './action';
import { renderItems } from './binary';
import { claimDelivery, rememberDelivery } from './callback';
import { outputOptionsProperty } from './descriptions';
import type { RenderProvider } from './provider';
import { rejectCallback, respondJson, verifyCallback } from './webhook';

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
		outputOptionsProperty(),
	];
}

/**
 * A provider's callback arriving at its trigger: verify the signed URL (401), parse the body (400),
 * optionally confirm it with the API, drop repeats, answer 200 at once, then emit the RenderResult
 * with its images as binary data.
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
			parsed = { ...confirmed, result: { ...confirmed.result, correlationId: verified.reference } };
		} catch (error) {
			return rejectCallback(
				context,
				422,
				`${provider.displayName} API could not confirm job "${parsed.result.jobId}": ${(error as Error).message}`,
			);
		}
	}

	const deliveryKey = `${parsed.result.jobId}:${parsed.result.status}`;
	const scope = `${context.getWorkflow().id}:${context.getNode().id}`;
	const claimedHere = claimDelivery(scope, deliveryKey);
	const newToWorkflow = rememberDelivery(context.getWorkflowStaticData('node') as IDataObject, deliveryKey);
	if (!claimedHere || !newToWorkflow) {
		respondJson(context, 200, { received: true, duplicate: true });
		return { noWebhookResponse: true };
	}

	respondJson(context, 200, { received: true });
	const items = await renderItems(context, parsed, outputOptions(context));
	return { noWebhookResponse: true, workflowData: [items] };
}
