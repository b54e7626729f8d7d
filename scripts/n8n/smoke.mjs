/**
 * The smoke check (`npm run n8n:smoke`): build, pack and install the provider packages into a throwaway
 * n8n, then check that every node and credential of the provider registry loads with its icon,
 * that Settings > Community nodes lists each package, and that each trigger's production webhook
 * exists once published. Prints the time of each step.
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_N8N_VERSION } from './paths.mjs';
import { log, timed } from './commands.mjs';
import { ensureN8n } from './install.mjs';
import { installPackagesIntoN8n } from './package.mjs';
import { startN8n } from './process.mjs';
import { registerCommunityPackage } from './registration.mjs';
import { loadProviders } from './registry.mjs';
import {
	getCredentialTypes, getNodeTypes, importCredentials, importWorkflows, publishWorkflow, setupOwnerAndLogin,
} from './rest-client.mjs';

function assert(condition, message) {
	if (!condition) throw new Error(`smoke: ${message}`);
}

function iconUrlsOf(type) {
	const { iconUrl } = type;
	if (!iconUrl) return [];
	return typeof iconUrl === 'string' ? [iconUrl] : Object.values(iconUrl);
}

/** GETs an icon URL as the editor would (relative to the instance) and checks it is an SVG. */
async function checkIcon(client, iconUrl) {
	const response = await client.raw(`/${iconUrl.replace(/^\//, '')}`);
	const body = await response.text();
	assert(response.status === 200, `icon ${iconUrl} answered ${response.status}`);
	assert(/svg/.test(response.headers.get('content-type') ?? '') && body.includes('<svg'),
		`icon ${iconUrl} is not an SVG (content-type ${response.headers.get('content-type')})`);
}

async function checkTypesListed(client, providers) {
	const nodeTypes = await getNodeTypes(client);
	const credentialTypes = await getCredentialTypes(client);
	for (const provider of providers) {
		for (const { type: expected } of provider.nodes) {
			const type = nodeTypes.find((candidate) => candidate.name === expected);
			assert(type, `${expected} missing from /types/nodes.json`);
			assert(iconUrlsOf(type).length > 0, `${expected} has no iconUrl`);
			for (const iconUrl of iconUrlsOf(type)) await checkIcon(client, iconUrl);
		}
		const credentialType = credentialTypes.find((candidate) => candidate.name === provider.credentialType);
		assert(credentialType, `credential ${provider.credentialType} missing from /types/credentials.json`);
		for (const iconUrl of iconUrlsOf(credentialType)) await checkIcon(client, iconUrl);
	}
}

/** A credential of the provider with every text field filled, stored and read back. */
async function createSmokeCredential(client, provider) {
	const data = Object.fromEntries(provider.credentialFields
		.filter((field) => field.type === 'string')
		.map((field) => [field.name, `smoke-${field.name}`]));
	const [credential] = await importCredentials(client, [{ name: `${provider.displayName} (smoke)`, type: provider.credentialType, data }]);
	const stored = await client.request(`/rest/credentials/${credential.id}?includeData=true`);
	for (const [name, value] of Object.entries(data)) {
		if (name.toLowerCase().includes('key') || name.toLowerCase().includes('secret')) continue; // redacted by n8n
		assert(stored.data?.[name] === value, `credential field ${name} did not round-trip: ${JSON.stringify(stored.data)}`);
	}
	return credential;
}

async function checkTriggersPublish(client, n8nUrl, provider) {
	const credential = await createSmokeCredential(client, provider);
	for (const trigger of provider.nodes.filter((node) => node.isTrigger)) {
		const webhookId = crypto.randomUUID();
		const [workflow] = await importWorkflows(client, [{
			name: `${trigger.displayName} (smoke)`,
			nodes: [{
				id: crypto.randomUUID(), name: trigger.displayName, type: trigger.type, typeVersion: 1,
				position: [0, 0], webhookId, parameters: {},
				credentials: { [provider.credentialType]: { id: credential.id, name: credential.name } },
			}],
		}]);
		await publishWorkflow(client, workflow.id);
		// A published trigger's production webhook exists: anything but 404 (unsigned -> refused).
		const webhookUrl = `${n8nUrl}/webhook/${webhookId}/${trigger.webhookPath ?? ''}`;
		const response = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		assert(response.status !== 404, `production webhook ${webhookUrl} is not registered (404)`);
		log(`unsigned callback to the published ${trigger.displayName} answered ${response.status}`);
	}
}

export async function smoke({ version = DEFAULT_N8N_VERSION, keep = false } = {}) {
	const timings = [];
	const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), 'render-hooks-smoke-'));
	let n8n;
	let failed = true;
	try {
		await timed(`ensure n8n ${version}`, () => ensureN8n({ version }), timings);
		const installed = await timed('build + pack + install the packages', () => installPackagesIntoN8n({ userFolder, version }), timings);
		const providers = loadProviders();
		n8n = await timed('start n8n', () => startN8n({ version, userFolder }), timings);
		const client = await timed('owner setup + login', () => setupOwnerAndLogin(n8n.url), timings);
		await timed('node and credential types listed, with icons', () => checkTypesListed(client, providers), timings);
		await timed('register in installed_packages + Settings list', async () => {
			for (const { packageName } of installed) await registerCommunityPackage({ version, userFolder, packageName });
			const packages = await client.request('/rest/community-packages');
			for (const { packageName } of installed) {
				const ours = packages.find((entry) => entry.packageName === packageName);
				assert(ours && !ours.failedLoading, `${packageName} not listed as loaded: ${JSON.stringify(packages)}`);
			}
		}, timings);
		for (const provider of providers) {
			await timed(`${provider.displayName}: credential + trigger workflows published`,
				() => checkTriggersPublish(client, n8n.url, provider), timings);
		}
		failed = false;
	} finally {
		if (n8n) await timed('stop n8n', () => n8n.stop(), timings);
		if (failed || keep) log(`user folder kept for inspection: ${userFolder} (n8n log: ${path.join(userFolder, 'n8n.log')})`);
		else await fsp.rm(userFolder, { recursive: true, force: true });
		printTimings(timings);
	}
}

export function printTimings(timings) {
	if (!timings.length) return;
	const width = Math.max(...timings.map(({ step }) => step.length), 10);
	process.stdout.write('\nstep'.padEnd(width + 2) + 'seconds\n');
	for (const { step, seconds } of timings) process.stdout.write(`${step.padEnd(width + 1)}${seconds.toFixed(1).padStart(7)}\n`);
}
