/**
 * The ComfyUI workers of RunPod: worker-comfyui 5.x (runpod-workers/worker-comfyui, handler.py) and
 * the older blib-la/runpod-worker-comfy. Both take `{workflow, images?: [{name, image}]}`; the
 * workflow must be ComfyUI's API format. worker-comfyui answers `{images: [{filename, type, data}]}`
 * (base64, or an S3 URL when the endpoint has a bucket), the older worker `{status: 'success', message}`.
 * Simulated ComfyUI: each SaveImage node saves `batch_size` PNGs of the EmptyLatentImage size (an
 * uploaded image's node alone: 512²), PreviewImage saves only temp files, a LoadImage must name an
 * uploaded file, and a node whose class_type starts with `SimFail` fails the execution.
 */
import { makePng } from '../png';
import type { RunPodSimulatorConfig } from './config';

export type ComfyWorkerKind = 'comfyui' | 'comfy-legacy';
export type ComfyResult = { output: unknown } | { error: string; output?: unknown };

export interface ComfyJob {
	jobId: string;
	/** Puts a file in the simulated S3 bucket and answers its URL, as worker-comfyui's rp_upload does. */
	upload(filename: string, bytes: Buffer): string;
}

type Nodes = Record<string, { class_type: string; inputs?: Record<string, unknown> }>;

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What worker-comfyui's handler returns for `input`, as RunPod's SDK then reports it. */
export function runComfyWorker(input: unknown, kind: ComfyWorkerKind, job: ComfyJob, config: RunPodSimulatorConfig): ComfyResult {
	let parsed = input;
	if (typeof input === 'string') {
		try {
			parsed = JSON.parse(input);
		} catch {
			return { error: 'Invalid JSON format in input' };
		}
	}
	if (!isObject(parsed)) return { error: 'Please provide input' };
	if (parsed.workflow === undefined || parsed.workflow === null) return { error: "Missing 'workflow' parameter" };
	const images = parsed.images;
	if (images !== undefined && images !== null) {
		if (!Array.isArray(images) || !images.every((image) => isObject(image) && 'name' in image && 'image' in image)) {
			return { error: "'images' must be a list of objects with 'name' and 'image' keys" };
		}
	}
	const uploaded = new Set<string>();
	const uploadErrors: string[] = [];
	for (const image of (images ?? []) as Array<{ name: unknown; image: unknown }>) {
		const text = String(image.image);
		// worker-comfyui strips a data: prefix; the older worker decodes the text as it is.
		const base64 = kind === 'comfyui' && text.includes(',') ? text.split(',', 2)[1] : text;
		const bytes = Buffer.from(base64, 'base64');
		if (bytes.length < 8 || !/^[A-Za-z0-9+/]+=*$/.test(base64)) {
			uploadErrors.push(`Error decoding base64 for ${String(image.name)}: Incorrect padding`);
		} else uploaded.add(String(image.name));
	}
	if (uploadErrors.length) return fail(kind, 'Failed to upload one or more input images', uploadErrors);

	const workflow = parsed.workflow;
	const nodes = isObject(workflow) ? Object.entries(workflow) : [];
	if (nodes.length === 0 || !nodes.every(([, node]) => isObject(node) && typeof node.class_type === 'string')) {
		// ComfyUI's /prompt answers 400 to anything but the API format.
		return fail(kind, 'Workflow validation failed', ['invalid prompt: the workflow is not in API format (an object of nodes with class_type)']);
	}
	return executeWorkflow(Object.fromEntries(nodes) as Nodes, uploaded, kind, job, config);
}

function executeWorkflow(nodes: Nodes, uploaded: Set<string>, kind: ComfyWorkerKind, job: ComfyJob, config: RunPodSimulatorConfig): ComfyResult {
	const validation = Object.entries(nodes)
		.filter(([, node]) => node.class_type === 'LoadImage' && !uploaded.has(String(node.inputs?.image)))
		.map(([id, node]) => `Node ${id} (image): Invalid image file: ${String(node.inputs?.image)}`);
	if (validation.length) return fail(kind, 'Workflow validation failed', validation);

	const failing = Object.entries(nodes).find(([, node]) => node.class_type.startsWith('SimFail'));
	if (failing) {
		const [id, node] = failing;
		const message = String(node.inputs?.message ?? 'Allocation on device would exceed allowed memory. (out of memory)');
		return fail(kind, 'Job processing failed', [`Workflow execution error: Node Type: ${node.class_type}, Node ID: ${id}, Message: ${message}`]);
	}

	const latent = Object.values(nodes).find((node) => node.class_type === 'EmptyLatentImage')?.inputs ?? {};
	const side = (value: unknown) => {
		const pixels = Number.isInteger(value) && Number(value) > 0 ? Number(value) : 512;
		return config.fullSizeImages ? pixels : Math.min(pixels, config.maxImageSide);
	};
	const batch = Number.isInteger(latent.batch_size) && Number(latent.batch_size) > 0 ? Number(latent.batch_size) : 1;
	const saved: Array<{ filename: string; bytes: Buffer }> = [];
	for (const [id, node] of Object.entries(nodes)) {
		if (node.class_type !== 'SaveImage') continue;
		const prefix = String(node.inputs?.filename_prefix ?? 'ComfyUI');
		for (let index = 0; index < batch; index++) {
			const filename = `${prefix}_${String(saved.length + 1).padStart(5, '0')}_.png`;
			saved.push({ filename, bytes: makePng(side(latent.width), side(latent.height), Number(id) * 100 + index) });
		}
	}
	const previews = Object.values(nodes).some((node) => node.class_type === 'PreviewImage');
	if (saved.length === 0 && !previews) {
		return fail(kind, 'Job processing failed', [`No outputs found in history for prompt ${job.jobId}.`]);
	}

	if (kind === 'comfy-legacy') {
		if (saved.length === 0) return { output: { status: 'error', message: 'the image does not exist in the specified output folder', refresh_worker: false } };
		const [first] = saved;
		const message = config.comfyBucketUpload ? job.upload(first.filename, first.bytes) : first.bytes.toString('base64');
		return { output: { status: 'success', message, refresh_worker: false } };
	}
	if (saved.length === 0) return { output: { status: 'success_no_images', images: [] } };
	return {
		output: {
			images: saved.map(({ filename, bytes }) =>
				config.comfyBucketUpload
					? { filename, type: 's3_url', data: job.upload(filename, bytes) }
					: { filename, type: 'base64', data: bytes.toString('base64') },
			),
		},
	};
}

/** A handler's `{error, details}`: RunPod marks the job FAILED and keeps the other keys as output. */
function fail(kind: ComfyWorkerKind, error: string, details: string[]): ComfyResult {
	if (kind === 'comfy-legacy') return { error: `${error}: ${details.join('; ')}` };
	return { error, output: { details } };
}
