import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { AiHomeDesignApi } from '../../credentials/AiHomeDesignApi.credentials';
import { AiHomeDesign } from '../../nodes/AiHomeDesign/AiHomeDesign.node';
import { chain, createNode, startNode, testCredential } from '../harness';
import { PNG_SIGNATURE, makePng } from '../../simulators/png';
import { aiHomeDesignCredentials, aiHomeDesignNode, loadTools, photoItem, searchProjects, useAiHomeDesignWorld } from './aihomedesign-setup';

const world = useAiHomeDesignWorld();
const NODE = 'AI Home Design';

async function run(parameters: IDataObject, inputItems: IDataObject[] = [photoItem()], credentials: IDataObject = {}, extra: IDataObject = {}) {
	return await world.host.runWorkflow({
		nodes: [startNode(), { ...aiHomeDesignNode(parameters), ...extra }],
		connections: chain('Start', NODE),
		credentials: { ...aiHomeDesignCredentials(world.sim), ...credentials },
		inputItems,
	});
}

/** A project made through the simulator's API, as another client would; its id. */
async function createProjectAt(address: string): Promise<string> {
	const response = await fetch(`${world.sim.baseUrl}/project`, { method: 'POST', headers: { 'x-api-key': world.sim.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ address }) });
	const answer = (await response.json()) as { id?: string; data?: { id: string } };
	return (answer.data?.id ?? answer.id) as string;
}

const calls = (route: string) => world.sim.requests.filter((request) => request.route === route);
const onlyProcess = () => {
	const processes = [...world.sim.processes.values()];
	expect(processes).toHaveLength(1);
	return processes[0];
};
const onlyOrder = () => {
	const orders = [...world.sim.orders.values()];
	expect(orders).toHaveLength(1);
	return orders[0];
};

