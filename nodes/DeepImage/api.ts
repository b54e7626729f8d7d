import type { IDataObject, IHttpRequestMethods, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { ApiContext } from '../shared/provider';
import type { RequestBody, RetryPolicy } from '../shared/transport';
import { DEFAULT_RETRY_POLICY, callProviderApi, providerCredentials, toNodeError } from '../shared/transport';
import { isFailedJobAnswer } from './parser';

export const DEEP_IMAGE_CREDENTIAL = 'deepImageApi';
export const DEEP_IMAGE_DEFAULT_BASE_URL = 'https://deep-image.ai';

export interface DeepImageCall {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. `/rest_api/process`. */
	path: string;
	body?: RequestBody;
	timeoutMs?: number;
	/** Whether the call starts a job: Deep Image does not deduplicate, so it is not retried after a 5xx. */
	creates?: boolean;
	/**
	 * Whether the call answers with a job (the submits, `GET /rest_api/result/{job}`): its HTTP 500 is
	 * then the answer when the body is a failed job `{message, status: "failed", job}`; any other
	 * error answer, a 500 `{"message": "Internal error"}` included, stays an error.
	 */
	answersJob?: boolean;
}

/**
 * Deep Image's limit is on images in progress, not on calls: a 429 clears when one of the
 * account's jobs ends, which takes seconds to minutes and comes with no Retry-After. So a 429 is
 * waited out longer than the engine's default (about 2 minutes in all) before it becomes an error.
 */
const CONCURRENCY_RETRY_POLICY: RetryPolicy = { maxRetries: 10, baseDelayMs: 1000, maxDelayMs: 15_000 };

/** One authenticated call to `{baseUrl}{path}` (key in `x-api-key`), its errors in Deep Image's words. */
export async function callDeepImage<T = IDataObject>(context: ApiContext, call: DeepImageCall, itemIndex: number): Promise<T> {
	const credentials = await providerCredentials(context, DEEP_IMAGE_CREDENTIAL);
	const baseUrl = String(credentials.baseUrl || DEEP_IMAGE_DEFAULT_BASE_URL).replace(/\/+$/, '');
	try {
		return await callProviderApi<T>(
			context,
			{
				method: call.method,
				url: `${baseUrl}${call.path}`,
				body: call.body,
				timeoutMs: call.timeoutMs,
				creates: call.creates,
				...(call.answersJob ? { isAnswer: (statusCode: number, body: unknown) => statusCode === 500 && isFailedJobAnswer(body) } : {}),
			},
			{
				providerName: 'Deep Image',
				credentialType: DEEP_IMAGE_CREDENTIAL,
				itemIndex,
				retry: call.creates ? CONCURRENCY_RETRY_POLICY : DEFAULT_RETRY_POLICY,
			},
		);
	} catch (error) {
		if (error instanceof NodeApiError) explainDeepImageError(error);
		throw toNodeError(context.getNode(), error, itemIndex);
	}
}

/**
 * Deep Image answers a wrong key with 404 and a missing key or spent credits with 403: without a
 * word, those read as "not found" and "check your plan". Their hints are set here.
 */
function explainDeepImageError(error: NodeApiError): void {
	const body = (error.errorResponse ?? {}) as JsonObject;
	const message = typeof body.message === 'string' ? body.message : '';
	const request = (error.description ?? '').replace(/^.*?((GET|POST|DELETE) \S+)$/s, '$1');
	if (body.code === 'NOT_ENOUGH_CREDITS') {
		error.message = `Deep Image has not enough credits left for this job: ${message || 'NOT_ENOUGH_CREDITS'}`;
		error.description = `Top up credits or change the plan in your Deep Image account; nothing was processed. ${request}`;
	} else if (error.httpCode === '404' && /no user found/i.test(message)) {
		error.message = 'Deep Image found no user for this API key (404 "No user found for provided token")';
		error.description = `Check the API key in the Deep Image credential. ${request}`;
	} else if (error.httpCode === '403') {
		error.message = `Deep Image refused the request (403): ${message || 'forbidden'}`;
		error.description = `The API key is missing, or the account’s credits or quota are spent: check the credential and your Deep Image account. ${request}`;
	} else if (error.httpCode === '429' && body.code === 'TOO_MANY_REQUESTS') {
		error.description = `Deep Image limits how many images an account processes at once, and that many were still running after waiting about 2 minutes: lower Max Parallel Submits or the batch size. ${request}`;
	}
}
