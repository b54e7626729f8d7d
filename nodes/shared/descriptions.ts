import type { INodeProperties, INodePropertyOptions, NodeHint } from 'n8n-workflow';

import type { ProviderOperation, RenderProvider } from './provider';
import { resultOperationLabel } from './provider';

/** What an action node shows besides what the engine lays out itself, and where. */
export interface ActionNodeLayout {
	defaultOperation: string;
	/**
	 * The node version that introduced the Resource drop-down. Earlier versions keep one flat
	 * Operation list, so workflows saved with them open unchanged.
	 */
	resourcesSince?: number;
	/** What an operation acts on (endpoint, job ID): right under the operation. */
	target?: INodeProperties[];
	/**
	 * The provider's own parameters. Collections among them are moved after the rest, before the
	 * engine's own collections, so every optional group sits at the end.
	 */
	inputs: INodeProperties[];
	/** Operations whose items are RenderResults; all but the data operations when unset. */
	resultOperations?: string[];
}

/**
 * The properties of a provider's action node in the order n8n's UX guidelines ask for: what
 * decides the rest first (resource, operation, target, how to wait), then the inputs, then the
 * optional collections.
 */
export function actionNodeProperties(provider: RenderProvider, layout: ActionNodeLayout): INodeProperties[] {
	const resultOperations =
		layout.resultOperations ?? provider.operations.filter((entry) => entry.kind !== 'data').map((entry) => entry.value);
	const isCollection = (property: INodeProperties) => property.type === 'collection';
	const wait = waitProperties(provider);
	return [
		...operationProperties(provider, layout),
		...(layout.target ?? []),
		...wait.choice,
		...layout.inputs.filter((property) => !isCollection(property)),
		...wait.reference,
		...simplifyProperties(resultOperations),
		...layout.inputs.filter(isCollection),
		...wait.collections,
		outputOptionsProperty({ show: { operation: resultOperations } }),
	];
}

