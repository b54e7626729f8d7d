/**
 * The product, running: the local services (RunPod simulator, SMTP sink, Slack-style sink), a
 * real n8n with this package installed the way its Community Nodes installer does, credentials
 * pointing at the simulators, and the example workflows imported and published. Used by
 * `npm start` and by the end-to-end tests.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	DEFAULT_N8N_VERSION,
	cacheDir,
	installPackageIntoN8n,
	importCredentials,
	importWorkflows,
	publishWorkflow,
	registerCommunityPackage,
	setupOwnerAndLogin,
	startN8n,
} from './n8n-host.mjs';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXAMPLES_DIR = path.join(repoDir, 'examples');

export const LOCAL_RUNPOD_KEY = 'rp_local_demo_key';
export const CREDENTIAL_NAMES = { runPod: 'RunPod (local simulator)', smtp: 'SMTP (local sink)' };
const TRIGGER_TYPES = ['n8n-nodes-base.webhook', 'n8n-nodes-render-hooks.runPodTrigger'];

/** Starts scripts/local-services.ts and resolves once it says it is ready. */
export async function startLocalServices({ ports, env = {}, log = () => {} }) {
	const child = spawn(
		process.execPath,
		['-r', 'ts-node/register/transpile-only', path.join(repoDir, 'scripts', 'local-services.ts')],
		{
			cwd: repoDir,
			env: {
				...process.env,
				RENDER_HOOKS_RUNPOD_PORT: String(ports.runPod),
				RENDER_HOOKS_SMTP_PORT: String(ports.smtp),
				RENDER_HOOKS_SINK_PORT: String(ports.sink),
				RENDER_HOOKS_RUNPOD_KEY: LOCAL_RUNPOD_KEY,
				...env,
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let output = '';
	await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`local services did not start in 60 s:\n${output}`)), 60_000);
		const collect = (chunk) => {
			output += chunk;
			log(String(chunk));
			if (output.includes('local services ready')) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`local services exited (${code}) before they were ready:\n${output}`));
		});
	});
	return {
		runPodBaseUrl: `http://127.0.0.1:${ports.runPod}/v2`,
		runPodRestUrl: `http://127.0.0.1:${ports.runPod}/v1`,
		smtpPort: ports.smtp,
		sinkUrl: `http://127.0.0.1:${ports.sink}`,
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await new Promise((resolve) => child.once('exit', resolve));
		},
	};
}

/** The example workflows, with their placeholders filled in for this installation. */
export function loadExamples(values) {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => {
			let text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
			for (const [name, value] of Object.entries(values)) text = text.split(`__${name}__`).join(value);
			return { file, workflow: JSON.parse(text) };
		});
}

/** Points each node's credentials (referenced by name in the examples) at the created ids. */
function linkCredentials(workflow, credentialsByName) {
	for (const node of workflow.nodes) {
		for (const reference of Object.values(node.credentials ?? {})) {
			const credential = credentialsByName.get(reference.name);
			if (credential) reference.id = credential.id;
		}
	}
	return workflow;
}

/**
 * Local services + n8n + credentials + examples. Reuses what an earlier run in the same user
 * folder created (matched by name), so a second start is quick and keeps the user's changes.
 */
export async function startProduct({
	version = process.env.N8N_VERSION_UNDER_TEST ?? DEFAULT_N8N_VERSION,
	port = 5678,
	userFolder = path.join(cacheDir(), 'dev-user'),
	servicePorts = { runPod: 5681, smtp: 5682, sink: 5683 },
	log = () => {},
} = {}) {
	const stops = [];
	const stop = async () => {
		for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
	};
	try {
		const services = await startLocalServices({ ports: servicePorts, log });
		stops.push(() => services.stop());

		await installPackageIntoN8n({ userFolder, version });
		const rendersDir = path.join(userFolder, 'renders');
		fs.mkdirSync(rendersDir, { recursive: true });
		const n8n = await startN8n({
			version,
			userFolder,
			port,
			env: {
				// The example writes renders here; n8n only lets nodes touch files below these folders.
				N8N_RESTRICT_FILE_ACCESS_TO: rendersDir,
			},
		});
		stops.push(() => n8n.stop());

		const client = await setupOwnerAndLogin(n8n.url);
		await registerCommunityPackage({ version, userFolder });

		const credentialsByName = await ensureCredentials(client, services);
		const workflows = await ensureExamples(client, credentialsByName, {
			RENDER_HOOKS_WEBHOOK_URL: n8n.webhookUrl.replace(/\/$/, ''),
			RENDER_HOOKS_SINK_URL: services.sinkUrl,
			RENDER_HOOKS_RENDERS_DIR: rendersDir,
		});
		return { version, n8n, client, services, workflows, rendersDir, userFolder, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

async function ensureCredentials(client, services) {
	const wanted = [
		{
			name: CREDENTIAL_NAMES.runPod,
			type: 'runPodApi',
			data: { apiKey: LOCAL_RUNPOD_KEY, baseUrl: services.runPodBaseUrl, restUrl: services.runPodRestUrl },
		},
		{
			name: CREDENTIAL_NAMES.smtp,
			type: 'smtp',
			data: { user: 'demo', password: 'demo', host: '127.0.0.1', port: services.smtpPort, secure: false, disableStartTls: true },
		},
	];
	const existing = await client.request('/rest/credentials');
	const byName = new Map(existing.map((credential) => [credential.name, credential]));
	const missing = wanted.filter((credential) => !byName.has(credential.name));
	for (const created of await importCredentials(client, missing)) byName.set(created.name, created);
	return byName;
}

async function ensureExamples(client, credentialsByName, values) {
	const existing = await client.request('/rest/workflows');
	const list = Array.isArray(existing) ? existing : existing.data ?? [];
	const byName = new Map(list.map((workflow) => [workflow.name, workflow]));
	const result = [];
	for (const { file, workflow } of loadExamples(values)) {
		let stored = byName.get(workflow.name);
		if (!stored) {
			[stored] = await importWorkflows(client, [linkCredentials(workflow, credentialsByName)]);
		}
		const hasTrigger = workflow.nodes.some((node) => TRIGGER_TYPES.includes(node.type));
		if (hasTrigger && !stored.active) await publishWorkflow(client, stored.id);
		result.push({ file, id: stored.id, name: workflow.name, nodes: workflow.nodes });
	}
	return result;
}