describe('AI Home Design node: Render', () => {
	it("Don't Wait: creates the project from the address, uploads the photo, starts the tool with its widgets, and returns every step's id", async () => {
		const photo = makePng(40, 30, 9);
		const result = (await run({ projectMode: 'address', address: '12 Harbour Street', correlationId: 'listing-4711' }, [photoItem({ data: photo })])).assertStatus('success');
		const [item] = result.json(NODE);
		const [project] = [...world.sim.projects.values()];
		const order = onlyOrder();
		const process = onlyProcess();
		expect(project.address).toBe('12 Harbour Street');
		expect(order).toMatchObject({ projectId: project.id, roleField: 'asset_role', assets: [{ role: 'primary_angle', fileName: 'data.png', mimeType: 'image/png', size: photo.length }] });
		expect(process).toMatchObject({
			orderId: order.id,
			tool: 'tool-virtual-staging',
			assetMap: { 'tool-virtual-staging-input-image': order.assets[0].id },
			widgets: [
				{ slug: 'widget-space-tool-virtual-staging', item_slugs: ['item-living-room-widget-space-tool-virtual-staging'] },
				{ slug: 'widget-style-tool-virtual-staging', item_slugs: ['item-modern-widget-style-tool-virtual-staging'] },
			],
		});
		expect(item).toMatchObject({
			provider: 'aiHomeDesign',
			jobId: process.id,
			status: 'pending',
			correlationId: 'listing-4711',
			request: { tool: 'tool-virtual-staging', project_id: project.id, order_id: order.id, asset_ids: [order.assets[0].id], process_id: process.id },
		});
		expect(calls('getProcess')).toHaveLength(0);
	});

	it('Poll: never faster than every 5 s, ends with the image as binary and keeps the ids of every step', async () => {
		const result = (await run({ waitFor: 'poll', waitOptions: { pollInterval: 0.1, timeout: 60 } })).assertStatus('success');
		const [item] = result.json(NODE);
		const process = onlyProcess();
		expect(item).toMatchObject({ jobId: process.id, status: 'completed', outputs: [{ binaryProperty: 'data', mimeType: 'image/png', thumbnailUrl: expect.stringContaining('_thumb.png') }] });
		expect(item.request).toMatchObject({ order_id: process.orderId, asset_ids: [expect.any(String)], process_id: process.id, tool: 'tool-virtual-staging' });
		expect((await result.binary(NODE, 'data')).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
		const polls = calls('getProcess');
		expect(polls).toHaveLength(1);
		expect(polls[0].at - calls('process')[0].at).toBeGreaterThanOrEqual(4900);
	}, 30_000);

	it('takes photos by URL into an existing project, reads unwrapped answers, and sends roles as asset_roles when asked', async () => {
		world.sim.setFaults({ envelope: 'plain' });
		const project = await fetch(`${world.sim.baseUrl}/project`, { method: 'POST', headers: { 'x-api-key': world.sim.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ address: 'Mill Lane 3' }) }).then(async (response) => (await response.json()) as { id: string });
		const result = (await run({ imageSource: 'url', imageUrl: world.sim.sampleUrl('kitchen.png'), projectMode: 'existing', projectId: { __rl: true, mode: 'list', value: project.id }, uploadOptions: { roleField: 'asset_roles' } }, [{}])).assertStatus('success');
		expect(onlyOrder()).toMatchObject({ projectId: project.id, roleField: 'asset_roles', assets: [{ fileName: 'kitchen.png' }] });
		expect(result.json(NODE)[0]).toMatchObject({ jobId: onlyProcess().id, request: { project_id: project.id } });
	});

	it('takes the Existing Project also when Project is an expression per item (no displayOptions to resolve it by)', async () => {
		const projectId = await createProjectAt('Quay Road 5');
		(await run({ projectMode: "={{ $json.projectId ? 'existing' : 'default' }}", projectId: { __rl: true, mode: 'id', value: '={{ $json.projectId }}' } }, [photoItem(undefined, { projectId })])).assertStatus('success');
		expect(onlyOrder().projectId).toBe(projectId);
	});

	it.each<[string, IDataObject, Record<string, Buffer>, IDataObject[], Record<string, string>]>([
		['tool-item-removal-mask', { maskBinaryProperty: 'mask' }, { data: makePng(20, 20, 1), mask: makePng(20, 20, 2) }, [], { 'tool-item-removal-mask-input-image': 'primary_angle', 'tool-item-removal-mask-input-mask': 'mask' }],
		['tool-darkness', { afterBinaryProperty: 'after', darknessFactor: 'darker' }, { data: makePng(20, 20, 1), after: makePng(20, 20, 3) }, [{ slug: 'widget-factor-tool-darkness', item_slugs: ['item-darker-widget-factor-tool-darkness'] }], { 'tool-darkness-input-image-before': 'primary_angle', 'tool-darkness-input-image-after': 'secondary_angle' }],
		['tool-floor-change', { space: 'kitchen', material: 'Oak Parquet' }, { data: makePng(20, 20, 1) }, [{ slug: 'widget-space-tool-floor-change', item_slugs: ['item-kitchen-widget-space-tool-floor-change'] }, { slug: 'widget-material-tool-floor-change', item_slugs: ['item-oak-parquet-widget-material-tool-floor-change'] }], { 'tool-floor-change-input-image': 'primary_angle' }],
		['tool-interior-design', { space: 'bedroom', style: 'scandinavian', palette: 'warm-tones' }, { data: makePng(20, 20, 1) }, [{ slug: 'widget-space-tool-interior-design', item_slugs: ['item-bedroom-widget-space-tool-interior-design'] }, { slug: 'widget-style-tool-interior-design', item_slugs: ['item-scandinavian-widget-style-tool-interior-design'] }, { slug: 'widget-color-tool-interior-design', item_slugs: ['item-warm-tones-widget-color-tool-interior-design'] }], { 'tool-interior-design-input-image': 'primary_angle' }],
		['tool-image-enhancement', { area: 'outdoor', addFireToFireplace: true, addScreenToTv: true }, { data: makePng(20, 20, 1) }, [{ slug: 'widget-area-tool-image-enhancement', item_slugs: ['item-outdoor-widget-area-tool-image-enhancement'] }, { slug: 'widget-options-tool-image-enhancement', item_slugs: ['item-add-fire-to-fireplace-widget-options-tool-image-enhancement', 'item-add-screen-to-tv-widget-options-tool-image-enhancement'] }], { 'tool-image-enhancement-input-image': 'primary_angle' }],
		['tool-day-to-dusk', { sky: 'item-golden-hour-widget-sky-tool-day-to-dusk', lawnTouchUp: true }, { data: makePng(20, 20, 1) }, [{ slug: 'widget-sky-tool-day-to-dusk', item_slugs: ['item-golden-hour-widget-sky-tool-day-to-dusk'] }, { slug: 'widget-options-tool-day-to-dusk', item_slugs: ['item-lawn-touch-up-widget-options-tool-day-to-dusk'] }], { 'tool-day-to-dusk-input-image': 'primary_angle' }],
		['tool-item-removal', {}, { data: makePng(20, 20, 1) }, [], { 'tool-item-removal-input-image': 'primary_angle' }],
	])('%s: uploads the inputs it needs with their roles and sends only its own widgets', async (tool, parameters, files, widgets, roles) => {
		(await run({ tool, ...parameters }, [photoItem(files)])).assertStatus('success');
		const order = onlyOrder();
		const process = onlyProcess();
		expect(process.widgets).toEqual(widgets);
		const roleOf = Object.fromEntries(Object.entries(process.assetMap).map(([key, id]) => [key, order.assets.find((asset) => asset.id === id)?.role]));
		expect(roleOf).toEqual(roles);
		expect(process.processGroupId !== undefined).toBe(tool === 'tool-item-removal-mask');
	});

	it('a process AI Home Design reports as failed ends as failed with its message', async () => {
		world.sim.setFaults({ outcome: 'failed' });
		const result = (await run({ waitFor: 'poll' })).assertStatus('success');
		expect(result.json(NODE)[0]).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('as failed') } });
	}, 30_000);
});

