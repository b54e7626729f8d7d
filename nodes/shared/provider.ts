import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { ParsedRender } from './result';

/** The n8n contexts the engine runs provider calls in: an action node, or a webhook handler. */
export type RenderContext = IExecuteFunctions | IWebhookFunctions;

/** Where a provider API can be called from: those, and the drop-downs of the editor. */
export type ApiContext = RenderContext | ILoadOptionsFunctions;

/** How the action node waits for a submitted job. */
export type WaitMode = 'none' | 'poll' | 'callback';

/** What the engine hands a submit handler for one item. */
export interface SubmitRequest {
	itemIndex: number;
	/**
	 * The job's correlation id: Your Reference, or one the engine made. A perJob provider gets it
	 * back through the callback URL; a dashboard provider must send it with the job where its API
	 * echoes it, for its trigger to report it.
	 */
	reference: string;
	/** Where the provider should report the result (signed by the engine), when there is one. */
	callbackUrl?: string;
	/** The wait mode the user chose, including the provider's own extra ones. */
	waitMode: string;
}

interface OperationBase {
	/** The value of the node's `operation` parameter. */
	value: string;
	/** Title Case name in the Operation drop-down. */
	name: string;
	/** n8n's action text: sentence case, with the resource, no articles, e.g. "Run job". */
	action: string;
	description: string;
	/** The `value` of the provider resource this operation belongs to, when it declares resources. */
	resource?: string;
	/**
	 * Name in the one flat Operation list of node versions before resources, when `name` alone
	 * says too little there (e.g. "Get" → "Get Process").
	 */
	flatName?: string;
}

/** One kind of thing a provider's operations act on (n8n's Resource drop-down). */
export interface ProviderResource {
	value: string;
	/** Title Case, singular, e.g. "Job". */
	name: string;
	description: string;
}

/** Starts a render job; the engine then waits for it as the user chose and emits RenderResults. */
export interface SubmitOperation extends OperationBase {
	kind: 'submit';
	submit(context: IExecuteFunctions, request: SubmitRequest): Promise<ParsedRender>;
	/**
	 * Whether the user chooses how to wait (Wait for Result). When false the job is polled until
	 * done, as for a call that already waited at the provider (a synchronous run).
	 */
	offersWaitChoice: boolean;
	/**
	 * Wait modes of the provider's own, offered besides the engine's (e.g. a blocking call). The
	 * submit handler sees the choice in `waitMode`; a job it returns unfinished is then polled.
	 */
	extraWaitModes?: Array<{ name: string; value: string; description: string }>;
}

/** Reads or changes one job and emits it as a RenderResult (get status, cancel, …). */
export interface JobOperation extends OperationBase {
	kind: 'job';
	run(context: IExecuteFunctions, itemIndex: number): Promise<ParsedRender>;
	/**
	 * The operation that reads a job's result (one per provider): messages that tell the user to
	 * fetch a job later (a wait's timeout, Don't Wait) name it.
	 */
	readsResult?: boolean;
}

/** Any other call (lists, health, …): its answer becomes the item's JSON as it is. */
export interface DataOperation extends OperationBase {
	kind: 'data';
	run(context: IExecuteFunctions, itemIndex: number): Promise<IDataObject | IDataObject[]>;
}

export type ProviderOperation = SubmitOperation | JobOperation | DataOperation;

/**
 * How callbacks reach n8n.
 * - `perJob`: the URL travels with each submitted job. The engine appends `ref` (correlation id)
 *   and `sig` (HMAC of ref with the callback secret); the trigger and Wait for Callback check them.
 * - `dashboard`: one URL the user pastes once into the provider's dashboard. It carries the
 *   callback secret as a `token` query parameter; there is no per-job URL, so Wait for Callback
 *   is not offered, and the correlation id can only come from the body.
 */
