import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class RunPodApi implements ICredentialType {
	name = 'runPodApi';

	displayName = 'RunPod API';

	icon = { light: 'file:../nodes/RunPod/runpod.svg', dark: 'file:../nodes/RunPod/runpod.dark.svg' } as const;

	documentationUrl = 'https://docs.runpod.io/serverless/endpoints/send-requests';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'A RunPod API key (Settings → API Keys) with access to your serverless endpoints',
		},
		{
			displayName: 'Serverless API URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.runpod.ai/v2',
			description: 'Base URL of the serverless endpoints API. Change it only for a proxy or a local simulator.',
		},
		{
			displayName: 'REST API URL',
			name: 'restUrl',
			type: 'string',
			default: 'https://rest.runpod.io/v1',
			description: 'Base URL of RunPod’s management REST API: the credential test and the Endpoint picker (From List) of the RunPod nodes call it. Change it only for a proxy or a local simulator.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. Signs the callback URLs the RunPod node hands out, so the RunPod Trigger accepts only those. When empty, a key derived from the API key is used; set one to keep callback URLs valid when you rotate the API key.',
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

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.restUrl}}',
			url: '/endpoints',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'RunPod refused the API key: check it in RunPod → Settings → API Keys' },
			},
		],
	};
}
