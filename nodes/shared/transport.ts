import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ICredentialsDecrypted,
	IN8nHttpFullResponse,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { ApiContext } from './provider';
import { isPlainObject, providerErrorMessage } from './payload';

/** A request body: JSON, multipart form data (files as bytes), or plain text. */
export type RequestBody =
	| { json: IDataObject | IDataObject[] }
	| { multipart: MultipartField[] }
	| { text: string; contentType: string };

export type MultipartField =
	| { name: string; value: string }
	| { name: string; file: { data: Buffer; fileName: string; mimeType: string } };

export interface ApiRequest {
	method: IHttpRequestMethods;
	url: string;
	body?: RequestBody;
	qs?: IDataObject;
	/** Per attempt. */
	timeoutMs?: number;
	/**
	 * Whether an error answer is still the answer, from its status and JSON body: a provider that
	 * reports a failed job with HTTP 500 and the job as JSON. Such an answer is returned like a 2xx
	 * and never retried; any other error answer (a 500 `{"message": "Internal error"}`, say) stays an
	 * error, retried by the rule of `mayRetry`.
	 */
	isAnswer?: (statusCode: number, body: unknown) => boolean;
	/** Whether the request creates something at the provider (submit, create, upload): see `mayRetry`. */
	creates?: boolean;
}

export interface RetryPolicy {
	/** Retries after the first attempt, for 429 and 5xx answers. */
	maxRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface ApiCallOptions {
	providerName: string;
	credentialType: string;
	itemIndex?: number;
	retry?: RetryPolicy;
	/** The provider drops repeated creates itself (an idempotency key), so they may be retried. */
	providerDeduplicates?: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * One authenticated call to a provider API. 429 and 5xx are retried with bounded exponential
 * backoff that honours Retry-After (within the rule of `mayRetry`); any other error answer becomes
 * a NodeApiError that shows the provider's own message. The answer is parsed as JSON.
 */
export async function callProviderApi<T = IDataObject>(
	context: ApiContext,
	request: ApiRequest,
	options: ApiCallOptions,
): Promise<T> {
	const retry = options.retry ?? DEFAULT_RETRY_POLICY;
	const httpOptions: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		qs: request.qs,
		...(await encodeBody(request.body)),
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};

	for (let attempt = 0; ; attempt++) {
		await waitOutRateLimit(context);
		let response: IN8nHttpFullResponse;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				options.credentialType,
				httpOptions,
				{ credentialsDecrypted: await decryptedOnce(context, options.credentialType) },
			)) as IN8nHttpFullResponse;
		} catch (error) {
			// n8n replaces a message naming a network code with its generic text, so the code goes
			// into the description.
			const { reason, code } = describeNetworkError(error);
			if (request.creates && code !== undefined && ANSWER_LOST_CODES.has(code)) {
				// Sent, but its answer was lost: the provider may have acted on it.
				throw new NodeOperationError(context.getNode(), `${options.providerName} did not answer ${request.method} ${pathOf(request.url)}: ${reason}. ${MAY_EXIST}`, {
					description: `${NOT_RESENT} ${request.method} ${request.url} (${code})`,
					itemIndex: options.itemIndex,
				});
			}
			throw new NodeOperationError(context.getNode(), `${options.providerName} could not be reached: ${reason}`, {
				description: `${request.method} ${request.url}${code ? ` (${code})` : ''}: check the URL in the credential and that the service is up.`,
				itemIndex: options.itemIndex,
			});
		}

		const { statusCode } = response;
		if (statusCode >= 200 && statusCode < 300) return parseJsonAnswer<T>(context, response, request, options);
		const answer = request.isAnswer ? jsonOrUndefined(response.body) : undefined;
		if (answer !== undefined && request.isAnswer?.(statusCode, answer)) return answer as T;
		if (mayRetry(statusCode, request, options) && attempt < retry.maxRetries) {
			const delayMs = retryDelayMs(attempt, retry, response.headers as IDataObject);
			if (statusCode === 429) pauseForRateLimit(context, delayMs);
			await sleep(delayMs);
			continue;
		}
		throw apiError(context, response, request, options, attempt);
	}
}

