import './environment';

import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ExecutionLifecycleHooks, getNextExecutionIndex, normalizeItems, WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteResponsePromiseData,
	INode,
	INodeExecutionData,
	IPinData,
	IRun,
	IRunExecutionData,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	jsonParse,
	jsonStringify,
	migrateRunExecutionData,
	NodeHelpers,
	UserError,
	WAIT_INDEFINITELY,
	Workflow,
} from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import {
	type CredentialClass,
	type CredentialsData,
	CredentialTypes,
	HarnessCredentialsHelper,
} from './credentials';
import { ExecutionResult, type ExecutionOutcome } from './execution-result';
import {
	HttpError,
	type HarnessRequest,
	type HarnessResponse,
	sendError,
	sendJson,
	toHarnessRequest,
	toHarnessResponse,
} from './http';
import { type NodeClass, NodeTypes, TEST_START_NODE_TYPE } from './node-types';
import { ensureN8nRuntime } from './runtime';
import {
	evaluateResponseOptions,
	getNodeWebhooks,
	lastNodeBody,
	onReceivedBody,
	type ResponseOptions,
	runWebhook,
	runWebhookMethod,
	trimSlashes,
} from './webhooks';

export interface N8nHostOptions {
	/** The node classes under test; workflows refer to them as `typeName(NodeClass)`. */
	nodeTypes?: NodeClass[];
	credentialTypes?: CredentialClass[];
	/** Body size limit in MiB, like N8N_PAYLOAD_SIZE_MAX (default: that variable, else 16). */
	payloadSizeMaxMiB?: number;
	/** Status for an unparsable JSON body. n8n answers 422 (UnprocessableRequestError). */
	invalidJsonStatus?: number;
	/** Resume executions whose `waitTill` passes, as n8n's WaitTracker does (default true). */
	resumeOnWaitTill?: boolean;
}

export interface WorkflowSpec {
	nodes: INode[];
	connections: IConnections;
	/** Credential data per credential type name, e.g. `{ runPodApi: { apiKey: 'k' } }`. */
	credentials?: CredentialsData;
	/**
	 * Give every node that declares a credential type with data in `credentials` a reference to
	 * it, as picking the credential in the editor would (default true).
	 */
	assignCredentials?: boolean;
	name?: string;
	/** Defaults to `{ executionOrder: 'v1' }`, n8n's default for new workflows. */
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
}

export interface RunWorkflowSpec extends WorkflowSpec {
	/** Items the start node emits (plain objects are wrapped as `{ json }`). Default `[{ json: {} }]`. */
	inputItems?: Array<INodeExecutionData | IDataObject>;
	mode?: 'manual' | 'trigger' | 'webhook';
	/** Node that receives `inputItems`; default the `test.start` node, else n8n's start node. */
	startNode?: string;
	/** Pinned output per node name: the engine uses it instead of running those nodes. */
	pinData?: IPinData;
}

export interface ActivateTriggerSpec extends WorkflowSpec {
	triggerNode: string;
}

export interface WaitOptions {
	timeoutMs?: number;
	/** Status(es) to wait for; default any final status (not 'running', not 'waiting'). */
	until?: ExecutionOutcome | ExecutionOutcome[];
}

export interface ExecutionSnapshot {
	executionId: string;
	status: ExecutionOutcome;
	/** Latest settled result (while 'running' after a resume: the previous, waiting one). */
	result?: ExecutionResult;
}

export interface RegisteredWebhook {
	name: string;
	httpMethod: string;
	path: string;
	url: string;
}

export interface ActiveTrigger {
	readonly workflowId: string;
	readonly webhooks: RegisteredWebhook[];
	/** Production URL of a webhook of the trigger node (the one getNodeWebhookUrl returns). */
	url(webhookName?: string): string;
	/** Settled executions this trigger started, in start order. */
	executions(): ExecutionResult[];
	/** Resolves once `count` executions started by this trigger have settled. */
	waitForExecutions(count: number, timeoutMs?: number): Promise<ExecutionResult[]>;
	/** The workflow's static data, as the trigger node sees it through getWorkflowStaticData. */
	staticData(type?: 'node' | 'global'): IDataObject;
	/** Changes the data of one of the workflow's credentials, as editing it in n8n does. */
	updateCredentials(type: string, data: IDataObject): Promise<void>;
	/** Calls webhookMethods.*.delete like n8n on deactivation, and unregisters the webhooks. */
	deactivate(): Promise<void>;
}

