/**
 * Alpha's API, made for the engine contract suite: JSON, Bearer auth, one job per render, and the
 * result sent to the `notify_url` the render was created with. Jobs end when the test says so
 * (finish) or after a set number of status lookups, so nothing here depends on timing.
 */
import { startSimServer, requireBearer, SimulatorError, type SimServer } from '../../../../simulators/base';
import { postJson, type PostJsonResult } from '../../../../simulators/http';
import { makePng } from '../../../../simulators/png';
import type { ReceivedRequest } from '../recorder';

export type AlphaStatus = 'queued' | 'working' | 'done' | 'failed';

export interface AlphaJob {
	id: string;
	prompt: string;
	notifyUrl?: string;
	status: AlphaStatus;
	lookups: number;
}

export interface AlphaFake {
	url: string;
	apiKey: string;
	server: SimServer;
	jobs: Map<string, AlphaJob>;
	/** Requests that reached a route, parsed. */
	received: ReceivedRequest[];
	/** The image every finished render returns. */
	image: Buffer;
	/** Status lookups after which a render ends by itself (Infinity: only finish() ends it). */
	settings: { lookupsUntilDone: number };
	/** The status answer (and callback body) of a job as it stands. */
	statusBody(job: AlphaJob): Record<string, unknown>;
	/** Ends a job ("fail:" prompts fail) and posts its callback to its notify_url, if it has one. */
	finish(jobId: string): Promise<PostJsonResult | undefined>;
	reset(): void;
	close(): Promise<void>;
}

const API_KEY = 'alpha-key';
const BODY_LIMIT = 1_000_000;

export async function startAlphaFake(): Promise<AlphaFake> {
	const jobs = new Map<string, AlphaJob>();
	const received: ReceivedRequest[] = [];
	const image = makePng(24, 16, 7);
	const settings = { lookupsUntilDone: 2 };
	let nextId = 1;
	let baseUrl = '';

	const record = (call: { route: string; method: string; url: URL; req: { headers: ReceivedRequest['headers'] } }, json?: unknown) =>
		received.push({ route: call.route, method: call.method, path: call.url.pathname, headers: call.req.headers, json, contentType: call.req.headers['content-type'] });

	const end = (job: AlphaJob) => {
		if (job.status === 'done' || job.status === 'failed') return;
		job.status = job.prompt.startsWith('fail:') ? 'failed' : 'done';
	};
	const statusBody = (job: AlphaJob): Record<string, unknown> => ({
		id: job.id,
		status: job.status,
		images: job.status === 'done' ? [`${baseUrl}/files/${job.id}.png`] : [],
		...(job.status === 'failed' ? { error: { message: `the model refused "${job.prompt}"` } } : {}),
	});
	const findJob = (id: string) => {
		const job = jobs.get(id);
		if (!job) throw new SimulatorError(404, `render ${id} not found`);
		return job;
	};

	const server = await startSimServer({
		authenticate: requireBearer(() => API_KEY, { message: 'invalid token' }),
		routes: [
			{
				name: 'create',
				method: 'POST',
				path: '/v1/renders',
				async handle(call) {
					const body = (await call.json(BODY_LIMIT)) as Record<string, unknown>;
					record(call, body);
					if (typeof body.prompt !== 'string' || body.prompt === '') throw new SimulatorError(400, 'prompt is required');
					const job: AlphaJob = { id: `al-${nextId++}`, prompt: body.prompt, status: 'queued', lookups: 0 };
					if (typeof body.notify_url === 'string') job.notifyUrl = body.notify_url;
					jobs.set(job.id, job);
					call.send(201, { id: job.id, status: job.status });
				},
			},
			{
				name: 'status',
				method: 'GET',
				path: '/v1/renders/:id',
				handle(call) {
					record(call);
					const job = findJob(call.params.id);
					job.lookups++;
					if (job.lookups >= settings.lookupsUntilDone) end(job);
					else if (job.status === 'queued') job.status = 'working';
					call.send(200, statusBody(job));
				},
			},
			{
				name: 'styles',
				method: 'GET',
				path: '/v1/styles',
				handle(call) {
					record(call);
					call.send(200, { styles: [{ id: 'oil', name: 'Oil' }, { id: 'ink', name: 'Ink' }] });
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
		server,
		jobs,
		received,
		image,
		settings,
		statusBody,
		async finish(jobId) {
			const job = findJob(jobId);
			end(job);
			return job.notifyUrl ? await postJson(job.notifyUrl, statusBody(job)) : undefined;
		},
		reset() {
			server.reset();
			server.faults.clear();
			jobs.clear();
			received.length = 0;
			settings.lookupsUntilDone = 2;
		},
		close: async () => await server.close(),
	};
}
