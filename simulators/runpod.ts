/**
 * Test-only HTTP simulator of RunPod Serverless (`https://api.runpod.ai/v2/{endpointId}`), faithful to
 * /work/shared/providers.md and the A1111 webhook seed: same routes, auth, statuses, bodies, limits and
 * callback behaviour (one delivery plus up to two retries on any non-200 answer), with fault switches.
 *
 * Time is modelled from timestamps: a job's status is computed from its submission time whenever it is
 * looked at, and one timer per job finishes it on its own so that its webhook fires without polling.
 */
import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { BodyTooLargeError, RateLimiter, postJson, readBody, sendJson, startServer } from './http';
import { makePng } from './png';

export type RunPodJobStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
export type RunPodFinalStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';
/** Which worker image the endpoint runs. `auto` picks from the input's shape. */
export type RunPodWorkerKind = 'auto' | 'a1111' | 'official' | 'raw';
export type RunPodRoute = 'run' | 'runsync' | 'status' | 'stream' | 'cancel' | 'retry' | 'purgeQueue' | 'health';

export interface RunPodPolicyLimits {
	executionTimeoutMinMs: number;
	executionTimeoutMaxMs: number;
	ttlMinMs: number;
	ttlMaxMs: number;
}

export interface RunPodSimulatorConfig {
	/** Port on 127.0.0.1; 0 picks a free one. */
	port: number;
	/** Key expected in `authorization` (with or without `Bearer `). */
	apiKey: string;
	/** Endpoint id answered with 404; any other id is accepted. */
	unknownEndpointId: string;
	/** Time a job spends IN_QUEUE. */
	queueMs: number;
	/** Time a job spends IN_PROGRESS (per job: input `sim_delay_ms`). */
	runMs: number;
	/** Worker image emulated (per job: input `sim_worker`). */
	worker: RunPodWorkerKind;
	/** Forces every job submitted while set to end this way. */
	outcome: RunPodFinalStatus;
	/** Generate PNGs at the requested size instead of capping each side at `maxImageSide`. */
	fullSizeImages: boolean;
	maxImageSide: number;
	/** How long a finished /run job stays readable. */
	runResultRetentionMs: number;
	/** How long a finished /runsync job stays readable. */
	runsyncResultRetentionMs: number;
	/** /runsync wait when `?wait=` is absent. */
	runsyncDefaultWaitMs: number;
	runBodyLimitBytes: number;
	runsyncBodyLimitBytes: number;
	rateLimitWindowMs: number;
	/** Requests per window and endpoint; a route left out is unlimited. */
	rateLimits: Partial<Record<RunPodRoute, number>>;
	/** /run answers 429 while this many of the endpoint's jobs are not final. */
	runMaxConcurrentJobs: number;
	policyLimits: RunPodPolicyLimits;
	/** Workers reported by /health. */
	workerCount: number;
	/** Wait before the first delivery attempt. */
	webhookDelayMs: number;
	/** Wait between delivery attempts (RunPod: 10 s). */
	webhookRetryDelayMs: number;
	/** Attempts after the first one (RunPod: 2). */
	webhookRetries: number;
	/** An attempt with no answer within this long counts as failed. */
	webhookTimeoutMs: number;
	/** Fault: the next n API requests answer 429. */
	rateLimitNext: number;
	/** Fault: the next n API requests answer 500. */
	failNext: number;
	/** Fault: the next n API requests answer 200 with a body that is not JSON. */
	garbageNext: number;
	/** Fault: jobs submitted while set stay IN_QUEUE (and send nothing) until it is cleared. */
	stall: boolean;
	/** Fault: jobs finishing while set send no webhook, and pending retries stop. */
	dropWebhooks: boolean;
}

/** Partial configuration; the nested limits may be partial too and merge with the defaults. */
export type RunPodSimulatorOptions = Partial<Omit<RunPodSimulatorConfig, 'rateLimits' | 'policyLimits'>> & {
	rateLimits?: Partial<Record<RunPodRoute, number>>;
	policyLimits?: Partial<RunPodPolicyLimits>;
};

export type RunPodFaults = Pick<
	RunPodSimulatorConfig,
	'rateLimitNext' | 'failNext' | 'garbageNext' | 'stall' | 'dropWebhooks' | 'webhookDelayMs' | 'outcome'
>;

export interface RunPodDelivery {
	jobId: string;
	url: string;
	/** 1 for the first attempt, up to 1 + webhookRetries. */
	attempt: number;
	statusCode?: number;
	error?: string;
	/** Epoch ms when the attempt ended. */
	at: number;
}

export interface RunPodRequestRecord {
	method: string;
	path: string;
	status: number;
}

/** A job as the simulator holds it, for assertions. */
export interface RunPodJobView {
	id: string;
	endpointId: string;
	route: 'run' | 'runsync';
	status: RunPodJobStatus;
	input: unknown;
	webhook?: string;
	/** The policy exactly as received. */
	policy?: Record<string, unknown>;
	s3Config?: unknown;
	output?: unknown;
	error?: string;
	delayTime: number;
	executionTime: number;
	retries: number;
	createdAt: number;
}

