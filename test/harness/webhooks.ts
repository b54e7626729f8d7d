import './environment';

import { HookContext, WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	IHttpRequestMethods,
	INode,
	IRunData,
	IRunExecutionData,
	ITaskData,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WebhookSetupMethodNames,
	Workflow,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { isNodeClassInstance, NodeHelpers, UnexpectedError } from 'n8n-workflow';

/** Webhook paths are compared without leading/trailing slashes, as n8n stores them. */
export function trimSlashes(path: string): string {
	return path.replace(/^\/+|\/+$/g, '');
}

/**
 * The webhooks a node registers (port of n8n's WebhookService.getNodeWebhooks): path and method
 * come from the node type's webhook descriptions, resolved against the node's parameters, and
 * the path is made unique per node with n8n-workflow's own getNodeWebhookPath.
 */
export function getNodeWebhooks(
	workflow: Workflow,
	node: INode,
	additionalData: IWorkflowExecuteAdditionalData,
	ignoreRestartWebhooks = false,
): IWebhookData[] {
	if (node.disabled === true) return [];
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (nodeType.description.webhooks === undefined) return [];

	const workflowId = workflow.id || '__UNSAVED__';
	const webhooks: IWebhookData[] = [];
	for (const webhookDescription of nodeType.description.webhooks) {
		if (ignoreRestartWebhooks && webhookDescription.restartWebhook === true) continue;

		const rawPath = workflow.expression.getSimpleParameterValue(node, webhookDescription.path, 'internal', {});
		if (rawPath === undefined) continue;
		const nodeWebhookPath = trimSlashes(String(rawPath));
		const isFullPath = workflow.expression.getSimpleParameterValue(
			node,
			webhookDescription.isFullPath,
			'internal',
			{},
			undefined,
			false,
		) as boolean;
		const restartWebhook = workflow.expression.getSimpleParameterValue(
			node,
			webhookDescription.restartWebhook,
			'internal',
			{},
			undefined,
			false,
		) as boolean;
		const path = NodeHelpers.getNodeWebhookPath(workflowId, node, nodeWebhookPath, isFullPath, restartWebhook);
		const methods = workflow.expression.getSimpleParameterValue(
			node,
			webhookDescription.httpMethod,
			'internal',
			{},
			undefined,
			'GET',
		);
		if (methods === undefined) continue;

		const webhookId = (path.startsWith(':') || path.includes('/:')) && node.webhookId ? node.webhookId : undefined;
		for (const httpMethod of String(methods).split(',')) {
			if (!httpMethod.trim()) continue;
			webhooks.push({
				httpMethod: httpMethod.trim() as IHttpRequestMethods,
				node: node.name,
				path,
				webhookDescription,
				workflowId,
				workflowExecuteAdditionalData: additionalData,
				webhookId,
			});
		}
	}
	return webhooks;
}

/** Runs `webhookMethods.<name>.<method>` in a real HookContext (n8n's WebhookService.runWebhookMethod). */
export async function runWebhookMethod(
	method: WebhookSetupMethodNames,
	workflow: Workflow,
	webhookData: IWebhookData,
	mode: WorkflowExecuteMode,
	activation: WorkflowActivateMode,
): Promise<boolean | undefined> {
	const node = workflow.getNode(webhookData.node);
	if (node === null) return undefined;
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const webhookFn = nodeType.webhookMethods?.[webhookData.webhookDescription.name]?.[method];
	if (webhookFn === undefined) return undefined;
	const context = new HookContext(
		workflow,
		node,
		webhookData.workflowExecuteAdditionalData,
		mode,
		activation,
		webhookData,
	);
	return await webhookFn.call(context);
}

/** Runs the node's webhook() in a real WebhookContext (n8n's WebhookService.runWebhook). */
export async function runWebhook(
	workflow: Workflow,
	webhookData: IWebhookData,
	node: INode,
	additionalData: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
	runExecutionData: IRunExecutionData | null,
): Promise<IWebhookResponseData> {
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (nodeType.webhook === undefined) {
		throw new UnexpectedError(`Node "${node.name}" (${node.type}) has no webhook() method`);
	}
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], runExecutionData);
	return isNodeClassInstance(nodeType)
		? await nodeType.webhook(context)
		: await nodeType.webhook.call(context);
}

export type ResponseMode = 'onReceived' | 'lastNode' | 'responseNode' | string;

export interface ResponseOptions {
	responseMode: ResponseMode;
	responseCode: number;
	responseData?: string;
	responsePropertyName?: string;
}

/** The node's response settings, from its webhook description (n8n's evaluateResponseOptions). */
export function evaluateResponseOptions(
	workflow: Workflow,
	node: INode,
	description: IWebhookDescription,
	mode: WorkflowExecuteMode,
): ResponseOptions {
	const evaluate = <T>(field: string, defaultValue?: string | number): T | undefined =>
		workflow.expression.getSimpleParameterValue(
			node,
			description[field] as string | undefined,
			mode,
			{},
			undefined,
			defaultValue,
		) as T | undefined;
	return {
		responseMode: evaluate<string>('responseMode', 'onReceived') ?? 'onReceived',
		responseCode: Number(evaluate<number>('responseCode', 200) ?? 200),
		// n8n evaluates it with this default, and answers the default's name as text when unset.
		responseData: evaluate<string>('responseData', 'firstEntryJson'),
		responsePropertyName: evaluate<string>('responsePropertyName'),
	};
}

/** The body n8n answers in `onReceived` mode once the execution started. */
export function onReceivedBody(responseData: string | undefined, result: IWebhookResponseData): unknown {
	if (responseData === 'noData') return undefined;
	if (responseData) return responseData;
	if (result.webhookResponse !== undefined) return result.webhookResponse;
	return { message: 'Workflow was started' };
}

/** The body n8n answers in `lastNode` mode, or an error message when unsupported here. */
export function lastNodeBody(
	options: ResponseOptions,
	runData: IRunData,
	lastNodeExecuted: string | undefined,
): { body?: unknown; error?: string } {
	const taskData: ITaskData | undefined = lastNodeExecuted ? runData[lastNodeExecuted]?.at(-1) : undefined;
	const items = taskData?.data?.main?.[0] ?? [];
	const responseData = options.responseData ?? 'firstEntryJson';
	if (responseData === 'noData') return { body: undefined };
	if (responseData === 'allEntries') return { body: items.map((item) => item.json) };
	if (responseData === 'firstEntryJson') {
		if (items.length === 0) return { error: 'No item to return got found' };
		const json: IDataObject = items[0].json;
		return { body: options.responsePropertyName ? json[options.responsePropertyName] : json };
	}
	return { error: `The test harness does not support responseData "${responseData}"` };
}