export type CallbackDelivery =
	| {
			mode: 'perJob';
			/**
			 * The provider runs a job in the background only when the request names a callback URL
			 * (it blocks otherwise). When the user wants none (Poll, Don't Wait without a URL), the
			 * engine then hands it a URL that n8n refuses and never routes to any node.
			 */
			urlRequiredForBackgroundJobs?: boolean;
			/**
			 * The provider can also call one URL set on the account (by its support or in its
			 * settings) for every job, besides the per-job URL. Its trigger then offers Callback URL
			 * From (`callbackSourceProperties`): in token mode it also accepts that account-wide URL,
			 * the trigger's Production URL with `?token=` and the credential's secret (checked like a
			 * dashboard token), and keeps accepting signed per-job URLs.
			 */
			accountWideWebhook?: AccountWideWebhook;
	  }
	| { mode: 'dashboard'; correlationId?(parsed: ParsedRender): string | undefined };

/** A perJob provider's account-wide webhook URL: how its trigger's token mode is set up and checked. */
export interface AccountWideWebhook {
	/** Who sets the URL on the account, as the trigger's notice names them, e.g. "the vendor's support (support@…)". */
	setBy: string;
	/** The display name of the credential field the token is, e.g. "Webhook Secret". */
	tokenField: string;
	/**
	 * That field as the user set it: '' when empty. Never a secret derived from something else (the
	 * API key): the user must know the token to hand the URL out, so token mode needs it set, and
	 * with none every callback to a token-mode trigger is refused (401) with a reason saying so.
	 */
	token(credentials: ICredentialDataDecryptedObject): string;
}

/**
 * Everything the engine needs to know of a provider: one object in the provider's folder.
 * Nothing in nodes/shared names a provider.
 */
export interface RenderProvider {
	/** Short id, written into every RenderResult as `provider`. */
	id: string;
	displayName: string;
	credentialType: string;
	/** The action node's operations, in the order they are declared. */
	operations: ProviderOperation[];
	/**
	 * The kinds of thing the operations act on, when there is more than one: the action node
	 * then shows a Resource drop-down and an Operation drop-down per resource.
	 */
	resources?: ProviderResource[];
	/** Asks the provider API where a job stands (polling, and "Confirm with API" in triggers). */
	fetchJob(context: RenderContext, jobId: string, itemIndex: number): Promise<ParsedRender>;
	/**
	 * Turns a callback body into a render. Throws RenderPayloadError for a body that is no known
	 * shape (answered 400; 200 with the reason for a dashboard provider, which retries any non-2xx);
	 * returns null for a known event that is not a render result (answered 200 so the provider
	 * stops retrying, nothing emitted). `expectedJobId`: the job the callback URL was issued for,
	 * where the node knows it (Wait for Callback), for a body that does not name its job.
	 */
	parseCallback(body: unknown, receivedAt: Date, expectedJobId?: string): ParsedRender | null;
	/** The provider's own floor for polling intervals. */
	minPollIntervalMs: number;
	/**
	 * How many submits may run at once within the provider's documented rate limits. The user can
	 * only lower it (Max Parallel Submits).
	 */
	maxParallelSubmits: number;
	callbacks: CallbackDelivery;
	/** The secret that signs (perJob) or authenticates (dashboard) callbacks, from the credential. */
	callbackSecret(credentials: ICredentialDataDecryptedObject): string;
}

/**
 * The operation that reads a job's result as the editor shows it, e.g. "Job → Get Status" (the
 * resource, then the operation) or "Get Result" where there are no resources.
 */
export function resultOperationLabel(provider: RenderProvider): string {
	const operation = provider.operations.find((entry) => entry.kind === 'job' && entry.readsResult);
	if (!operation) return `the ${provider.displayName} node's operation that gets a job`;
	const resource = provider.resources?.find((entry) => entry.value === operation.resource);
	return resource ? `${resource.name} → ${operation.name}` : operation.name;
}

export function findOperation(provider: RenderProvider, value: string): ProviderOperation | undefined {
	return provider.operations.find((operation) => operation.value === value);
}

/**
 * A node parameter for one item. Webhook handlers have no items of their own, so there n8n
 * resolves the parameter against the first input item. `extractValue` reads a resource locator's
 * value (and a plain string, as older node versions saved it, unchanged).
 */
export function itemParameter(
	context: ApiContext,
	name: string,
	itemIndex: number,
	options: { extractValue?: boolean } = {},
): unknown {
	return 'getInputData' in context
		? context.getNodeParameter(name, itemIndex, undefined, options)
		: context.getNodeParameter(name, undefined, options);
}
