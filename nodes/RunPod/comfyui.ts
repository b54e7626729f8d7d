import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ImageSource } from '../shared/binary';
import { inputImageFile } from '../shared/binary';
import { isPlainObject } from '../shared/payload';

const EXPORT_HINT =
	'In ComfyUI open the workflow, then Workflow → Export (API) (older versions: enable Dev Mode in the settings, then Save (API Format)), and paste that file.';

/**
 * The job input of worker-comfyui (runpod-workers/worker-comfyui, handler.py `validate_input`):
 * `{workflow, images?: [{name, image}]}`. Each image is uploaded to ComfyUI under `name`, which the
 * workflow's Load Image node names. The base64 goes without a `data:` prefix: worker-comfyui
 * strips one, the older worker-comfy decodes the text as it is.
 */
export async function buildComfyUiInput(context: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const workflow = apiFormatWorkflow(context, context.getNodeParameter('comfyWorkflow', itemIndex), itemIndex);
	const entries = (context.getNodeParameter('comfyImages', itemIndex, {}) as IDataObject).image;
	const input: IDataObject = { workflow };
	if (!Array.isArray(entries) || entries.length === 0) return input;

	const images: IDataObject[] = [];
	for (const entry of entries as IDataObject[]) {
		const source: ImageSource =
			entry.source === 'url'
				? { kind: 'url', url: String(entry.url ?? '').trim() }
				: { kind: 'binary', property: String(entry.binaryProperty ?? 'data').trim() };
		const file = await inputImageFile(context, itemIndex, source);
		const name = String(entry.name ?? '').trim() || file.fileName;
		images.push({ name, image: file.data.toString('base64') });
	}
	input.images = images;
	return input;
}

/**
 * The workflow as ComfyUI's API format: an object of numbered nodes, each `{class_type, inputs}`.
 * ComfyUI's normal save (the editor format, with `nodes` and `links` arrays) is refused with the
 * way to export the right one, since the worker would only fail on it after a cold start.
 */
function apiFormatWorkflow(context: IExecuteFunctions, value: unknown, itemIndex: number): IDataObject {
	const fail = (message: string) =>
		new NodeOperationError(context.getNode(), message, { itemIndex, description: EXPORT_HINT });
	let workflow = value;
	if (typeof value === 'string') {
		if (value.trim() === '') throw fail('Workflow (API Format JSON) is empty');
		try {
			workflow = JSON.parse(value);
		} catch (error) {
			throw fail(`Workflow (API Format JSON) is not valid JSON: ${(error as Error).message}`);
		}
	}
	if (!isPlainObject(workflow)) {
		throw fail('Workflow (API Format JSON) must be a JSON object of ComfyUI nodes, like {"3": {"class_type": "KSampler", "inputs": {…}}}');
	}
	if (Array.isArray(workflow.nodes) && Array.isArray(workflow.links)) {
		throw fail(
			'This is ComfyUI’s editor format (it has "nodes" and "links" arrays); the worker needs the API format, an object of numbered nodes with "class_type"',
		);
	}
	const nodes = Object.entries(workflow);
	const notNodes = nodes.filter(([, node]) => !isPlainObject(node) || typeof node.class_type !== 'string');
	if (nodes.length === 0 || notNodes.length > 0) {
		const named = notNodes.slice(0, 3).map(([key]) => `"${key}"`).join(', ');
		throw fail(
			`Workflow (API Format JSON) is not in ComfyUI’s API format: ${nodes.length === 0 ? 'it has no nodes' : `${named} ${notNodes.length === 1 ? 'is not a node' : 'are not nodes'} with a "class_type"`}`,
		);
	}
	return workflow;
}
