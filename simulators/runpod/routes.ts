/**
 * RunPod's routes: the serverless API (`/v2/{endpointId}/...`) and, of the management REST API
 * (`/v1`), the endpoint list the credential test calls.
 */
import { randomUUID } from 'crypto';
import { SimulatorError, describeLimit, tooManyRequests, type SimCall, type SimRoute } from '../base';
import type { RunPodRoute, RunPodSimulatorConfig } from './config';
import type { RunPodJobs } from './jobs';
import { parseSubmitBody } from './submit';
import { streamChunksOf } from './worker';
import { makePng } from '../png';

const SECOND = 1000;
const RUNSYNC_WAIT_MIN_MS = 1000;
const RUNSYNC_WAIT_MAX_MS = 300 * SECOND;

/**
 * The account's endpoints in `GET /v1/endpoints` (RunPod's REST API answers an array of endpoint
 * objects). Any other id is served too; these give the editor's endpoint picker something to list.
 */
export const SIMULATED_ENDPOINTS = [
	{ id: 'sim-endpoint', name: 'Simulated A1111 worker', templateId: 'sim-a1111-template', gpuTypeIds: ['NVIDIA GeForce RTX 4090'] },
	{ id: 'sim-comfyui', name: 'worker-comfyui FLUX.1 schnell', templateId: 'sim-comfyui-template', gpuTypeIds: ['NVIDIA RTX A6000'] },
	{ id: 'sim-comfy-legacy', name: 'runpod-worker-comfy (older)', templateId: 'sim-comfy-template', gpuTypeIds: ['NVIDIA RTX A5000'] },
];

