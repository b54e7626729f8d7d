/**
 * The providers as n8n sees them, read from the built provider registry
 * (dist/nodes/registry.js, from nodes/registry.ts): node types, credential types, icons. The
 * scripts and end-to-end tests derive every name from here instead of naming a provider.
 * Needs `npm run build` first (and the dev tree, for n8n-workflow).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { REPO_ROOT } from './paths.mjs';

const REGISTRY_FILE = path.join(REPO_ROOT, 'dist', 'nodes', 'registry.js');

/**
 * [{id, displayName, packageName, credentialType, credentialDisplayName, credentialFields, nodes: [{type,
 * displayName, isTrigger, icon, webhookPath}]}] for every provider. Throws when the package is not built.
 */
export function loadProviders() {
	if (!fs.existsSync(REGISTRY_FILE)) throw new Error(`${REGISTRY_FILE} is missing: run \`npm run build\` first`);
	const { PROVIDER_REGISTRY } = createRequire(import.meta.url)(REGISTRY_FILE);
	return PROVIDER_REGISTRY.map((provider) => {
		const credential = new provider.credential();
		return {
			id: provider.id,
			displayName: provider.displayName,
			packageName: provider.packageName,
			credentialType: credential.name,
			credentialDisplayName: credential.displayName,
			credentialFields: credential.properties.map(({ name, type, displayName }) => ({ name, type, displayName })),
			nodes: provider.nodes.map((NodeClass) => {
				const { description } = new NodeClass();
				return {
					type: `${provider.packageName}.${description.name}`,
					displayName: description.displayName,
					isTrigger: description.group.includes('trigger'),
					icon: description.icon,
					webhookPath: description.webhooks?.[0]?.path,
				};
			}),
		};
	});
}

/** Every node type of every provider package (`<package name>.<node name>`). */
export function packageNodeTypes() {
	return loadProviders().flatMap((provider) => provider.nodes.map((node) => node.type));
}

/** Every credential type of every provider package. */
export function packageCredentialTypes() {
	return loadProviders().map((provider) => provider.credentialType);
}
