import './environment';

import { Credentials, ExecuteContext, RoutingNode } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	UserError,
	Workflow,
} from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { NodeTypes, TEST_START_NODE_TYPE } from './node-types';
import { ensureN8nRuntime } from './runtime';

export type CredentialClass = new () => ICredentialType;

/** Credential data per credential type name, e.g. `{ runPodApi: { apiKey: 'k' } }`. */
export type CredentialsData = Record<string, ICredentialDataDecryptedObject>;

/** ICredentialTypes over the given credential classes (n8n's CredentialTypes service). */
export class CredentialTypes implements ICredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(credentialClasses: CredentialClass[]) {
		for (const credentialClass of credentialClasses) {
			const credentialType = new credentialClass();
			this.types.set(credentialType.name, credentialType);
		}
	}

	recognizes(credentialType: string): boolean {
		return this.types.has(credentialType);
	}

	getByName(credentialType: string): ICredentialType {
		const found = this.types.get(credentialType);
		if (found === undefined) {
			throw new UserError(
				`Unknown credential type "${credentialType}". Known types: ${[...this.types.keys()].join(', ') || '(none)'}. ` +
					'Pass the credential class to new N8nHost({ credentialTypes: [...] }).',
			);
		}
		return found;
	}

	getSupportedNodes(type: string): string[] {
		return this.getByName(type).supportedNodes ?? [];
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.types.get(typeName)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	/** Own properties merged over the parents' (n8n's CredentialsHelper.getCredentialsProperties). */
	getProperties(typeName: string): INodeProperties[] {
		const credentialType = this.getByName(typeName);
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}

function hasExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(hasExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(hasExpression);
	return false;
}

/**
 * The test counterpart of n8n's CLI CredentialsHelper: credential data lives in memory instead of
 * the database, everything else (defaults from the credential type's properties, generic and
 * function `authenticate`, `preAuthentication` of expirable properties) follows n8n.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly data: CredentialsData;

	constructor(
		readonly credentialTypes: CredentialTypes,
		private readonly nodeTypes: NodeTypes,
		data: CredentialsData = {},
	) {
		super();
		this.data = structuredClone(data);
		for (const [type, values] of Object.entries(this.data)) this.assertKnownFields(type, values);
	}

	/** Typos in test credential data would otherwise vanish silently (n8n drops unknown fields). */
	private assertKnownFields(type: string, values: ICredentialDataDecryptedObject): void {
		const known = new Set(this.getCredentialsProperties(type).map((property) => property.name));
		const unknown = Object.keys(values).filter((key) => !known.has(key) && key !== 'oauthTokenData');
		if (unknown.length > 0) {
			throw new UserError(
				`Credential data for "${type}" has unknown field(s) ${unknown.map((key) => `"${key}"`).join(', ')}; ` +
					`the credential type defines: ${[...known].join(', ')}`,
			);
		}
	}

	/** Credential types for which the test supplied data. */
	get providedTypes(): string[] {
		return Object.keys(this.data);
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.credentialTypes.recognizes(credentialType)) return true;
		const definition = this.credentialTypes.getByName(credentialType);
		if (!definition.restrictToSupportedNodes) return true;
		return (definition.supportedNodes ?? []).some(
			(supported) => supported === nodeType || nodeType.endsWith(`.${supported}`),
		);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes.getProperties(type);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.credentialTypes.getByName(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			requestOptions.headers ??= {};
			const options = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [target, entries] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
					const resolvedKey = this.resolveValue(key, credentials, workflow, node);
					options[target] ??= {};
					options[target][resolvedKey] = this.resolveValue(value, credentials, workflow, node);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	/**
	 * `={{$credentials.apiKey}}` and `=Bearer {{$credentials.apiKey}}` go through the workflow's real
	 * expression engine with `$credentials` as additional key, as in n8n's CredentialsHelper.
	 */
	private resolveValue(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow | undefined,
		node: INode | undefined,
	): string {
		if (typeof value !== 'string') return String(value);
		if (!value.startsWith('=')) return value;
		const expressionNode = node ?? this.placeholderNode();
		const expressionWorkflow = workflow ?? this.placeholderWorkflow(expressionNode);
		const resolved = expressionWorkflow.expression.getSimpleParameterValue(
			expressionNode,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved === undefined || resolved === null || resolved === '' ? '' : String(resolved);
	}

	private placeholderNode(): INode {
		return {
			id: 'credentials',
			name: 'Credentials',
			type: TEST_START_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		};
	}

	private placeholderWorkflow(node: INode): Workflow {
		return new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: this.nodeTypes });
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirable = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirable === undefined || credentialType.preAuthentication === undefined) return undefined;
		if (credentials[expirable.name] !== '' && !credentialsExpired) return undefined;

		const output = (await credentialType.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
		if (output[expirable.name] === undefined) return undefined;
		// n8n persists the refreshed token; keep it for the rest of this execution.
		this.data[typeName] = { ...this.data[typeName], ...output };
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (credentialType.preAuthentication === undefined) return undefined;
		return (await credentialType.preAuthentication.call(helpers, credentials)) as ICredentialDataDecryptedObject;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.storedData(type));
		return credentials;
	}

	private storedData(type: string): ICredentialDataDecryptedObject {
		const stored = this.data[type];
		if (stored === undefined) {
			throw new UserError(
				`No credentials of type "${type}" were given to the harness. ` +
					`Pass them as { credentials: { ${type}: { ... } } }.`,
			);
		}
		return structuredClone(stored);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		_executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.storedData(type);
		if (raw === true) return stored;
		return this.applyDefaults(type, stored, mode, additionalData, expressionResolveValues);
	}

	/** n8n's applyDefaultsAndOverwrites, without overwrites (a community package has none). */
	applyDefaults(
		type: string,
		stored: ICredentialDataDecryptedObject,
		mode: WorkflowExecuteMode = 'internal',
		additionalData?: IWorkflowExecuteAdditionalData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): ICredentialDataDecryptedObject {
		let data = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (stored.oauthTokenData !== undefined) data.oauthTokenData = stored.oauthTokenData;
		if (!hasExpression(data)) return data;

		const additionalKeys = { $vars: additionalData?.variables ?? {} };
		if (expressionResolveValues) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
				expressionResolveValues;
			data = workflow.expression.getParameterValue(
				data as INodeParameters,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				additionalKeys,
				undefined,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		} else {
			const node = this.placeholderNode();
			data = this.placeholderWorkflow(node).expression.getComplexParameterValue(
				node,
				data as INodeParameters,
				mode,
				additionalKeys,
				undefined,
				undefined,
				data,
			) as ICredentialDataDecryptedObject;
		}
		return data;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = structuredClone(data);
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = { ...this.data[type], ...structuredClone(data) };
	}
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	/** `Connection successful!`, or what failed, including the HTTP status and the API's message. */
	message: string;
	/** Exactly what n8n's credential modal would show (its message omits the API's body). */
	n8nMessage: string;
	httpStatus?: number;
	/** The failed response's body, parsed when it was JSON. */
	responseBody?: unknown;
}

