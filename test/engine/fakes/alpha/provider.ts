/** Alpha as one RenderProvider object: perJob callbacks, JSON, a submit, a job and a data operation. */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { isPlainObject, jobBody, knownStatus, parsedRender, providerError, statusWords } from '../../../../nodes/shared/payload';
import type { RenderContext, RenderProvider } from '../../../../nodes/shared/provider';
import type { ParsedRender } from '../../../../nodes/shared/result';
import { callProviderApi } from '../../../../nodes/shared/transport';

export const ALPHA_CREDENTIAL = 'alphaApi';

const ALPHA_STATUSES = statusWords({ pending: ['queued'], running: ['working'], completed: ['done'], failed: ['failed'] });

/** A render body `{id, status, images[], error?}`: the status answer and the callback alike. */
export function parseAlphaRender(body: unknown, receivedAt: Date = new Date()): ParsedRender {
	const { jobId, reportedStatus } = jobBody(body, 'id', "Alpha render needs a string 'id' and 'status'");
	const fields = body as IDataObject;
	const images = Array.isArray(fields.images) ? fields.images.filter((url): url is string => typeof url === 'string') : [];
	const error = isPlainObject(fields.error) ? providerError([fields.error.message]) : undefined;
	return parsedRender({
		provider: 'alpha',
		jobId,
		status: knownStatus(ALPHA_STATUSES, reportedStatus, `Alpha render ${jobId}`),
		images: images.map((url) => ({ url })),
		receivedAt,
		raw: fields,
		error,
	});
}

async function callAlpha(
	context: RenderContext,
	call: { method: IHttpRequestMethods; path: string; body?: IDataObject; creates?: boolean },
	itemIndex = 0,
): Promise<IDataObject> {
	const credentials = await context.getCredentials(ALPHA_CREDENTIAL);
	return await callProviderApi(
		context,
		{ method: call.method, url: `${String(credentials.server)}${call.path}`, body: call.body && { json: call.body }, creates: call.creates },
		{ providerName: 'Alpha', credentialType: ALPHA_CREDENTIAL, itemIndex, retry: { maxRetries: 2, baseDelayMs: 50, maxDelayMs: 2000 } },
	);
}

async function fetchRender(context: RenderContext, jobId: string, itemIndex: number): Promise<ParsedRender> {
	return parseAlphaRender(await callAlpha(context, { method: 'GET', path: `/v1/renders/${encodeURIComponent(jobId)}` }, itemIndex));
}

export const alphaProvider: RenderProvider = {
	id: 'alpha',
	displayName: 'Alpha',
	credentialType: ALPHA_CREDENTIAL,
	operations: [
		{
			kind: 'submit',
			value: 'render',
			name: 'Render',
			action: 'Render an image',
			description: 'Start a render and wait as chosen',
			offersWaitChoice: true,
			async submit(context, { itemIndex, callbackUrl }) {
				const prompt = context.getNodeParameter('prompt', itemIndex) as string;
				const body: IDataObject = { prompt, ...(callbackUrl ? { notify_url: callbackUrl } : {}) };
				return parseAlphaRender(await callAlpha(context, { method: 'POST', path: '/v1/renders', body, creates: true }, itemIndex));
			},
		},
		{
			kind: 'job',
			value: 'getRender',
			name: 'Get Render',
			action: 'Get a render',
			description: 'Fetch one render by its ID',
			run: async (context, itemIndex) => await fetchRender(context, context.getNodeParameter('renderId', itemIndex) as string, itemIndex),
		},
		{
			kind: 'data',
			value: 'listStyles',
			name: 'List Styles',
			action: 'List the styles',
			description: 'List the styles a render can use',
			async run(context, itemIndex) {
				const answer = await callAlpha(context, { method: 'GET', path: '/v1/styles' }, itemIndex);
				return answer.styles as IDataObject[];
			},
		},
	],
	fetchJob: fetchRender,
	parseCallback: parseAlphaRender,
	minPollIntervalMs: 10,
	maxParallelSubmits: 4,
	callbacks: { mode: 'perJob' },
	callbackSecret: (credentials) => String(credentials.signingKey ?? ''),
};
