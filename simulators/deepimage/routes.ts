/**
 * Deep Image's routes below `/rest_api`: `me`, `process`, `process_result`, `result/{job}` (GET and
 * DELETE); plus, outside the API and without auth, the result files (Deep Image's result_urls are
 * public), sample product photos to submit by URL, and `/_simulator/jobs/{job}` (what a job received).
 */
import { createHash } from 'crypto';

import { SimulatorError, type SimCall, type SimRoute } from '../base';
import { makePng } from '../png';
import type { DeepImageSimulatorConfig } from './config';
import type { DeepImageJob, DeepImageJobs } from './jobs';
import { checkSubmission, inputProblem, isHttpUrl, readSubmission } from './submit';

export const NOT_ENOUGH_CREDITS_MESSAGE = 'Not enough credits to process the image. Buy more credits or upgrade your plan.';

/** What Deep Image answers with HTTP 500 when it fails itself (not a job): no `status`, no `job`. */
export const INTERNAL_ERROR_BODY = { message: 'Internal error' };

/** Uses up one of a fault counter's requests: whether this request is hit. */
function takeFault(config: DeepImageSimulatorConfig, counter: 'failSubmitNext' | 'failResultNext' | 'dropSubmitNext'): boolean {
	if (config[counter] <= 0) return false;
	config[counter] -= 1;
	return true;
}

/** The bytes of a job's result: the same PNG each time it is fetched. */
export function resultImage(jobId: string, side: number): Buffer {
	const seed = [...jobId].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 11);
	return makePng(side, side, seed);
}

export function deepImageRoutes(config: DeepImageSimulatorConfig, jobs: DeepImageJobs): SimRoute[] {
	async function submit(call: SimCall, waitMs: number): Promise<void> {
		const submission = await readSubmission(call, config);
		const inline = checkSubmission(submission, config);
		if (config.credits < 1) {
			return call.send(403, { message: NOT_ENOUGH_CREDITS_MESSAGE, code: 'NOT_ENOUGH_CREDITS' });
		}
		const now = Date.now();
		const processing = jobs.inProgress(now);
		if (processing >= config.concurrencyLimit) {
			return call.send(429, {
				code: 'TOO_MANY_REQUESTS',
				message: `Too many requests. Your rate limit is ${config.concurrencyLimit} and you are currently processing ${processing} images.`,
			});
		}
		config.credits -= 1;
		const job = jobs.create(submission, now);
		const { url } = submission.request;
		if (!inline && typeof url === 'string' && isHttpUrl(url)) {
			void inputProblem(url, config.fetchTimeoutMs).then((problem) => {
				job.inputProblem = problem;
			});
		}
		if (takeFault(config, 'failSubmitNext')) return call.send(500, INTERNAL_ERROR_BODY);
		if (takeFault(config, 'dropSubmitNext')) return void call.req.socket.destroy();
		if (waitMs > 0) await jobs.waitForFinal(job, waitMs);
		const [status, body] = jobs.answer(job, Date.now());
		call.send(status, body);
	}

	function findJob(call: SimCall): DeepImageJob {
		const job = jobs.get(call.params.job, Date.now());
		if (!job) throw new SimulatorError(404, 'Job not found');
		return job;
	}

	const api = (name: string, method: string, path: string, handle: SimRoute['handle']): SimRoute => ({
		name,
		method,
		path: `/rest_api${path}`,
		handle,
	});

	return [
		api('me', 'GET', '/me', (call) =>
			call.send(200, { username: 'simulator', email: 'simulator@deep-image.example', credits: config.credits }),
		),
		api('process', 'POST', '/process', async (call) => await submit(call, 0)),
		api('processResult', 'POST', '/process_result', async (call) => await submit(call, config.processResultWaitMs)),
		api('result', 'GET', '/result/:job', (call) => {
			if (takeFault(config, 'failResultNext')) return call.send(500, INTERNAL_ERROR_BODY);
			const [status, body] = jobs.answer(findJob(call), Date.now());
			call.send(status, body);
		}),
		api('deleteResult', 'DELETE', '/result/:job', (call) => {
			const job = findJob(call);
			if (job.deleted) throw new SimulatorError(404, 'Image deleted');
			if (!job.final) throw new SimulatorError(400, `Job ${job.id} is still processing`);
			job.deleted = true;
			call.send(200, { message: 'Result deleted', job: job.id });
		}),
		{
			name: 'unknown',
			method: '*',
			path: '/rest_api/*',
			handle: () => {
				throw new SimulatorError(404, 'Not Found');
			},
		},
		{
			name: 'images',
			method: 'GET',
			path: '/images/:date/:file',
			auth: false,
			faults: false,
			handle: (call) => {
				const jobId = call.params.file.replace(/\.png$/, '');
				const job = jobs.get(jobId, Date.now());
				if (job?.final?.status !== 'complete' || job.deleted) throw new SimulatorError(404, 'No such file');
				sendFile(call, 'image/png', resultImage(jobId, config.outputSide));
			},
		},
		{
			// Not Deep Image's: what a job received, for checks that run the simulator in another process.
			name: 'inspect',
			method: 'GET',
			path: '/_simulator/jobs/:job',
			auth: false,
			faults: false,
			handle: (call) => {
				const job = findJob(call);
				const upload = job.upload && {
					fileName: job.upload.fileName,
					mimeType: job.upload.mimeType,
					size: job.upload.data.length,
					sha256: createHash('sha256').update(job.upload.data).digest('hex'),
				};
				call.send(200, { job: job.id, status: jobs.status(job, Date.now()), request: job.request, upload, webhook: job.webhook });
			},
		},
		{
			name: 'samples',
			method: 'GET',
			path: '/samples/:file',
			auth: false,
			faults: false,
			handle: (call) => {
				if (call.params.file === 'not-an-image.html') return sendFile(call, 'text/html', Buffer.from('<html><body>Not a photo</body></html>'));
				sendFile(call, 'image/png', makePng(96, 64, call.params.file.length));
			},
		},
	];
}

function sendFile(call: SimCall, contentType: string, bytes: Buffer): void {
	call.req.resume();
	call.res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
	call.res.end(bytes);
}