export interface RunPodSimulator {
	/** `http://127.0.0.1:PORT`. */
	url: string;
	/** `http://127.0.0.1:PORT/v2`: a client calls `${baseUrl}/${endpointId}/run`. */
	baseUrl: string;
	/** `http://127.0.0.1:PORT/v1`: the management REST API (endpoint list only). */
	restUrl: string;
	apiKey: string;
	/** Live configuration; fault counters count down as they are used. */
	config: RunPodSimulatorConfig;
	/** Every webhook attempt, in order. */
	deliveries: RunPodDelivery[];
	/** Every API request answered, in order. */
	requests: RunPodRequestRecord[];
	/** Snapshot of the jobs still readable, by id. */
	readonly jobs: ReadonlyMap<string, RunPodJobView>;
	/** `${baseUrl}/${endpointId}`. */
	endpointUrl(endpointId?: string): string;
	setFaults(faults: Partial<RunPodFaults>): void;
	/** Resolves with the successful (HTTP 200) deliveries once there are `count` of them. */
	waitForDeliveries(count: number, timeoutMs?: number): Promise<RunPodDelivery[]>;
	/** Forgets jobs, deliveries, requests and rate-limit history; restores the starting configuration. */
	reset(): void;
	close(): Promise<void>;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

export const RUNPOD_DEFAULT_CONFIG: Readonly<RunPodSimulatorConfig> = Object.freeze({
	port: 0,
	apiKey: 'rp_test_key',
	unknownEndpointId: 'missing-endpoint',
	queueMs: 50,
	runMs: 100,
	worker: 'auto',
	outcome: 'COMPLETED',
	fullSizeImages: false,
	maxImageSide: 256,
	runResultRetentionMs: 30 * MINUTE,
	runsyncResultRetentionMs: MINUTE,
	runsyncDefaultWaitMs: 90 * SECOND,
	runBodyLimitBytes: 10_000_000,
	runsyncBodyLimitBytes: 20_000_000,
	rateLimitWindowMs: 10 * SECOND,
	rateLimits: Object.freeze({ run: 1000, runsync: 2000, status: 2000, cancel: 100, purgeQueue: 2 }),
	runMaxConcurrentJobs: 200,
	policyLimits: Object.freeze({
		executionTimeoutMinMs: 5 * SECOND,
		executionTimeoutMaxMs: 7 * DAY,
		ttlMinMs: 10 * SECOND,
		ttlMaxMs: 7 * DAY,
	}),
	workerCount: 2,
	webhookDelayMs: 0,
	webhookRetryDelayMs: 10 * SECOND,
	webhookRetries: 2,
	webhookTimeoutMs: 10 * SECOND,
	rateLimitNext: 0,
	failNext: 0,
	garbageNext: 0,
	stall: false,
	dropWebhooks: false,
});

const DEFAULT_EXECUTION_TIMEOUT_MS = 600 * SECOND;
const DEFAULT_TTL_MS = DAY;
const RUNSYNC_WAIT_MIN_MS = 1000;
const RUNSYNC_WAIT_MAX_MS = 300 * SECOND;
const FINAL_STATUSES: readonly RunPodJobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

/* ------------------------------------------------------------------------------------------------ */
/* Jobs                                                                                             */

interface FinishedState {
	status: RunPodFinalStatus;
	at: number;
	output?: unknown;
	error?: string;
}

/** A job: what was submitted, plus the simulator's bookkeeping. */
interface SimJob extends SubmitRequest {
	id: string;
	endpointId: string;
	route: 'run' | 'runsync';
	createdAt: number;
	retries: number;
	/** The current attempt (a retry starts a new one). */
	submittedAt: number;
	startsAt: number;
	endsAt: number;
	runDurationMs: number;
	stalled: boolean;
	plannedStatus: RunPodFinalStatus;
	plannedError?: string;
	final?: FinishedState;
	finishTimer?: NodeJS.Timeout;
	finishWaiters: Array<() => void>;
	/** How many /stream chunks were already handed out: /stream answers only what is new. */
	streamCursor: number;
}

type WorkerResult = { output: unknown } | { error: string };

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFinal(status: RunPodJobStatus): boolean {
	return FINAL_STATUSES.includes(status);
}

/** RunPod re-serialises bodies from Go maps, so keys come out sorted at every level (see the seed). */
function sortKeysDeep(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeysDeep);
	if (!isObject(value)) return value;
	const sorted: Record<string, unknown> = {};
	for (const key of Object.keys(value).sort()) sorted[key] = sortKeysDeep(value[key]);
	return sorted;
}

/* ------------------------------------------------------------------------------------------------ */
/* Worker emulation: the community runpod-worker-a1111, RunPod's official worker-a1111, a raw echo  */

const MODEL_NAME = 'deliberate_v2';
const MODEL_HASH = '9aba26abdf';

const TXT2IMG_DEFAULTS: Readonly<Record<string, unknown>> = {
	alwayson_scripts: {},
	batch_size: 1,
	cfg_scale: 7,
	denoising_strength: 0,
	do_not_save_grid: false,
	do_not_save_samples: false,
	enable_hr: false,
	eta: null,
	firstphase_height: 0,
	firstphase_width: 0,
	height: 512,
	hr_negative_prompt: '',
	hr_prompt: '',
	hr_resize_x: 0,
	hr_resize_y: 0,
	hr_sampler_name: null,
	hr_scale: 2,
	hr_second_pass_steps: 0,
	hr_upscaler: null,
	n_iter: 1,
	negative_prompt: '',
	override_settings: null,
	override_settings_restore_afterwards: true,
	prompt: '',
	restore_faces: false,
	s_churn: 0,
	s_min_uncond: 0,
	s_noise: 1,
	s_tmax: null,
	s_tmin: 0,
	sampler_index: 'Euler',
	sampler_name: null,
	save_images: false,
	script_args: [],
	script_name: null,
	seed: -1,
	seed_resize_from_h: -1,
	seed_resize_from_w: -1,
	send_images: true,
	steps: 50,
	styles: null,
	subseed: -1,
	subseed_strength: 0,
	tiling: false,
	width: 512,
};

const TXT2IMG_ONLY_KEYS = [
	'enable_hr',
	'firstphase_height',
	'firstphase_width',
	'hr_negative_prompt',
	'hr_prompt',
	'hr_resize_x',
	'hr_resize_y',
	'hr_sampler_name',
	'hr_scale',
	'hr_second_pass_steps',
	'hr_upscaler',
];

const IMG2IMG_DEFAULTS: Readonly<Record<string, unknown>> = {
	...Object.fromEntries(Object.entries(TXT2IMG_DEFAULTS).filter(([key]) => !TXT2IMG_ONLY_KEYS.includes(key))),
	denoising_strength: 0.75,
	image_cfg_scale: null,
	include_init_images: false,
	init_images: null,
	initial_noise_multiplier: null,
	inpaint_full_res: true,
	inpaint_full_res_padding: 0,
	inpainting_fill: 0,
	inpainting_mask_invert: 0,
	mask: null,
	mask_blur: 4,
	resize_mode: 0,
};