/** A saved workflow: what n8n keeps in its database. */
interface WorkflowDefinition {
	id: string;
	name: string;
	nodes: INode[];
	connections: IConnections;
	settings: IWorkflowSettings;
	staticData: IDataObject;
	credentialsHelper: HarnessCredentialsHelper;
}

/** An execution as n8n's execution repository would hold it. */
interface ExecutionRecord {
	id: string;
	definition: WorkflowDefinition;
	mode: WorkflowExecuteMode;
	status: ExecutionOutcome;
	/** Serialized run data while waiting: resuming starts from a copy, as from the database. */
	storedData?: string;
	result?: ExecutionResult;
	executedNodes: string[];
	waitTimer?: NodeJS.Timeout;
	/** Receives a Respond to Webhook-style `sendResponse` of the running execution. */
	onSendResponse?: (response: IExecuteResponsePromiseData) => void;
}

interface TriggerRoute {
	webhook: IWebhookData;
	/** Path segments; `:name` segments match anything and fill `req.params`. */
	segments: string[];
	trigger: TriggerRegistration;
}

interface TriggerRegistration {
	definition: WorkflowDefinition;
	/** One long-lived instance, so static data written by webhook() persists across requests. */
	workflow: Workflow;
	triggerNodeName: string;
	executionIds: string[];
	webhooks: IWebhookData[];
	active: boolean;
}

const FINAL: ExecutionOutcome[] = ['success', 'error', 'canceled'];
/** setTimeout cannot wait longer; WAIT_INDEFINITELY is year 3000 anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Plays the parts of an n8n instance a community node touches: runs workflows through n8n-core's
 * WorkflowExecute, keeps waiting executions, and serves `/webhook-waiting/...` and `/webhook/...`
 * on a local HTTP server the way n8n's webhook server does. One per test file.
 */
export class N8nHost {
	readonly nodeTypes: NodeTypes;
	readonly credentialTypes: CredentialTypes;
	/**
	 * Errors thrown by nodes' webhook() methods. n8n answers such a request with a generic 500
	 * ("Workflow could not be started!"), so this is where a test finds the reason.
	 */
	readonly webhookErrors: Array<{ nodeName: string; executionId?: string; error: Error }> = [];

	private server?: Server;
	private baseUrl?: string;
	private readonly executions = new Map<string, ExecutionRecord>();
	private readonly routes: TriggerRoute[] = [];
	private readonly triggers: TriggerRegistration[] = [];
	private readonly changes = new EventEmitter();
	private executionCounter = 0;
	private workflowCounter = 0;
	private readonly payloadSizeMaxBytes: number;
	private readonly invalidJsonStatus: number;
	private readonly resumeOnWaitTill: boolean;

	constructor(options: N8nHostOptions = {}) {
		this.nodeTypes = new NodeTypes(options.nodeTypes ?? []);
		this.credentialTypes = new CredentialTypes(options.credentialTypes ?? []);
		const payloadSizeMaxMiB = options.payloadSizeMaxMiB ?? Number(process.env.N8N_PAYLOAD_SIZE_MAX ?? 16);
		this.payloadSizeMaxBytes = payloadSizeMaxMiB * 1024 * 1024;
		this.invalidJsonStatus = options.invalidJsonStatus ?? 422;
		this.resumeOnWaitTill = options.resumeOnWaitTill ?? true;
		this.changes.setMaxListeners(0);
	}

	/** Origin of the webhook server, e.g. `http://127.0.0.1:41234`. */
	get url(): string {
		if (this.baseUrl === undefined) throw new Error('N8nHost is not started: call `await host.start()` first');
		return this.baseUrl;
	}

	private assertStarted(): void {
		if (this.server === undefined) {
			throw new Error('N8nHost is not running: call `await host.start()` first (resume and webhook URLs point at it)');
		}
	}

