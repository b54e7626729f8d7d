import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { CallbackExtras } from './callback';
import { callbackSigningKey, checkCallbackQuery } from './callback';
import type { RenderProvider } from './provider';
import type { ParsedRender } from './result';
import { RenderPayloadError } from './result';
import { isPlainObject } from './payload';
import { toNodeError } from './transport';

/**
 * Answers the HTTP request now, so the provider gets its 2xx within its deadline whatever the node
 * does next. Plain node response methods: they work under every n8n webhook server.
 */
export function respondJson(context: IWebhookFunctions, statusCode: number, body: IDataObject): void {
	const response = context.getResponseObject();
	if (response.headersSent) return;
	response.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
}

/** Answers with a 4xx and starts nothing; the reason also goes to n8n's log, not only the sender. */
export function rejectCallback(
	context: IWebhookFunctions,
	statusCode: number,
	reason: string,
): IWebhookResponseData {
	context.logger.warn(`${context.getNode().name}: callback rejected (${statusCode}): ${reason}`);
	respondJson(context, statusCode, { error: reason });
	return { noWebhookResponse: true };
}

/**
 * The callback body as sent. n8n parses JSON bodies itself; a body it left unparsed (for example a
 * JSON body sent with another content type) is parsed here from the raw bytes.
 */
export function readCallbackBody(context: IWebhookFunctions): { ok: true; body: unknown } | { ok: false; reason: string } {
	const body: unknown = context.getBodyData();
	if ((isPlainObject(body) && Object.keys(body).length > 0) || Array.isArray(body)) return { ok: true, body };
	const raw = (context.getRequestObject() as { rawBody?: Buffer }).rawBody;
	if (!raw || raw.length === 0) return { ok: false, reason: 'The callback has an empty body: a JSON object was expected.' };
	try {
		return { ok: true, body: JSON.parse(raw.toString('utf8')) };
	} catch (error) {
		return {
			ok: false,
			reason: `The callback body is not valid JSON (${(error as Error).message}); it starts with: ${raw.toString('utf8', 0, 80)}`,
		};
	}
}

export type VerifiedCallback =
	| { ok: true; parsed: ParsedRender; reference: string; extras: CallbackExtras }
	| { ok: false; response: IWebhookResponseData };

/**
 * The checks every callback passes before it may start anything: the URL's signature (401), then
 * a body in the provider's known shape (400).
 */
export async function verifyCallback(
	context: IWebhookFunctions,
	provider: RenderProvider,
): Promise<VerifiedCallback> {
	const credentials = await context.getCredentials(provider.credentialType);
	const check = checkCallbackQuery(context.getQueryData() as IDataObject, callbackSigningKey(credentials));
	if (!check.ok) return { ok: false, response: rejectCallback(context, 401, check.reason) };

	const read = readCallbackBody(context);
	if (!read.ok) return { ok: false, response: rejectCallback(context, 400, read.reason) };
	try {
		const parsed = provider.parseCallback(read.body, new Date());
		parsed.result.correlationId = check.reference;
		return { ok: true, parsed, reference: check.reference, extras: check.extras };
	} catch (error) {
		if (!(error instanceof RenderPayloadError)) throw toNodeError(context.getNode(), error);
		return {
			ok: false,
			response: rejectCallback(context, 400, `${provider.displayName} callback not understood: ${error.message}`),
		};
	}
}