const A1111_LISTS: Readonly<Record<string, unknown>> = {
	'sdapi/v1/samplers': [
		{ name: 'DPM++ 2M Karras', aliases: ['k_dpmpp_2m_ka'], options: { scheduler: 'karras' } },
		{
			name: 'DPM++ SDE Karras',
			aliases: ['k_dpmpp_sde_ka'],
			options: { scheduler: 'karras', second_order: 'True', brownian_noise: 'True' },
		},
		{ name: 'Euler a', aliases: ['k_euler_a', 'k_euler_ancestral'], options: { uses_ensd: 'True' } },
		{ name: 'Euler', aliases: ['k_euler'], options: {} },
		{ name: 'DDIM', aliases: ['ddim'], options: { default_eta_is_0: 'True', uses_ensd: 'True' } },
	],
	'sdapi/v1/sd-models': [
		{
			title: `${MODEL_NAME}.safetensors [${MODEL_HASH}]`,
			model_name: MODEL_NAME,
			hash: MODEL_HASH,
			sha256: '9aba26abdfcd46073e0a1d42027a3a3bcc969f562d58a03637bf0a0ded6586c9',
			filename: `/workspace/stable-diffusion-webui/models/Stable-diffusion/${MODEL_NAME}.safetensors`,
			config: null,
		},
		{
			title: 'v1-5-pruned-emaonly.safetensors [6ce0161689]',
			model_name: 'v1-5-pruned-emaonly',
			hash: '6ce0161689',
			sha256: '6ce0161689b3853acaa03779ec93eafe75a02f4ced659bee03f50797806fa2fa',
			filename: '/workspace/stable-diffusion-webui/models/Stable-diffusion/v1-5-pruned-emaonly.safetensors',
			config: null,
		},
	],
	'sdapi/v1/options': {
		sd_model_checkpoint: `${MODEL_NAME}.safetensors [${MODEL_HASH}]`,
		sd_vae: 'Automatic',
		CLIP_stop_at_last_layers: 1,
		samples_format: 'png',
		outdir_samples: '',
		jpeg_quality: 80,
		enable_pnginfo: true,
	},
	'sdapi/v1/loras': [
		{
			name: 'add_detail',
			alias: 'add_detail',
			path: '/workspace/stable-diffusion-webui/models/Lora/add_detail.safetensors',
			metadata: {},
		},
	],
	'sdapi/v1/upscalers': [
		{ name: 'None', model_name: null, model_path: null, model_url: null, scale: 4 },
		{ name: 'Lanczos', model_name: null, model_path: null, model_url: null, scale: 4 },
		{ name: 'R-ESRGAN 4x+', model_name: 'R-ESRGAN 4x+', model_path: null, model_url: null, scale: 4 },
	],
	'sdapi/v1/sd-vae': [
		{
			model_name: 'vae-ft-mse-840000-ema-pruned.safetensors',
			filename: '/workspace/stable-diffusion-webui/models/VAE/vae-ft-mse-840000-ema-pruned.safetensors',
		},
	],
	'sdapi/v1/embeddings': { loaded: {}, skipped: {} },
};

/** Endpoints answered with `null`, as A1111 does for these POSTs. */
const A1111_NULL_POSTS = ['sdapi/v1/options', 'sdapi/v1/refresh-checkpoints', 'sdapi/v1/refresh-loras'];

/** How the community worker reports a non-200 answer from A1111: the job FAILS with this error. */
function a1111Error(statusCode: number, detail: string): WorkerResult {
	return { error: `A1111 status code: ${statusCode}: ${detail}` };
}

/** Python's json.dumps layout (`, ` and `: `, ASCII only): the `info` string is produced by A1111 in Python. */
function toPythonJson(value: unknown, floatKeys: ReadonlySet<string>, key = ''): string {
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'number') return floatKeys.has(key) && Number.isInteger(value) ? `${value}.0` : String(value);
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	if (typeof value === 'string') {
		return JSON.stringify(value).replace(
			/[\u0080-\uffff]/g,
			(char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
		);
	}
	if (Array.isArray(value)) return `[${value.map((item) => toPythonJson(item, floatKeys)).join(', ')}]`;
	if (isObject(value)) {
		const members = Object.entries(value).map(
			([name, item]) => `${toPythonJson(name, floatKeys)}: ${toPythonJson(item, floatKeys, name)}`,
		);
		return `{${members.join(', ')}}`;
	}
	return 'null';
}

