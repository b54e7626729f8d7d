import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Beta's credential: a key sent as x-api-key, and the token its dashboard callbacks carry. */
export class BetaApi implements ICredentialType {
	name = 'betaApi';

	displayName = 'Beta API';

	properties: INodeProperties[] = [
		{ displayName: 'Key', name: 'key', type: 'string', typeOptions: { password: true }, required: true, default: '' },
		{ displayName: 'Host', name: 'host', type: 'string', default: '' },
		{ displayName: 'Webhook Token', name: 'webhookToken', type: 'string', typeOptions: { password: true }, required: true, default: '' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'x-api-key': '={{$credentials.key}}' } },
	};
}