describe('AI Home Design node: a Render that stops half-way names the step and the ids made, and sends nothing twice', () => {
	const address = { projectMode: 'address', address: '1 Test Road' };

	it('Create Project fails (500): nothing was made, nothing retried', async () => {
		world.sim.faults.next('serverError', 1, 'createProject');
		const result = await run(address);
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/^Render stopped at step "Create Project": AI Home Design answered 500.*Nothing was made at AI Home Design before it\.$/);
		expect(result.error?.description).toMatch(/Not sent again/);
		expect(calls('createProject')).toHaveLength(1);
		expect(calls('order')).toHaveLength(0);
	});

	it('Upload Order fails (500): names the project made; the upload is not retried', async () => {
		world.sim.faults.next('serverError', 1, 'order');
		const result = await run(address);
		result.assertStatus('error');
		const [project] = [...world.sim.projects.values()];
		expect(result.error?.message).toMatch(new RegExp(`^Render stopped at step "Upload Order": AI Home Design answered 500.*Already made: project_id ${project.id}\\.$`));
		expect(calls('order')).toHaveLength(1);
		expect(calls('process')).toHaveLength(0);
	});

	it('Start Process fails (500): names the project, the order and its assets; the process is not retried', async () => {
		world.sim.faults.next('serverError', 1, 'process');
		const result = await run(address);
		result.assertStatus('error');
		const order = onlyOrder();
		expect(result.error?.message).toContain(`Render stopped at step "Start Process": AI Home Design answered 500`);
		expect(result.error?.message).toContain(`Already made: project_id ${order.projectId}, order_id ${order.id}, asset_ids ["${order.assets[0].id}"].`);
		expect(calls('process')).toHaveLength(1);
	});

	it('a 429 on Start Process (refused before acting) is waited out and sent again, once', async () => {
		world.sim.faults.next('rateLimit', 1, 'process');
		(await run({})).assertStatus('success');
		expect(calls('process').map((call) => call.status)).toEqual([429, 201]);
		expect(world.sim.processes.size).toBe(1);
	});
});

