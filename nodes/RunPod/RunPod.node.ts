import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { RESUME_WEBHOOKS, outputOptions, resumeAfterCallback, runSubmitOperation } from '../shared/action';
import { renderItems } from '../shared/binary';
import { outputOptionsProperty, waitProperties } from '../shared/descriptions';
import { toNodeError } from '../shared/transport';
import { inputProperties } from './descriptions/input';
import { JOB_OPERATIONS, SUBMIT_OPERATIONS, operationProperties } from './descriptions/operations';
import { parseRunPodJob } from './parser';
import { callRunPod, runPodProvider } from './provider';
import { buildRunBody } from './request';

export class RunPod implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RunPod',
		name: 'runPod',
		icon: { light: 'file:runpod.svg', dark: 'file:runpod.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ ({ run: "Run", runSync: "Run Sync", getStatus: "Get Status", cancel: "Cancel", retry: "Retry", purgeQueue: "Purge Queue", health: "Health", stream: "Stream" })[$parameter["operation"]] + ($parameter["endpointId"] ? " · " + $parameter["endpointId"] : "") }}',
		description: 'Run Stable Diffusion and any other RunPod Serverless worker; get the images as files',
		defaults: { name: 'RunPod' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'runPodApi', required: true }],
		webhooks: RESUME_WEBHOOKS,
		properties: [
			...operationProperties,
			...inputProperties,
			...waitProperties(['run'], 'RunPod'),
			outputOptionsProperty({ show: { operation: [...SUBMIT_OPERATIONS, 'getStatus', 'stream'] } }),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		if (operation === 'run' || operation === 'runSync') {
			return await runSubmitOperation(this, runPodProvider, async ({ itemIndex, callbackUrl }) => {
				const body = await buildRunBody(this, itemIndex, operation, callbackUrl);
				const answer =
					operation === 'run'
						? await callRunPod(this, { method: 'POST', path: '/run', body }, itemIndex)
						: await runSync(this, itemIndex, body);
				return parseRunPodJob(answer);
			});
		}

		const output: INodeExecutionData[] = [];
		for (const itemIndex of this.getInputData().keys()) {
			try {
				output.push(...(await runJobOperation(this, operation, itemIndex)));
			} catch (error) {
				if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, itemIndex);
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeAfterCallback(this, runPodProvider);
	}
}

async function runSync(context: IExecuteFunctions, itemIndex: number, body: IDataObject): Promise<IDataObject> {
	const waitMs = Math.round((context.getNodeParameter('syncWaitSeconds', itemIndex, 90) as number) * 1000);
	return await callRunPod(
		context,
		// RunPod holds the request up to `wait`; the client timeout leaves it room to answer.
		{ method: 'POST', path: '/runsync', body, qs: { wait: waitMs }, timeoutMs: waitMs + 30_000 },
		itemIndex,
	);
}

async function runJobOperation(
	context: IExecuteFunctions,
	operation: string,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const pairedItem = { item: itemIndex };
	if (!JOB_OPERATIONS.includes(operation)) {
		const answer =
			operation === 'health'
				? await callRunPod(context, { method: 'GET', path: '/health' }, itemIndex)
				: await callRunPod(context, { method: 'POST', path: '/purge-queue' }, itemIndex);
		return [{ json: answer, pairedItem }];
	}

	const jobId = encodeURIComponent((context.getNodeParameter('jobId', itemIndex) as string).trim());
	let answer: IDataObject;
	if (operation === 'getStatus') {
		answer = await callRunPod(context, { method: 'GET', path: `/status/${jobId}` }, itemIndex);
	} else if (operation === 'cancel') {
		answer = await callRunPod(context, { method: 'POST', path: `/cancel/${jobId}` }, itemIndex);
	} else if (operation === 'retry') {
		answer = await callRunPod(context, { method: 'POST', path: `/retry/${jobId}` }, itemIndex);
	} else {
		const streamed = await callRunPod(context, { method: 'GET', path: `/stream/${jobId}` }, itemIndex);
		// The stream answer carries the chunks so far; as a job body they parse like any output.
		answer = { id: decodeURIComponent(jobId), status: streamed.status, output: streamed.stream ?? [] };
	}
	const items = await renderItems(context, parseRunPodJob(answer), outputOptions(context, itemIndex));
	return items.map((item) => ({ ...item, pairedItem }));
}
