/**
 * Gepetto's routes below `/v1`: the nine render endpoints, `GET /job/{id}` and the catalogues; plus,
 * outside the API and without auth, the rendered files (Gepetto's outputs are public storage URLs)
 * and sample room photos to submit by URL.
 */
import { SimulatorError, type SimCall, type SimRoute } from '../base';
import { makePng } from '../png';
import { FURNITURES, ROOMS, SKIES, STYLES } from './catalog';
import type { GepettoSimulatorConfig } from './config';
import type { GepettoJobs } from './jobs';
import { RENDER_ENDPOINTS, checkRenderBody, fetchImage } from './submit';

/** How long a blocking request may be held open before the simulator gives up on it. */
const MAX_BLOCKING_MS = 15 * 60_000;

/** The bytes of a job's image: the same PNG for its file URL and its blocking answer. */
export function renderedImage(jobId: string, side: number): Buffer {
	const seed = [...jobId].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 7);
	return makePng(side, side, seed);
}

export function gepettoRoutes(config: GepettoSimulatorConfig, jobs: GepettoJobs): SimRoute[] {
	async function render(call: SimCall, path: string): Promise<void> {
		const endpoint = RENDER_ENDPOINTS[path];
		const body = checkRenderBody(path, await call.json(config.bodyLimitBytes));
		for (const field of endpoint.imageFields) {
			if (typeof body[field] === 'string') await fetchImage(field, body[field], config.fetchTimeoutMs);
		}
		const job = jobs.create(endpoint.mode, body, Date.now());
		if (job.webhook) {
			const echoed: Record<string, unknown> = { status: 'pending', id: job.id };
			for (const field of ['styleId', 'roomId', 'furnitureId', 'creativity', 'skyId']) {
				if (body[field] !== undefined) echoed[field] = body[field];
			}
			return call.send(200, { ...echoed, mode: endpoint.mode });
		}
		// No webhook: the request waits for the render and answers with the image itself.
		await jobs.waitForFinal(job, MAX_BLOCKING_MS);
		if (job.final?.status !== 'success') throw new SimulatorError(500, job.final?.error ?? 'Rendering did not finish');
		call.send(200, { base64: renderedImage(job.id, config.outputSide).toString('base64'), status: 'success' });
	}

	const api = (name: string, method: string, path: string, handle: SimRoute['handle']): SimRoute => ({
		name,
		method,
		path: `/v1${path}`,
		handle,
	});
	const catalogue = (name: string, entries: unknown[]) => api(name, 'GET', `/${name}`, (call) => call.send(200, entries));

	return [
		...Object.keys(RENDER_ENDPOINTS).map((path) => api(RENDER_ENDPOINTS[path].mode, 'POST', path, (call) => render(call, path))),
		api('job', 'GET', '/job/:jobId', (call) => {
			const job = jobs.get(call.params.jobId, Date.now());
			if (!job) throw new SimulatorError(404, `Job ${call.params.jobId} not found`);
			call.send(200, jobs.jobBody(job));
		}),
		catalogue('rooms', ROOMS),
		catalogue('styles', STYLES),
		catalogue('furnitures', FURNITURES),
		catalogue('skies', SKIES),
		{
			name: 'unknown',
			method: '*',
			path: '/v1/*',
			handle: () => {
				throw new SimulatorError(404, 'Not Found');
			},
		},
		{
			name: 'files',
			method: 'GET',
			path: '/files/:file',
			auth: false,
			faults: false,
			handle: (call) => {
				if (config.failFilesNext > 0) {
					config.failFilesNext -= 1;
					throw new SimulatorError(500, 'The file server had a hiccup');
				}
				const jobId = call.params.file.replace(/\.png$/, '');
				const job = jobs.get(jobId, Date.now());
				if (job?.final?.status !== 'success') throw new SimulatorError(404, 'No such file');
				sendPng(call, renderedImage(jobId, config.outputSide));
			},
		},
		{
			name: 'samples',
			method: 'GET',
			path: '/samples/:file',
			auth: false,
			faults: false,
			handle: (call) => {
				if (call.params.file === 'not-an-image.html') {
					call.res.writeHead(200, { 'content-type': 'text/html' });
					call.res.end('<html><body>Not a photo</body></html>');
					return;
				}
				sendPng(call, makePng(96, 64, call.params.file.length));
			},
		},
	];
}

function sendPng(call: SimCall, bytes: Buffer): void {
	call.req.resume();
	call.res.writeHead(200, { 'content-type': 'image/png', 'content-length': bytes.length });
	call.res.end(bytes);
}
