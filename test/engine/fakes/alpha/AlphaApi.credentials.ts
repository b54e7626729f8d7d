import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Alpha's credential. Its fields are deliberately not named `apiKey` or `webhookSecret`: the
 * provider object says which field signs callbacks, the engine assumes no field name.
 */
export class AlphaApi implements ICredentialType {
	name = 'alphaApi';

	displayName = 'Alpha API';

	properties: INodeProperties[] = [
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, required: true, default: '' },
		{ displayName: 'Server', name: 'server', type: 'string', default: '' },
		{ displayName: 'Signing Key', name: 'signingKey', type: 'string', typeOptions: { password: true }, required: true, default: '' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.token}}' } },
	};
}
