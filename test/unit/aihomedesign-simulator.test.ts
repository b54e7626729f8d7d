import * as http from 'http';
import type { AddressInfo } from 'net';
import { sleep } from 'n8n-workflow';

import { CONTROL_WEBHOOK_PATH, startAiHomeDesignSimulator, type AiHomeDesignSimulator } from '../../simulators/aihomedesign';
import { makePng } from '../../simulators/png';

let sim: AiHomeDesignSimulator;
beforeAll(async () => {
	sim = await startAiHomeDesignSimulator({ queueMs: 60, runMs: 120, webhookFirstRetryMs: 30, webhookMaxAttempts: 6 });
});
afterEach(() => sim.reset());
afterAll(async () => await sim.close());

const key = () => ({ 'x-api-key': sim.apiKey });

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = key()) {
	const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
	if (body !== undefined) init.body = JSON.stringify(body);
	const response = await fetch(`${sim.url}${path}`, init);
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/** A multipart order: files as PNGs with their roles in the field given. */
async function order(roles: string[], roleField: 'asset_role' | 'asset_roles' | 'json' = 'asset_role', projectId?: string, fileBytes?: Buffer) {
	const form = new FormData();
	if (projectId) form.append('project_id', projectId);
	roles.forEach((role, index) => {
		form.append('asset_file', new Blob([fileBytes ?? makePng(20, 20, index)], { type: 'image/png' }), `photo-${index}.png`);
		if (roleField !== 'json') form.append(roleField, role);
	});
	if (roleField === 'json') form.append('asset_roles', JSON.stringify(roles));
	const response = await fetch(`${sim.baseUrl}/order`, { method: 'POST', headers: key(), body: form });
	return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function stagingProcess(orderBody: Record<string, any>, extra: Record<string, unknown> = {}) {
	const { order_id, assets } = orderBody.data;
	const widget = 'widget-style-tool-virtual-staging';
	return await api('POST', '/v3/process', {
		order_id,
		tool: 'tool-virtual-staging',
		asset_map: { 'tool-virtual-staging-input-image': assets[0].id },
		widgets: [{ slug: widget, item_slugs: [`item-modern-${widget}`] }],
		...extra,
	});
}

/** A receiver for the dashboard webhook that answers the statuses given, in turn (then 200). */
async function receiver(statuses: number[] = []) {
	const bodies: unknown[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
			res.writeHead(statuses.shift() ?? 200).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=t`;
	return { url, bodies, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('AI Home Design simulator: auth, projects, envelope', () => {
	it('answers a missing or wrong x-api-key 401 with {error, key}, and the credential test call 200', async () => {
		expect(await api('GET', '/v3/project?page=1&limit=1', undefined, {})).toMatchObject({ status: 401, body: { error: 'Unauthorized', key: 'api_error_401' } });
		expect((await api('GET', '/v3/project?page=1&limit=1', undefined, { 'x-api-key': 'nope' })).status).toBe(401);
		expect(await api('GET', '/v3/project?page=1&limit=1')).toMatchObject({ status: 200, body: { data: [], message: 'ok', pagination: { page: 1, limit: 1 } } });
	});

	it('creates projects (201, the whole project), lists them newest first with page, limit ≤ 30 and search; plain answers when switched', async () => {
		const created = await api('POST', '/v3/project', { address: '12 Harbour Street' });
		expect(created).toMatchObject({ status: 201, body: { data: { id: expect.stringMatching(/^[0-9a-f]{24}$/), address: '12 Harbour Street', input_count: 0 }, message: 'ok' } });
		await api('POST', '/v3/project', { address: '3 Mill Lane' });
		expect((await api('GET', '/v3/project?page=1&limit=30')).body.data.map((project: { address: string }) => project.address)).toEqual(['3 Mill Lane', '12 Harbour Street']);
		expect((await api('GET', '/v3/project?s=harbour')).body.data).toHaveLength(1);
		expect((await api('GET', '/v3/project?limit=31')).status).toBe(400);
		expect((await api('POST', '/v3/project', {})).body).toEqual({ error: 'address is required', key: 'api_error_bad_field' });
		sim.setFaults({ envelope: 'plain' });
		expect((await api('POST', '/v3/project', { address: 'x' })).body).toMatchObject({ id: expect.any(String), address: 'x' });
	});
});

describe('AI Home Design simulator: orders and processes', () => {
	it.each(['asset_role', 'asset_roles', 'json'] as const)('takes an upload with its roles as %s', async (field) => {
		const uploaded = await order(['primary_angle', 'mask'], field);
		expect(uploaded).toMatchObject({ status: 201, body: { data: { order_id: expect.any(String), assets: [{ role: 'primary_angle' }, { role: 'mask' }] } } });
		const stored = sim.orders.get(uploaded.body.data.order_id);
		expect(stored?.assets.map((asset) => [asset.fileName, asset.size > 0])).toEqual([['photo-0.png', true], ['photo-1.png', true]]);
	});

	it('refuses uploads without roles, with a bad role, two primaries, a file that is no image, an unknown project, or too large (413)', async () => {
		const bad = async (form: FormData) => (await fetch(`${sim.baseUrl}/order`, { method: 'POST', headers: key(), body: form })).status;
		const noRole = new FormData();
		noRole.append('asset_file', new Blob([makePng(8, 8, 1)]), 'a.png');
		expect(await bad(noRole)).toBe(400);
		expect((await order(['front'])).status).toBe(400);
		expect((await order(['primary_angle', 'primary_angle'])).status).toBe(400);
		expect((await order(['primary_angle'], 'asset_role', undefined, Buffer.from('<html></html>'))).body.error).toMatch(/not a JPG, PNG or WEBP/);
		expect((await order(['primary_angle'], 'asset_role', 'ffffffffffffffffffffffff')).status).toBe(404);
		sim.setFaults({ bodyLimitBytes: 1000 });
		expect((await order(['primary_angle'], 'asset_role', undefined, Buffer.concat([makePng(8, 8, 1), Buffer.alloc(5000)]))).status).toBe(413);
	});

	it('walks a process through pending, processing and done; GET /process names results src and thumbnail_src', async () => {
		const started = await stagingProcess((await order(['primary_angle'])).body);
		expect(started).toMatchObject({ status: 201, body: { data: { process_ids: [expect.any(String)] }, message: 'ok' } });
		const id = started.body.data.process_ids[0];
		expect((await api('GET', `/v3/process/${id}`)).body.data.status).toBe('pending');
		await sleep(100);
		expect((await api('GET', `/v3/process/${id}`)).body.data.status).toBe('processing');
		await sleep(150);
		const done = (await api('GET', `/v3/process/${id}`)).body.data;
		expect(done).toMatchObject({ status: 'done', tool: 'tool-virtual-staging', final_assets: [{ asset_type: 'image', src: expect.stringContaining('/files/'), thumbnail_src: expect.stringContaining('_thumb') }] });
		const file = await fetch(done.final_assets[0].src);
		expect([file.status, file.headers.get('content-type')]).toEqual([200, 'image/png']);
		expect((await api('GET', '/v3/process/nope')).status).toBe(404);
	});

	it('answers process_id unwrapped when switched, and a process_group_id only for mask removal', async () => {
		sim.setFaults({ envelope: 'plain' });
		const uploaded = await order(['primary_angle', 'mask']);
		const [photo, mask] = uploaded.body.assets;
		const masked = await api('POST', '/v3/process', { order_id: uploaded.body.order_id, tool: 'tool-item-removal-mask', asset_map: { 'tool-item-removal-mask-input-image': photo.id, 'tool-item-removal-mask-input-mask': mask.id }, widgets: [] });
		expect(masked.body).toEqual({ process_id: expect.any(String), process_group_id: expect.any(String) });
		const plain = await api('POST', '/v3/process', { order_id: uploaded.body.order_id, tool: 'tool-item-removal', asset_map: { 'tool-item-removal-input-image': photo.id } });
		expect(plain.body).toEqual({ process_id: expect.any(String) });
	});

	it('answers 422 to an asset_map or widget mismatch, 403 to a tool outside the plan, 400 to an unknown tool, 404 to an unknown order', async () => {
		const uploaded = (await order(['primary_angle'])).body;
		const { order_id, assets } = uploaded.data;
		const start = (body: Record<string, unknown>) => api('POST', '/v3/process', { order_id, ...body });
		const wrongKey = await start({ tool: 'tool-virtual-staging', asset_map: { 'tool-virtual-staging-input-mask': assets[0].id } });
		expect(wrongKey).toMatchObject({ status: 422, body: { key: 'api_error_asset_map_mismatch' } });
		const foreignWidget = await stagingProcess(uploaded, { widgets: [{ slug: 'widget-material-tool-floor-change', item_slugs: ['item-oak-widget-material-tool-floor-change'] }] });
		expect(foreignWidget).toMatchObject({ status: 422, body: { key: 'api_error_widget_mismatch', error: expect.stringContaining('is not a widget of tool-virtual-staging') } });
		const unknownStyle = await stagingProcess(uploaded, { widgets: [{ slug: 'widget-style-tool-virtual-staging', item_slugs: ['item-baroque-widget-style-tool-virtual-staging'] }] });
		expect(unknownStyle.status).toBe(422);
		expect((await start({ tool: 'tool-teleport', asset_map: {} })).status).toBe(400);
		expect((await api('POST', '/v3/process', { order_id: 'nope', tool: 'tool-item-removal', asset_map: {} })).status).toBe(404);
		sim.setFaults({ planTools: ['tool-item-removal'] });
		expect(await stagingProcess(uploaded)).toMatchObject({ status: 403, body: { key: 'api_error_tool_not_in_plan' } });
		expect(sim.processes.size).toBe(0);
	});

	it('allows 10 generations per 10 minutes and answers the 11th 429 with Retry-After', async () => {
		const uploaded = (await order(['primary_angle'])).body;
		const statuses: number[] = [];
		for (let generation = 0; generation < 11; generation++) statuses.push((await stagingProcess(uploaded)).status);
		expect(statuses).toEqual([...Array(10).fill(201), 429]);
		const limited = await stagingProcess(uploaded);
		expect(limited.body.error).toMatch(/^rate-limit exceeded/);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(500);
	});

	it('fault switches: 429, 500 and garbage for the next requests', async () => {
		sim.setFaults({ rateLimitNext: 1, failNext: 1, garbageNext: 1 });
		const statuses = [];
		for (let call = 0; call < 4; call++) statuses.push((await fetch(`${sim.baseUrl}/project`, { headers: key() })).status);
		expect(statuses).toEqual([500, 200, 429, 200]);
	});
});

describe('AI Home Design simulator: dashboard webhook and catalogue', () => {
	it('posts the seed body to the URL set at runtime, retrying until a 2xx', async () => {
		const hook = await receiver([500, 503]);
		expect(await (await fetch(`${sim.url}${CONTROL_WEBHOOK_PATH}`, { method: 'POST', body: JSON.stringify({ url: hook.url }) })).json()).toEqual({ webhookUrl: hook.url });
		const id = (await stagingProcess((await order(['primary_angle'])).body)).body.data.process_ids[0];
		const deliveries = await sim.waitForDeliveries(1, 5000);
		expect(sim.deliveries.map((attempt) => attempt.statusCode)).toEqual([500, 503, 200]);
		expect(deliveries[0].url).toBe(hook.url);
		sim.setFaults({ requireHttpsWebhook: true });
		const plain = await fetch(`${sim.url}${CONTROL_WEBHOOK_PATH}`, { method: 'POST', body: JSON.stringify({ url: hook.url }) });
		expect([plain.status, ((await plain.json()) as { error: string }).error]).toEqual([400, 'Your webhook URL must use https://']);
		expect(hook.bodies[2]).toEqual({
			event: 'process.completed',
			process_id: id,
			order_id: expect.any(String),
			tool: 'tool-virtual-staging',
			status: 'done',
			final_assets: [{ asset_id: expect.any(String), asset_type: 'image', temp_src: expect.stringContaining('/files/'), temp_thumbnail_src: expect.stringContaining('_thumb.png') }],
		});
		await hook.close();
	});

	it('sends failed processes with no assets, older products’ bodies to the same URL when switched, and nothing when dropped', async () => {
		const hook = await receiver();
		sim.setFaults({ webhookUrl: hook.url, outcome: 'failed', legacyEvents: true });
		await stagingProcess((await order(['primary_angle'])).body);
		await sim.waitForDeliveries(3, 5000);
		expect(hook.bodies).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ service_name: 'virtual-staging', image: expect.any(Object), user_id: 'user-sim' }),
				expect.objectContaining({ generated_image_id: expect.any(String), upscaled_image_src: expect.any(String) }),
				expect.objectContaining({ event: 'process.completed', status: 'failed', final_assets: [] }),
			]),
		);
		sim.setFaults({ dropWebhooks: true, legacyEvents: false });
		await stagingProcess((await order(['primary_angle'])).body);
		await sleep(400);
		expect(hook.bodies).toHaveLength(3);
		await hook.close();
	});

	it('serves the live catalogue without a key, with inactive tools, and fails it when switched', async () => {
		const catalogue = await api('GET', '/api/tools', undefined, {});
		expect(catalogue.status).toBe(200);
		expect(catalogue.body.data).toContainEqual({ id: expect.any(Number), name: 'Sky Change', slug: 'tool-sky-change', isActive: false });
		expect(catalogue.body.data).toContainEqual(expect.objectContaining({ slug: 'tool-virtual-staging', isActive: true }));
		sim.setFaults({ catalogueDown: true });
		expect((await api('GET', '/api/tools', undefined, {})).status).toBe(500);
	});
});