	async start(): Promise<void> {
		if (this.server) return;
		await ensureN8nRuntime();
		const server = createServer((req, res) => void this.handleRequest(req, res));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		this.server = server;
		this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	/**
	 * Closes the server and forgets timers. Active triggers are dropped without calling their
	 * `delete` hook (n8n does not either on shutdown); call `trigger.deactivate()` to test that.
	 */
	async stop(): Promise<void> {
		for (const record of this.executions.values()) clearTimeout(record.waitTimer);
		for (const trigger of this.triggers) trigger.active = false;
		this.routes.length = 0;
		const server = this.server;
		this.server = undefined;
		if (server === undefined) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	// ---------------------------------------------------------------- workflows & executions

	/** Runs a workflow from its start node; resolves once it finished or stopped to wait. */
	async runWorkflow(spec: RunWorkflowSpec): Promise<ExecutionResult> {
		await ensureN8nRuntime();
		this.assertStarted();
		const definition = this.createDefinition(spec);
		const workflow = this.createWorkflow(definition);
		const startNode = this.findStartNode(workflow, definition, spec.startNode);
		const inputItems = normalizeItems((spec.inputItems ?? [{ json: {} }]) as INodeExecutionData[]);
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node: startNode, data: { main: [inputItems] }, source: null }] },
			resultData: { pinData: spec.pinData },
		});
		const record = this.createRecord(definition, spec.mode ?? 'manual');
		return await this.execute(record, workflow, runExecutionData, false);
	}

	getExecution(executionId: string): ExecutionSnapshot | undefined {
		const record = this.executions.get(executionId);
		if (record === undefined) return undefined;
		return { executionId, status: record.status, result: record.result };
	}

	/** `$execution.resumeUrl` of an execution (also on its results as `resumeUrl`). */
	resumeUrl(executionId: string): string {
		const record = this.executions.get(executionId);
		if (record?.result) return record.result.resumeUrl;
		return `${this.url}/webhook-waiting/${executionId}`;
	}

	/**
	 * Resolves with the execution's result once it reaches a final status (by default), e.g. after a
	 * POST to its resume URL let it continue and finish.
	 */
	async waitForExecution(executionId: string, options: number | WaitOptions = {}): Promise<ExecutionResult> {
		const { timeoutMs = 10_000, until } = typeof options === 'number' ? { timeoutMs: options } : options;
		const wanted = until === undefined ? FINAL : [until].flat();
		const record = this.executions.get(executionId);
		if (record === undefined) {
			throw new Error(`Unknown execution "${executionId}" (known: ${[...this.executions.keys()].join(', ') || 'none'})`);
		}
		return await this.waitFor(
			() => (record.result && wanted.includes(record.status) ? record.result : undefined),
			timeoutMs,
			() =>
				`Execution ${executionId} did not reach ${wanted.map((status) => `"${status}"`).join(' or ')} ` +
				`within ${timeoutMs} ms; it is "${record.status}"` +
				(record.result ? ` (last result: ${record.result.describe()})` : ''),
		);
	}

	private async waitFor<T>(check: () => T | undefined, timeoutMs: number, timeoutMessage: () => string): Promise<T> {
		return await new Promise<T>((resolve, reject) => {
			const onChange = () => {
				const value = check();
				if (value === undefined) return;
				cleanup();
				resolve(value);
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(new Error(timeoutMessage()));
			}, timeoutMs);
			const cleanup = () => {
				clearTimeout(timer);
				this.changes.off('change', onChange);
			};
			this.changes.on('change', onChange);
			onChange();
		});
	}

	private createDefinition(spec: WorkflowSpec): WorkflowDefinition {
		const credentialsHelper = new HarnessCredentialsHelper(this.credentialTypes, this.nodeTypes, spec.credentials);
		const nodes = structuredClone(spec.nodes);
		const names = new Set<string>();
		for (const node of nodes) {
			if (names.has(node.name)) throw new UserError(`Two nodes are named "${node.name}"; node names must be unique`);
			names.add(node.name);
			const description = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description;
			// n8n gives every node with webhooks a webhookId when it is added to a workflow.
			NodeHelpers.resolveNodeWebhookId(node, description);
			if (spec.assignCredentials === false) continue;
			for (const { name } of description.credentials ?? []) {
				if (!credentialsHelper.providedTypes.includes(name) || node.credentials?.[name]) continue;
				node.credentials = { ...node.credentials, [name]: { id: `${name}-test`, name: `${name} (test)` } };
			}
		}
		this.workflowCounter += 1;
		return {
			id: `harness-workflow-${this.workflowCounter}`,
			name: spec.name ?? `Test workflow ${this.workflowCounter}`,
			nodes,
			connections: structuredClone(spec.connections),
			settings: spec.settings ?? { executionOrder: 'v1' },
			staticData: spec.staticData ?? {},
			credentialsHelper,
		};
	}

	/** A fresh Workflow per execution (as n8n loads one per run); static data is shared. */
	private createWorkflow(definition: WorkflowDefinition): Workflow {
		return new Workflow({
			id: definition.id,
			name: definition.name,
			nodes: structuredClone(definition.nodes),
			connections: definition.connections,
			active: false,
			nodeTypes: this.nodeTypes,
			settings: definition.settings,
			staticData: definition.staticData,
		});
	}

	private workflowBase(definition: WorkflowDefinition): IWorkflowBase {
		const now = new Date();
		return {
			id: definition.id,
			name: definition.name,
			active: false,
			isArchived: false,
			activeVersionId: null,
			createdAt: now,
			updatedAt: now,
			nodes: definition.nodes,
			connections: definition.connections,
			settings: definition.settings,
			staticData: definition.staticData,
		};
	}

	private findStartNode(workflow: Workflow, definition: WorkflowDefinition, name?: string): INode {
		if (name !== undefined) {
			const node = workflow.getNode(name);
			if (node === null) throw new UserError(`startNode "${name}" is not a node of this workflow`);
			return node;
		}
		const startNodes = definition.nodes.filter((node) => node.type === TEST_START_NODE_TYPE);
		if (startNodes.length > 1) {
			throw new UserError(`Several test.start nodes (${startNodes.map((node) => node.name).join(', ')}); pass startNode`);
		}
		const node = startNodes.length === 1 ? workflow.getNode(startNodes[0].name) : workflow.getStartNode();
		if (!node) throw new UserError('No start node found: add startNode() to the workflow or pass startNode');
		return node;
	}

	private createRecord(definition: WorkflowDefinition, mode: WorkflowExecuteMode): ExecutionRecord {
		this.executionCounter += 1;
		const record: ExecutionRecord = {
			id: String(this.executionCounter),
			definition,
			mode,
			status: 'running',
			executedNodes: [],
		};
		this.executions.set(record.id, record);
		return record;
	}

	private setStatus(record: ExecutionRecord, status: ExecutionOutcome): void {
		record.status = status;
		this.changes.emit('change');
	}

	private serialize(data: IRunExecutionData): string {
		return jsonStringify(data, { replaceCircularRefs: true });
	}

	private deserialize(stored: string): IRunExecutionData {
		return migrateRunExecutionData(jsonParse(stored));
	}

	/**
	 * Runs (or continues) an execution with n8n-core's WorkflowExecute. Fresh lifecycle hooks per
	 * run, as n8n's WorkflowRunner creates them; `workflowExecuteAfter` delivers the IRun.
	 */
	private async execute(
		record: ExecutionRecord,
		workflow: Workflow,
		runExecutionData: IRunExecutionData,
		isResume: boolean,
	): Promise<ExecutionResult> {
		this.setStatus(record, 'running');
		let finalRun: IRun | undefined;
		let run: IRun;
		try {
			const hooks = new ExecutionLifecycleHooks(record.mode, record.id, this.workflowBase(record.definition));
			hooks.addHandler('nodeExecuteAfter', (nodeName) => {
				record.executedNodes.push(nodeName);
			});
			hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
				finalRun = fullRunData;
			});
			hooks.addHandler('sendResponse', (response) => {
				// Only the first response answers the request, as with n8n's response promise.
				const respond = record.onSendResponse;
				record.onSendResponse = undefined;
				respond?.(response);
			});
			const additionalData = this.additionalData(record.definition, {
				hooks,
				executionId: record.id,
				restartExecutionId: isResume ? record.id : undefined,
				currentNodeExecutionIndex: getNextExecutionIndex(runExecutionData.resultData.runData),
			});
			run = await new WorkflowExecute(additionalData, record.mode, runExecutionData).processRunExecutionData(workflow);
		} catch (error) {
			// Thrown before the run starts, e.g. WorkflowHasIssuesError for a missing required parameter.
			const failure = error as Error;
			runExecutionData.resultData.error = { ...failure, message: failure.message, stack: failure.stack } as never;
			run = {
				data: runExecutionData,
				mode: record.mode,
				startedAt: new Date(),
				stoppedAt: new Date(),
				storedAt: 'db',
				status: 'error',
			};
		}
		run = finalRun ?? run;

		const result = new ExecutionResult(
			record.id,
			run,
			this.resumeUrlFor(record.id, run.data),
			[...record.executedNodes],
		);
		record.result = result;
		if (result.status === 'waiting') {
			record.storedData = this.serialize(run.data);
			this.scheduleWaitTill(record, result.waitTill);
		} else {
			record.storedData = undefined;
		}
		this.setStatus(record, result.status);
		return result;
	}

	private resumeUrlFor(executionId: string, data: IRunExecutionData): string {
		const url = new URL(`${this.url}/webhook-waiting/${executionId}`);
		// Same as n8n-core's $execution.resumeUrl: the execution's resume token as `signature`.
		if (data.resumeToken) url.searchParams.set('signature', data.resumeToken);
		return url.toString();
	}

	private additionalData(
		definition: WorkflowDefinition,
		options: Partial<Parameters<typeof createAdditionalData>[0]> = {},
	): IWorkflowExecuteAdditionalData {
		return createAdditionalData({
			baseUrl: this.url,
			credentialsHelper: definition.credentialsHelper,
			workflowId: definition.id,
			getRunExecutionData: async (executionId) => {
				const stored = this.executions.get(executionId);
				if (stored?.storedData) return this.deserialize(stored.storedData);
				return stored?.result?.run.data;
			},
			...options,
		});
	}

	/** n8n's WaitTracker: a waiting execution continues by itself once `waitTill` has passed. */
	private scheduleWaitTill(record: ExecutionRecord, waitTill: Date | undefined): void {
		clearTimeout(record.waitTimer);
		if (!this.resumeOnWaitTill || waitTill === undefined) return;
		const waitTillTime = new Date(waitTill).getTime();
		if (waitTillTime >= WAIT_INDEFINITELY.getTime()) return;
		const delay = Math.max(0, waitTillTime - Date.now());
		if (delay > MAX_TIMER_MS) return;
		record.waitTimer = setTimeout(() => {
			if (record.status !== 'waiting' || record.storedData === undefined || this.server === undefined) return;
			// waitTill stays set, so the engine's handleWaitingState disables the node and drops its run.
			const runExecutionData = this.deserialize(record.storedData);
			void this.execute(record, this.createWorkflow(record.definition), runExecutionData, true);
		}, delay);
		record.waitTimer.unref();
	}

	// ---------------------------------------------------------------- HTTP server

	private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const response = toHarnessResponse(res);
		try {
			const { pathname } = new URL(req.url ?? '/', 'http://localhost');
			const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
			if (segments[0] === 'webhook-waiting' && segments.length >= 2) {
				await this.handleWaitingWebhook(req, response, segments[1], segments.slice(2).join('/') || undefined);
			} else if (segments[0] === 'webhook' && segments.length >= 2) {
				await this.handleProductionWebhook(req, response, segments.slice(1).join('/'));
			} else {
				throw new HttpError(404, `Cannot ${req.method} ${pathname}`);
			}
		} catch (error) {
			sendError(response, error);
		} finally {
			// A request answered before its body was read must still be drained.
			if (!req.readableEnded) req.resume();
		}
	}

	private parseRequest(req: IncomingMessage): Promise<HarnessRequest> {
		return toHarnessRequest(req, {
			payloadSizeMaxBytes: this.payloadSizeMaxBytes,
			invalidJsonStatus: this.invalidJsonStatus,
		});
	}

	/** n8n's WaitingWebhooks.executeWebhook: continue a waiting execution with the node's webhook(). */
	private async handleWaitingWebhook(
		req: IncomingMessage,
		res: HarnessResponse,
		executionId: string,
		suffix: string | undefined,
	): Promise<void> {
		const record = this.executions.get(executionId);
		if (record === undefined) throw new HttpError(404, `The execution "${executionId}" does not exist.`);
		if (record.status === 'running') throw new HttpError(409, `The execution "${executionId}" is running already.`);
		if (record.result?.error) throw new HttpError(409, `The execution "${executionId}" has finished with error.`);
		if (record.status !== 'waiting' || record.storedData === undefined) {
			throw new HttpError(409, `The execution "${executionId}" has finished already.`);
		}

		// Work on a copy, as n8n works on the row it loaded: an unused resume leaves no trace.
		const runExecutionData = this.deserialize(record.storedData);
		const stackEntry = runExecutionData.executionData!.nodeExecutionStack[0];
		// Disabled, the waiting node passes the webhook's data on instead of waiting again.
		stackEntry.node.disabled = true;
		runExecutionData.waitTill = undefined;
		const lastNodeExecuted = runExecutionData.resultData.lastNodeExecuted as string;
		// n8n drops the waiting run so the node does not show as executed twice (preserveInputOverride).
		const waitingRun = runExecutionData.resultData.runData[lastNodeExecuted]?.pop();
		if (waitingRun?.inputOverride) {
			runExecutionData.resultData.runData[lastNodeExecuted].push({
				startTime: 0,
				executionTime: 0,
				executionIndex: 0,
				source: waitingRun.source,
				inputOverride: waitingRun.inputOverride,
			});
		}

		const workflow = this.createWorkflow(record.definition);
		const waitingNode = workflow.getNode(lastNodeExecuted);
		if (waitingNode === null) throw new HttpError(404, 'Could not find node to process webhook.');
		const method = req.method ?? 'GET';
		const additionalData = this.additionalData(record.definition, { executionId });
		const webhookData = getNodeWebhooks(workflow, waitingNode, additionalData).find(
			(webhook) =>
				webhook.httpMethod === method &&
				webhook.path === (suffix ?? '') &&
				webhook.webhookDescription.restartWebhook === true &&
				webhook.webhookDescription.nodeType !== 'form',
		);
		if (webhookData === undefined) {
			throw new HttpError(
				404,
				`The workflow for execution "${executionId}" does not contain a waiting webhook with a matching path/method.`,
			);
		}

		// Claimed while its webhook() runs: a second request meanwhile gets "is running already".
		this.setStatus(record, 'running');
		let resumed = false;
		try {
			const request = await this.parseRequest(req);
			resumed = await this.executeWebhook({
				record,
				workflow,
				webhookData,
				node: waitingNode,
				additionalData,
				runExecutionData,
				req: request,
				res,
				startExecution: (workflowData, onSendResponse) => {
					record.onSendResponse = onSendResponse;
					stackEntry.data.main = workflowData;
					// Forward every output of the resumed node, not just the first (n8n#12823).
					stackEntry.metadata = { ...stackEntry.metadata, forwardAllOutputs: true };
					return this.execute(record, workflow, runExecutionData, true);
				},
			});
		} finally {
			if (!resumed) this.setStatus(record, 'waiting');
		}
	}

	/** n8n's LiveWebhooks: a production webhook of an active workflow. */
	private async handleProductionWebhook(req: IncomingMessage, res: HarnessResponse, path: string): Promise<void> {
		const method = req.method ?? 'GET';
		const requestSegments = trimSlashes(path).split('/');
		const candidates = this.routes.filter(
			(route) =>
				route.segments.length === requestSegments.length &&
				route.segments.every((segment, index) => segment.startsWith(':') || segment === requestSegments[index]),
		);
		const route = candidates.find((candidate) => candidate.webhook.httpMethod === method);
		if (route === undefined) {
			const otherMethods = candidates.map((candidate) => candidate.webhook.httpMethod);
			throw new HttpError(
				404,
				`The requested webhook "${method} ${trimSlashes(path)}" is not registered.`,
				otherMethods.length > 0
					? `This webhook is not registered for ${method} requests. Did you mean to make a ${otherMethods.join(' or ')} request?`
					: 'The workflow must be active for a production URL to run successfully.',
			);
		}

		const request = await this.parseRequest(req);
		route.segments.forEach((segment, index) => {
			if (segment.startsWith(':')) request.params[segment.slice(1)] = requestSegments[index];
		});
		const { trigger } = route;
		// Like n8n, every request loads the workflow (and its static data) afresh and saves the
		// static data once webhook() is done: concurrent requests do not see each other's changes.
		const workflow = this.createWorkflow({
			...trigger.definition,
			staticData: JSON.parse(JSON.stringify(trigger.definition.staticData)) as IDataObject,
		});
		const node = workflow.getNode(trigger.triggerNodeName) as INode;
		const additionalData = this.additionalData(trigger.definition);
		const webhookData: IWebhookData = { ...route.webhook, workflowExecuteAdditionalData: additionalData };

		await this.executeWebhook({
			trigger,
			workflow,
			webhookData,
			node,
			additionalData,
			runExecutionData: null,
			req: request,
			res,
			startExecution: (workflowData, onSendResponse) => {
				const record = this.createRecord(trigger.definition, 'webhook');
				record.onSendResponse = onSendResponse;
				trigger.executionIds.push(record.id);
				const executionWorkflow = this.createWorkflow(trigger.definition);
				const startNode = executionWorkflow.getNode(trigger.triggerNodeName) as INode;
				const runExecutionData = createRunExecutionData({
					executionData: { nodeExecutionStack: [{ node: startNode, data: { main: workflowData }, source: null }] },
				});
				return this.execute(record, executionWorkflow, runExecutionData, false);
			},
		});
		if (workflow.staticData.__dataChanged === true) {
			const saved = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
			delete saved.__dataChanged;
			trigger.definition.staticData = saved;
		}
	}

	/**
	 * The essentials of n8n's WebhookHelpers.executeWebhook: run webhook(), answer the request
	 * according to the node's result and response mode, start (or continue) the execution.
	 * Returns whether an execution was started.
	 */
	private async executeWebhook(args: {
		record?: ExecutionRecord;
		trigger?: TriggerRegistration;
		workflow: Workflow;
		webhookData: IWebhookData;
		node: INode;
		additionalData: IWorkflowExecuteAdditionalData;
		runExecutionData: IRunExecutionData | null;
		req: HarnessRequest;
		res: HarnessResponse;
		startExecution: (
			workflowData: INodeExecutionData[][],
			onSendResponse?: ExecutionRecord['onSendResponse'],
		) => Promise<ExecutionResult>;
	}): Promise<boolean> {
		const { workflow, webhookData, node, req, res } = args;
		const additionalData: IWorkflowExecuteAdditionalData = {
			...args.additionalData,
			httpRequest: req as unknown as IWorkflowExecuteAdditionalData['httpRequest'],
			httpResponse: res as unknown as IWorkflowExecuteAdditionalData['httpResponse'],
		};
		const mode: WorkflowExecuteMode = args.record?.mode ?? 'webhook';
		const options = evaluateResponseOptions(workflow, node, webhookData.webhookDescription, mode);
		if (!['onReceived', 'lastNode', 'responseNode'].includes(options.responseMode)) {
			throw new HttpError(500, `The response mode '${options.responseMode}' is not supported by the test harness`);
		}

		let webhookResult: IWebhookResponseData;
		try {
			webhookResult = await runWebhook(workflow, webhookData, node, additionalData, mode, args.runExecutionData);
		} catch (error) {
			// n8n hides the cause from the caller; tests find it in host.webhookErrors (and, for a
			// trigger, on a failed execution like the one n8n lists).
			this.webhookErrors.push({ nodeName: node.name, executionId: args.record?.id, error: error as Error });
			if (args.trigger) this.recordFailedTrigger(args.trigger, node, error as Error);
			throw new HttpError(500, 'Workflow Webhook Error: Workflow could not be started!', undefined, 0);
		}

		// noWebhookResponse: the node answered through getResponseObject() itself.
		const answeredByNode = webhookResult.noWebhookResponse === true;
		if (webhookResult.workflowData === undefined) {
			if (!answeredByNode) {
				sendJson(
					res,
					options.responseCode,
					webhookResult.webhookResponse !== undefined ? webhookResult.webhookResponse : { message: 'Webhook call received' },
				);
			}
			return false;
		}

		const respondFromExecution = !answeredByNode && options.responseMode === 'responseNode';
		const execution = args.startExecution(
			webhookResult.workflowData,
			respondFromExecution ? (response) => this.sendNodeResponse(res, options, response) : undefined,
		);
		if (answeredByNode) return true;
		if (options.responseMode === 'onReceived') {
			sendJson(res, options.responseCode, onReceivedBody(options.responseData, webhookResult));
			return true;
		}
		await this.respondAfterExecution(res, options, await execution);
		return true;
	}

	/** responseNode mode: a node's `sendResponse` (Respond to Webhook) becomes the HTTP answer. */
	private sendNodeResponse(res: HarnessResponse, options: ResponseOptions, response: IExecuteResponsePromiseData): void {
		const full = response as { body?: unknown; headers?: IDataObject; statusCode?: number };
		if (typeof full.statusCode === 'number' && full.headers !== undefined) {
			sendJson(res, full.statusCode, full.body, full.headers);
		} else {
			sendJson(res, options.responseCode, response);
		}
	}

	private async respondAfterExecution(
		res: HarnessResponse,
		options: ResponseOptions,
		result: ExecutionResult,
	): Promise<void> {
		if (res.headersSent) return;
		if (result.status === 'error') {
			sendJson(res, 500, { message: 'Error in workflow' });
			return;
		}
		if (options.responseMode === 'responseNode') {
			sendJson(res, options.responseCode, undefined);
			return;
		}
		const { body, error } = lastNodeBody(options, result.runData, result.run.data.resultData.lastNodeExecuted);
		if (error) sendJson(res, 500, { code: 0, message: error });
		else sendJson(res, options.responseCode, body);
	}

	/** A failed webhook() still shows up as a failed execution, as in n8n's execution list. */
	private recordFailedTrigger(trigger: TriggerRegistration, node: INode, error: Error): void {
		const record = this.createRecord(trigger.definition, 'webhook');
		trigger.executionIds.push(record.id);
		const data = createRunExecutionData({ resultData: { lastNodeExecuted: node.name } });
		data.resultData.error = { ...error, message: error.message, stack: error.stack, node } as never;
		const run: IRun = { data, mode: 'webhook', startedAt: new Date(), stoppedAt: new Date(), storedAt: 'db', status: 'error' };
		record.result = new ExecutionResult(record.id, run, this.resumeUrlFor(record.id, data), []);
		this.setStatus(record, 'error');
	}

	// ---------------------------------------------------------------- triggers

	/**
	 * Activates a workflow whose trigger node works with webhooks, as n8n's ActiveWorkflowManager
	 * does: registers the node's webhooks, runs `webhookMethods.*.checkExists` and, if needed,
	 * `create` in a real HookContext; afterwards each request to its URL runs webhook().
	 */
	async activateTrigger(spec: ActivateTriggerSpec): Promise<ActiveTrigger> {
		await ensureN8nRuntime();
		this.assertStarted();
		const baseUrl = this.url;
		const definition = this.createDefinition(spec);
		const workflow = this.createWorkflow(definition);
		const node = workflow.getNode(spec.triggerNode);
		if (node === null) throw new UserError(`triggerNode "${spec.triggerNode}" is not a node of this workflow`);
		const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (nodeType.webhook === undefined) {
			throw new UserError(`Node "${node.name}" (${node.type}) has no webhook() method; activateTrigger needs a webhook trigger`);
		}

		const additionalData = this.additionalData(definition);
		const webhooks = getNodeWebhooks(workflow, node, additionalData, true);
		if (webhooks.length === 0) throw new UserError(`Node "${node.name}" registers no webhooks`);
		for (const webhook of webhooks) {
			const clash = this.routes.find(
				(route) => route.webhook.httpMethod === webhook.httpMethod && route.webhook.path === webhook.path,
			);
			if (clash) {
				throw new UserError(`Webhook "${webhook.httpMethod} ${webhook.path}" is already registered by another active workflow`);
			}
		}

		for (const webhook of webhooks) {
			const step = `webhookMethods.${webhook.webhookDescription.name}`;
			try {
				const exists = await runWebhookMethod('checkExists', workflow, webhook, 'trigger', 'activate');
				if (!exists) await runWebhookMethod('create', workflow, webhook, 'trigger', 'activate');
			} catch (error) {
				throw new UserError(`Activating "${node.name}" failed in ${step}: ${(error as Error).message}`, { cause: error });
			}
		}

		const trigger: TriggerRegistration = {
			definition,
			workflow,
			triggerNodeName: node.name,
			executionIds: [],
			webhooks,
			active: true,
		};
		this.triggers.push(trigger);
		for (const webhook of webhooks) {
			this.routes.push({ webhook, segments: trimSlashes(webhook.path).split('/'), trigger });
		}

		const registered: RegisteredWebhook[] = webhooks.map((webhook) => ({
			name: webhook.webhookDescription.name,
			httpMethod: webhook.httpMethod,
			path: webhook.path,
			url: `${baseUrl}/webhook/${webhook.path}`,
		}));
		const settled = () =>
			trigger.executionIds
				.map((id) => this.executions.get(id) as ExecutionRecord)
				.filter((record) => record.status !== 'running' && record.result !== undefined)
				.map((record) => record.result as ExecutionResult);

		return {
			workflowId: definition.id,
			webhooks: registered,
			url: (webhookName = 'default') => {
				const found = registered.find((webhook) => webhook.name === webhookName);
				if (found === undefined) {
					throw new Error(`No webhook named "${webhookName}" (has: ${registered.map((webhook) => webhook.name).join(', ')})`);
				}
				return found.url;
			},
			executions: settled,
			waitForExecutions: async (count, timeoutMs = 10_000) =>
				await this.waitFor(
					() => {
						const records = trigger.executionIds.slice(0, count).map((id) => this.executions.get(id));
						const done = records.length >= count && records.every((record) => record && record.status !== 'running');
						return done ? settled() : undefined;
					},
					timeoutMs,
					() =>
						`Expected ${count} execution(s) of trigger "${node.name}" within ${timeoutMs} ms, ` +
						`got ${trigger.executionIds.length} started, ${settled().length} settled`,
				),
			staticData: (type = 'node') =>
				this.createWorkflow(trigger.definition).getStaticData(type, type === 'node' ? node : undefined),
			updateCredentials: async (type, data) =>
				await trigger.definition.credentialsHelper.updateCredentials({ id: null, name: type }, type, data as ICredentialDataDecryptedObject),
			deactivate: async () => {
				if (!trigger.active) return;
				trigger.active = false;
				for (let index = this.routes.length - 1; index >= 0; index--) {
					if (this.routes[index].trigger === trigger) this.routes.splice(index, 1);
				}
				for (const webhook of webhooks) {
					await runWebhookMethod('delete', workflow, webhook, 'internal', 'update');
				}
			},
		};
	}
}
