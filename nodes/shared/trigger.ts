import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { attachOptions, renderItems } from './binary';
import type { AttachedDeliveries } from './callback-deliveries';
import { deliveryKeyOf, deliveryMemory } from './callback-deliveries';
import { ACCEPTED_CALLBACK_ANSWER, rejectCallback, respondJson, verifyCallback } from './callback-intake';
import { CALLBACK_URL_FROM, FROM_ACCOUNT_WEBHOOK, FROM_SIGNED_NODE_URLS, outputOptionsProperty } from './descriptions';
import type { RenderProvider } from './provider';
import type { ParsedRender } from './result';
import { isFinalStatus } from './result';

/** The webhook of every provider trigger: the one URL its provider calls back. */
export const CALLBACK_WEBHOOKS: INodeTypeDescription['webhooks'] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: ACCEPTED_CALLBACK_ANSWER,
		path: 'callback',
	},
];

/**
 * The webhook lifecycle of a trigger whose URL reaches the provider with each job, or is pasted
 * into its dashboard by hand: there is nothing to register remotely.
 */
export const NO_REMOTE_REGISTRATION: INodeType['webhookMethods'] = {
	default: {
		async checkExists() {
			return false;
		},
		async create() {
			return true;
		},
		async delete() {
			return true;
		},
	},
};

/**
 * The parameters every provider trigger has, after its own. `forConfirmation` are what Confirm
 * with API needs from the user (e.g. where to ask), shown right under it. From node version
 * `confirmedSince` on, Confirm with API is on by default: a callback is then only a hint, and a
 * leaked callback URL cannot inject a result.
 */
export function triggerProperties(
	providerName: string,
	{ confirmedSince, forConfirmation = [] }: { confirmedSince: number; forConfirmation?: INodeProperties[] },
): INodeProperties[] {
	const description = `Whether to treat each callback as a hint and fetch the job from the ${providerName} API before emitting it. A forged body or a leaked callback URL then cannot inject a result; costs one API call per callback.`;
	return [
		{
			displayName: 'Confirm with API',
			name: 'confirmWithApi',
			type: 'boolean',
			default: false,
			description,
			displayOptions: { show: { '@version': [{ _cnd: { lt: confirmedSince } }] } },
		},
		{
			displayName: 'Confirm with API',
			name: 'confirmWithApi',
			type: 'boolean',
			default: true,
			description,
			displayOptions: { show: { '@version': [{ _cnd: { gte: confirmedSince } }] } },
		},
		...forConfirmation,
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
 * The first parameters of a perJob provider's trigger whose provider also offers an account-wide
 * webhook (`AccountWideWebhook`): from node version `since` on, Callback URL From and, for each
 * choice, its set-up notice. `signedNotice` is the trigger's notice for signed URLs, shown as
 * before in earlier versions (which accept signed URLs only); `note` is appended to both notices.
 * A provider without an account-wide webhook gets the signed notice alone.
 */
export function callbackSourceProperties(
	provider: RenderProvider,
	{ since, signedNotice, note = '' }: { since: number; signedNotice: string; note?: string },
): INodeProperties[] {
	const notice = (displayName: string, displayOptions?: INodeProperties['displayOptions']): INodeProperties => ({
		displayName: note ? `${displayName} ${note}` : displayName,
		name: 'setupNotice',
		type: 'notice',
		default: '',
		...(displayOptions ? { displayOptions } : {}),
	});
	const { callbacks, displayName: name } = provider;
	const accountWide = callbacks.mode === 'perJob' ? callbacks.accountWideWebhook : undefined;
	if (!accountWide) return [notice(signedNotice)];
	const { setBy, tokenField } = accountWide;
	const sinceVersion = { '@version': [{ _cnd: { gte: since } }] };
	return [
		notice(signedNotice, { show: { '@version': [{ _cnd: { lt: since } }] } }),
		{
			displayName: 'Callback URL From',
			name: CALLBACK_URL_FROM,
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: `The ${name} Node (Signed per Job)`,
					value: FROM_SIGNED_NODE_URLS,
					description: `Only the URLs a ${name} node signed for its jobs (its Callback URL) are accepted`,
				},
				{
					name: `${name}’s Account-Wide Webhook (Token)`,
					value: FROM_ACCOUNT_WEBHOOK,
					description: `Also the one URL ${setBy} sets on your account for its jobs, carrying the credential’s ${tokenField} as ?token=. Signed URLs are still accepted.`,
				},
			],
			default: FROM_SIGNED_NODE_URLS,
			description: `Which URLs ${name} may call this trigger with`,
			displayOptions: { show: sinceVersion },
		},
		notice(signedNotice, { show: sinceVersion, hide: { [CALLBACK_URL_FROM]: [FROM_ACCOUNT_WEBHOOK] } }),
		notice(
			`Ask ${setBy} to set this trigger’s <b>Production URL</b> followed by <b>?token=</b> and the credential’s ${tokenField} as your account’s webhook, e.g. https://n8n.example.com/webhook/…/callback?token=YOUR-SECRET. ${name} then calls it for your account’s jobs. The ${tokenField} must be set in the credential (a secret of your choice; the one derived from the API key is not used here): without it every callback is refused with 401. Calls with a missing or wrong token are refused with 401; URLs a ${name} node signed are accepted too. Turn on Confirm with API: the token proves only that the sender knows the URL, not which job it reports.`,
			{ show: { ...sinceVersion, [CALLBACK_URL_FROM]: [FROM_ACCOUNT_WEBHOOK] } },
		),
	];
}