function operationOptions(operations: ProviderOperation[], flat: boolean): INodePropertyOptions[] {
	return operations
		.map(({ name, flatName, value, action, description }) => ({ name: (flat && flatName) || name, value, action, description }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The Resource drop-down and an Operation drop-down per resource, as n8n's own nodes have them,
 * or one Operation drop-down for a provider with one kind of thing (and for node versions
 * from before its resources).
 */
function operationProperties(provider: RenderProvider, layout: ActionNodeLayout): INodeProperties[] {
	const { defaultOperation } = layout;
	const flat: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: operationOptions(provider.operations, true),
		default: defaultOperation,
	};
	const { resources } = provider;
	if (!resources?.length) return [flat];
	const since = layout.resourcesSince ?? 1;
	const withResources = { '@version': [{ _cnd: { gte: since } }] };
	const defaultResource =
		provider.operations.find((entry) => entry.value === defaultOperation)?.resource ?? resources[0].value;
	const perResource: INodeProperties[] = resources.map((resource) => {
		const operations = provider.operations.filter((entry) => entry.resource === resource.value);
		const chosen = operations.some((entry) => entry.value === defaultOperation);
		return {
			...flat,
			options: operationOptions(operations, false),
			default: chosen ? defaultOperation : operations[0].value,
			displayOptions: { show: { resource: [resource.value], ...withResources } },
		};
	});
	return [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources
				.map(({ name, value, description }) => ({ name, value, description }))
				.sort((a, b) => a.name.localeCompare(b.name)),
			default: defaultResource,
			displayOptions: { show: withResources },
		},
		...perResource,
		...(since > 1 ? [{ ...flat, displayOptions: { show: { '@version': [{ _cnd: { lt: since } }] } } }] : []),
	];
}

/**
 * Simplify: results without the provider's raw answer and the echoed request. On by default when
 * the node runs as an AI agent's tool, whose context every extra field costs; off otherwise, so
 * nothing is hidden from a workflow that did not ask.
 */
function simplifyProperties(resultOperations: string[]): INodeProperties[] {
	const shownFor = (asTool: boolean) => ({ show: { operation: resultOperations, '@tool': [asTool] } });
	// n8n's own wording for this parameter; what it leaves out is in the README.
	const description = 'Whether to return a simplified version of the response instead of the raw data';
	return [
		{ displayName: 'Simplify', name: 'simplify', type: 'boolean', default: false, description, displayOptions: shownFor(false) },
		{ displayName: 'Simplify', name: 'simplify', type: 'boolean', default: true, description, displayOptions: shownFor(true) },
	];
}

/**
 * Parameters every submitting operation shares, shown for those that let the user choose how to
 * wait. Providers whose callbacks go to a dashboard URL offer no Wait for Callback and no
 * Callback URL: their results reach n8n through the trigger.
 */
function waitProperties(provider: RenderProvider): Record<'choice' | 'reference' | 'collections', INodeProperties[]> {
	const providerName = provider.displayName;
	const submitOperations = provider.operations.filter((entry) => entry.kind === 'submit');
	const operations = submitOperations.filter((entry) => entry.offersWaitChoice).map((entry) => entry.value);
	const extraModes = submitOperations
		.flatMap((entry) => (entry.kind === 'submit' && entry.extraWaitModes) || [])
		.filter((mode, position, all) => all.findIndex((other) => other.value === mode.value) === position);
	const perJob = provider.callbacks.mode === 'perJob';
	const show = { show: { operation: operations } };
	const waitModes: INodePropertyOptions[] = [
		{
			name: 'Poll Until Done',
			value: 'poll',
			description: `Ask ${providerName} for the status until the job is done. Works without a public n8n URL.`,
		},
		...(perJob
			? [
					{
						name: 'Wait for Callback',
						value: 'callback',
						description: `Pause the execution until ${providerName} calls back; no worker is held meanwhile. Needs n8n reachable from ${providerName}.`,
					},
				]
			: []),
		...extraModes,
		{
			name: "Don't Wait",
			value: 'none',
			description: perJob
				? `Return the job ID at once; take the result in a trigger workflow or with ${resultOperationLabel(provider)}`
				: `Return the job ID at once; the ${providerName} Trigger receives the result`,
		},
	];
	const choice: INodeProperties[] = [
		{
			displayName: 'Wait for Result',
			name: 'waitFor',
			type: 'options',
			displayOptions: show,
			options: waitModes,
			default: 'poll',
		},
		...(perJob ? [callbackUrlProperty(providerName, operations)] : []),
	];
	const reference: INodeProperties = {
		displayName: 'Correlation ID',
		name: 'correlationId',
		type: 'string',
		default: '',
		placeholder: 'e.g. listing-4711',
		description: 'Your own ID for this job (order, listing, client). It comes back as correlationId in the result, also from the trigger. A random one is made when empty.',
		displayOptions: show,
	};
	const collections: INodeProperties[] = [
		{
			displayName: 'Wait Options',
			name: 'waitOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { operation: operations, waitFor: waitModes.map((mode) => mode.value as string).filter((mode) => mode !== 'none') } },
			options: [
				{
					displayName: 'Poll Interval (Seconds)',
					name: 'pollInterval',
					type: 'number',
					typeOptions: { minValue: 0.1 },
					default: 5,
					description: 'Time between status checks. Never below the provider’s own floor.',
				},
				{
					displayName: 'Timeout (Seconds)',
					name: 'timeout',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: 900,
					description: 'How long to wait for a result. Polling: an unfinished job is returned with its last status and error code WAIT_TIMEOUT. Callback: n8n resumes the execution then, and the node passes its input items through.',
				},
				{
					displayName: 'Max Parallel Status Checks',
					name: 'maxConcurrentPolls',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: 5,
					description: 'Upper bound of status requests in flight across all items, to stay within rate limits',
				},
			],
		},
		{
			displayName: 'Submit Options',
			name: 'submitOptions',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			displayOptions: { show: { operation: submitOperations.map((entry) => entry.value) } },
			options: [
				{
					displayName: 'Callback URL Valid For (Hours)',
					name: 'callbackUrlValidHours',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: MAX_CALLBACK_URL_VALID_HOURS },
					default: DEFAULT_CALLBACK_URL_VALID_HOURS,
					description: `How long the trigger accepts the signed Callback URL (Don’t Wait) of each job, counted from its submit. A callback after that is refused with 401, so a leaked URL cannot inject results for ever. Raise it for jobs that can queue longer at ${providerName}.`,
				},
				{
					displayName: 'Max Parallel Submits',
					name: 'maxParallelSubmits',
					type: 'number',
					typeOptions: { minValue: 1, maxValue: provider.maxParallelSubmits },
					default: 10,
					description: `How many jobs are sent to ${providerName} at once. Unset, ${provider.maxParallelSubmits}: as many as its documented rate limits allow. Lower it to share the limits with other workflows.`,
				},
			],
		},
	];
	return { choice, reference: [reference], collections };
}

/** How long a Don’t Wait Callback URL is accepted unless the user says otherwise: a day. */
export const DEFAULT_CALLBACK_URL_VALID_HOURS = 24;
const MAX_CALLBACK_URL_VALID_HOURS = 720;

function callbackUrlProperty(providerName: string, operations: string[]): INodeProperties {
	return {
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://n8n.example.com/webhook/…/callback',
		description: `Where ${providerName} should report the result, usually the Production URL of a ${providerName} Trigger using the same credential. The node signs it so that the trigger accepts only callbacks it handed out. Leave empty for none.`,
		displayOptions: { show: { operation: operations, waitFor: ['none'] } },
	};
}

