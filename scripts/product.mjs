/**
 * The product, running: the local services (provider simulators, SMTP sink, Slack-style sink), a
 * real n8n with the provider packages installed by the README's route (all of them, or the ones
 * asked for): a local npm registry serves the packed packages, the n8n user's .npmrc sends the
 * @render-hooks scope there, and n8n's own Community Nodes installer installs each package, so they
 * show on its Community Nodes screen. Then credentials pointing at the simulators, and the example
 * workflows of the installed providers imported and published. Used by
 * `npm start` and by the end-to-end tests. Names no provider: they come from the provider
 * registry and from the local services.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { DEFAULT_N8N_VERSION, REPO_ROOT, devUserFolder } from './n8n/paths.mjs';
import { ensureN8n, isN8nInstalled } from './n8n/install.mjs';
import { buildAndPack, nodesDir } from './n8n/package.mjs';
import { npmrcLine, startLocalRegistry } from './n8n/local-registry.mjs';
import { assertPortsFree } from './n8n/ports.mjs';
import { startN8n } from './n8n/process.mjs';
import { loadProviders } from './n8n/registry.mjs';
import { importCredentials, importWorkflows, installCommunityPackage, publishWorkflow, setupOwnerAndLogin } from './n8n/rest-client.mjs';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
export const SMTP_CREDENTIAL_NAME = 'SMTP (local sink)';
export const DEFAULT_FIRST_SERVICE_PORT = 5681;
/** The package 0.1.0 shipped every provider in; its node display names block the provider packages'. */
const RETIRED_ALL_IN_ONE = 'n8n-nodes-render-hooks';
const STARTERS = ['n8n-nodes-base.webhook'];

/** Ports the local services take from `firstPort`: HTTP sink, SMTP sink, one per provider. */
export function servicePorts(firstPort, providerCount) {
	const ports = { 'Slack-style and mail sink (HTTP)': firstPort, 'SMTP sink': firstPort + 1 };
	for (let index = 0; index < providerCount; index++) ports[`provider simulator ${index + 1}`] = firstPort + 2 + index;
	return ports;
}

/**
 * Starts scripts/local-services.ts and resolves once it says it is ready, with what it started:
 * {sinkUrl, smtpPort, services: [{providerId, name, url, credential}], exited, stop()}.
 */
