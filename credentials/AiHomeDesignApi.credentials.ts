import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AiHomeDesignApi implements ICredentialType {
	name = 'aiHomeDesignApi';

	displayName = 'AI Home Design API';

	icon = { light: 'file:../nodes/AiHomeDesign/aihomedesign.svg', dark: 'file:../nodes/AiHomeDesign/aihomedesign.dark.svg' } as const;

	documentationUrl = 'https://docs.aihomedesign.com';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your AI Home Design API key, sent as the x-api-key header. API access needs AI Home Design’s Enterprise plan.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.aihomedesign.com/v3',
			description: 'Base URL of the AI Home Design API v3. Change it only for a proxy or the local simulator.',
		},
		{
			displayName: 'Tool Catalogue URL',
			name: 'catalogueUrl',
			type: 'string',
			default: 'https://app.aihomedesign.com/api/tools',
			description: 'Where the live list of tools is read (no key needed). When it cannot be read, the node offers the documented tools.',
		},
		{
			displayName: 'Webhook Token',
			name: 'webhookToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'A secret of your choice (e.g. 32 random characters). The AI Home Design Trigger accepts only callbacks whose URL carries it as ?token=…: paste the trigger’s Production URL with ?token=<this value> into the webhook section of AI Home Design’s dashboard.',
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

	// The cheapest authenticated read: one project of the first page; it starts nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/project',
			method: 'GET',
			qs: { page: 1, limit: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'AI Home Design refused the API key (401): check it in the API section of your AI Home Design dashboard' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'AI Home Design refused access (403): the API needs AI Home Design’s Enterprise plan, and a tool must be in your plan to be used' },
			},
		],
	};
}
