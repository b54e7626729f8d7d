/**
 * AI Home Design's routes below `/v3`: project create and list, the multipart order upload, process
 * start and status; the live tool catalogue at `/api/tools` (app.aihomedesign.com, no auth); and,
 * outside the API, result files (the `temp_src` URLs), sample photos, and the simulator's own control
 * path for the dashboard webhook URL (`POST /_sim/webhook {url}`), which `npm start` uses.
 */
import { SimulatorError, type SimCall, type SimRoute, type UploadedFile } from '../base';
import { makePng } from '../png';
import { liveCatalogue } from './catalog';
import type { AiHomeDesignSimulatorConfig } from './config';
import { objectId, type AccountState } from './state';
import { ApiError, checkProcess, checkUpload } from './validate';

export const CONTROL_WEBHOOK_PATH = '/_sim/webhook';

export function resultImage(name: string, side: number): Buffer {
	const seed = [...name].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 11);
	return makePng(side, side, seed);
}

export function aiHomeDesignRoutes(config: AiHomeDesignSimulatorConfig, state: AccountState): SimRoute[] {
	/** A success answer in the configured form: wrapped `{data, message: "ok"}` or the payload alone. */
	const answer = (call: SimCall, status: number, data: unknown, extra: Record<string, unknown> = {}) =>
		call.send(status, config.envelope === 'wrapped' ? { data, message: 'ok', ...extra } : data);

	const api = (name: string, method: string, path: string, handle: SimRoute['handle'], rateLimit?: SimRoute['rateLimit']): SimRoute => ({
		name,
		method,
		path: `/v3${path}`,
		rateLimit,
		handle: async (call) => {
			try {
				await handle(call);
			} catch (error) {
				if (!(error instanceof ApiError)) throw error;
				call.send(error.statusCode, { error: error.message, key: error.key }, error.headers);
			}
		},
	});

	const open = (name: string, method: string, path: string, handle: SimRoute['handle']): SimRoute => ({ name, method, path, auth: false, faults: false, handle });

	return [
		api('createProject', 'POST', '/project', async (call) => {
			const body = (await call.json(100_000)) as Record<string, unknown>;
			if (typeof body.address !== 'string' || !body.address.trim()) throw new ApiError(400, 'address is required', 'api_error_bad_field');
			const project = state.createProject(body.address.trim());
			answer(call, 201, projectBody(project));
		}),
		api('listProjects', 'GET', '/project', (call) => {
			const page = Math.max(1, Number(call.query.get('page') ?? 1) || 1);
			const limit = Number(call.query.get('limit') ?? 10) || 10;
			if (limit > 30) throw new ApiError(400, 'limit must be at most 30', 'api_error_bad_field');
			const search = (call.query.get('s') ?? '').toLowerCase();
			const sort = call.query.get('sort') ?? 'desc';
			let projects = [...state.projects.values()].filter((project) => project.address.toLowerCase().includes(search));
			if (sort !== 'asc') projects = projects.reverse();
			const slice = projects.slice((page - 1) * limit, page * limit).map(projectBody);
			answer(call, 200, slice, { pagination: { page, limit, total: projects.length } });
		}),
		api('order', 'POST', '/order', async (call) => {
			const tooLarge = `Request entity too large: uploads are limited to ${Math.round(config.bodyLimitBytes / 1_000_000)} MB`;
			const form = await call.multipart(config.bodyLimitBytes, tooLarge);
			const { roles, field } = checkUpload(form);
			const projectId = form.fields.project_id?.[0] || undefined;
			if (projectId && !state.projects.has(projectId)) throw new ApiError(404, `Project '${projectId}' not found`, 'api_error_not_found');
			const files = form.files.filter((file) => file.field === 'asset_file');
			const assets = files.map((file: UploadedFile, index) => ({ id: objectId(), role: roles[index], fileName: file.fileName, mimeType: file.mimeType, size: file.data.length }));
			const order = state.createOrder(projectId, assets, field);
			answer(call, 201, { order_id: order.id, ...(projectId ? { project_id: projectId } : {}), assets: assets.map(({ id, role }) => ({ id, role })) });
		}),
		api(
			'process',
			'POST',
			'/process',
			async (call) => {
				const { request, order } = checkProcess(await call.json(1_000_000), state.orders, config);
				// Only mask removal makes a group (the docs: the id comes back for such tools only).
				const groupId = request.tool === 'tool-item-removal-mask' ? (request.process_group_id ?? objectId()) : request.process_group_id;
				const job = state.startProcess(order, request.tool, request.asset_map, request.widgets, groupId);
				const group = groupId ? { process_group_id: groupId } : {};
				if (config.envelope === 'wrapped') call.send(201, { data: { process_ids: [job.id], ...group }, message: 'ok' });
				else call.send(201, { process_id: job.id, ...group });
			},
			(call) => ({
				limit: config.generationsPerWindow,
				windowMs: config.generationWindowMs,
				key: String(call.req.headers['x-api-key']),
				message: `rate-limit exceeded, at most ${config.generationsPerWindow} generations per ${Math.round(config.generationWindowMs / 60_000)} minutes`,
			}),
		),
		api('getProcess', 'GET', '/process/:processId', (call) => {
			const job = state.process(call.params.processId);
			if (!job) throw new ApiError(404, `Process '${call.params.processId}' not found`, 'api_error_not_found');
			answer(call, 200, state.processBody(job));
		}),
		{ name: 'unknown', method: '*', path: '/v3/*', handle: () => { throw new SimulatorError(404, 'Not Found'); } },
		open('catalogue', 'GET', '/api/tools', (call) => {
			if (config.catalogueDown) throw new SimulatorError(500, 'Internal Server Error');
			call.send(200, { data: liveCatalogue() });
		}),
		open('files', 'GET', '/files/:file', (call) => {
			const name = call.params.file.replace(/\.png$/, '');
			if (!state.hasResult(name.replace(/_thumb$/, ''))) throw new SimulatorError(404, 'No such file');
			sendPng(call, resultImage(name, name.endsWith('_thumb') ? 16 : config.outputSide));
		}),
		open('samples', 'GET', '/samples/:file', (call) => {
			const big = /^big-(\d+)\.png$/.exec(call.params.file);
			sendPng(call, big ? Buffer.concat([makePng(32, 32, 3), Buffer.alloc(Number(big[1]))]) : makePng(96, 64, call.params.file.length));
		}),
		open('control', 'POST', CONTROL_WEBHOOK_PATH, async (call) => {
			const body = (await call.json(10_000)) as Record<string, unknown>;
			if (typeof body.url !== 'string') throw new SimulatorError(400, 'Send {"url": "<webhook URL>"} (an empty string unsets it)');
			if (body.url && config.requireHttpsWebhook && !body.url.startsWith('https://')) throw new SimulatorError(400, 'Your webhook URL must use https://');
			config.webhookUrl = body.url;
			call.send(200, { webhookUrl: config.webhookUrl });
		}),
		open('controlRead', 'GET', CONTROL_WEBHOOK_PATH, (call) => call.send(200, { webhookUrl: config.webhookUrl })),
	];
}

function projectBody(project: { id: string; address: string; createdAt: string; inputCount: number }) {
	return { id: project.id, address: project.address, cover_src: null, input_count: project.inputCount, result_count: 0, created_at: project.createdAt };
}

function sendPng(call: SimCall, bytes: Buffer): void {
	call.req.resume();
	call.res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
	call.res.end(bytes);
}
