import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class GepettoApi implements ICredentialType {
	name = 'gepettoApi';

	displayName = 'Gepetto API';

	icon = { light: 'file:../nodes/Gepetto/gepetto.svg', dark: 'file:../nodes/Gepetto/gepetto.dark.svg' } as const;

	documentationUrl = 'https://docs.gepettoapp.com';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Gepetto API key, sent as a Bearer token',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://europe-west1-gepettoai.cloudfunctions.net/v1',
			description: 'Base URL of the Gepetto API. Change it only for a proxy or the local simulator.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. Signs the callback URLs the Gepetto node hands out, so the Gepetto Trigger accepts only those. When empty, a key derived from the API key is used; set one to keep callback URLs valid when you rotate the API key.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// The room list is the cheapest authenticated call: a read that starts no render.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/rooms',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'Gepetto refused the API key: check it in your Gepetto account' },
			},
		],
	};
}