export function runPodRoutes(config: RunPodSimulatorConfig, jobs: RunPodJobs): SimRoute[] {
	/** RunPod's published per-route limits, per endpoint; a route left out of config.rateLimits is unlimited. */
	const limitedBy = (route: RunPodRoute, segment: string) => (call: SimCall) => {
		const limit = config.rateLimits[route];
		if (limit === undefined) return undefined;
		const seconds = Math.round(config.rateLimitWindowMs / 1000);
		return {
			limit,
			windowMs: config.rateLimitWindowMs,
			key: call.params.endpointId,
			message: `Too Many Requests: /${segment} allows ${limit} requests per ${seconds} s`,
		};
	};

	/** The job named in the path, on the endpoint named in the path, or 404. */
	const jobOf = (call: SimCall, now: number) => {
		const job = jobs.find(call.params.endpointId, call.params.jobId, now);
		if (!job) throw new SimulatorError(404, `Job ${call.params.jobId} not found`);
		return job;
	};

	async function submit(call: SimCall, route: 'run' | 'runsync'): Promise<void> {
		const endpointId = call.params.endpointId;
		if (route === 'run') {
			const unfinished = jobs.ofEndpoint(endpointId, Date.now()).filter((job) => !job.final).length;
			if (unfinished >= config.runMaxConcurrentJobs) {
				throw tooManyRequests(
					`Too many concurrent jobs: /run allows ${config.runMaxConcurrentJobs} unfinished jobs per endpoint`,
					1000,
				);
			}
		}
		let waitMs = config.runsyncDefaultWaitMs;
		if (route === 'runsync' && call.query.has('wait')) {
			waitMs = Number(call.query.get('wait'));
			if (!Number.isInteger(waitMs) || waitMs < RUNSYNC_WAIT_MIN_MS || waitMs > RUNSYNC_WAIT_MAX_MS) {
				throw new SimulatorError(
					400,
					`wait must be an integer between ${RUNSYNC_WAIT_MIN_MS} and ${RUNSYNC_WAIT_MAX_MS} (ms)`,
				);
			}
		}
		const limit = route === 'run' ? config.runBodyLimitBytes : config.runsyncBodyLimitBytes;
		const body = await call.json(limit, `Request body too large: /${route} accepts at most ${describeLimit(limit)}`);
		const request = parseSubmitBody(body, config.policyLimits);
		const id = route === 'runsync' ? `sync-${randomUUID()}` : `${randomUUID()}-u1`;
		const job = jobs.create(endpointId, route, request, Date.now(), id);
		if (route === 'run') return call.send(200, { id: job.id, status: 'IN_QUEUE' });
		await jobs.waitForFinal(job, waitMs);
		const answeredAt = Date.now();
		if (job.final) return call.send(200, jobs.statusBody(job, answeredAt));
		call.send(200, { id: job.id, status: jobs.statusOf(job, answeredAt) });
	}

	function health(call: SimCall): void {
		const now = Date.now();
		const counts = { completed: 0, failed: 0, inProgress: 0, inQueue: 0 };
		for (const job of jobs.ofEndpoint(call.params.endpointId, now)) {
			const status = jobs.statusOf(job, now);
			if (status === 'COMPLETED') counts.completed++;
			else if (status === 'FAILED' || status === 'TIMED_OUT') counts.failed++;
			else if (status === 'IN_PROGRESS') counts.inProgress++;
			else if (status === 'IN_QUEUE') counts.inQueue++;
		}
		const running = Math.min(counts.inProgress, config.workerCount);
		call.send(200, {
			jobs: { ...counts, retried: jobs.retriedCount(call.params.endpointId) },
			workers: { idle: config.workerCount - running, running },
		});
	}

	function purgeQueue(call: SimCall): void {
		const now = Date.now();
		let removed = 0;
		for (const job of jobs.ofEndpoint(call.params.endpointId, now)) {
			if (jobs.statusOf(job, now) === 'IN_QUEUE') {
				jobs.remove(job);
				removed++;
			}
		}
		call.send(200, { removed, status: 'completed' });
	}

	function stream(call: SimCall): void {
		const now = Date.now();
		const job = jobOf(call, now);
		const status = jobs.statusOf(job, now);
		const chunks = job.final?.status === 'COMPLETED' ? streamChunksOf(job.final.output) : [];
		const fresh = chunks.slice(job.streamCursor);
		job.streamCursor = chunks.length;
		const body: Record<string, unknown> = { status, stream: fresh };
		if (job.final?.error !== undefined) body.error = job.final.error;
		call.send(200, body);
	}

	function retry(call: SimCall): void {
		const now = Date.now();
		const job = jobOf(call, now);
		const status = jobs.statusOf(job, now);
		if (status !== 'FAILED' && status !== 'TIMED_OUT') {
			throw new SimulatorError(400, `Job ${job.id} is ${status}; only FAILED or TIMED_OUT jobs can be retried`);
		}
		jobs.retry(job, now);
		call.send(200, { id: job.id, status: 'IN_QUEUE' });
	}

	const serverless = (route: RunPodRoute, method: string, path: string, handle: SimRoute['handle']): SimRoute => ({
		name: route,
		method,
		path: `/v2/:endpointId/${path}`,
		rateLimit: limitedBy(route, path.split('/')[0]),
		handle,
	});

	return [
		serverless('run', 'POST', 'run', (call) => submit(call, 'run')),
		serverless('runsync', 'POST', 'runsync', (call) => submit(call, 'runsync')),
		serverless('status', 'GET', 'status/:jobId', (call) => {
			const now = Date.now();
			call.send(200, jobs.statusBody(jobOf(call, now), now));
		}),
		serverless('stream', 'GET', 'stream/:jobId', stream),
		serverless('cancel', 'POST', 'cancel/:jobId', (call) => {
			const now = Date.now();
			const job = jobOf(call, now);
			jobs.cancel(job, now);
			call.send(200, { id: job.id, status: jobs.statusOf(job, now) });
		}),
		serverless('retry', 'POST', 'retry/:jobId', retry),
		serverless('purgeQueue', 'POST', 'purge-queue', purgeQueue),
		serverless('health', 'GET', 'health', health),
		{
			// Any other path below an endpoint: still behind the gateway (faults, auth), then 404.
			name: 'unknown',
			method: '*',
			path: '/v2/:endpointId/*',
			handle: () => {
				throw new SimulatorError(404, 'Not Found');
			},
		},
		{
			name: 'listEndpoints',
			method: 'GET',
			path: '/v1/endpoints',
			faults: false,
			handle: (call) => call.send(200, SIMULATED_ENDPOINTS.map((endpoint) => ({ ...endpoint, workersMax: config.workerCount, workersMin: 0 }))),
		},
		{
			// Images on the web for inputs given by URL (a PNG per name; its size from the name's length).
			name: 'samples',
			method: 'GET',
			path: '/samples/:file',
			auth: false,
			faults: false,
			handle: (call) => {
				const bytes = makePng(48 + call.params.file.length, 32, call.params.file.length);
				call.req.resume();
				call.res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
				call.res.end(bytes);
			},
		},
		{
			// worker-comfyui's S3 uploads (BUCKET_ENDPOINT_URL): public URLs, as presigned S3 links are.
			name: 'bucket',
			method: 'GET',
			path: '/bucket/:jobId/:file',
			auth: false,
			faults: false,
			handle: (call) => {
				const bytes = jobs.bucket.get(`${encodeURIComponent(call.params.jobId)}/${encodeURIComponent(call.params.file)}`);
				if (!bytes) throw new SimulatorError(404, 'NoSuchKey');
				call.req.resume();
				call.res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
				call.res.end(bytes);
			},
		},
	];
}