describe('AI Home Design node: bad input gets a clear error', () => {
	it('a wrong API key: 401 with the dashboard hint, at the first step', async () => {
		const result = await run({}, [photoItem()], aiHomeDesignCredentials(world.sim, { apiKey: 'wrong' }));
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/^Render stopped at step "Upload Order": AI Home Design answered 401: Unauthorized/);
		expect(result.error?.description).toMatch(/refused the API key: check it in the API section/);
	});

	it('a tool outside the plan: 403 naming the Enterprise plan, the order kept in the error', async () => {
		world.sim.setFaults({ planTools: ['tool-item-removal'] });
		const result = await run({});
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/Start Process": AI Home Design answered 403: The tool 'tool-virtual-staging' is not included in your plan.*order_id/);
		expect(result.error?.description).toMatch(/Enterprise plan/);
	});

	it('a widget that is not of the tool: AI Home Design’s 422', async () => {
		const extraWidgets = JSON.stringify([{ slug: 'widget-material-tool-floor-change', item_slugs: ['item-oak-widget-material-tool-floor-change'] }]);
		const result = await run({ processOptions: { extraWidgets } });
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/AI Home Design answered 422: Widget 'widget-material-tool-floor-change' is not a widget of tool-virtual-staging/);
	});

	it.each<[string, IDataObject, IDataObject, RegExp]>([
		['a missing mask', { tool: 'tool-item-removal-mask', maskBinaryProperty: 'mask' }, photoItem(), /^The mask is missing \(the item has no binary property "mask"\): tool-item-removal-mask removes what a mask/],
		['a missing after photo', { tool: 'tool-darkness', afterBinaryProperty: 'after' }, photoItem(), /^The after photo is missing/],
		['a missing photo', {}, { json: {} }, /^The photo is missing \(the item has no binary property "data"\)/],
		['an empty material', { tool: 'tool-floor-change', material: '={{ $json.material }}' }, photoItem(), /^Material is empty: tool-floor-change needs the new material/],
		['Extra Widgets that are no list', { processOptions: { extraWidgets: '{"slug": 1}' } }, photoItem(), /^Extra Widgets must be a list/],
	])('%s is refused before any call', async (_label, parameters, item, message) => {
		const result = await run(parameters, [item]);
		result.assertStatus('error');
		expect(result.error?.message).toMatch(message);
		expect(world.sim.requests.filter((request) => request.route !== 'samples')).toEqual([]);
	});

	it('an oversized file: AI Home Design’s 413 at Upload Order', async () => {
		world.sim.setFaults({ bodyLimitBytes: 2000 });
		const big = Buffer.concat([makePng(20, 20, 1), Buffer.alloc(5000)]);
		const result = await run({}, [photoItem({ data: big })]);
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/^Render stopped at step "Upload Order": AI Home Design answered 413: Request entity too large/);
		expect(world.sim.orders.size).toBe(0);
	});

	it('with Continue on Fail, a bad item becomes an error item and the others go on', async () => {
		const items = [photoItem(), { json: {} }, photoItem()];
		const result = (await run({}, items, {}, { onError: 'continueRegularOutput' })).assertStatus('success');
		expect(result.output(NODE).map((item) => [item.json.status ?? 'error', item.pairedItem])).toEqual([
			['pending', { item: 0 }],
			['error', { item: 1 }],
			['pending', { item: 2 }],
		]);
	});
});