function positiveInteger(value: unknown, fallback: number): number | undefined {
	if (value === undefined || value === null) return fallback;
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

function jobTimestamp(date: Date): string {
	const pad = (part: number) => String(part).padStart(2, '0');
	return (
		`${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}` +
		`${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`
	);
}

function withoutSimulatorFields(payload: Record<string, unknown>): Record<string, unknown> {
	return Object.fromEntries(Object.entries(payload).filter(([key]) => !key.startsWith('sim_')));
}

/** txt2img / img2img: `{images, parameters, info}` with batch_size × n_iter PNGs. */
function generateImages(
	mode: 'txt2img' | 'img2img',
	rawPayload: Record<string, unknown>,
	config: RunPodSimulatorConfig,
): WorkerResult {
	const payload = withoutSimulatorFields(rawPayload);
	if (mode === 'img2img') {
		const initImages = payload.init_images;
		if (!Array.isArray(initImages) || initImages.length === 0) return a1111Error(404, 'Init image not found');
		if (initImages.some((image) => typeof image !== 'string' || image.length === 0)) {
			return a1111Error(500, 'Invalid encoded image in init_images');
		}
		if (payload.mask === '') return a1111Error(500, 'Invalid encoded image: mask is an empty string');
	}

	const width = positiveInteger(payload.width, 512);
	const height = positiveInteger(payload.height, 512);
	const batchSize = positiveInteger(payload.batch_size, 1);
	const iterations = positiveInteger(payload.n_iter, 1);
	if (width === undefined || height === undefined) return a1111Error(422, 'width and height must be positive integers');
	if (batchSize === undefined || iterations === undefined) {
		return a1111Error(422, 'batch_size and n_iter must be positive integers');
	}

	const parameters: Record<string, unknown> = {
		...(mode === 'txt2img' ? TXT2IMG_DEFAULTS : IMG2IMG_DEFAULTS),
		...payload,
	};
	// A1111 blanks the input images in the parameters it echoes, which keeps answers small.
	if (mode === 'img2img') {
		parameters.init_images = null;
		parameters.mask = null;
	}

	const requestedSeed = typeof payload.seed === 'number' ? payload.seed : -1;
	const seed = requestedSeed === -1 ? Math.floor(Math.random() * 2 ** 32) : requestedSeed;
	const subseed = Math.floor(Math.random() * 2 ** 32);
	const count = batchSize * iterations;
	const pngWidth = config.fullSizeImages ? width : Math.min(width, config.maxImageSide);
	const pngHeight = config.fullSizeImages ? height : Math.min(height, config.maxImageSide);
	const images: string[] = [];
	for (let index = 0; index < count; index++) images.push(makePng(pngWidth, pngHeight, seed + index).toString('base64'));

	const prompt = typeof payload.prompt === 'string' ? payload.prompt : '';
	const negativePrompt = typeof payload.negative_prompt === 'string' ? payload.negative_prompt : '';
	const samplerName = String(parameters.sampler_name ?? parameters.sampler_index ?? 'Euler');
	const cfgScale = Number(parameters.cfg_scale);
	const steps = Number(parameters.steps);
	const denoisingStrength = Number(parameters.denoising_strength ?? 0);
	const seeds = images.map((_, index) => seed + index);
	const infotexts = seeds.map(
		(imageSeed) =>
			`${prompt}\n${negativePrompt ? `Negative prompt: ${negativePrompt}\n` : ''}` +
			`Steps: ${steps}, Sampler: ${samplerName}, CFG scale: ${cfgScale.toFixed(1)}, Seed: ${imageSeed}, ` +
			`Size: ${width}x${height}, Model: ${MODEL_NAME}, Denoising strength: ${denoisingStrength}, Version: 1.5.1`,
	);
	const info = toPythonJson(
		{
			prompt,
			all_prompts: images.map(() => prompt),
			negative_prompt: negativePrompt,
			all_negative_prompts: images.map(() => negativePrompt),
			seed,
			all_seeds: seeds,
			subseed,
			all_subseeds: seeds.map((_, index) => subseed + index),
			subseed_strength: parameters.subseed_strength,
			width,
			height,
			sampler_name: samplerName,
			cfg_scale: cfgScale,
			steps,
			batch_size: batchSize,
			restore_faces: parameters.restore_faces,
			face_restoration_model: null,
			sd_model_name: MODEL_NAME,
			sd_model_hash: MODEL_HASH,
			seed_resize_from_w: -1,
			seed_resize_from_h: -1,
			denoising_strength: denoisingStrength,
			extra_generation_params: {},
			index_of_first_image: 0,
			infotexts,
			styles: [],
			job_timestamp: jobTimestamp(new Date()),
			clip_skip: 1,
			is_using_inpainting_conditioning: false,
		},
		new Set(['cfg_scale']),
	);
	return { output: { images, parameters, info } };
}

/** One A1111 API call, as both A1111 workers make it. */
function callA1111(
	endpoint: string,
	method: string,
	payload: Record<string, unknown>,
	config: RunPodSimulatorConfig,
): WorkerResult {
	const path = endpoint.replace(/^\/+/, '');
	const post = method === 'POST';
	if (path === 'sdapi/v1/txt2img' || path === 'sdapi/v1/img2img') {
		if (!post) return a1111Error(405, 'Method Not Allowed');
		return generateImages(path === 'sdapi/v1/txt2img' ? 'txt2img' : 'img2img', payload, config);
	}
	if (path === 'sdapi/v1/interrogate') {
		if (!post) return a1111Error(405, 'Method Not Allowed');
		if (typeof payload.image !== 'string' || payload.image.length === 0) return a1111Error(404, 'Image not found');
		return { output: { caption: 'a photograph of a living room with a sofa and a window, natural light' } };
	}
	if (post && A1111_NULL_POSTS.includes(path)) return { output: null };
	if (path in A1111_LISTS) {
		if (post) return a1111Error(405, 'Method Not Allowed');
		return { output: structuredClone(A1111_LISTS[path]) };
	}
	return a1111Error(404, 'Not Found');
}

function chooseWorker(input: unknown, configured: RunPodWorkerKind): Exclude<RunPodWorkerKind, 'auto'> {
	if (isObject(input) && ['a1111', 'official', 'raw'].includes(input.sim_worker as string)) {
		return input.sim_worker as Exclude<RunPodWorkerKind, 'auto'>;
	}
	if (configured !== 'auto') return configured;
	if (isObject(input) && isObject(input.api)) return 'a1111';
	if (isObject(input) && typeof input.prompt === 'string') return 'official';
	return 'raw';
}

/** What the endpoint's handler returns for `input`. */
function runWorker(input: unknown, config: RunPodSimulatorConfig): WorkerResult {
	const worker = chooseWorker(input, config.worker);
	if (worker === 'raw') return { output: { echo: input } };
	if (!isObject(input)) return { error: 'input must be a JSON object' };
	// RunPod's official worker-a1111 posts its whole input to txt2img.
	if (worker === 'official') return callA1111('/sdapi/v1/txt2img', 'POST', input, config);

	const api = input.api;
	if (!isObject(api) || typeof api.endpoint !== 'string' || api.endpoint.length === 0) {
		return { error: 'input.api.endpoint is required' };
	}
	const method = typeof api.method === 'string' ? api.method.toUpperCase() : '';
	if (method !== 'GET' && method !== 'POST') return { error: 'input.api.method must be GET or POST' };
	const payload = input.payload === undefined || input.payload === null ? {} : input.payload;
	if (!isObject(payload)) return { error: 'input.payload must be a JSON object' };
	return callA1111(api.endpoint, method, payload, config);
}

/** /stream chunks: an A1111 image answer streams its images one by one, anything else is one chunk. */
function streamChunksOf(output: unknown): Array<{ output: unknown }> {
	if (isObject(output) && Array.isArray(output.images)) return output.images.map((image) => ({ output: image }));
	return [{ output }];
}

/* ------------------------------------------------------------------------------------------------ */
/* Request validation                                                                               */

interface SubmitRequest {
	input: unknown;
	webhook?: string;
	policy?: Record<string, unknown>;
	s3Config?: unknown;
	executionTimeoutMs: number;
	ttlMs: number;
}

class ClientError extends Error {
	constructor(
		readonly statusCode: number,
		message: string,
	) {
		super(message);
	}
}

function parseSubmitBody(raw: Buffer, limits: RunPodPolicyLimits): SubmitRequest {
	let body: unknown;
	try {
		body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
	} catch (error) {
		throw new ClientError(400, `Invalid JSON body: ${(error as Error).message}`);
	}
	if (!isObject(body)) throw new ClientError(400, 'Request body must be a JSON object');
	if (body.input === undefined || body.input === null) throw new ClientError(400, 'Missing required field: input');

	let webhook: string | undefined;
	if (body.webhook !== undefined && body.webhook !== null) {
		let valid = false;
		if (typeof body.webhook === 'string') {
			try {
				valid = ['http:', 'https:'].includes(new URL(body.webhook).protocol);
			} catch {
				valid = false;
			}
		}
		if (!valid) throw new ClientError(400, 'webhook must be an http(s) URL');
		webhook = body.webhook as string;
	}

	let policy: Record<string, unknown> | undefined;
	let executionTimeoutMs = DEFAULT_EXECUTION_TIMEOUT_MS;
	let ttlMs = DEFAULT_TTL_MS;
	if (body.policy !== undefined && body.policy !== null) {
		if (!isObject(body.policy)) throw new ClientError(400, 'policy must be a JSON object');
		policy = body.policy;
		const inRange = (name: string, value: unknown, min: number, max: number): number => {
			if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
				throw new ClientError(400, `policy.${name} must be an integer between ${min} and ${max} (ms)`);
			}
			return value;
		};
		if (policy.executionTimeout !== undefined) {
			executionTimeoutMs = inRange(
				'executionTimeout',
				policy.executionTimeout,
				limits.executionTimeoutMinMs,
				limits.executionTimeoutMaxMs,
			);
		}
		if (policy.ttl !== undefined) ttlMs = inRange('ttl', policy.ttl, limits.ttlMinMs, limits.ttlMaxMs);
		if (policy.lowPriority !== undefined && typeof policy.lowPriority !== 'boolean') {
			throw new ClientError(400, 'policy.lowPriority must be a boolean');
		}
	}
	if (body.s3Config !== undefined && body.s3Config !== null && !isObject(body.s3Config)) {
		throw new ClientError(400, 's3Config must be a JSON object');
	}

	return { input: body.input, webhook, policy, s3Config: body.s3Config ?? undefined, executionTimeoutMs, ttlMs };
}