/**
 * A node run's credentials of one type, read once. n8n reads them from the database and decrypts
 * them on every getCredentials call; for a run of 200 items that cost more CPU than the API calls.
 * The context is one node run (all items) or one webhook request.
 */
const credentialsOfContext = new WeakMap<object, Map<string, Promise<ICredentialDataDecryptedObject>>>();

export async function providerCredentials(context: ApiContext, type: string): Promise<ICredentialDataDecryptedObject> {
	let byType = credentialsOfContext.get(context);
	if (!byType) {
		byType = new Map();
		credentialsOfContext.set(context, byType);
	}
	let credentials = byType.get(type);
	if (!credentials) {
		credentials = context.getCredentials(type);
		byType.set(type, credentials);
	}
	return await credentials;
}

/** The credentials as httpRequestWithAuthentication takes them ready, so it does not read them again. */
async function decryptedOnce(context: ApiContext, type: string): Promise<ICredentialsDecrypted> {
	const details = context.getNode().credentials?.[type];
	return { id: details?.id ?? '', name: details?.name ?? type, type, data: await providerCredentials(context, type) };
}

/**
 * When the provider answers 429 to one request, every request of the same node run (all items:
 * submits and status checks) holds back until the provider's Retry-After, instead of each item
 * finding the limit on its own.
 */
const rateLimitedUntil = new WeakMap<object, number>();

function pauseForRateLimit(context: ApiContext, delayMs: number): void {
	const until = Date.now() + delayMs;
	rateLimitedUntil.set(context, Math.max(rateLimitedUntil.get(context) ?? 0, until));
}

async function waitOutRateLimit(context: ApiContext): Promise<void> {
	const remainingMs = (rateLimitedUntil.get(context) ?? 0) - Date.now();
	if (remainingMs > 0) await sleep(remainingMs);
}

/**
 * The retry rule. A 429 means the provider refused the request before acting on it, so any
 * request may be sent again. After a 5xx the provider may have acted: a read is safe to repeat,
 * but a request that creates something (a job, a project, an upload) could then exist twice and
 * be billed twice, so it is retried only where the provider itself drops repeats.
 */
export function mayRetry(statusCode: number, request: Pick<ApiRequest, 'creates'>, options: Pick<ApiCallOptions, 'providerDeduplicates'>): boolean {
	if (statusCode === 429) return true;
	if (!isRetryable(statusCode)) return false;
	return !request.creates || options.providerDeduplicates === true;
}

/** The n8n request fields for a body; multipart is encoded by Node's own FormData. */
async function encodeBody(body: RequestBody | undefined): Promise<Partial<IHttpRequestOptions>> {
	if (body === undefined) return { json: true };
	if ('json' in body) return { body: body.json, json: true };
	if ('text' in body) return { body: body.text, headers: { 'content-type': body.contentType } };
	const form = new FormData();
	for (const field of body.multipart) {
		if ('file' in field) {
			const { data, fileName, mimeType } = field.file;
			form.append(field.name, new Blob([data], { type: mimeType }), fileName);
		} else {
			form.append(field.name, field.value);
		}
	}
	// Encoded to bytes here, so the boundary in the content type is the one in the body.
	const encoded = new Response(form);
	return {
		body: Buffer.from(await encoded.arrayBuffer()),
		headers: { 'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data' },
	};
}

export function isRetryable(statusCode: number): boolean {
	return statusCode === 429 || statusCode >= 500;
}

