import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class DeepImageApi implements ICredentialType {
	name = 'deepImageApi';

	displayName = 'Deep Image API';

	icon = { light: 'file:../nodes/DeepImage/deepimage.svg', dark: 'file:../nodes/DeepImage/deepimage.dark.svg' } as const;

	documentationUrl = 'https://documentation.deep-image.ai';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Deep Image API key (Profile → API key), sent in the x-api-key header',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://deep-image.ai',
			description: 'Base URL of the Deep Image API. Change it only for a proxy or the local simulator.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. Signs the callback URLs the Deep Image node hands out, so the Deep Image Trigger accepts only those. When empty, a key derived from the API key is used; set one to keep callback URLs valid when you rotate the API key.',
		},
		{
			displayName: 'Webhook Token',
			name: 'webhookToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only for Deep Image’s account-wide webhook (Deep Image Trigger, Callback URL From: Account-Wide Webhook): a secret of your choice, appended as ?token= to the URL you give Deep Image’s support. Kept apart from the Webhook Secret, so that URL cannot be used to sign per-job URLs.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	// The account lookup is the cheapest authenticated call: it costs no credits.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/rest_api/me',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 404, message: 'Deep Image found no user for this API key (404 "No user found for provided token"): check the key in your Deep Image profile' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'Deep Image refused the request (403): the API key is missing, or the account’s credits or quota are spent' },
			},
		],
	};
}
