import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { CallbackExtras } from './callback-auth';
import { checkCallbackQuery, checkDashboardToken } from './callback-auth';
import type { RenderProvider } from './provider';
import type { ParsedRender } from './result';
import { RenderPayloadError } from './result';
import { isPlainObject } from './payload';
import { providerCredentials, toNodeError } from './transport';

/**
 * What n8n answers a callback it accepted and stored, when it answers itself: 200 with no body.
 * Unset, n8n 2.40.7 and 1.123.81 send the text "firstEntryJson"; an expression here would cost an
 * expression sandbox per request.
 */
export const ACCEPTED_CALLBACK_ANSWER = 'noData';

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

const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * The callback body as sent. n8n parses JSON bodies itself; a body it left unparsed (for example a
 * JSON body sent with another content type) is parsed here from the raw bytes.
 */
export function readCallbackBody(context: IWebhookFunctions): { ok: true; body: unknown } | { ok: false; reason: string } {
	const contentType = String(context.getHeaderData()['content-type'] ?? '').toLowerCase();
	if (FORM_CONTENT_TYPES.some((type) => contentType.startsWith(type))) {
		// n8n parses form bodies into objects: without this check they would read as a result.
		return { ok: false, reason: `The callback body is ${contentType.split(';')[0]}: a JSON body was expected.` };
	}
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
	| { ok: true; parsed: ParsedRender; reference?: string; extras: CallbackExtras }
	| { ok: false; response: IWebhookResponseData };

/** How long a credential's callback secret is reused for further callbacks in this process. */
const SECRET_REUSE_MS = 30_000;
const recentSecrets = new Map<string, { secret: string; readAt: number }>();

/**
 * The URL's signature (per-job providers) or token. In a webhook, n8n reads and decrypts the
 * credential with a new expression sandbox on each getCredentials call, about 10 ms of CPU per
 * callback, so a secret read in the last 30 s is tried first. A URL it does not verify is checked
 * again with the credential read afresh: a changed secret applies at once, and the old one stops
 * being accepted within 30 s.
 */
async function checkCallbackUrl(context: IWebhookFunctions, provider: RenderProvider, query: IDataObject) {
	const checkWith = (secret: string) => {
		const signed = provider.callbacks.mode === 'perJob' ? checkCallbackQuery(query, secret) : undefined;
		return { signed, check: signed ?? checkDashboardToken(query, secret) };
	};
	const credentialId = context.getNode().credentials?.[provider.credentialType]?.id;
	const cacheKey = credentialId ? `${context.getWorkflow().id}:${provider.credentialType}:${credentialId}` : undefined;
	const recent = cacheKey ? recentSecrets.get(cacheKey) : undefined;
	if (recent && Date.now() - recent.readAt < SECRET_REUSE_MS) {
		const outcome = checkWith(recent.secret);
		if (outcome.check.ok) return outcome;
	}
	const secret = provider.callbackSecret(await providerCredentials(context, provider.credentialType));
	if (cacheKey) recentSecrets.set(cacheKey, { secret, readAt: Date.now() });
	return checkWith(secret);
}

/**
 * A body the trigger cannot use, from a sender that passed the URL check. A per-job provider gets
 * 400 (its retries are few). A dashboard provider retries every non-2xx until it gets a 2xx, so a
 * body that will never be understood would be delivered forever: it gets 200 with
 * `emitted: false` and the reason. Either way nothing starts and the reason goes to n8n's log.
 */
function refuseBody(context: IWebhookFunctions, provider: RenderProvider, reason: string): VerifiedCallback {
	if (provider.callbacks.mode !== 'dashboard') return { ok: false, response: rejectCallback(context, 400, reason) };
	context.logger.warn(`${context.getNode().name}: callback not emitted (answered 200, as ${provider.displayName} retries any other answer): ${reason}`);
	respondJson(context, 200, { received: true, emitted: false, reason });
	return { ok: false, response: { noWebhookResponse: true } };
}

/**
 * The checks every callback passes before it may start anything: the URL's signature or token
 * (401), then a body in the provider's known shape (else `refuseBody`). A known event that is no
 * render result is answered 200 (the provider stops retrying) and goes no further.
 */
export async function verifyCallback(
	context: IWebhookFunctions,
	provider: RenderProvider,
): Promise<VerifiedCallback> {
	const query = context.getQueryData() as IDataObject;
	const { callbacks } = provider;
	const { signed, check } = await checkCallbackUrl(context, provider, query);
	if (!check.ok) return { ok: false, response: rejectCallback(context, 401, check.reason) };

	const read = readCallbackBody(context);
	if (!read.ok) return refuseBody(context, provider, read.reason);
	let parsed: ParsedRender | null;
	try {
		parsed = provider.parseCallback(read.body, new Date());
	} catch (error) {
		if (!(error instanceof RenderPayloadError)) throw toNodeError(context.getNode(), error);
		return refuseBody(context, provider, `${provider.displayName} callback not understood: ${error.message}`);
	}
	if (parsed === null) {
		respondJson(context, 200, { received: true, emitted: false, reason: 'not a render result' });
		return { ok: false, response: { noWebhookResponse: true } };
	}
	if (signed?.ok) {
		parsed.result.correlationId = signed.reference;
		return { ok: true, parsed, reference: signed.reference, extras: signed.extras };
	}
	if (callbacks.mode === 'dashboard' && callbacks.correlationId) {
		parsed.result.correlationId = callbacks.correlationId(parsed);
	}
	return { ok: true, parsed, extras: {} };
}