/** How results become items: shared by action and trigger nodes. */
export function outputOptionsProperty(displayOptions?: INodeProperties['displayOptions']): INodeProperties {
	return {
		displayName: 'Output Options',
		name: 'outputOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		...(displayOptions ? { displayOptions } : {}),
		options: [
			{
				displayName: 'Download Images',
				name: 'downloadImages',
				type: 'boolean',
				default: true,
				description: 'Whether to fetch images the provider returns as URLs into binary data. Inline (base64) images always become binary data.',
			},
			{
				displayName: 'One Item per Image',
				name: 'onePerImage',
				type: 'boolean',
				default: false,
				description: 'Whether to emit one item per image (each with its file in "data") instead of one item with data, data_1, data_2, …',
			},
			{
				displayName: 'Binary Property',
				name: 'binaryPropertyPrefix',
				type: 'string',
				default: 'data',
				description: 'Name of the binary property of the first image; later ones get _1, _2, … appended',
			},
		],
	};
}

/** n8n refuses a request body over N8N_PAYLOAD_SIZE_MAX (16 MiB unless set) before any node runs. */
function payloadSizeHint(providerName: string, where: string): string {
	return `A callback larger than n8n’s body limit (N8N_PAYLOAD_SIZE_MAX, 16 MiB by default) is refused with 413 before ${where} sees it, and ${providerName} may not send it again. Raise the limit when jobs return large inline (base64) images.`;
}

function publicUrlHint(providerName: string, url: string): string {
	return `${providerName} calls ${url}, so it must be reachable from the internet. When n8n runs on localhost or behind a proxy, set N8N_WEBHOOK_URL (n8n 2.x; WEBHOOK_URL in 1.x) to n8n’s public URL.`;
}

/** Where users of an action node commonly go wrong, shown in the editor (n8n's node hints). */
export function actionNodeHints(provider: RenderProvider): NodeHint[] {
	if (provider.callbacks.mode !== 'perJob') return [];
	const callbackChosen = '={{ $parameter["waitFor"] === "callback" }}';
	return [
		{
			message: publicUrlHint(provider.displayName, 'this execution’s resume URL ($execution.resumeUrl) with the result'),
			type: 'info',
			location: 'ndv',
			whenToDisplay: 'always',
			displayCondition: callbackChosen,
		},
		{
			message: payloadSizeHint(provider.displayName, 'this node'),
			type: 'info',
			location: 'ndv',
			whenToDisplay: 'always',
			displayCondition: callbackChosen,
		},
	];
}

/** The trigger parameter choosing which callback URLs it accepts (`callbackSourceProperties`). */
export const CALLBACK_URL_FROM = 'callbackUrlFrom';
/** Its choices: only URLs the action node signed per job (the default), or also the account-wide URL with its token. */
export const FROM_SIGNED_NODE_URLS = 'node';
export const FROM_ACCOUNT_WEBHOOK = 'accountWebhook';

/** The same for a provider's trigger. */
export function triggerHints(provider: RenderProvider): NodeHint[] {
	const { callbacks, displayName } = provider;
	const url = callbacks.mode === 'perJob' ? 'the Production URL' : 'the Production URL you paste into its dashboard';
	const accountWide = callbacks.mode === 'perJob' ? callbacks.accountWideWebhook : undefined;
	return [
		{ message: publicUrlHint(displayName, url), type: 'info', location: 'ndv', whenToDisplay: 'always' },
		{ message: payloadSizeHint(displayName, 'this trigger'), type: 'info', location: 'ndv', whenToDisplay: 'always' },
		...(accountWide
			? [
					{
						message: `With ${displayName}’s account-wide webhook, set a ${accountWide.tokenField} in the credential (every callback is refused with 401 without one) and turn on Confirm with API: the token proves only that the sender knows the URL, not which job it reports.`,
						type: 'warning' as const,
						location: 'ndv' as const,
						whenToDisplay: 'always' as const,
						displayCondition: `={{ $parameter["${CALLBACK_URL_FROM}"] === "${FROM_ACCOUNT_WEBHOOK}" && !$parameter["confirmWithApi"] }}`,
					},
				]
			: []),
	];
}

/**
 * The canvas subtitle as n8n's nodes write it: "Operation: Resource" (e.g. "Run: Job"), or the
 * operation as the flat list names it in versions before resources (and for a provider without
 * resources). `suffix` is an expression appended to it, e.g. the endpoint.
 */
export function operationSubtitle(provider: RenderProvider, suffix = ''): string {
	const names = (flat: boolean) =>
		JSON.stringify(Object.fromEntries(provider.operations.map(({ value, name, flatName }) => [value, (flat && flatName) || name])));
	const flatName = `${names(true)}[$parameter["operation"]]`;
	const resources = provider.resources?.length
		? JSON.stringify(Object.fromEntries(provider.resources.map(({ value, name }) => [value, name])))
		: undefined;
	const title = resources
		? `($parameter["resource"] ? ${names(false)}[$parameter["operation"]] + ": " + ${resources}[$parameter["resource"]] : ${flatName})`
		: flatName;
	return `={{ ${title}${suffix ? ` + ${suffix}` : ''} }}`;
}