function isAuthorized(header: string | undefined, apiKey: string): boolean {
	if (!header) return false;
	const value = header.trim();
	const key = /^bearer\s+/i.test(value) ? value.replace(/^bearer\s+/i, '') : value;
	return key === apiKey;
}

/* ------------------------------------------------------------------------------------------------ */
/* The simulator                                                                                    */

function buildConfig(options: RunPodSimulatorOptions): RunPodSimulatorConfig {
	return {
		...RUNPOD_DEFAULT_CONFIG,
		...options,
		// Nested settings merge, so a test can change one limit without dropping the others.
		rateLimits: { ...RUNPOD_DEFAULT_CONFIG.rateLimits, ...options.rateLimits },
		policyLimits: { ...RUNPOD_DEFAULT_CONFIG.policyLimits, ...options.policyLimits },
	};
}

const ROUTES: ReadonlyArray<{ route: RunPodRoute; segment: string; method: string; hasJobId: boolean }> = [
	{ route: 'run', segment: 'run', method: 'POST', hasJobId: false },
	{ route: 'runsync', segment: 'runsync', method: 'POST', hasJobId: false },
	{ route: 'status', segment: 'status', method: 'GET', hasJobId: true },
	{ route: 'stream', segment: 'stream', method: 'GET', hasJobId: true },
	{ route: 'cancel', segment: 'cancel', method: 'POST', hasJobId: true },
	{ route: 'retry', segment: 'retry', method: 'POST', hasJobId: true },
	{ route: 'purgeQueue', segment: 'purge-queue', method: 'POST', hasJobId: false },
	{ route: 'health', segment: 'health', method: 'GET', hasJobId: false },
];

const GARBAGE_BODY =
	'<html><head><title>502 Bad Gateway</title></head><body>upstream connect error or disconnect/reset before headers</body></html>';