export async function startLocalServices({ firstPort, env = {}, log = () => {} }) {
	const child = spawn(
		process.execPath,
		['-r', 'ts-node/register/transpile-only', path.join(REPO_ROOT, 'scripts', 'local-services.ts')],
		{
			cwd: REPO_ROOT,
			env: { ...process.env, RENDER_HOOKS_FIRST_PORT: String(firstPort), ...env },
			// stdin stays open: the services stop when it closes, that is when this process is gone.
			stdio: ['pipe', 'pipe', 'pipe'],
		},
	);
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	let output = '';
	const ready = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`local services did not start in 60 s:\n${output}`)), 60_000);
		const collect = (chunk) => {
			output += chunk;
			const match = /^local services ready (.*)$/m.exec(output);
			if (match) {
				clearTimeout(timer);
				resolve(JSON.parse(match[1]));
			}
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', (chunk) => log(String(chunk)));
		exited.then(({ code, signal }) => {
			clearTimeout(timer);
			reject(new Error(`local services exited (${signal ?? code}) before they were ready:\n${output}`));
		});
	});
	log(output.replace(/^local services ready .*$/m, ''));
	return {
		...ready,
		exited,
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			await exited;
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

/** Points each node's credentials (referenced by name, or else by type, in the examples) at the created ones. */
function linkCredentials(workflow, credentials) {
	for (const node of workflow.nodes) {
		for (const [type, reference] of Object.entries(node.credentials ?? {})) {
			const credential = credentials.find((candidate) => candidate.name === reference.name) ??
				credentials.find((candidate) => candidate.type === type);
			if (credential) Object.assign(reference, { id: credential.id, name: credential.name });
		}
	}
	return workflow;
}

/**
 * Local services + n8n + credentials + examples. `packages` names the provider packages to
 * install (default: every one); `tarballs` ({name: path}) skips the build and pack. Refuses ports that are taken (naming who holds
 * them) before it starts anything. Reuses what an earlier run in the same user folder created
 * (matched by name), so a second start is quick and keeps the user's changes.
 * Returns {version, packages, n8n, client, services, credentials, workflows, rendersDir, userFolder, exited, stop}:
 * `exited` resolves with a message when any process it started stops on its own.
 */
export async function startProduct({
	version = process.env.N8N_VERSION_UNDER_TEST ?? DEFAULT_N8N_VERSION,
	port = 5678,
	userFolder = devUserFolder(),
	firstServicePort = DEFAULT_FIRST_SERVICE_PORT,
	packages,
	tarballs,
	log = () => {},
	step = () => {},
} = {}) {
	const providerCount = fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes', 'registry.js')) ? loadProviders().length : 1;
	await assertPortsFree({ n8n: port, ...servicePorts(firstServicePort, providerCount) });

	const stops = [];
	const stop = async () => {
		for (const stopOne of stops.reverse()) await stopOne().catch(() => {});
		stops.length = 0;
	};
	try {
		if (!isN8nInstalled(version)) step(`installing n8n ${version} (first run only)`);
		await ensureN8n({ version });

		const retired = path.join(nodesDir(userFolder), 'node_modules', RETIRED_ALL_IN_ONE);
		if (fs.existsSync(retired)) {
			throw new Error(`${userFolder} has the retired all-in-one package ${RETIRED_ALL_IN_ONE} (npm start of 0.1.0 installed it), ` +
				'beside which n8n refuses the provider packages (README, "Moving from the all-in-one package"). ' +
				"For npm start's own folder, start over: rm -rf .n8n-dev (demo state only). Elsewhere, uninstall it on n8n's Community Nodes screen first.");
		}

		step('starting the local services (provider simulators, SMTP and Slack-style sinks)');
		const services = await startLocalServices({ firstPort: firstServicePort, log });
		stops.push(() => services.stop());

		tarballs ??= await buildAndPack({ log: (line) => step(line) });
		const packageNames = packages ?? Object.keys(tarballs);
		const registry = await startLocalRegistry({ tarballs: packageNames.map((name) => tarballs[name]) });
		stops.push(() => registry.stop());
		step(`local npm registry for the @render-hooks packages: ${registry.url}`);
		// The README's one line of set-up, in the .npmrc of the user n8n runs as (here: its own file).
		const npmrc = path.join(userFolder, '.npmrc');
		fs.mkdirSync(userFolder, { recursive: true });
		fs.writeFileSync(npmrc, `${npmrcLine(registry.url)}\n`);
		const providers = loadProviders().filter((provider) => packageNames.includes(provider.packageName));
		const rendersDir = path.join(userFolder, 'renders');
		fs.mkdirSync(rendersDir, { recursive: true });
		const n8n = await startN8n({
			version,
			userFolder,
			port,
			// The example writes renders here; n8n only lets nodes touch files below these folders.
			env: { N8N_RESTRICT_FILE_ACCESS_TO: rendersDir, npm_config_userconfig: npmrc },
			log: (line) => step(line),
		});
		stops.push(() => n8n.stop());

		const client = await setupOwnerAndLogin(n8n.url);
		for (const name of packageNames) {
			step(`installing ${name}@${registry.names[name]} through n8n's Community Nodes installer`);
			await installCommunityPackage(client, { name, version: registry.names[name] });
		}
		step('credentials and example workflows');
		const credentials = await ensureCredentials(client, services, providers);
		const workflows = await ensureExamples(client, credentials, providers, {
			RENDER_HOOKS_WEBHOOK_URL: n8n.webhookUrl.replace(/\/$/, ''),
			RENDER_HOOKS_SINK_URL: services.sinkUrl,
			RENDER_HOOKS_RENDERS_DIR: rendersDir,
		});
		await registerDashboardWebhooks(services, workflows, providers, n8n.webhookUrl);
		const exited = Promise.race([
			n8n.exited.then(({ code, signal }) => `n8n stopped on its own (${signal ?? `exit ${code}`}); its log: ${n8n.logFile}`),
			services.exited.then(({ code, signal }) => `the local services stopped on their own (${signal ?? `exit ${code}`})`),
		]);
		return { version, packages: packageNames, n8n, client, services, credentials, workflows, rendersDir, userFolder, exited, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * The simulators' credentials of the installed providers and the SMTP sink's, created once;
 * returns [{id, name, type}].
 */
async function ensureCredentials(client, services, providers) {
	const installedTypes = new Set(providers.map((provider) => provider.credentialType));
	const wanted = [
		...services.services.map((service) => service.credential).filter((credential) => installedTypes.has(credential.type)),
		{
			name: SMTP_CREDENTIAL_NAME,
			type: 'smtp',
			data: { user: 'demo', password: 'demo', host: '127.0.0.1', port: services.smtpPort, secure: false, disableStartTls: true },
		},
	];
	const existing = await client.request('/rest/credentials');
	const missing = wanted.filter((credential) => !existing.some((stored) => stored.name === credential.name));
	const created = await importCredentials(client, missing);
	return [...existing, ...created].map(({ id, name, type }) => ({ id, name, type }));
}

/** Imports (once) and publishes the examples whose provider nodes are all installed. */
async function ensureExamples(client, credentials, providers, values) {
	const triggerTypes = new Set([...STARTERS, ...providers.flatMap((provider) =>
		provider.nodes.filter((node) => node.isTrigger).map((node) => node.type))]);
	const installedTypes = new Set(providers.flatMap((provider) => provider.nodes.map((node) => node.type)));
	const providerTypes = new Set(loadProviders().flatMap((provider) => provider.nodes.map((node) => node.type)));
	const runsHere = (workflow) => workflow.nodes.every((node) => !providerTypes.has(node.type) || installedTypes.has(node.type));
	const existing = await client.request('/rest/workflows');
	const list = Array.isArray(existing) ? existing : existing.data ?? [];
	const byName = new Map(list.map((workflow) => [workflow.name, workflow]));
	const result = [];
	for (const { file, workflow } of loadExamples(values).filter((example) => runsHere(example.workflow))) {
		let stored = byName.get(workflow.name);
		if (!stored) [stored] = await importWorkflows(client, [linkCredentials(workflow, credentials)]);
		const hasTrigger = workflow.nodes.some((node) => triggerTypes.has(node.type));
		if (hasTrigger && !stored.active) await publishWorkflow(client, stored.id);
		result.push({ file, id: stored.id, name: workflow.name, nodes: workflow.nodes });
	}
	return result;
}

/**
 * A provider whose webhook URL lives in its dashboard (its simulator says so with
 * `dashboardWebhook`) gets the Production URL of its trigger in the examples with the token, as a
 * user would paste it there.
 */
async function registerDashboardWebhooks(services, workflows, providers, webhookBaseUrl) {
	for (const service of services.services) {
		if (!service.dashboardWebhook) continue;
		const trigger = providers.find((provider) => provider.id === service.providerId)?.nodes.find((node) => node.isTrigger);
		const node = workflows.flatMap((workflow) => workflow.nodes).find((candidate) => candidate.type === trigger?.type && candidate.webhookId);
		if (!node) continue;
		const url = new URL(`webhook/${node.webhookId}/${trigger.webhookPath}`, webhookBaseUrl);
		url.searchParams.set('token', service.dashboardWebhook.token);
		const response = await fetch(service.dashboardWebhook.controlUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ url: url.toString() }),
		});
		if (!response.ok) throw new Error(`${service.name} refused the dashboard webhook URL ${url}: HTTP ${response.status}`);
	}
}
