import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

/** Query parameters every callback URL handed out by this package carries. */
export const REFERENCE_PARAM = 'ref';
export const SIGNATURE_PARAM = 'sig';

const DERIVATION_LABEL = 'n8n-nodes-render-hooks/callback-signing-key';

/**
 * The key callback URLs are signed with: the credential's Webhook Secret, or one derived from its
 * API key so that signing works with no set-up. Action node and trigger of one credential agree.
 */
export function callbackSigningKey(credentials: ICredentialDataDecryptedObject): string {
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	if (secret) return secret;
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey : '';
	return createHmac('sha256', DERIVATION_LABEL).update(apiKey).digest('hex');
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
 * cannot add, drop or change them.
 */
export const SIGNED_EXTRA_PARAMS = ['member', 'batch'] as const;
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

/** Checks the `ref`, extras and `sig` of an incoming callback's query. */
export function checkCallbackQuery(query: IDataObject, key: string): CallbackCheck {
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
	return { ok: true, reference, extras };
}

const DELIVERY_LOG_KEY = 'renderHooksDeliveries';
export const DEFAULT_DELIVERY_MEMORY = 1000;

/**
 * Remembers a delivery in the workflow's static data; false when it was seen before. Providers
 * retry callbacks, so the same (job, status) may arrive more than once. Only the newest
 * `limit` keys are kept, so the static data stays small.
 */
export function rememberDelivery(
	staticData: IDataObject,
	deliveryKey: string,
	limit = DEFAULT_DELIVERY_MEMORY,
): boolean {
	const seen = Array.isArray(staticData[DELIVERY_LOG_KEY])
		? (staticData[DELIVERY_LOG_KEY] as string[])
		: [];
	if (seen.includes(deliveryKey)) return false;
	seen.push(deliveryKey);
	staticData[DELIVERY_LOG_KEY] = seen.slice(Math.max(0, seen.length - limit));
	return true;
}

const RECENT_CLAIMS_LIMIT = 10_000;
const recentClaims = new Set<string>();

/**
 * Claims a delivery in this n8n process, synchronously, so that repeats arriving while the first
 * is still being handled are caught: n8n saves static data only after the webhook returns, and a
 * request started meanwhile reads the old copy. rememberDelivery still keeps the record across
 * restarts. Oldest claims are dropped beyond the limit.
 */
export function claimDelivery(scope: string, deliveryKey: string): boolean {
	const claim = `${scope}\n${deliveryKey}`;
	if (recentClaims.has(claim)) return false;
	recentClaims.add(claim);
	if (recentClaims.size > RECENT_CLAIMS_LIMIT) recentClaims.delete(recentClaims.values().next().value as string);
	return true;
}