export interface TestCredentialOptions {
	/** Parent credential classes, when the tested one `extends` others. */
	parentCredentialTypes?: CredentialClass[];
}

function responseMessage(body: unknown): string | undefined {
	if (typeof body === 'string') return body.trim() || undefined;
	if (body !== null && typeof body === 'object') {
		const record = body as IDataObject;
		for (const key of ['message', 'error', 'detail', 'error_description']) {
			const value = record[key];
			if (typeof value === 'string') return value;
			if (value !== null && typeof value === 'object' && typeof (value as IDataObject).message === 'string') {
				return (value as IDataObject).message as string;
			}
		}
		return JSON.stringify(body);
	}
	return undefined;
}

interface HttpFailure {
	status?: number;
	statusText?: string;
	body?: unknown;
	code?: string;
}

/** The HTTP response behind an error thrown by n8n-core's request helpers, however wrapped. */
function findHttpFailure(error: unknown): HttpFailure {
	const seen = new Set<unknown>();
	let current: unknown = error;
	let code: string | undefined;
	while (current !== null && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as {
			response?: { status?: number; statusText?: string; data?: unknown; body?: unknown };
			code?: unknown;
			cause?: unknown;
		};
		if (typeof candidate.code === 'string' && code === undefined) code = candidate.code;
		if (candidate.response?.status !== undefined) {
			return {
				status: candidate.response.status,
				statusText: candidate.response.statusText,
				body: candidate.response.data ?? candidate.response.body,
				code,
			};
		}
		current = candidate.cause;
	}
	return { code };
}

