import './environment';

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

import type {
	IConnections,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, UserError } from 'n8n-workflow';

import { PROVIDER_REGISTRY } from '../../nodes/registry';

/** A node class as the package exports it (plain or versioned). */
export type NodeClass = new () => INodeType | IVersionedNodeType;

/**
 * n8n names a community package's node types `<package name>.<description.name>`. A provider's
 * nodes take their package's name from the registry; the engine suite's fake nodes, which no
 * package ships, take the development tree's.
 */
export const PACKAGE_NAME: string = (
	JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { name: string }
).name;

function packageNameOf(nodeClass: NodeClass): string {
	const provider = PROVIDER_REGISTRY.find((entry) => entry.nodes.includes(nodeClass as never));
	return provider?.packageName ?? PACKAGE_NAME;
}

export const TEST_START_NODE_TYPE = 'test.start';

function isVersioned(nodeType: INodeType | IVersionedNodeType): nodeType is IVersionedNodeType {
	return 'nodeVersions' in nodeType;
}

const descriptionCache = new Map<NodeClass, { name: string; latestVersion: number; defaultName: string }>();

function describeClass(nodeClass: NodeClass) {
	let known = descriptionCache.get(nodeClass);
	if (known === undefined) {
		const instance = new nodeClass();
		// A new node in the editor gets the default (else newest) version, as here.
		const latestVersion = isVersioned(instance)
			? (instance.description.defaultVersion ?? instance.currentVersion)
			: Math.max(...[instance.description.version].flat());
		const concrete = isVersioned(instance) ? instance.getNodeType(latestVersion) : instance;
		const defaultName =
			(concrete.description.defaults?.name as string | undefined) ?? concrete.description.displayName;
		known = { name: instance.description.name, latestVersion, defaultName };
		descriptionCache.set(nodeClass, known);
	}
	return known;
}

/** The workflow `type` of a node class, e.g. `@render-hooks/n8n-nodes-runpod.runPod`. */
export function typeName(nodeClass: NodeClass): string {
	return `${packageNameOf(nodeClass)}.${describeClass(nodeClass).name}`;
}

/**
 * Test-only start node: no inputs, passes on the items the test hands in. n8n's own harness
 * seeds the first node's input through `nodeExecutionStack`; this node is that seam.
 */
export class TestStartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items given to N8nHost.runWorkflow({ inputItems })',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** INodeTypes for the given node classes plus `test.start`, as n8n's NodeTypes service provides. */
export class NodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	constructor(nodeClasses: NodeClass[]) {
		this.types.set(TEST_START_NODE_TYPE, new TestStartNode());
		for (const nodeClass of nodeClasses) {
			this.types.set(typeName(nodeClass), new nodeClass());
		}
	}

	/** Registers an extra node type under an explicit type name (used for temporary nodes). */
	register(type: string, nodeType: INodeType | IVersionedNodeType): void {
		this.types.set(type, nodeType);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const found = this.types.get(nodeType);
		if (found === undefined) {
			throw new UserError(
				`Unknown node type "${nodeType}". Known types: ${[...this.types.keys()].join(', ')}. ` +
					'Pass the node class to new N8nHost({ nodeTypes: [...] }) and use typeName(NodeClass).',
			);
		}
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const found = this.getByName(nodeType);
		return isVersioned(found) ? found.getNodeType(version) : found;
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const [type, nodeType] of this.types) {
			known[type] = { className: nodeType.constructor.name, sourcePath: '' };
		}
		return known;
	}
}

export interface NodeOptions {
	name?: string;
	parameters?: INodeParameters;
	credentials?: INodeCredentials;
	typeVersion?: number;
	webhookId?: string;
	position?: [number, number];
	disabled?: boolean;
	/** Any other INode field (continueOnFail, onError, retryOnFail, ...). */
	extra?: Partial<INode>;
}

let nodePosition = 0;

/** An INode for a node class with n8n's defaults filled in (latest version, default name). */
export function createNode(nodeClass: NodeClass, options: NodeOptions = {}): INode {
	const { latestVersion, defaultName } = describeClass(nodeClass);
	nodePosition += 220;
	return {
		id: randomUUID(),
		name: options.name ?? defaultName,
		type: typeName(nodeClass),
		typeVersion: options.typeVersion ?? latestVersion,
		position: options.position ?? [nodePosition, 0],
		parameters: options.parameters ?? {},
		...(options.credentials && { credentials: options.credentials }),
		...(options.webhookId && { webhookId: options.webhookId }),
		...(options.disabled && { disabled: true }),
		...options.extra,
	};
}

/** The `test.start` node that receives `inputItems`. */
export function startNode(name = 'Start'): INode {
	return {
		id: randomUUID(),
		name,
		type: TEST_START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

/** Main connections for a straight line of nodes: chain('Start', 'A', 'B') is Start → A → B. */
export function chain(...nodeNames: string[]): IConnections {
	const connections: IConnections = {};
	for (let index = 0; index < nodeNames.length - 1; index++) {
		connect(connections, nodeNames[index], nodeNames[index + 1]);
	}
	return connections;
}

/** Adds one main connection `from[outputIndex] → to[inputIndex]` to `connections` (and returns it). */
export function connect(
	connections: IConnections,
	from: string,
	to: string,
	outputIndex = 0,
	inputIndex = 0,
): IConnections {
	const outputs = (connections[from] ??= {}).main ?? [];
	connections[from].main = outputs;
	while (outputs.length <= outputIndex) outputs.push([]);
	(outputs[outputIndex] ??= []).push({ node: to, type: NodeConnectionTypes.Main, index: inputIndex });
	return connections;
}

/**
 * A render-hooks node of an example workflow (examples/*.json) as saved, without its credential
 * reference: the harness supplies credentials by type.
 */
export function exampleNode(workflow: { nodes: unknown[] }, shortTypeName: string): INode {
	const nodeClass = PROVIDER_REGISTRY.flatMap((entry) => entry.nodes).find((candidate) => describeClass(candidate).name === shortTypeName);
	if (!nodeClass) throw new Error(`no provider has a node named ${shortTypeName}`);
	const node = (workflow.nodes as INode[]).find((candidate) => candidate.type === typeName(nodeClass));
	if (!node) throw new Error(`the example has no ${typeName(nodeClass)} node`);
	const copy = structuredClone(node);
	delete copy.credentials;
	return copy;
}