describe('AI Home Design node: the steps alone', () => {
	it('Project → Create, then Get Many finds it', async () => {
		const created = (await run({ resource: 'project', operation: 'createProject', projectAddress: '7 Quay Road' }, [{}])).assertStatus('success').json(NODE)[0];
		expect(created).toMatchObject({ id: expect.any(String), address: '7 Quay Road', input_count: 0 });
		const listed = (await run({ resource: 'project', operation: 'listProjects', search: 'quay', limit: 5 }, [{}])).assertStatus('success').json(NODE);
		expect(listed).toEqual([expect.objectContaining({ id: created.id, address: '7 Quay Road' })]);
	});

	it('Upload Order with a second angle and a mask, then Start Process on its assets, then Get Process fetches the result', async () => {
		const files = { data: makePng(20, 20, 1), side: makePng(20, 20, 2), mask: makePng(20, 20, 3) };
		const uploaded = (await run({ resource: 'order', operation: 'uploadOrder', secondaryBinaryProperty: 'side', uploadMaskBinaryProperty: 'mask' }, [photoItem(files)])).assertStatus('success').json(NODE)[0];
		expect(uploaded).toMatchObject({ order_id: onlyOrder().id, asset_ids: onlyOrder().assets.map((asset) => asset.id), asset_roles: ['primary_angle', 'secondary_angle', 'mask'] });

		const assetIds = uploaded.asset_ids as string[];
		const started = (await run({ operation: 'startProcess', tool: 'tool-item-removal-mask', orderId: uploaded.order_id, primaryAssetId: assetIds[0], secondAssetId: assetIds[2] }, [{}])).assertStatus('success').json(NODE)[0];
		expect(started).toMatchObject({ status: 'pending', request: { order_id: uploaded.order_id, process_group_id: expect.any(String) } });

		await sleep(300);
		const fetched = (await run({ operation: 'getProcess', processId: started.jobId }, [{}])).assertStatus('success');
		expect(fetched.json(NODE)[0]).toMatchObject({ jobId: started.jobId, status: 'completed', outputs: [{ binaryProperty: 'data' }] });
	});

	it('Project → Get Many: every page with Return All, pages up to Limit; version 1 reads the page asked for', async () => {
		for (let n = 1; n <= 35; n++) {
			const created = await fetch(`${world.sim.baseUrl}/project`, { method: 'POST', headers: { 'x-api-key': world.sim.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ address: `${n} Long Road` }) });
			expect(created.status).toBe(201);
		}
		const pagesRead = async (parameters: IDataObject) => {
			const before = calls('listProjects').length;
			const listed = (await run({ resource: 'project', operation: 'listProjects', ...parameters }, [{}])).assertStatus('success').json(NODE);
			return { addresses: listed.map((project) => project.address), pages: calls('listProjects').length - before };
		};
		expect(await pagesRead({ returnAll: true, sort: 'asc' })).toEqual({ addresses: Array.from({ length: 35 }, (_, n) => `${n + 1} Long Road`), pages: 2 });
		expect(await pagesRead({ limit: 3 })).toEqual({ addresses: ['35 Long Road', '34 Long Road', '33 Long Road'], pages: 1 });
		expect((await pagesRead({ limit: 31 })).pages).toBe(2);

		const secondPage = (await run({}, [{}], {}, { typeVersion: 1, parameters: { operation: 'listProjects', page: 2, pageSize: 30 } })).assertStatus('success').json(NODE);
		expect(secondPage.map((project) => project.address)).toEqual(['5 Long Road', '4 Long Road', '3 Long Road', '2 Long Road', '1 Long Road']);
	});

	it('the Existing Project picker lists the account’s projects by address, newest first, searches, and pages by 30', async () => {
		const ids: string[] = [];
		for (let n = 1; n <= 32; n++) ids.push(await createProjectAt(`${n} Harbour Row`));
		const quay = await createProjectAt('1 Quay Road');
		expect(await searchProjects(world.sim, 'quay')).toEqual({ results: [{ name: '1 Quay Road', value: quay }], paginationToken: undefined });

		const first = await searchProjects(world.sim);
		expect(first.results).toHaveLength(30);
		expect(first.results.slice(0, 2)).toEqual([{ name: '1 Quay Road', value: quay }, { name: '32 Harbour Row', value: ids[31] }]);
		expect(first.paginationToken).toBe('2');
		const second = await searchProjects(world.sim, '', first.paginationToken);
		expect(second).toEqual({ results: [2, 1, 0].map((n) => ({ name: `${n + 1} Harbour Row`, value: ids[n] })), paginationToken: undefined });
	});

	it('Get Process of an unknown id: 404', async () => {
		const result = await run({ operation: 'getProcess', processId: 'ffffffffffffffffffffffff' }, [{}]);
		result.assertStatus('error');
		expect(result.error?.message).toMatch(/AI Home Design answered 404: Process 'ffffffffffffffffffffffff' not found/);
	});
});

