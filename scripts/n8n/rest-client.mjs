/**
 * n8n's internal REST API (`/rest/...`) as the editor uses it: owner set-up and login, node and
 * credential types, credentials, workflows and their publication.
 *
 * In 2.40.7, while n8n runs:
 *   POST /rest/credentials {name, type, data}              data in plain text, n8n encrypts it
 *   POST /rest/workflows {name, nodes, connections, ...}   returns {id, versionId}
 *   POST /rest/workflows/:id/activate {versionId}          publish = activate that version
 */
import { sleep } from './commands.mjs';

export const DEFAULT_OWNER = Object.freeze({
	email: 'owner@render-hooks.test',
	password: 'RenderHooks-e2e-1', // n8n wants 8+ characters, a digit and an uppercase letter
	firstName: 'Render',
	lastName: 'Hooks',
});

/**
 * A small client for n8n's REST API and anything else on the instance. It keeps the `n8n-auth`
 * cookie (n8n may refresh it) and sends a fixed `browser-id` header: n8n binds the session
 * cookie to the browser id it was issued with (auth.service.js). `request()` returns the parsed
 * body's `data` field for /rest JSON (n8n wraps results so) and throws with the status and body
 * on non-2xx.
 */
export function createRestClient(baseUrl, { cookie = '', browserId = `render-hooks-${process.pid}-${Date.now()}` } = {}) {
	let authCookie = cookie;

	async function raw(pathname, { method = 'GET', body, headers = {}, timeoutMs = 30_000 } = {}) {
		const response = await fetch(new URL(pathname, baseUrl), {
			method,
			headers: {
				'browser-id': browserId,
				...(authCookie ? { cookie: authCookie } : {}),
				...(body !== undefined ? { 'content-type': 'application/json' } : {}),
				...headers,
			},
			body: body !== undefined ? JSON.stringify(body) : undefined,
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		const issued = response.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
		if (issued) authCookie = issued.split(';')[0];
		return response;
	}

	async function request(pathname, options = {}) {
		const response = await raw(pathname, options);
		const text = await response.text();
		if (!response.ok) {
			throw new Error(`${options.method ?? 'GET'} ${pathname} -> ${response.status}: ${text.slice(0, 500)}`);
		}
		const parsed = text ? JSON.parse(text) : undefined;
		return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	return { baseUrl, browserId, raw, request, get cookie() { return authCookie; } };
}

/**
 * Creates the owner on a fresh instance (POST /rest/owner/setup), or logs in when an owner
 * already exists. Returns a REST client carrying the session cookie.
 */
export async function setupOwnerAndLogin(url, owner = DEFAULT_OWNER) {
	const client = createRestClient(url);
	const setup = await client.raw('/rest/owner/setup', { method: 'POST', body: owner });
	if (setup.ok && client.cookie) return client;
	// Already set up (e.g. a reused user folder): an ordinary login.
	await client.request('/rest/login', {
		method: 'POST',
		body: { emailOrLdapLoginId: owner.email, password: owner.password },
	});
	if (!client.cookie) throw new Error(`owner setup answered ${setup.status} and login set no cookie`);
	return client;
}

/** Node type descriptions as the editor loads them (GET /types/nodes.json, needs the cookie). */
export async function getNodeTypes(client) {
	return typesFile(client, '/types/nodes.json');
}

/** Credential type descriptions as the editor loads them (GET /types/credentials.json). */
export async function getCredentialTypes(client) {
	return typesFile(client, '/types/credentials.json');
}

/**
 * A /types file, read again while it does not parse: n8n rewrites these files after a community
 * package is installed, and a read meanwhile gets part of one (seen with 1.123.81: "Unterminated
 * string in JSON at position 12581184").
 */
async function typesFile(client, pathname, { attempts = 20, delayMs = 500 } = {}) {
	for (let attempt = 1; ; attempt++) {
		try {
			return await client.request(pathname);
		} catch (error) {
			if (!(error instanceof SyntaxError) || attempt >= attempts) throw error;
			await new Promise((resolve) => setTimeout(resolve, delayMs));
		}
	}
}

/** Creates credentials; `credentials` = [{name, type, data}], plain data. Returns them with ids. */
export async function importCredentials(client, credentials) {
	const created = [];
	for (const credential of credentials) {
		created.push(await client.request('/rest/credentials', { method: 'POST', body: credential }));
	}
	return created;
}

/** Creates workflows; returns them as n8n stored them ({id, versionId, ...}). */
export async function importWorkflows(client, workflows) {
	const created = [];
	for (const workflow of workflows) {
		const { id, active, activeVersionId, versionId, shared, ...body } = workflow;
		created.push(await client.request('/rest/workflows', {
			method: 'POST',
			// active:false: 1.x requires the column; 2.x ignores it (publishWorkflow activates).
			body: { settings: { executionOrder: 'v1' }, connections: {}, ...body, ...(id ? { id } : {}), active: false },
		}));
	}
	return created;
}

/**
 * Publishes (activates) a workflow's current version and waits until its triggers are live. In
 * 2.40.7 publishing is asynchronous (N8N_USE_WORKFLOW_PUBLICATION_SERVICE, default on): /activate
 * only queues the version; a worker then registers the triggers and webhooks, and GET
 * /rest/workflows/:id/publication-status reports in_progress -> published (or failed/partial,
 * with each trigger's errorMessage). Until then its webhooks answer 404.
 */
export async function publishWorkflow(client, workflowId, { timeoutMs = 60_000 } = {}) {
	const workflow = await client.request(`/rest/workflows/${workflowId}`);
	const activated = await client.request(`/rest/workflows/${workflowId}/activate`, {
		method: 'POST',
		body: { versionId: workflow.versionId },
	});
	await waitForPublication(client, workflowId, workflow.versionId, timeoutMs);
	return activated;
}

async function waitForPublication(client, workflowId, versionId, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	let status;
	while (Date.now() < deadline) {
		const response = await client.raw(`/rest/workflows/${workflowId}/publication-status`);
		if (response.status === 404) return; // publication service switched off: /activate was synchronous
		status = (await response.json()).data;
		if (status.status === 'published' && status.liveVersionId === versionId) return;
		if (status.status === 'failed' || status.status === 'partial') {
			throw new Error(`publishing workflow ${workflowId} ${status.status}: ` +
				status.triggers.filter((trigger) => trigger.errorMessage).map((trigger) => trigger.errorMessage).join('; '));
		}
		await sleep(250);
	}
	throw new Error(`workflow ${workflowId} not published within ${timeoutMs / 1000}s; last status ${JSON.stringify(status)}`);
}

export async function unpublishWorkflow(client, workflowId) {
	return client.request(`/rest/workflows/${workflowId}/deactivate`, { method: 'POST', body: {} });
}

/** Settings > Community nodes: the installed packages, as the screen lists them. */
export async function listCommunityPackages(client) {
	return client.request('/rest/community-packages');
}

/**
 * Installs a community package as Settings > Community Nodes > Install does (POST), or updates it
 * when it is installed already (PATCH, which fetches the version again): n8n runs npm, loads the
 * package and writes its rows. Returns what n8n answers ({packageName, installedVersion, installedNodes}).
 */
export async function installCommunityPackage(client, { name, version, timeoutMs = 5 * 60_000 }) {
	const installed = (await listCommunityPackages(client)).some((entry) => entry.packageName === name);
	return client.request('/rest/community-packages', { method: installed ? 'PATCH' : 'POST', body: { name, version }, timeoutMs });
}

/** Settings > Community nodes > Uninstall. */
export async function uninstallCommunityPackage(client, name) {
	return client.request(`/rest/community-packages?name=${encodeURIComponent(name)}`, { method: 'DELETE' });
}