/** Exponential backoff, or the provider's Retry-After when it asks for longer; never above the cap. */
export function retryDelayMs(attempt: number, retry: RetryPolicy, headers: IDataObject = {}): number {
	const backoff = retry.baseDelayMs * 2 ** attempt;
	const retryAfter = parseRetryAfterMs(headers['retry-after']);
	return Math.min(Math.max(backoff, retryAfter ?? 0), retry.maxDelayMs);
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfterMs(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const STATUS_HINTS: Record<number, string> = {
	400: 'The provider rejected the request: check the parameters named in the message.',
	401: 'The API key was refused: check the credential.',
	403: 'The API key may not use this feature: check your plan with the provider.',
	404: 'Not found: check the endpoint or job id (finished jobs expire after a while).',
	413: 'The request body is too large for the provider: send images by URL or smaller.',
	422: 'The provider could not process the request as sent: check the parameters.',
	429: 'The provider is rate limiting: lower the batch size or wait before retrying.',
};

function apiError(
	context: ApiContext,
	response: IN8nHttpFullResponse,
	request: ApiRequest,
	options: ApiCallOptions,
	retries: number,
): NodeApiError {
	const { statusCode } = response;
	const body = jsonOrUndefined(response.body) ?? response.body;
	const providerMessage = providerErrorMessage(body) ?? 'no message';
	const retried = retries > 0 ? ` (after ${retries} retries)` : '';
	// A create the provider may have acted on says so in the message too: Continue On Fail keeps only that.
	const outcomeUnknown = isRetryable(statusCode) && !mayRetry(statusCode, request, options);
	const notRetried = outcomeUnknown ? ` ${NOT_RESENT}` : '';
	const hint = (STATUS_HINTS[statusCode] ?? (statusCode >= 500 ? 'The provider had an internal error.' : '')) + notRetried;
	const errorBody = isPlainObject(body) ? body : { body: String(response.body) };
	return new NodeApiError(context.getNode(), errorBody as JsonObject, {
		message: `${options.providerName} answered ${statusCode}${retried}: ${providerMessage}${outcomeUnknown ? `${/[.!?]$/.test(providerMessage) ? '' : '.'} ${MAY_EXIST}` : ''}`,
		description: `${hint} ${request.method} ${request.url}`.trim(),
		httpCode: String(statusCode),
		itemIndex: options.itemIndex,
	});
}

function parseJsonAnswer<T>(
	context: ApiContext,
	response: IN8nHttpFullResponse,
	request: ApiRequest,
	options: ApiCallOptions,
): T {
	const body = Buffer.isBuffer(response.body) ? response.body.toString('utf8') : response.body;
	if (typeof body !== 'string') return body as T;
	if (!body.trim()) return {} as T;
	try {
		return JSON.parse(body) as T;
	} catch {
		throw new NodeApiError(
			context.getNode(),
			{ body: body.slice(0, 500) },
			{
				message: `${options.providerName} answered with something that is not JSON`,
				description: `${request.method} ${request.url} answered: ${body.slice(0, 200)}`,
				httpCode: String(response.statusCode),
				itemIndex: options.itemIndex,
			},
		);
	}
}

/** Said of a create whose outcome is unknown (a 5xx, or an answer lost on the way). */
const MAY_EXIST = 'It may have been created anyway: check before sending it again.';
const NOT_RESENT = 'Not retried: the provider may have created it anyway, and a second request could create (and bill) it twice. Check before sending it again.';
/** Network failures after which a sent request may have reached the provider (unlike a refused connection). */
const ANSWER_LOST_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNRESET', 'EPIPE']);

function pathOf(url: string): string {
	try {
		return new URL(url).pathname;
	} catch {
		return url;
	}
}

/** A body as JSON: parsed from text or bytes (n8n leaves an error answer unparsed), else undefined. */
function jsonOrUndefined(body: unknown): unknown {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	if (typeof text !== 'string') return text ?? undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function describeNetworkError(error: unknown): { reason: string; code?: string } {
	if (!isPlainObject(error) && !(error instanceof Error)) return { reason: String(error) };
	const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
	const errorCode = typeof code === 'string' ? code : typeof cause?.code === 'string' ? cause.code : undefined;
	if (errorCode === 'ECONNABORTED' || errorCode === 'ETIMEDOUT') return { reason: 'the request timed out', code: errorCode };
	const text = typeof message === 'string' && message ? message : 'unknown error';
	return { reason: errorCode ? text.replace(errorCode, '').trim() || text : text, code: errorCode };
}

/** Any failure as an n8n node error (API errors stay NodeApiErrors, with their HTTP details). */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