describe('AI Home Design node: version 1 (one flat Operation list) and version 2 (Resource, then Operation)', () => {
	const renderInputs = { tool: 'tool-virtual-staging', space: 'living-room', style: 'modern', imageSource: 'binary', imageBinaryProperty: 'data', waitFor: 'none' };
	async function runVersion(typeVersion: number, parameters: INodeParameters, inputItems: IDataObject[] = [{}]) {
		return await world.host.runWorkflow({
			nodes: [startNode(), createNode(AiHomeDesign, { name: NODE, typeVersion, parameters })],
			connections: chain('Start', NODE),
			credentials: aiHomeDesignCredentials(world.sim),
			inputItems,
		});
	}

	it('version 1, as workflows saved before resources: no resource; List Projects by operation, Render by default, Project ID as text', async () => {
		const created = (await runVersion(1, { operation: 'createProject', projectAddress: '3 Mill Lane' })).assertStatus('success').json(NODE)[0];
		const listed = (await runVersion(1, { operation: 'listProjects', search: 'mill' })).assertStatus('success').json(NODE);
		expect(listed).toEqual([expect.objectContaining({ id: created.id, address: '3 Mill Lane' })]);

		const [rendered] = (await runVersion(1, { ...renderInputs, projectMode: 'existing', projectId: created.id as string }, [photoItem()])).assertStatus('success').json(NODE);
		expect(rendered).toMatchObject({ status: 'pending', jobId: onlyProcess().id, request: { project_id: created.id } });
		expect(onlyOrder().projectId).toBe(created.id);
	});

	it('version 2: Project → Get Many lists; an empty node renders (Process → Render); Order alone defaults to Upload', async () => {
		const created = (await runVersion(2, { resource: 'project', operation: 'createProject', projectAddress: '9 Dock Street' })).assertStatus('success').json(NODE)[0];
		const listed = (await runVersion(2, { resource: 'project', operation: 'listProjects', search: 'dock' })).assertStatus('success').json(NODE);
		expect(listed).toEqual([expect.objectContaining({ id: created.id, address: '9 Dock Street' })]);

		const [rendered] = (await runVersion(2, renderInputs, [photoItem()])).assertStatus('success').json(NODE);
		expect(rendered).toMatchObject({ status: 'pending', jobId: onlyProcess().id });

		const [uploaded] = (await runVersion(2, { resource: 'order', imageSource: 'binary' }, [photoItem()])).assertStatus('success').json(NODE);
		expect(uploaded).toMatchObject({ asset_roles: ['primary_angle'], asset_ids: [expect.any(String)] });
	});
});

describe('AI Home Design node: tools, credential, wait modes', () => {
	it('the tool drop-down lists the live catalogue’s active tools; the documented ones when it is down', async () => {
		const live = await loadTools(world.sim);
		expect(live.map((option) => option.value)).toContain('tool-virtual-staging');
		expect(live.map((option) => option.value)).not.toContain('tool-sky-change');
		expect(live.map((option) => option.value)).not.toContain('tool-furniture-set-restyle');
		world.sim.setFaults({ catalogueDown: true });
		const fallback = await loadTools(world.sim);
		expect(fallback).toHaveLength(14);
		expect(fallback).toContainEqual(expect.objectContaining({ value: 'tool-furniture-restyle', description: expect.stringContaining('documented list: the live catalogue') }));
	});

	it('the credential test calls GET /project?page=1&limit=1 and explains 401 and 403', async () => {
		expect((await testCredential(AiHomeDesignApi, aiHomeDesignCredentials(world.sim).aiHomeDesignApi)).status).toBe('OK');
		expect(world.sim.requests[0]).toMatchObject({ route: 'listProjects', status: 200 });
		const wrong = await testCredential(AiHomeDesignApi, aiHomeDesignCredentials(world.sim, { apiKey: 'nope' }).aiHomeDesignApi);
		expect(wrong).toMatchObject({ status: 'Error', message: expect.stringContaining('refused the API key (401)') });
		world.sim.setFaults({ apiAccess: false });
		const noPlan = await testCredential(AiHomeDesignApi, aiHomeDesignCredentials(world.sim).aiHomeDesignApi);
		expect(noPlan).toMatchObject({ status: 'Error', message: expect.stringContaining('Enterprise plan') });
	});

	it('offers Poll and Don’t Wait, no Wait for Callback (the webhook URL lives in the dashboard)', () => {
		const waitFor = new AiHomeDesign().description.properties.find((property) => property.name === 'waitFor');
		expect(waitFor?.options?.map((option) => ('value' in option ? option.value : undefined))).toEqual(['poll', 'none']);
	});
});
