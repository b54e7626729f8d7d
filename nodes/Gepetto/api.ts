import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import type { ApiContext } from '../shared/provider';
import { callProviderApi, providerCredentials } from '../shared/transport';

export const GEPETTO_CREDENTIAL = 'gepettoApi';
export const GEPETTO_DEFAULT_BASE_URL = 'https://europe-west1-gepettoai.cloudfunctions.net/v1';

export interface GepettoCall {
	method: IHttpRequestMethods;
	/** Path below the base URL, e.g. `/furnish` or `/job/{id}`. */
	path: string;
	body?: IDataObject;
	timeoutMs?: number;
	/** Whether the call starts a render: Gepetto does not deduplicate, so it is not retried after a 5xx. */
	creates?: boolean;
}

/** One authenticated call to `{baseUrl}{path}` (Bearer key from the credential). */
export async function callGepetto<T = IDataObject>(context: ApiContext, call: GepettoCall, itemIndex: number): Promise<T> {
	const credentials = await providerCredentials(context, GEPETTO_CREDENTIAL);
	const baseUrl = String(credentials.baseUrl || GEPETTO_DEFAULT_BASE_URL).replace(/\/+$/, '');
	return await callProviderApi<T>(
		context,
		{
			method: call.method,
			url: `${baseUrl}${call.path}`,
			body: call.body ? { json: call.body } : undefined,
			timeoutMs: call.timeoutMs,
			creates: call.creates,
		},
		{ providerName: 'Gepetto', credentialType: GEPETTO_CREDENTIAL, itemIndex },
	);
}
