/**
 * Beta as one RenderProvider object: dashboard callbacks with a token, a two-step submit (multipart
 * upload, then a JSON start), and a failed process answered with HTTP 500 and the process as JSON.
 */
import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { inputImageFile } from '../../../../nodes/shared/binary';
import { isPlainObject, jobBody, knownStatus, parsedRender, providerError, statusWords, unexpectedBody } from '../../../../nodes/shared/payload';
import type { RenderContext, RenderProvider } from '../../../../nodes/shared/provider';
import type { ParsedRender } from '../../../../nodes/shared/result';
import { RenderPayloadError } from '../../../../nodes/shared/result';
import type { RequestBody } from '../../../../nodes/shared/transport';
import { callProviderApi } from '../../../../nodes/shared/transport';

export const BETA_CREDENTIAL = 'betaApi';

const BETA_STATUSES = statusWords({ pending: ['queued'], running: ['processing'], completed: ['ready'], failed: ['failed'] });

/** A process `{uid, status, result_url?, error?, reference?}`. */
export function parseBetaProcess(body: unknown, receivedAt: Date = new Date()): ParsedRender {
	const { jobId, reportedStatus } = jobBody(body, 'uid', "Beta process needs a string 'uid' and 'status'");
	const fields = body as IDataObject;
	return parsedRender({
		provider: 'beta',
		jobId,
		status: knownStatus(BETA_STATUSES, reportedStatus, `Beta process ${jobId}`),
		images: typeof fields.result_url === 'string' ? [{ url: fields.result_url }] : [],
		receivedAt,
		raw: fields,
		error: providerError([fields.error]),
	});
}

/** Events of Beta's dashboard webhook that are not a process result: answered, never emitted. */
const OTHER_EVENTS = ['upload.received', 'credits.low'];

/** A dashboard event `{event, data}`: `process.status` carries a process; the others carry none. */
export function parseBetaEvent(body: unknown, receivedAt: Date = new Date()): ParsedRender | null {
	if (!isPlainObject(body) || typeof body.event !== 'string') throw unexpectedBody("Beta event needs a string 'event'", body);
	if (OTHER_EVENTS.includes(body.event)) return null;
	if (body.event !== 'process.status') throw new RenderPayloadError(`Beta event '${body.event}' is not known`);
	return parseBetaProcess(body.data, receivedAt);
}

async function callBeta(
	context: RenderContext,
	call: { method: IHttpRequestMethods; path: string; body?: RequestBody; creates?: boolean; isAnswer?: (statusCode: number, body: unknown) => boolean },
	itemIndex = 0,
): Promise<IDataObject> {
	const credentials = await context.getCredentials(BETA_CREDENTIAL);
	return await callProviderApi(
		context,
		{ method: call.method, url: `${String(credentials.host)}${call.path}`, body: call.body, creates: call.creates, isAnswer: call.isAnswer },
		{ providerName: 'Beta', credentialType: BETA_CREDENTIAL, itemIndex, retry: { maxRetries: 2, baseDelayMs: 50, maxDelayMs: 2000 } },
	);
}

async function fetchProcess(context: RenderContext, uid: string, itemIndex: number): Promise<ParsedRender> {
	const path = `/api/process/${encodeURIComponent(uid)}`;
	// A failed process is answered 500 with the process as JSON: that is the answer, not an outage.
	return parseBetaProcess(await callBeta(context, { method: 'GET', path, isAnswer: (statusCode) => statusCode === 500 }, itemIndex));
}

export const betaProvider: RenderProvider = {
	id: 'beta',
	displayName: 'Beta',
	credentialType: BETA_CREDENTIAL,
	operations: [
		{
			kind: 'submit',
			value: 'enhance',
			name: 'Enhance',
			action: 'Enhance an image',
			description: 'Upload an image and start a process on it',
			offersWaitChoice: true,
			async submit(context, { itemIndex, reference }) {
				const property = context.getNodeParameter('binaryProperty', itemIndex) as string;
				const file = await inputImageFile(context, itemIndex, { kind: 'binary', property });
				const upload = await callBeta(
					context,
					{ method: 'POST', path: '/api/uploads', body: { multipart: [{ name: 'purpose', value: 'enhance' }, { name: 'image', file }] }, creates: true },
					itemIndex,
				);
				// Beta has no per-job URL: the correlation id travels with the process and comes back in
				// the callback body, where the provider's correlationId() finds it.
				const start = { upload_id: upload.upload_id, effect: context.getNodeParameter('effect', itemIndex) as string, reference };
				const started = await callBeta(context, { method: 'POST', path: '/api/process', body: { json: start }, creates: true }, itemIndex);
				return parseBetaProcess(started.process);
			},
		},
		{
			kind: 'job',
			value: 'getProcess',
			name: 'Get Process',
			action: 'Get a process',
			description: 'Fetch one process by its UID',
			run: async (context, itemIndex) => await fetchProcess(context, context.getNodeParameter('processUid', itemIndex) as string, itemIndex),
		},
	],
	fetchJob: fetchProcess,
	parseCallback: parseBetaEvent,
	minPollIntervalMs: 10,
	maxParallelSubmits: 2,
	callbacks: {
		mode: 'dashboard',
		correlationId: (parsed) => (typeof parsed.result.raw.reference === 'string' ? parsed.result.raw.reference : undefined),
	},
	callbackSecret: (credentials) => String(credentials.webhookToken ?? ''),
};
