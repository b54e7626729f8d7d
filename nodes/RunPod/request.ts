import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ImageSource } from '../shared/binary';
import { inputImageAsBase64 } from '../shared/binary';
import { isPlainObject } from '../shared/payload';
import { buildComfyUiInput } from './comfyui';

/** RunPod's documented body limits: /run takes 10 MB, /runsync 20 MB. */
export const BODY_LIMIT_BYTES = { run: 10 * 1024 * 1024, runSync: 20 * 1024 * 1024 } as const;

const JSON_OPTIONS = ['override_settings', 'extraPayload'];

/** The body of /run or /runsync for one item: `{input, webhook?, policy?}`. */
export async function buildRunBody(
	context: IExecuteFunctions,
	itemIndex: number,
	operation: keyof typeof BODY_LIMIT_BYTES,
	callbackUrl?: string,
): Promise<IDataObject> {
	const body: IDataObject = { input: await buildJobInput(context, itemIndex) };
	if (callbackUrl) body.webhook = callbackUrl;
	const policy = buildPolicy(context.getNodeParameter('policy', itemIndex, {}) as IDataObject);
	if (Object.keys(policy).length) body.policy = policy;

	const size = Buffer.byteLength(JSON.stringify(body));
	if (size > BODY_LIMIT_BYTES[operation]) {
		const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
		throw new NodeOperationError(
			context.getNode(),
			`The job is ${megabytes(size)} MB; RunPod accepts at most ${megabytes(BODY_LIMIT_BYTES[operation])} MB for ${operation === 'run' ? 'Run' : 'Run Sync'}`,
			{
				itemIndex,
				description: 'Send smaller input images, or Run Sync (20 MB), or pass images by URL in Raw JSON input to a worker that downloads them.',
			},
		);
	}
	return body;
}

async function buildJobInput(context: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const inputType = context.getNodeParameter('inputType', itemIndex) as 'txt2img' | 'img2img' | 'comfyui' | 'raw';
	if (inputType === 'raw') {
		return jsonObjectParameter(context, 'rawInput', itemIndex, 'Input (JSON)');
	}
	if (inputType === 'comfyui') return await buildComfyUiInput(context, itemIndex);

	const payload = await buildA1111Payload(context, itemIndex, inputType);
	if (context.getNodeParameter('workerFormat', itemIndex, 'community') === 'official') return payload;
	return { api: { method: 'POST', endpoint: `/sdapi/v1/${inputType}` }, payload };
}

async function buildA1111Payload(
	context: IExecuteFunctions,
	itemIndex: number,
	inputType: 'txt2img' | 'img2img',
): Promise<IDataObject> {
	const prompt = (context.getNodeParameter('prompt', itemIndex) as string).trim();
	if (!prompt) {
		throw new NodeOperationError(context.getNode(), 'The prompt is empty', {
			itemIndex,
			description: 'Describe the image to make in Prompt.',
		});
	}
	const options = context.getNodeParameter('generationOptions', itemIndex, {}) as IDataObject;
	const payload: IDataObject = {
		prompt,
		negative_prompt: context.getNodeParameter('negativePrompt', itemIndex, '') as string,
	};
	for (const [key, value] of Object.entries(options)) {
		if (!JSON_OPTIONS.includes(key)) payload[key] = value;
	}
	if (options.override_settings !== undefined) {
		const overrides = parseJsonObject(context, options.override_settings, itemIndex, 'Override Settings (JSON)');
		if (Object.keys(overrides).length) payload.override_settings = overrides;
	}

	if (inputType === 'img2img') {
		const source: ImageSource =
			context.getNodeParameter('initImageSource', itemIndex, 'binary') === 'url'
				? { kind: 'url', url: context.getNodeParameter('initImageUrl', itemIndex) as string }
				: { kind: 'binary', property: context.getNodeParameter('initImageProperty', itemIndex, 'data') as string };
		payload.init_images = [await inputImageAsBase64(context, itemIndex, source)];
		payload.denoising_strength = context.getNodeParameter('denoisingStrength', itemIndex, 0.75) as number;
		const maskProperty = (context.getNodeParameter('maskProperty', itemIndex, '') as string).trim();
		// A1111 breaks on an empty mask string, so the field is left out when there is no mask.
		if (maskProperty) {
			payload.mask = await inputImageAsBase64(context, itemIndex, { kind: 'binary', property: maskProperty });
		}
	}

	if (options.extraPayload !== undefined) {
		Object.assign(payload, parseJsonObject(context, options.extraPayload, itemIndex, 'Extra Payload (JSON)'));
	}
	return payload;
}

/** RunPod's policy takes milliseconds; the node asks for seconds. */
function buildPolicy(options: IDataObject): IDataObject {
	const policy: IDataObject = {};
	if (typeof options.executionTimeout === 'number') policy.executionTimeout = Math.round(options.executionTimeout * 1000);
	if (typeof options.ttl === 'number') policy.ttl = Math.round(options.ttl * 1000);
	if (typeof options.lowPriority === 'boolean') policy.lowPriority = options.lowPriority;
	return policy;
}

function jsonObjectParameter(context: IExecuteFunctions, name: string, itemIndex: number, label: string): IDataObject {
	return parseJsonObject(context, context.getNodeParameter(name, itemIndex), itemIndex, label);
}

function parseJsonObject(context: IExecuteFunctions, value: unknown, itemIndex: number, label: string): IDataObject {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = value.trim() ? JSON.parse(value) : {};
		} catch (error) {
			throw new NodeOperationError(context.getNode(), `${label} is not valid JSON: ${(error as Error).message}`, {
				itemIndex,
			});
		}
	}
	if (!isPlainObject(parsed)) {
		throw new NodeOperationError(context.getNode(), `${label} must be a JSON object, like {"key": "value"}`, {
			itemIndex,
		});
	}
	return parsed;
}
