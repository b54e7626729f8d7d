import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { isPlainObject } from '../shared/payload';
import type { ApiContext } from '../shared/provider';
import type { RequestBody } from '../shared/transport';
import { callProviderApi, providerCredentials, toNodeError } from '../shared/transport';

export const AI_HOME_DESIGN_CREDENTIAL = 'aiHomeDesignApi';
export const AI_HOME_DESIGN_DEFAULT_BASE_URL = 'https://api.aihomedesign.com/v3';
export const AI_HOME_DESIGN_DEFAULT_CATALOGUE_URL = 'https://app.aihomedesign.com/api/tools';

export interface AiHomeDesignCall {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. `/order` or `/process/{id}`. */
	path: string;
	body?: RequestBody;
	qs?: IDataObject;
	/** Creates a project, an order or a process: never sent twice after a 5xx (it may exist, and bill). */
	creates?: boolean;
}

/** What AI Home Design's 401 and 403 mean, added to the engine's error. */
const ACCESS_HINTS: Record<string, string> = {
	'401': 'AI Home Design refused the API key: check it in the API section of your dashboard.',
	'403': 'AI Home Design refused this for your plan: the API needs the Enterprise plan, and each tool must be in your plan.',
};

/** One authenticated call to `{baseUrl}{path}` (x-api-key from the credential). */
export async function callAiHomeDesign<T = IDataObject>(context: ApiContext, call: AiHomeDesignCall, itemIndex: number): Promise<T> {
	const credentials = await providerCredentials(context, AI_HOME_DESIGN_CREDENTIAL);
	const baseUrl = String(credentials.baseUrl || AI_HOME_DESIGN_DEFAULT_BASE_URL).replace(/\/+$/, '');
	try {
		return await callProviderApi<T>(
			context,
			{ method: call.method, url: `${baseUrl}${call.path}`, body: call.body, qs: call.qs, creates: call.creates },
			{ providerName: 'AI Home Design', credentialType: AI_HOME_DESIGN_CREDENTIAL, itemIndex },
		);
	} catch (error) {
		const failure = toNodeError(context.getNode(), error, itemIndex);
		const hint = failure instanceof NodeApiError ? ACCESS_HINTS[String(failure.httpCode)] : undefined;
		if (hint) failure.description = `${hint} ${failure.description ?? ''}`.trim();
		throw failure;
	}
}

/**
 * The payload of an answer: the vendor's client reads `{data, message: "ok"}`, the docs show the
 * object itself. Both are read.
 */
export function unwrapAnswer(answer: unknown): unknown {
	if (isPlainObject(answer) && 'data' in answer && (answer.message === 'ok' || Object.keys(answer).every((key) => ['data', 'message', 'pagination'].includes(key)))) {
		return answer.data;
	}
	return answer;
}
