/**
 * Beta's API, made for the engine contract suite: x-api-key auth, a two-step submit (a multipart
 * upload, then a JSON process start), a status answer of HTTP 500 with the job as JSON for a failed
 * process, and callbacks to one dashboard URL with several event types. Processes end when the test
 * says so (finish) or after a set number of status lookups.
 */
import {
	SimulatorError,
	requireHeaderKey,
	startSimServer,
	type SimCall,
	type SimServer,
} from '../../../../simulators/base';
import { postJson, type PostJsonResult } from '../../../../simulators/http';
import { makePng } from '../../../../simulators/png';
import type { ReceivedRequest } from '../recorder';

export type BetaStatus = 'queued' | 'processing' | 'ready' | 'failed';

export interface BetaProcess {
	uid: string;
	uploadId: string;
	effect: string;
	reference?: string;
	status: BetaStatus;
	lookups: number;
}

export interface BetaFake {
	url: string;
	apiKey: string;
	/** The Webhook Token the fake's account uses; the tests' credential carries the same. */
	webhookToken: string;
	server: SimServer;
	processes: Map<string, BetaProcess>;
	uploads: Map<string, ReceivedRequest['multipart']>;
	received: ReceivedRequest[];
	image: Buffer;
	settings: {
		lookupsUntilDone: number;
		/** The URL pasted into Beta's dashboard: every event goes there. */
		dashboardUrl?: string;
	};
	/** The `data` of a process event and of the status answer. */
	processBody(process: BetaProcess): Record<string, unknown>;
	/** Ends a process (effect "melt" fails) and posts its process.status event to the dashboard URL. */
	finish(uid: string): Promise<PostJsonResult | undefined>;
	/** Posts any event to the dashboard URL. */
	notify(event: string, data: Record<string, unknown>): Promise<PostJsonResult>;
	reset(): void;
	close(): Promise<void>;
}

const API_KEY = 'beta-key';
const WEBHOOK_TOKEN = 'beta-dashboard-token';
const BODY_LIMIT = 5_000_000;

export async function startBetaFake(): Promise<BetaFake> {
	const processes = new Map<string, BetaProcess>();
	const uploads = new Map<string, ReceivedRequest['multipart']>();
	const received: ReceivedRequest[] = [];
	const image = makePng(18, 12, 3);
	const settings: BetaFake['settings'] = { lookupsUntilDone: 2 };
	let nextId = 1;
	let baseUrl = '';

	const record = (call: SimCall, parsed: Pick<ReceivedRequest, 'json' | 'multipart'> = {}) =>
		received.push({
			route: call.route,
			method: call.method,
			path: call.url.pathname,
			headers: call.req.headers,
			contentType: call.req.headers['content-type'],
			...parsed,
		});

	const end = (process: BetaProcess) => {
		if (process.status === 'ready' || process.status === 'failed') return;
		process.status = process.effect === 'melt' ? 'failed' : 'ready';
	};
	const processBody = (process: BetaProcess): Record<string, unknown> => ({
		uid: process.uid,
		status: process.status,
		...(process.reference !== undefined ? { reference: process.reference } : {}),
		...(process.status === 'ready' ? { result_url: `${baseUrl}/files/${process.uid}.png` } : {}),
		...(process.status === 'failed' ? { error: `the ${process.effect} effect destroyed the image` } : {}),
	});
	const findProcess = (uid: string) => {
		const process = processes.get(uid);
		if (!process) throw new SimulatorError(404, `process ${uid} not found`);
		return process;
	};
	const notify = async (event: string, data: Record<string, unknown>) => {
		if (!settings.dashboardUrl) throw new Error('No dashboard URL is set in the Beta fake');
		return await postJson(settings.dashboardUrl, { event, data });
	};

	const server = await startSimServer({
		authenticate: requireHeaderKey('x-api-key', () => API_KEY, { missing: [401, 'missing x-api-key'], wrong: [403, 'unknown x-api-key'] }),
		errorBody: (message) => ({ message }),
		routes: [
			{
				name: 'upload',
				method: 'POST',
				path: '/api/uploads',
				async handle(call) {
					const multipart = await call.multipart(BODY_LIMIT);
					record(call, { multipart });
					const file = multipart.files.find((part) => part.field === 'image');
					if (!file || file.data.length === 0) throw new SimulatorError(400, "multipart field 'image' with a file is required");
					const uploadId = `up-${nextId++}`;
					uploads.set(uploadId, multipart);
					call.send(201, { upload_id: uploadId });
				},
			},
			{
				name: 'process',
				method: 'POST',
				path: '/api/process',
				async handle(call) {
					const body = (await call.json(BODY_LIMIT)) as Record<string, unknown>;
					record(call, { json: body });
					if (typeof body.upload_id !== 'string' || !uploads.has(body.upload_id)) {
						throw new SimulatorError(404, `upload ${String(body.upload_id)} not found`);
					}
					const process: BetaProcess = {
						uid: `bp-${nextId++}`,
						uploadId: body.upload_id,
						effect: String(body.effect ?? 'sharpen'),
						status: 'queued',
						lookups: 0,
					};
					if (typeof body.reference === 'string') process.reference = body.reference;
					processes.set(process.uid, process);
					call.send(201, { process: processBody(process) });
				},
			},
			{
				name: 'status',
				method: 'GET',
				path: '/api/process/:uid',
				handle(call) {
					record(call);
					const process = findProcess(call.params.uid);
					process.lookups++;
					if (process.lookups >= settings.lookupsUntilDone) end(process);
					else if (process.status === 'queued') process.status = 'processing';
					// Beta reports a failed process with HTTP 500 and the process as JSON.
					call.send(process.status === 'failed' ? 500 : 200, processBody(process));
				},
			},
			{
				name: 'file',
				method: 'GET',
				path: '/files/:name',
				auth: false,
				handle(call) {
					call.res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length });
					call.res.end(image);
				},
			},
		],
	});
	baseUrl = server.url;

	return {
		url: server.url,
		apiKey: API_KEY,
		webhookToken: WEBHOOK_TOKEN,
		server,
		processes,
		uploads,
		received,
		image,
		settings,
		processBody,
		async finish(uid) {
			const process = findProcess(uid);
			end(process);
			return settings.dashboardUrl ? await notify('process.status', processBody(process)) : undefined;
		},
		notify,
		reset() {
			server.reset();
			server.faults.clear();
			processes.clear();
			uploads.clear();
			received.length = 0;
			settings.lookupsUntilDone = 2;
			settings.dashboardUrl = undefined;
		},
		close: async () => await server.close(),
	};
}