/**
 * Runs a credential type's declarative `test.request` the way n8n's CredentialsTester does: a
 * temporary node whose only property routes that request, executed by n8n-core's RoutingNode, so
 * `={{$credentials.x}}` expressions, `authenticate` and the HTTP request are all n8n's own.
 */
export async function testCredential(
	credentialClass: CredentialClass,
	data: ICredentialDataDecryptedObject,
	options: TestCredentialOptions = {},
): Promise<CredentialTestResult> {
	await ensureN8nRuntime();
	const credentialTypes = new CredentialTypes([credentialClass, ...(options.parentCredentialTypes ?? [])]);
	const credentialType = new credentialClass();
	const type = credentialType.name;
	const testRequest = credentialType.test;
	if (testRequest === undefined) {
		const message = 'No testing function found for this credential.';
		return { status: 'Error', message, n8nMessage: message };
	}

	const nodeTypes = new NodeTypes([]);
	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, nodeTypes, { [type]: data });
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: 'credential-under-test',
		name: credentialType.displayName,
		type,
		data: credentialsHelper.applyDefaults(type, data),
	};

	const testNodeType: INodeType = {
		description: {
			displayName: 'Credential Test',
			name: 'harnessCredentialTest',
			group: ['transform'],
			version: 1,
			description: 'Temporary node that sends the credential test request',
			defaults: { name: 'Temp-Node' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: testRequest.request },
					default: '',
				},
			],
		},
	};
	const testNodeTypeName = 'harness.credentialTest';
	nodeTypes.register(testNodeTypeName, testNodeType);

	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: testNodeTypeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [type]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = createAdditionalData({ baseUrl: 'http://127.0.0.1', credentialsHelper });
	const inputData = { main: [[{ json: {} }]] };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		createRunExecutionData(),
		0,
		[],
		inputData,
		{ node, data: inputData, source: null },
		[],
	);

	let response: INodeExecutionData[][] | undefined;
	try {
		response = await new RoutingNode(context, testNodeType, credentialsDecrypted).runNode();
	} catch (error) {
		const failure = findHttpFailure(error);
		if (failure.status !== undefined) {
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === failure.status) {
					return {
						status: 'Error',
						message: rule.properties.message,
						n8nMessage: rule.properties.message,
						httpStatus: failure.status,
						responseBody: failure.body,
					};
				}
			}
			if (failure.status < 200 || failure.status > 299) {
				const n8nMessage = failure.statusText || `Received HTTP status code: ${failure.status}`;
				const apiMessage = responseMessage(failure.body);
				return {
					status: 'Error',
					message: `HTTP ${failure.status}${failure.statusText ? ` ${failure.statusText}` : ''}${apiMessage ? `: ${apiMessage}` : ''}`,
					n8nMessage,
					httpStatus: failure.status,
					responseBody: failure.body,
				};
			}
		}
		if (failure.code !== undefined) {
			const message = `${failure.code}: ${(error as Error).message}`;
			return { status: 'Error', message, n8nMessage: failure.code };
		}
		const message = String((error as Error).message);
		return { status: 'Error', message, n8nMessage: message };
	}

	for (const rule of testRequest.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const body = response?.[0]?.[0]?.json ?? {};
		const value = rule.properties.key
			.split('.')
			.reduce<unknown>((current, key) => (current as IDataObject | undefined)?.[key], body);
		if (value === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message, n8nMessage: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!', n8nMessage: 'Connection successful!' };
}
