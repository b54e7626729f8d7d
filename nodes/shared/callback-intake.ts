import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { CallbackCheck, CallbackExtras } from './callback-auth';
import { REFERENCE_PARAM, SIGNATURE_PARAM, TOKEN_PARAM, checkCallbackQuery, checkDashboardToken } from './callback-auth';
import type { AccountWideWebhook, RenderProvider } from './provider';
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

/** How long a credential's callback secrets are reused for further callbacks in this process. */
const SECRET_REUSE_MS = 30_000;

/** What a callback URL is checked against: the signing (or dashboard) secret, and an account-wide token. */
interface CallbackSecrets {
	secret: string;
	/** The account-wide webhook's token as the user set it ('' when unset), for providers that have one. */
	accountToken?: string;
}
const recentSecrets = new Map<string, { secrets: CallbackSecrets; readAt: number }>();

type UrlCheck = { ok: true } | { ok: false; reason: string };

/**
 * The URL check of a perJob trigger in token mode (`AccountWideWebhook`): a URL the node signed,
 * or the account-wide URL with its token. With no token set in the credential every callback is
 * refused, signed ones too, so the misconfiguration shows at the first callback.
 */
function checkSignedOrToken(
	query: IDataObject,
	secrets: CallbackSecrets,
	provider: RenderProvider,
	accountWide: AccountWideWebhook,
): { signed?: CallbackCheck; check: UrlCheck } {
	const field = accountWide.tokenField;
	if (!secrets.accountToken) {
		const reason = `The trigger accepts ${provider.displayName}’s account-wide webhook, but its credential has no ${field}: set a ${field} in the credential (a secret of your choice) and give ${accountWide.setBy} the trigger’s Production URL with ?${TOKEN_PARAM}=<that ${field}>.`;
		return { check: { ok: false, reason } };
	}
	const hasToken = query[TOKEN_PARAM] !== undefined;
	if (query[REFERENCE_PARAM] !== undefined || query[SIGNATURE_PARAM] !== undefined) {
		// A signed URL may also carry the token (the account-wide URL given to the node as its
		// Callback URL): its signature, when valid, brings the job's reference.
		const signed = checkCallbackQuery(query, secrets.secret);
		if (signed.ok || !hasToken) return { signed, check: signed };
	}
	if (!hasToken) {
		const reason = `The callback URL carries neither '${REFERENCE_PARAM}' and '${SIGNATURE_PARAM}' (a URL the ${provider.displayName} node signed) nor '${TOKEN_PARAM}' (the account-wide webhook URL, with the ${field} of the trigger’s credential).`;
		return { check: { ok: false, reason } };
	}
	return { check: checkDashboardToken(query, secrets.accountToken, field) };
}

/**
 * The URL's signature (per-job providers) or token. In a webhook, n8n reads and decrypts the
 * credential with a new expression sandbox on each getCredentials call, about 10 ms of CPU per
 * callback, so secrets read in the last 30 s are tried first. A URL they do not verify is checked
 * again with the credential read afresh: a changed secret applies at once, and the old one stops
 * being accepted within 30 s. `acceptAccountToken`: the trigger's token mode (see
 * `AccountWideWebhook`).
 */
async function checkCallbackUrl(
	context: IWebhookFunctions,
	provider: RenderProvider,
	query: IDataObject,
	acceptAccountToken: boolean,
) {
	const { callbacks } = provider;
	const accountWide = callbacks.mode === 'perJob' && acceptAccountToken ? callbacks.accountWideWebhook : undefined;
	const checkWith = (secrets: CallbackSecrets): { signed?: CallbackCheck; check: UrlCheck } => {
		if (accountWide) return checkSignedOrToken(query, secrets, provider, accountWide);
		const signed = callbacks.mode === 'perJob' ? checkCallbackQuery(query, secrets.secret) : undefined;
		return { signed, check: signed ?? checkDashboardToken(query, secrets.secret) };
	};
	const credentialId = context.getNode().credentials?.[provider.credentialType]?.id;
	const cacheKey = credentialId ? `${context.getWorkflow().id}:${provider.credentialType}:${credentialId}` : undefined;
	const recent = cacheKey ? recentSecrets.get(cacheKey) : undefined;
	if (recent && Date.now() - recent.readAt < SECRET_REUSE_MS) {
		const outcome = checkWith(recent.secrets);
		if (outcome.check.ok) return outcome;
	}
	const credentials = await providerCredentials(context, provider.credentialType);
	const secrets: CallbackSecrets = { secret: provider.callbackSecret(credentials) };
	if (callbacks.mode === 'perJob' && callbacks.accountWideWebhook) secrets.accountToken = callbacks.accountWideWebhook.token(credentials);
	if (cacheKey) recentSecrets.set(cacheKey, { secrets, readAt: Date.now() });
	return checkWith(secrets);
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
 * `acceptAccountToken`: a trigger in token mode, which also takes the provider's account-wide
 * webhook URL with its token (see `AccountWideWebhook`). `expectedJobId`: the job a signed URL
 * was issued for, where the node knows it, handed to the parser.
 */
export async function verifyCallback(
	context: IWebhookFunctions,
	provider: RenderProvider,
	{
		acceptAccountToken = false,
		expectedJobId,
	}: { acceptAccountToken?: boolean; expectedJobId?: (extras: CallbackExtras) => string | undefined } = {},
): Promise<VerifiedCallback> {
	const query = context.getQueryData() as IDataObject;
	const { callbacks } = provider;
	const { signed, check } = await checkCallbackUrl(context, provider, query, acceptAccountToken);
	if (!check.ok) return { ok: false, response: rejectCallback(context, 401, check.reason) };

	const read = readCallbackBody(context);
	if (!read.ok) return refuseBody(context, provider, read.reason);
	let parsed: ParsedRender | null;
	try {
		parsed = provider.parseCallback(read.body, new Date(), signed?.ok ? expectedJobId?.(signed.extras) : undefined);
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
