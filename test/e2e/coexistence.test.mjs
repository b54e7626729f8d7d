/**
 * The retired all-in-one package (n8n-nodes-render-hooks 0.1.0: every provider in one package)
 * beside a provider package, in a real n8n, for each version under test: what a user who installed
 * 0.1.0 meets when they install @render-hooks/n8n-nodes-runpod, and the README's way from one to
 * the other. One n8n, in this order:
 *
 *   1. 0.1.0 installed by its README's route (npm install of the tarball into ~/.n8n/nodes: loaded,
 *      no rows); a workflow with its RunPod node runs.
 *   2. The RunPod package installed from the Community Nodes screen (n8n's installer, local
 *      registry): n8n accepts it; both packages load, both register the credential type
 *      `runPodApi`, and the one stored credential serves the old workflow and the migrated one
 *      (scripts/migrate-workflows.mjs).
 *   3. 0.1.0 registered as `npm start` 0.1.0 did (its rows in n8n's database): n8n then refuses to
 *      install the RunPod package, because its database keys installed nodes by display name and
 *      "RunPod" is taken; the answer and the state after it are recorded.
 *   4. The README's move: uninstall 0.1.0 on the screen, install the RunPod package: the migrated
 *      workflow runs; the old one no longer has its node type.
 *
 * The 0.1.0 tarball is rebuilt from this tree's compiled nodes (dist/, `npm run build`) with 0.1.0's
 * package.json: the same node and credential names as the one users installed.
 *
 *   node --test test/e2e/coexistence.test.mjs      (N8N_E2E_VERSIONS=2.40.7,1.123.81)
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { migrateWorkflow, nodeTypeMoves } from '../../scripts/migrate-workflows.mjs';
import { npmrcLine, startLocalRegistry } from '../../scripts/n8n/local-registry.mjs';
import { buildAndPack, installPackageIntoN8n } from '../../scripts/n8n/package.mjs';
import { REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { startN8n } from '../../scripts/n8n/process.mjs';
import { registerCommunityPackage } from '../../scripts/n8n/registration.mjs';
import {
	getCredentialTypes, getNodeTypes, importCredentials, importWorkflows, installCommunityPackage,
	listCommunityPackages, publishWorkflow, setupOwnerAndLogin, uninstallCommunityPackage, unpublishWorkflow,
} from '../../scripts/n8n/rest-client.mjs';
import { startLocalServices, startProduct } from '../../scripts/product.mjs';
import { PROVIDERS, executionErrors, freeProductPorts, getExecution, listExecutions, short } from './e2e-support.mjs';

const VERSIONS = (process.env.N8N_E2E_VERSIONS ?? '2.40.7,1.123.81').split(',').map((version) => version.trim()).filter(Boolean);
const ALL_IN_ONE = 'n8n-nodes-render-hooks';
const RUNPOD = PROVIDERS.find((provider) => provider.id === 'runPod');
const OLD_RUNPOD_TYPE = `${ALL_IN_ONE}.runPod`;

/** n8n-nodes-render-hooks-0.1.0.tgz: this tree's compiled nodes under 0.1.0's package.json. */
function packAllInOne(destination) {
	const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-all-in-one-'));
	const packageDir = path.join(staging, 'package');
	fs.mkdirSync(path.join(packageDir, 'dist'), { recursive: true });
	for (const folder of ['nodes', 'credentials']) fs.cpSync(path.join(REPO_ROOT, 'dist', folder), path.join(packageDir, 'dist', folder), { recursive: true });
	const manifests = fs.readdirSync(path.join(REPO_ROOT, 'packages'))
		.map((folder) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'packages', folder, 'package.json'), 'utf8')));
	fs.writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify({
		name: ALL_IN_ONE,
		version: '0.1.0',
		keywords: ['n8n-community-node-package'],
		author: { name: 'n8n-nodes-render-hooks contributors', email: 'maintainers@render-hooks.dev' },
		files: ['dist'],
		n8n: {
			n8nNodesApiVersion: 1,
			credentials: manifests.flatMap((manifest) => manifest.n8n.credentials),
			nodes: manifests.flatMap((manifest) => manifest.n8n.nodes),
		},
		peerDependencies: { 'n8n-workflow': '*' },
	}, null, 2));
	const tarball = path.join(destination, `${ALL_IN_ONE}-0.1.0.tgz`);
	execFileSync('tar', ['-czf', tarball, '-C', staging, 'package']);
	fs.rmSync(staging, { recursive: true, force: true });
	return tarball;
}

