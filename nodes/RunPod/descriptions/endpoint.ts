import type { INodeProperties } from 'n8n-workflow';

/** The endpoint id inside a serverless API URL (`/v2/<id>/…`) or a console URL (`/serverless/user/endpoint/<id>`). */
const ENDPOINT_IN_URL = '(?:/v2/|/serverless/user/endpoint/)([A-Za-z0-9_-]+)';

// n8n wraps a validation regex in ^…$, so these describe the whole value.
const ENDPOINT_DESCRIPTION = 'The serverless endpoint that runs your worker';

/**
 * Version 2: the endpoint as a resource locator (pick it from the account, or give its ID or URL).
 * The type of a saved parameter cannot change under existing workflows (the editor would show a
 * saved string as empty), so version 1 keeps its text field; both save under `endpointId`.
 */
export function endpointLocator(extra: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Endpoint',
		name: 'endpointId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: ENDPOINT_DESCRIPTION,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchEndpoints', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. a1b2c3d4e5f6g7',
				validation: [
					{
						type: 'regex',
						properties: { regex: '[A-Za-z0-9_-]+', errorMessage: 'An endpoint ID has only letters, digits, - and _' },
					},
				],
				url: '=https://console.runpod.io/serverless/user/endpoint/{{$value}}',
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: 'e.g. https://api.runpod.ai/v2/a1b2c3d4e5f6g7/run',
				extractValue: { type: 'regex', regex: ENDPOINT_IN_URL },
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `https?://[^ ]*${ENDPOINT_IN_URL}(?:[/?#][^ ]*)?`,
							errorMessage: 'Paste an endpoint URL: https://api.runpod.ai/v2/<ID>/… or the console’s …/serverless/user/endpoint/<ID>',
						},
					},
				],
			},
		],
		...extra,
	} as INodeProperties;
}

/** The action node's endpoint: a text field in version 1, the resource locator from version 2 on. */
export const endpointProperties: INodeProperties[] = [
	{
		displayName: 'Endpoint ID',
		name: 'endpointId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. a1b2c3d4e5f6g7',
		description: 'ID of your serverless endpoint, shown on its page in the RunPod console (Serverless → your endpoint)',
		displayOptions: { show: { '@version': [1] } },
	},
	endpointLocator({ displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } } }),
];
