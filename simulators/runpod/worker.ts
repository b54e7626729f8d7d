/**
 * What a RunPod endpoint's worker answers: the community runpod-worker-a1111 (`{api, payload}` input),
 * RunPod's official worker-a1111 (the txt2img payload as input) and a raw echo for any other worker.
 * Images are real PNGs; `info` is laid out the way A1111 (Python) writes it.
 */
import { makePng } from '../png';
import type { RunPodSimulatorConfig, RunPodWorkerKind } from './config';
import type { ComfyJob } from './comfyui';
import { runComfyWorker } from './comfyui';

export type WorkerResult = { output: unknown } | { error: string; output?: unknown };

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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
	if (isObject(input) && ['a1111', 'official', 'raw', 'comfyui', 'comfy-legacy'].includes(input.sim_worker as string)) {
		return input.sim_worker as Exclude<RunPodWorkerKind, 'auto'>;
	}
	if (configured !== 'auto') return configured;
	if (isObject(input) && isObject(input.api)) return 'a1111';
	if (isObject(input) && 'workflow' in input) return 'comfyui';
	if (isObject(input) && typeof input.prompt === 'string') return 'official';
	return 'raw';
}

/** What the endpoint's handler returns for `input`. */
export function runWorker(input: unknown, config: RunPodSimulatorConfig, job: ComfyJob): WorkerResult {
	const worker = chooseWorker(input, config.worker);
	if (worker === 'raw') return { output: { echo: input } };
	if (worker === 'comfyui' || worker === 'comfy-legacy') return runComfyWorker(input, worker, job, config);
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

/** /stream chunks: an A1111 image answer (base64 strings) streams its images one by one, anything else is one chunk. */
export function streamChunksOf(output: unknown): Array<{ output: unknown }> {
	if (isObject(output) && Array.isArray(output.images) && output.images.every((image) => typeof image === 'string')) {
		return output.images.map((image) => ({ output: image }));
	}
	return [{ output }];
}
