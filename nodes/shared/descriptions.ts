import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { RenderProvider } from './provider';

/** The Operation drop-down of a provider's action node, listed by name as n8n does. */
export function operationProperty(provider: RenderProvider, defaultOperation: string): INodeProperties {
	const options: INodePropertyOptions[] = provider.operations
		.map(({ name, value, action, description }) => ({ name, value, action, description }))
		.sort((a, b) => a.name.localeCompare(b.name));
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options,
		default: defaultOperation,
	};
}

/**
 * Parameters every submitting operation shares, shown for those that let the user choose how to
 * wait. Providers whose callbacks go to a dashboard URL offer no Wait for Callback and no
 * Callback URL: their results reach n8n through the trigger.
 */
export function waitProperties(provider: RenderProvider): INodeProperties[] {
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
				? 'Return the job ID at once; take the result in a trigger workflow or with Get Status'
				: `Return the job ID at once; the ${providerName} Trigger receives the result`,
		},
	];
	return [
		{
			displayName: 'Wait for Result',
			name: 'waitFor',
			type: 'options',
			displayOptions: show,
			options: waitModes,
			default: 'poll',
		},
		...(perJob ? [callbackUrlProperty(providerName, operations)] : []),
		{
			displayName: 'Your Reference',
			name: 'correlationId',
			type: 'string',
			default: '',
			placeholder: 'e.g. listing-4711',
			description: 'Your own ID for this job (order, listing, client). It comes back as correlationId in the result, also from the trigger. A random one is made when empty.',
			displayOptions: show,
		},
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
}

function callbackUrlProperty(providerName: string, operations: string[]): INodeProperties {
	return {
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/…/callback',
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