/** Webhook (answers with the last node's output) -> RunPod of `type`: Get Health of the simulator's endpoint. */
function healthWorkflow(type, credential, label) {
	const uuid = () => crypto.randomUUID();
	const webhookPath = `coexistence-${label}-${crypto.randomBytes(3).toString('hex')}`;
	return {
		webhookPath,
		workflow: {
			name: `Coexistence: RunPod health (${label})`,
			nodes: [
				{ id: uuid(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: uuid(),
					parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', options: {} } },
				{ id: uuid(), name: 'RunPod', type, typeVersion: 3, position: [260, 0],
					parameters: { resource: 'endpoint', operation: 'health', endpointId: { __rl: true, value: 'sim-endpoint', mode: 'id' } },
					credentials: { runPodApi: { id: credential.id, name: credential.name } } },
			],
			connections: { Webhook: { main: [[{ node: 'RunPod', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		},
	};
}

/** POSTs to the workflow's webhook; a failed run's answer carries the errors of its execution. */
async function callWebhook(state, webhookPath, workflowId) {
	const response = await fetch(`${state.n8n.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	let text = await response.text();
	if (response.status !== 200 && workflowId) {
		const [latest] = (await listExecutions(state.client, workflowId)).sort((a, b) => Number(b.id) - Number(a.id));
		if (latest) text += ` | execution ${latest.id}: ${executionErrors(await getExecution(state.client, latest.id)).join('; ')}`;
	}
	return { status: response.status, text };
}

for (const version of VERSIONS) {
	describe(`n8n ${version}: the retired all-in-one n8n-nodes-render-hooks 0.1.0 beside ${RUNPOD.packageName}`, () => {
		const state = {};
		const stops = [];

		before(async () => {
			state.userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `render-hooks-coexistence-${version}-`));
			const tarballs = await buildAndPack({ build: !fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes', 'registry.js')) });
			const services = await startLocalServices({ firstPort: (await freeProductPorts()).firstServicePort });
			stops.push(() => services.stop());
			const registry = await startLocalRegistry({ tarballs: [tarballs[RUNPOD.packageName]] });
			stops.push(() => registry.stop());
			state.registry = registry;
			const npmrc = path.join(state.userFolder, '.npmrc');
			fs.writeFileSync(npmrc, `${npmrcLine(registry.url)}\n`);
			// 0.1.0 as its README installed it: the tarball npm-installed into ~/.n8n/nodes, no rows.
			await installPackageIntoN8n({ userFolder: state.userFolder, version, tarball: packAllInOne(state.userFolder) });
			state.n8n = await startN8n({ version, userFolder: state.userFolder, env: { npm_config_userconfig: npmrc } });
			stops.push(() => state.n8n.stop());
			state.client = await setupOwnerAndLogin(state.n8n.url);
			const simulator = services.services.find((service) => service.providerId === 'runPod');
			[state.credential] = await importCredentials(state.client, [{ ...simulator.credential, name: 'RunPod (coexistence)' }]);
		}, { timeout: 5 * 60_000 });

		after(async () => {
			for (const stop of stops.reverse()) await stop().catch(() => {});
			fs.rmSync(state.userFolder, { recursive: true, force: true });
		}, { timeout: 60_000 });

		test('1. 0.1.0 installed by its README route: loaded, not on the Community Nodes screen; its RunPod node runs', async () => {
			const types = (await getNodeTypes(state.client)).map((type) => type.name);
			assert.ok(types.includes(OLD_RUNPOD_TYPE), `${OLD_RUNPOD_TYPE} is loaded`);
			assert.deepEqual(await listCommunityPackages(state.client), [], 'the tarball route writes no rows: the screen is empty');
			state.old = healthWorkflow(OLD_RUNPOD_TYPE, state.credential, 'old');
			[state.oldWorkflow] = await importWorkflows(state.client, [state.old.workflow]);
			await publishWorkflow(state.client, state.oldWorkflow.id);
			const answer = await callWebhook(state, state.old.webhookPath, state.oldWorkflow.id);
			assert.equal(answer.status, 200, `the 0.1.0 RunPod node ran: ${answer.text}`);
			assert.match(answer.text, /workers/, `Get Health answered the endpoint's health: ${answer.text}`);
		});

		test('2. the RunPod package installed from the screen beside it: accepted, both load, one runPodApi credential serves both', async () => {
			const installed = await installCommunityPackage(state.client, { name: RUNPOD.packageName, version: state.registry.names[RUNPOD.packageName] });
			assert.equal(installed.packageName, RUNPOD.packageName);
			const types = (await getNodeTypes(state.client)).map((type) => type.name);
			for (const node of RUNPOD.nodes) assert.ok(types.includes(node.type), `${node.type} is loaded`);
			assert.ok(types.includes(OLD_RUNPOD_TYPE), `${OLD_RUNPOD_TYPE} is still loaded`);
			const credentialTypes = (await getCredentialTypes(state.client)).filter((type) => type.name === RUNPOD.credentialType);
			// Both packages define it; n8n lists both and uses the one loaded last (the same class here).
			assert.equal(credentialTypes.length, 2, `${RUNPOD.credentialType} is listed by both packages: ${short(credentialTypes.map((type) => type.displayName))}`);

			const migrated = migrateWorkflow(healthWorkflow(OLD_RUNPOD_TYPE, state.credential, 'migrated').workflow, nodeTypeMoves(PROVIDERS));
			assert.equal(migrated.moved, 1, 'the migration moved the RunPod node');
			state.migrated = { webhookPath: migrated.workflow.nodes[0].parameters.path, workflow: migrated.workflow };
			[state.migratedWorkflow] = await importWorkflows(state.client, [migrated.workflow]);
			await publishWorkflow(state.client, state.migratedWorkflow.id);
			for (const [label, webhookPath, workflowId] of [['0.1.0', state.old.webhookPath, state.oldWorkflow.id], ['migrated', state.migrated.webhookPath, state.migratedWorkflow.id]]) {
				const answer = await callWebhook(state, webhookPath, workflowId);
				assert.equal(answer.status, 200, `the ${label} workflow ran with the one credential: ${answer.text}`);
				assert.match(answer.text, /workers/);
			}
		});

		test('3. 0.1.0 with its rows (as npm start 0.1.0 registered it): n8n refuses the RunPod package, the display name "RunPod" is taken', async (t) => {
			await uninstallCommunityPackage(state.client, RUNPOD.packageName);
			await registerCommunityPackage({ version, userFolder: state.userFolder, packageName: ALL_IN_ONE });
			const listed = (await listCommunityPackages(state.client)).map((entry) => entry.packageName);
			assert.deepEqual(listed, [ALL_IN_ONE], 'the screen lists 0.1.0 only');
			const refused = await state.client.raw('/rest/community-packages', {
				method: 'POST',
				body: { name: RUNPOD.packageName, version: state.registry.names[RUNPOD.packageName] },
				timeoutMs: 5 * 60_000,
			});
			const message = await refused.text();
			t.diagnostic(`n8n ${version} answered ${refused.status}: ${message.slice(0, 300)}`);
			assert.ok(refused.status >= 400, `n8n refused the install (${refused.status}): ${message}`);
			const after = (await listCommunityPackages(state.client)).map((entry) => entry.packageName);
			assert.deepEqual(after, [ALL_IN_ONE], 'nothing half-installed is listed');
			const answer = await callWebhook(state, state.old.webhookPath, state.oldWorkflow.id);
			assert.equal(answer.status, 200, `0.1.0 still runs after the refusal: ${answer.text}`);
		});

		test('4. the README\'s move: uninstall 0.1.0 on the screen, install the RunPod package; the migrated workflow runs', async () => {
			await unpublishWorkflow(state.client, state.oldWorkflow.id);
			await uninstallCommunityPackage(state.client, ALL_IN_ONE);
			await installCommunityPackage(state.client, { name: RUNPOD.packageName, version: state.registry.names[RUNPOD.packageName] });
			assert.deepEqual((await listCommunityPackages(state.client)).map((entry) => entry.packageName), [RUNPOD.packageName]);
			const types = (await getNodeTypes(state.client)).map((type) => type.name);
			assert.ok(!types.includes(OLD_RUNPOD_TYPE), `${OLD_RUNPOD_TYPE} is gone`);
			// Publish the migrated workflow again: its node type was unloaded with the package in step 3.
			await unpublishWorkflow(state.client, state.migratedWorkflow.id).catch(() => {});
			await publishWorkflow(state.client, state.migratedWorkflow.id);
			const answer = await callWebhook(state, state.migrated.webhookPath, state.migratedWorkflow.id);
			assert.equal(answer.status, 200, `the migrated workflow runs on the RunPod package alone: ${answer.text}`);
			assert.match(answer.text, /workers/);
		});
	});
}

test('npm start refuses a user folder that holds 0.1.0 (an npm start of 0.1.0 made it), saying how to start over', async () => {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'render-hooks-coexistence-npm-start-'));
	try {
		fs.mkdirSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules', ALL_IN_ONE), { recursive: true });
		const { port, firstServicePort } = await freeProductPorts();
		await assert.rejects(startProduct({ version: VERSIONS[0], userFolder, port, firstServicePort }), (error) => {
			assert.match(error.message, /retired all-in-one package n8n-nodes-render-hooks/);
			assert.match(error.message, /rm -rf \.n8n-dev/);
			return true;
		});
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
});