export async function startRunPodSimulator(options: RunPodSimulatorOptions = {}): Promise<RunPodSimulator> {
	const config = buildConfig(options);
	const jobs = new Map<string, SimJob>();
	const retriedCount = new Map<string, number>();
	const deliveries: RunPodDelivery[] = [];
	const requests: RunPodRequestRecord[] = [];
	const limiters = new Map<RunPodRoute, RateLimiter>();
	const timers = new Set<NodeJS.Timeout>();
	const deliveryWaiters = new Set<() => void>();
	let lifetime = new AbortController();

	/* Timers: unref'd so a forgotten simulator never holds the test process open. */
	function later(ms: number, action: () => void): NodeJS.Timeout {
		const timer = setTimeout(() => {
			timers.delete(timer);
			action();
		}, Math.max(0, ms));
		timer.unref();
		timers.add(timer);
		return timer;
	}

	function cancelTimer(timer: NodeJS.Timeout | undefined): void {
		if (!timer) return;
		clearTimeout(timer);
		timers.delete(timer);
	}

	/* Job life cycle */

	function plan(job: SimJob, now: number): void {
		const input = job.input;
		const perJobRunMs =
			isObject(input) && typeof input.sim_delay_ms === 'number' && input.sim_delay_ms >= 0
				? input.sim_delay_ms
				: config.runMs;
		const exceedsTimeout = perJobRunMs > job.executionTimeoutMs;
		job.submittedAt = now;
		job.stalled = config.stall;
		job.startsAt = job.stalled ? Infinity : now + config.queueMs;
		job.runDurationMs = Math.min(perJobRunMs, job.executionTimeoutMs);
		job.endsAt = job.startsAt + job.runDurationMs;
		job.final = undefined;
		job.streamCursor = 0;
		job.plannedError = undefined;
		if (exceedsTimeout) {
			job.plannedStatus = 'TIMED_OUT';
			job.plannedError = `Job exceeded policy.executionTimeout of ${job.executionTimeoutMs} ms`;
		} else if (config.outcome !== 'COMPLETED') {
			job.plannedStatus = config.outcome;
			if (config.outcome === 'FAILED') job.plannedError = 'Simulated failure (outcome switch)';
			if (config.outcome === 'TIMED_OUT') job.plannedError = 'Job timed out (outcome switch)';
		} else if (isObject(input) && typeof input.sim_fail === 'string') {
			job.plannedStatus = 'FAILED';
			job.plannedError = input.sim_fail;
		} else {
			job.plannedStatus = 'COMPLETED';
		}
		scheduleFinish(job, now);
	}

	function scheduleFinish(job: SimJob, now: number): void {
		cancelTimer(job.finishTimer);
		if (!Number.isFinite(job.endsAt)) {
			job.finishTimer = undefined;
			return;
		}
		job.finishTimer = later(job.endsAt - now, () => {
			job.finishTimer = undefined;
			const firedAt = Date.now();
			advance(job, firedAt);
			// Node may fire a timer a millisecond early: try again rather than leave the job unfinished.
			if (!job.final && !job.finishTimer && jobs.has(job.id)) scheduleFinish(job, firedAt);
		});
	}

	function unstall(job: SimJob, now: number): void {
		job.stalled = false;
		job.startsAt = now + config.queueMs;
		job.endsAt = job.startsAt + job.runDurationMs;
		scheduleFinish(job, now);
	}

	/** Brings a job up to `now`: releases it from a cleared stall, finishes it when its time has come. */
	function advance(job: SimJob, now: number): void {
		if (job.final || !jobs.has(job.id)) return;
		if (job.stalled && !config.stall) unstall(job, now);
		if (now >= job.endsAt) finish(job, job.endsAt);
	}

	function finish(job: SimJob, at: number, forced?: FinishedState): void {
		cancelTimer(job.finishTimer);
		job.finishTimer = undefined;
		if (at >= job.createdAt + job.ttlMs) {
			// The ttl ran out before the job could finish: RunPod drops it.
			removeJob(job);
			return;
		}
		let state: FinishedState;
		if (forced) {
			state = forced;
		} else if (job.plannedStatus !== 'COMPLETED') {
			state = { status: job.plannedStatus, at, error: job.plannedError };
		} else {
			const result = runWorker(job.input, config);
			state =
				'error' in result
					? { status: 'FAILED', at, error: result.error }
					: { status: 'COMPLETED', at, output: result.output };
		}
		job.final = state;
		const waiters = job.finishWaiters.splice(0);
		for (const wake of waiters) wake();
		// Decided when the job finishes, so a test toggling the switch right after sees a clear cut.
		if (job.webhook && !config.dropWebhooks) {
			scheduleDelivery(job, job.webhook, callbackBody(job), 1, config.webhookDelayMs);
		}
	}

	function removeJob(job: SimJob): void {
		cancelTimer(job.finishTimer);
		jobs.delete(job.id);
		const waiters = job.finishWaiters.splice(0);
		for (const wake of waiters) wake();
	}

	function expiresAt(job: SimJob): number {
		const ttlEnd = job.createdAt + job.ttlMs;
		if (!job.final) return ttlEnd;
		const retention = job.route === 'runsync' ? config.runsyncResultRetentionMs : config.runResultRetentionMs;
		return Math.min(ttlEnd, job.final.at + retention);
	}

	/** The job if it exists on this endpoint and is still readable, brought up to date. */
	function findJob(endpointId: string, jobId: string, now: number): SimJob | undefined {
		const job = jobs.get(jobId);
		if (!job || job.endpointId !== endpointId) return undefined;
		advance(job, now);
		if (!jobs.has(job.id)) return undefined;
		if (now >= expiresAt(job)) {
			removeJob(job);
			return undefined;
		}
		return job;
	}

	function statusOf(job: SimJob, now: number): RunPodJobStatus {
		if (job.final) return job.final.status;
		if (now < job.startsAt) return 'IN_QUEUE';
		return 'IN_PROGRESS';
	}

	function timingsOf(job: SimJob, now: number): { delayTime: number; executionTime: number } {
		const end = job.final ? job.final.at : now;
		const start = Math.min(job.startsAt, end);
		return { delayTime: Math.round(start - job.submittedAt), executionTime: Math.round(end - start) };
	}

	function statusBody(job: SimJob, now: number): Record<string, unknown> {
		const body: Record<string, unknown> = { id: job.id, status: statusOf(job, now), ...timingsOf(job, now) };
		if (job.final?.error !== undefined) body.error = job.final.error;
		if (job.final && 'output' in job.final) body.output = job.final.output;
		return sortKeysDeep(body) as Record<string, unknown>;
	}

	/** The seed's callback: the /status body plus `input` and `webhook`. */
	function callbackBody(job: SimJob): Record<string, unknown> {
		const now = job.final?.at ?? Date.now();
		return sortKeysDeep({ ...statusBody(job, now), input: job.input, webhook: job.webhook }) as Record<
			string,
			unknown
		>;
	}

	function endpointJobs(endpointId: string, now: number): SimJob[] {
		const found: SimJob[] = [];
		for (const job of [...jobs.values()]) {
			if (job.endpointId !== endpointId) continue;
			const current = findJob(endpointId, job.id, now);
			if (current) found.push(current);
		}
		return found;
	}

	/* Webhooks */

	function scheduleDelivery(job: SimJob, url: string, body: unknown, attempt: number, delayMs: number): void {
		later(delayMs, () => void deliver(job, url, body, attempt));
	}

	async function deliver(job: SimJob, url: string, body: unknown, attempt: number): Promise<void> {
		if (config.dropWebhooks) return;
		const signal = lifetime.signal;
		let record: RunPodDelivery;
		try {
			const answer = await postJson(url, body, { timeoutMs: config.webhookTimeoutMs, signal });
			record = { jobId: job.id, url, attempt, statusCode: answer.statusCode, at: Date.now() };
		} catch (error) {
			if (signal.aborted) return;
			record = { jobId: job.id, url, attempt, error: (error as Error).message || String(error), at: Date.now() };
		}
		if (signal.aborted) return;
		deliveries.push(record);
		for (const check of [...deliveryWaiters]) check();
		// RunPod retries anything but exactly 200.
		if (record.statusCode !== 200 && attempt <= config.webhookRetries) {
			scheduleDelivery(job, url, body, attempt + 1, config.webhookRetryDelayMs);
		}
	}

	function describeDeliveries(): string {
		const attempts = deliveries.map(
			(delivery) =>
				`  ${delivery.jobId} attempt ${delivery.attempt} -> ${delivery.statusCode ?? delivery.error} (${delivery.url})`,
		);
		const now = Date.now();
		const withWebhook = [...jobs.values()]
			.filter((job) => job.webhook)
			.map((job) => `  ${job.id} ${statusOf(job, now)}${job.stalled ? ' (stalled)' : ''} -> ${job.webhook}`);
		return [
			`attempts recorded (${attempts.length}):`,
			...(attempts.length ? attempts : ['  none']),
			`jobs with a webhook (${withWebhook.length}):`,
			...(withWebhook.length ? withWebhook : ['  none']),
			`dropWebhooks=${config.dropWebhooks} stall=${config.stall} webhookRetryDelayMs=${config.webhookRetryDelayMs}`,
		].join('\n');
	}

	/* HTTP */

	function limiterFor(route: RunPodRoute): RateLimiter | undefined {
		const limit = config.rateLimits[route];
		if (limit === undefined) return undefined;
		let limiter = limiters.get(route);
		if (!limiter) {
			limiter = new RateLimiter(limit, config.rateLimitWindowMs);
			limiters.set(route, limiter);
		}
		limiter.limit = limit;
		limiter.windowMs = config.rateLimitWindowMs;
		return limiter;
	}

	function tooManyRequests(res: ServerResponse, message: string, retryAfterMs: number): void {
		sendJson(res, 429, { error: message }, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) });
	}

	async function readSubmit(req: IncomingMessage, route: 'run' | 'runsync'): Promise<SubmitRequest> {
		const limit = route === 'run' ? config.runBodyLimitBytes : config.runsyncBodyLimitBytes;
		let raw: Buffer;
		try {
			raw = await readBody(req, limit);
		} catch (error) {
			if (error instanceof BodyTooLargeError) {
				const megabytes = Math.round((limit / 1_000_000) * 100) / 100;
				throw new ClientError(
					413,
					`Request body too large: /${route} accepts at most ${megabytes} MB (${limit} bytes)`,
				);
			}
			throw error;
		}
		return parseSubmitBody(raw, config.policyLimits);
	}

	function createJob(endpointId: string, route: 'run' | 'runsync', request: SubmitRequest, now: number): SimJob {
		const id = route === 'runsync' ? `sync-${randomUUID()}` : `${randomUUID()}-u1`;
		const job: SimJob = {
			id,
			endpointId,
			route,
			input: request.input,
			webhook: request.webhook,
			policy: request.policy,
			s3Config: request.s3Config,
			executionTimeoutMs: request.executionTimeoutMs,
			ttlMs: request.ttlMs,
			createdAt: now,
			retries: 0,
			submittedAt: now,
			startsAt: now,
			endsAt: now,
			runDurationMs: 0,
			stalled: false,
			plannedStatus: 'COMPLETED',
			finishWaiters: [],
			streamCursor: 0,
		};
		jobs.set(id, job);
		plan(job, now);
		return job;
	}

	function waitForFinish(job: SimJob, ms: number): Promise<void> {
		if (job.final) return Promise.resolve();
		return new Promise<void>((resolve) => {
			const done = () => {
				cancelTimer(timer);
				const index = job.finishWaiters.indexOf(done);
				if (index >= 0) job.finishWaiters.splice(index, 1);
				resolve();
			};
			const timer = later(ms, done);
			job.finishWaiters.push(done);
		});
	}

	async function handleRoute(
		route: RunPodRoute,
		endpointId: string,
		jobId: string | undefined,
		req: IncomingMessage,
		res: ServerResponse,
		query: URLSearchParams,
	): Promise<void> {
		const now = Date.now();
		if (route === 'run' || route === 'runsync') {
			if (route === 'run') {
				const unfinished = endpointJobs(endpointId, now).filter((job) => !job.final).length;
				if (unfinished >= config.runMaxConcurrentJobs) {
					req.resume();
					return tooManyRequests(
						res,
						`Too many concurrent jobs: /run allows ${config.runMaxConcurrentJobs} unfinished jobs per endpoint`,
						1000,
					);
				}
			}
			let waitMs = config.runsyncDefaultWaitMs;
			if (route === 'runsync' && query.has('wait')) {
				waitMs = Number(query.get('wait'));
				if (!Number.isInteger(waitMs) || waitMs < RUNSYNC_WAIT_MIN_MS || waitMs > RUNSYNC_WAIT_MAX_MS) {
					req.resume();
					throw new ClientError(
						400,
						`wait must be an integer between ${RUNSYNC_WAIT_MIN_MS} and ${RUNSYNC_WAIT_MAX_MS} (ms)`,
					);
				}
			}
			const request = await readSubmit(req, route);
			const job = createJob(endpointId, route, request, Date.now());
			if (route === 'run') return sendJson(res, 200, { id: job.id, status: 'IN_QUEUE' });
			await waitForFinish(job, waitMs);
			const answeredAt = Date.now();
			if (job.final) return sendJson(res, 200, statusBody(job, answeredAt));
			return sendJson(res, 200, { id: job.id, status: statusOf(job, answeredAt) });
		}

		// The remaining routes carry no body worth reading.
		req.resume();

		if (route === 'health') {
			const counts = { completed: 0, failed: 0, inProgress: 0, inQueue: 0 };
			for (const job of endpointJobs(endpointId, now)) {
				const status = statusOf(job, now);
				if (status === 'COMPLETED') counts.completed++;
				else if (status === 'FAILED' || status === 'TIMED_OUT') counts.failed++;
				else if (status === 'IN_PROGRESS') counts.inProgress++;
				else if (status === 'IN_QUEUE') counts.inQueue++;
			}
			const running = Math.min(counts.inProgress, config.workerCount);
			return sendJson(res, 200, {
				jobs: { ...counts, retried: retriedCount.get(endpointId) ?? 0 },
				workers: { idle: config.workerCount - running, running },
			});
		}

		if (route === 'purgeQueue') {
			let removed = 0;
			for (const job of endpointJobs(endpointId, now)) {
				if (statusOf(job, now) === 'IN_QUEUE') {
					removeJob(job);
					removed++;
				}
			}
			return sendJson(res, 200, { removed, status: 'completed' });
		}

		const job = jobId === undefined ? undefined : findJob(endpointId, jobId, now);
		if (!job) throw new ClientError(404, `Job ${jobId} not found`);
		const status = statusOf(job, now);

		if (route === 'status') return sendJson(res, 200, statusBody(job, now));

		if (route === 'stream') {
			const chunks = job.final?.status === 'COMPLETED' ? streamChunksOf(job.final.output) : [];
			const fresh = chunks.slice(job.streamCursor);
			job.streamCursor = chunks.length;
			const body: Record<string, unknown> = { status, stream: fresh };
			if (job.final?.error !== undefined) body.error = job.final.error;
			return sendJson(res, 200, body);
		}

		if (route === 'cancel') {
			if (!isFinal(status)) finish(job, now, { status: 'CANCELLED', at: now });
			return sendJson(res, 200, { id: job.id, status: job.final?.status ?? status });
		}

		// retry
		if (status !== 'FAILED' && status !== 'TIMED_OUT') {
			throw new ClientError(400, `Job ${job.id} is ${status}; only FAILED or TIMED_OUT jobs can be retried`);
		}
		job.retries++;
		retriedCount.set(endpointId, (retriedCount.get(endpointId) ?? 0) + 1);
		plan(job, now);
		return sendJson(res, 200, { id: job.id, status: 'IN_QUEUE' });
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://simulator');
		const method = (req.method ?? 'GET').toUpperCase();
		res.on('finish', () => requests.push({ method, path: url.pathname, status: res.statusCode }));

		try {
			const segments = url.pathname.split('/').filter(Boolean);
			// RunPod's management REST API (rest.runpod.io/v1): only the endpoint list, which the
			// credential test uses to check the key.
			if (segments[0] === 'v1' && segments[1] === 'endpoints' && segments.length === 2 && method === 'GET') {
				if (!isAuthorized(req.headers.authorization, config.apiKey)) return sendJson(res, 401, { error: 'Unauthorized' });
				return sendJson(res, 200, [{ id: 'sim-endpoint', name: 'Simulated A1111 worker', workersMax: config.workerCount }]);
			}
			if (segments[0] !== 'v2' || segments.length < 3) throw new ClientError(404, 'Not Found');

			// Faults act before anything else, like a failing gateway in front of the API.
			if (config.failNext > 0) {
				config.failNext--;
				req.resume();
				return sendJson(res, 500, { error: 'Internal Server Error' });
			}
			if (config.garbageNext > 0) {
				config.garbageNext--;
				req.resume();
				res.writeHead(200, { 'content-type': 'text/html' });
				res.end(GARBAGE_BODY);
				return;
			}
			if (config.rateLimitNext > 0) {
				config.rateLimitNext--;
				req.resume();
				return tooManyRequests(res, 'Too Many Requests (simulated)', 1000);
			}

			if (!isAuthorized(req.headers.authorization, config.apiKey)) {
				req.resume();
				return sendJson(res, 401, { error: 'Unauthorized' });
			}

			const endpointId = decodeURIComponent(segments[1]);
			if (endpointId === config.unknownEndpointId) throw new ClientError(404, `Endpoint ${endpointId} not found`);

			const rest = segments.slice(2);
			const match = ROUTES.find(
				(candidate) => candidate.segment === rest[0] && rest.length === (candidate.hasJobId ? 2 : 1),
			);
			if (!match) throw new ClientError(404, 'Not Found');
			if (match.method !== method) {
				req.resume();
				return sendJson(res, 405, { error: 'Method Not Allowed' }, { allow: match.method });
			}

			const limiter = limiterFor(match.route);
			if (limiter) {
				const decision = limiter.tryAcquire(endpointId);
				if (!decision.allowed) {
					req.resume();
					const seconds = Math.round(limiter.windowMs / 1000);
					return tooManyRequests(
						res,
						`Too Many Requests: /${match.segment} allows ${limiter.limit} requests per ${seconds} s`,
						decision.retryAfterMs,
					);
				}
			}

			const jobId = match.hasJobId ? decodeURIComponent(rest[1]) : undefined;
			await handleRoute(match.route, endpointId, jobId, req, res, url.searchParams);
		} catch (error) {
			if (!(error instanceof ClientError)) throw error;
			req.resume();
			if (!res.headersSent) sendJson(res, error.statusCode, { error: error.message });
		}
	}

	const server = await startServer(handle, config.port);

	function clearState(): void {
		lifetime.abort();
		lifetime = new AbortController();
		for (const job of [...jobs.values()]) removeJob(job);
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
		retriedCount.clear();
		limiters.clear();
		deliveries.length = 0;
		requests.length = 0;
	}

	const simulator: RunPodSimulator = {
		url: server.url,
		baseUrl: `${server.url}/v2`,
		restUrl: `${server.url}/v1`,
		get apiKey() {
			return config.apiKey;
		},
		config,
		deliveries,
		requests,
		get jobs(): ReadonlyMap<string, RunPodJobView> {
			const now = Date.now();
			const views = new Map<string, RunPodJobView>();
			for (const stored of [...jobs.values()]) {
				const job = findJob(stored.endpointId, stored.id, now);
				if (!job) continue;
				views.set(job.id, {
					id: job.id,
					endpointId: job.endpointId,
					route: job.route,
					status: statusOf(job, now),
					input: job.input,
					webhook: job.webhook,
					policy: job.policy,
					s3Config: job.s3Config,
					output: job.final?.output,
					error: job.final?.error,
					...timingsOf(job, now),
					retries: job.retries,
					createdAt: job.createdAt,
				});
			}
			return views;
		},
		endpointUrl(endpointId = 'sim-endpoint') {
			return `${server.url}/v2/${encodeURIComponent(endpointId)}`;
		},
		setFaults(faults) {
			Object.assign(config, faults);
			const now = Date.now();
			for (const job of [...jobs.values()]) advance(job, now);
		},
		waitForDeliveries(count, timeoutMs = 5000) {
			const successful = () => deliveries.filter((delivery) => delivery.statusCode === 200);
			return new Promise<RunPodDelivery[]>((resolve, reject) => {
				const check = () => {
					const done = successful();
					if (done.length < count) return;
					deliveryWaiters.delete(check);
					clearTimeout(timeout);
					resolve(done);
				};
				const timeout = setTimeout(() => {
					deliveryWaiters.delete(check);
					reject(
						new Error(
							`Expected ${count} successful (200) webhook deliveries within ${timeoutMs} ms, ` +
								`got ${successful().length}.\n${describeDeliveries()}`,
						),
					);
				}, timeoutMs);
				deliveryWaiters.add(check);
				check();
			});
		},
		reset() {
			clearState();
			// In place: callers may hold `sim.config`. Every key is always present, so assigning replaces all.
			Object.assign(config, buildConfig(options));
		},
		async close() {
			clearState();
			await server.close();
		},
	};
	return simulator;
}