/** Where the webhook hands the verified render to the trigger's execute(). */
const RECEIVED_RENDER = 'receivedRender';

/**
 * A provider's callback arriving at its trigger: verify the URL (401), parse the body (400),
 * optionally confirm it with the API, drop repeats and stale progress (answered 200 here), then
 * return the render for the execution.
 *
 * n8n answers that last case itself, and only once it has stored the new execution (queued it, in
 * queue mode): a crash before that leaves the provider retrying instead of a result lost behind a
 * 200. Downloading images happens after the answer, in execute(), so the answer waits for nothing
 * but n8n.
 */
export async function receiveCallback(
	context: IWebhookFunctions,
	provider: RenderProvider,
): Promise<IWebhookResponseData> {
	// Hidden (earlier node versions, providers without an account-wide webhook): the fallback.
	const from = context.getNodeParameter(CALLBACK_URL_FROM, FROM_SIGNED_NODE_URLS);
	const verified = await verifyCallback(context, provider, { acceptAccountToken: from === FROM_ACCOUNT_WEBHOOK });
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
	const memory = triggerDeliveries(context);
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
	return { workflowData: [[{ json: { [RECEIVED_RENDER]: parsed as unknown as IDataObject } }]] };
}

/**
 * The execute() of every trigger: n8n runs it as the execution's first step, with what the
 * webhook returned. It turns each received render into the RenderResult item, images as files.
 */
export async function emitReceivedRenders(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	const memory = triggerDeliveries(context);
	for (const [itemIndex, item] of context.getInputData().entries()) {
		const parsed = item.json[RECEIVED_RENDER] as unknown as ParsedRender | undefined;
		if (!parsed) continue;
		// Kept with the execution's static data, which n8n saves when the execution ends.
		memory.record(deliveryKeyOf(parsed.result.jobId, parsed.result.status));
		const items = await renderItems(context, parsed, attachOptions(context, itemIndex));
		output.push(...items.map((entry) => ({ ...entry, pairedItem: { item: itemIndex } })));
	}
	return [output];
}

/** The delivery memory of this trigger, attached to the static data n8n saves for it. */
function triggerDeliveries(context: IWebhookFunctions | IExecuteFunctions): AttachedDeliveries {
	const scope = `${context.getWorkflow().id}:${context.getNode().id}`;
	return deliveryMemory(scope, context.getWorkflowStaticData('node') as IDataObject);
}
