import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** Query parameters every callback URL handed out by this package carries. */
export const REFERENCE_PARAM = 'ref';
export const SIGNATURE_PARAM = 'sig';

const DERIVATION_LABEL = 'n8n-nodes-render-hooks/callback-signing-key';

/**
 * The callback secret of a credential with an optional Webhook Secret: that secret, or one derived
 * from the API key so that signing works with no set-up. Providers call it with their own fields.
 */
export function secretOrDerivedFromApiKey(secret: unknown, apiKey: unknown): string {
	if (typeof secret === 'string' && secret) return secret;
	return createHmac('sha256', DERIVATION_LABEL)
		.update(typeof apiKey === 'string' ? apiKey : '')
		.digest('hex');
}

export function signReference(key: string, reference: string): string {
	return createHmac('sha256', key).update(reference).digest('hex');
}

export function isValidSignature(key: string, reference: string, signature: string): boolean {
	const expected = Buffer.from(signReference(key, reference), 'utf8');
	const actual = Buffer.from(signature, 'utf8');
	return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A fresh correlation id for a job whose caller gave none. */
export function newReference(): string {
	return randomUUID();
}

/**
 * Extra query parameters a callback URL may carry; the signature covers them too, so a caller
 * cannot add, drop or change them. `item`: the input item whose job the URL was issued for (Wait
 * for Callback, where the waiting execution keeps each item's job). `exp`: when the URL stops being
 * accepted, in Unix seconds (URLs handed to a trigger).
 */
export const SIGNED_EXTRA_PARAMS = ['item', 'exp'] as const;
export type CallbackExtras = Partial<Record<(typeof SIGNED_EXTRA_PARAMS)[number], string>>;

/** What is signed: the reference, then each extra present, in a fixed order. */
function signedText(reference: string, extras: CallbackExtras): string {
	return SIGNED_EXTRA_PARAMS.reduce(
		(text, name) => (extras[name] === undefined ? text : `${text}\n${name}=${extras[name]}`),
		reference,
	);
}

/** `baseUrl` with `ref`, the extras and their `sig` added, keeping whatever query it already had. */
export function signedCallbackUrl(
	baseUrl: string,
	key: string,
	reference: string,
	extras: CallbackExtras = {},
): string {
	const url = new URL(baseUrl);
	url.searchParams.set(REFERENCE_PARAM, reference);
	for (const name of SIGNED_EXTRA_PARAMS) {
		const value = extras[name];
		if (value !== undefined) url.searchParams.set(name, value);
	}
	url.searchParams.set(SIGNATURE_PARAM, signReference(key, signedText(reference, extras)));
	return url.toString();
}

export type CallbackCheck =
	| { ok: true; reference: string; extras: CallbackExtras }
	| { ok: false; reason: string };

/** Checks the `ref`, extras and `sig` of an incoming callback's query, and its expiry. */
export function checkCallbackQuery(query: IDataObject, key: string, now = Date.now()): CallbackCheck {
	const reference = query[REFERENCE_PARAM];
	const signature = query[SIGNATURE_PARAM];
	if (typeof reference !== 'string' || !reference || typeof signature !== 'string' || !signature) {
		return {
			ok: false,
			reason: `The callback URL lacks its '${REFERENCE_PARAM}' and '${SIGNATURE_PARAM}' query parameters: use the URL this package handed out.`,
		};
	}
	const extras: CallbackExtras = {};
	for (const name of SIGNED_EXTRA_PARAMS) {
		const value = query[name];
		if (typeof value === 'string') extras[name] = value;
	}
	if (!isValidSignature(key, signedText(reference, extras), signature)) {
		return {
			ok: false,
			reason: 'The callback signature does not match: the URL was altered or signed with another credential.',
		};
	}
	if (extras.exp !== undefined && !(Number(extras.exp) * 1000 > now)) {
		const expiredAt = Number.isFinite(Number(extras.exp)) ? new Date(Number(extras.exp) * 1000).toISOString() : extras.exp;
		return {
			ok: false,
			reason: `The callback URL expired at ${expiredAt}: the node that submitted the job sets how long its URLs are accepted (Submit Options → Callback URL Valid For). Fetch the job's result from the API instead.`,
		};
	}
	return { ok: true, reference, extras };
}

/** The query parameter that carries a dashboard callback URL's token: the callback secret itself. */
export const TOKEN_PARAM = 'token';

/** `baseUrl` with the token added: the URL to paste into the provider's dashboard. */
export function dashboardCallbackUrl(baseUrl: string, secret: string): string {
	const url = new URL(baseUrl);
	url.searchParams.set(TOKEN_PARAM, secret);
	return url.toString();
}

/**
 * Checks the token of a dashboard (or account-wide) callback's query against the callback secret,
 * in constant time. `secretName` is the credential field the reason names.
 */
export function checkDashboardToken(
	query: IDataObject,
	secret: string,
	secretName = 'Webhook Token',
): { ok: true } | { ok: false; reason: string } {
	const token = query[TOKEN_PARAM];
	if (typeof token !== 'string' || !token) {
		return { ok: false, reason: `The callback URL lacks its '${TOKEN_PARAM}' query parameter: paste the URL the trigger shows, with the token.` };
	}
	const expected = Buffer.from(secret, 'utf8');
	const actual = Buffer.from(token, 'utf8');
	if (!secret || expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
		return { ok: false, reason: `The callback token does not match the ${secretName} of the trigger’s credential.` };
	}
	return { ok: true };
}
