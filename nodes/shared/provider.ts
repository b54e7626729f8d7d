import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import type { ParsedRender } from './result';

/** The n8n contexts the engine runs provider calls in: an action node, or a webhook handler. */
export type RenderContext = IExecuteFunctions | IWebhookFunctions;

/**
 * What the engine needs to know of a provider. Each provider folder has one, in its provider.ts;
 * nothing in nodes/shared names a provider.
 */
export interface RenderProvider {
	/** Short id, written into every RenderResult as `provider`. */
	id: string;
	displayName: string;
	credentialType: string;
	/** Turns a callback body into a RenderResult; throws RenderPayloadError for unknown shapes. */
	parseCallback(body: unknown, receivedAt: Date): ParsedRender;
	/** Asks the provider API where a job stands (polling, and "Confirm with API" in triggers). */
	fetchJob(context: RenderContext, jobId: string, itemIndex: number): Promise<ParsedRender>;
	/** The provider's own floor for polling intervals. */
	minPollIntervalMs: number;
}

/**
 * A node parameter for one item. Webhook handlers have no items of their own, so there n8n
 * resolves the parameter against the first input item.
 */
export function itemParameter(context: RenderContext, name: string, itemIndex: number): unknown {
	return 'getInputData' in context
		? context.getNodeParameter(name, itemIndex)
		: context.getNodeParameter(name);
}
