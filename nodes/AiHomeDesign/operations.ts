import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isPlainObject } from '../shared/payload';
import type { ProviderOperation, ProviderResource, SubmitRequest } from '../shared/provider';
import type { ParsedRender } from '../shared/result';
import { parseAiHomeDesignProcess } from './parser';
import { renderFiles, toolWidgets, uploadFiles } from './request';
import type { ProcessStart } from './steps';
import { chainStep, createProject, fetchAiHomeDesignProcess, listProjects, startProcess, uploadOrder } from './steps';
import { documentedTool, inputKey } from './tools';

const text = (context: IExecuteFunctions, name: string, itemIndex: number) =>
	String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();

function requiredText(context: IExecuteFunctions, name: string, itemIndex: number, label: string): string {
	const value = text(context, name, itemIndex);
	if (value) return value;
	throw new NodeOperationError(context.getNode(), `${label} is empty`, { itemIndex });
}

function processGroupId(context: IExecuteFunctions, itemIndex: number): string | undefined {
	const options = context.getNodeParameter('processOptions', itemIndex, {}) as IDataObject;
	return typeof options.processGroupId === 'string' && options.processGroupId.trim() ? options.processGroupId.trim() : undefined;
}

/** The pending process as a RenderResult whose `request` holds the id of every step. */
function startedRender(processId: string, ids: IDataObject): ParsedRender {
	const parsed = parseAiHomeDesignProcess(processId, { status: 'pending', tool: ids.tool, order_id: ids.order_id });
	parsed.result.request = { ...ids, process_id: processId };
	return parsed;
}

/** Where the order goes: the project given, one created for the address, or none (the account default). */
async function projectFor(context: IExecuteFunctions, itemIndex: number, made: IDataObject): Promise<string | undefined> {
	const mode = context.getNodeParameter('projectMode', itemIndex, 'default');
	if (mode === 'existing') {
		// Version 2 saves a resource locator, version 1 a string. Not read with n8n's extractValue: when
		// Project is an expression, that finds version 1's text field and returns the locator object.
		const saved: unknown = context.getNodeParameter('projectId', itemIndex, '');
		const projectId = String((isPlainObject(saved) ? saved.value : saved) ?? '').trim();
		if (projectId) return projectId;
		throw new NodeOperationError(context.getNode(), 'Existing Project is empty', { itemIndex, description: 'Pick the project from the list or give its ID.' });
	}
	if (mode !== 'address') return undefined;
	const address = requiredText(context, 'address', itemIndex, 'Address');
	const project = await chainStep(context, itemIndex, 'Create Project', made, async () => await createProject(context, itemIndex, address));
	return project.id as string;
}

/**
 * Render: everything is read and checked first (tool, widgets, files), so a bad input costs no call.
 * Then project → order upload → process, each once; a failure names its step and the ids made.
 */
async function render(context: IExecuteFunctions, { itemIndex }: SubmitRequest): Promise<ParsedRender> {
	const tool = requiredText(context, 'tool', itemIndex, 'Tool');
	const widgets = toolWidgets(context, itemIndex, tool);
	const files = await renderFiles(context, itemIndex, tool);
	const made: IDataObject = {};
	const projectId = await projectFor(context, itemIndex, made);
	if (projectId) made.project_id = projectId;
	const order = await chainStep(context, itemIndex, 'Upload Order', made, async () => await uploadOrder(context, itemIndex, files, projectId));
	made.order_id = order.orderId;
	made.asset_ids = order.assetIds;
	const assetMap: IDataObject = {};
	files.forEach(({ input }, position) => {
		if (input) assetMap[inputKey(tool, input)] = order.assetIds[position];
	});
	const body: ProcessStart = { order_id: order.orderId, tool, asset_map: assetMap, widgets, process_group_id: processGroupId(context, itemIndex) };
	if (!body.process_group_id) delete body.process_group_id;
	const started = await chainStep(context, itemIndex, 'Start Process', made, async () => await startProcess(context, itemIndex, body));
	return startedRender(started.processId, { tool, ...made, asset_map: assetMap, widgets, ...(started.processGroupId ? { process_group_id: started.processGroupId } : {}) });
}

/** Start Process alone, on an uploaded order's assets. */
async function startOnOrder(context: IExecuteFunctions, { itemIndex }: SubmitRequest): Promise<ParsedRender> {
	const tool = requiredText(context, 'tool', itemIndex, 'Tool');
	const widgets = toolWidgets(context, itemIndex, tool);
	const orderId = requiredText(context, 'orderId', itemIndex, 'Order ID');
	const inputs = documentedTool(tool)?.inputs ?? ['image'];
	const assetMap: IDataObject = {};
	inputs.forEach((input, position) => {
		assetMap[inputKey(tool, input)] = position === 0 ? requiredText(context, 'primaryAssetId', itemIndex, 'Photo Asset ID') : requiredText(context, 'secondAssetId', itemIndex, 'Second Asset ID');
	});
	const body: ProcessStart = { order_id: orderId, tool, asset_map: assetMap, widgets };
	const groupId = processGroupId(context, itemIndex);
	if (groupId) body.process_group_id = groupId;
	const started = await startProcess(context, itemIndex, body);
	return startedRender(started.processId, { tool, order_id: orderId, asset_map: assetMap, widgets, ...(started.processGroupId ? { process_group_id: started.processGroupId } : {}) });
}

/** What the operations act on: the Resource drop-down of node version 2 on. */
export const AI_HOME_DESIGN_RESOURCES: ProviderResource[] = [
	{ value: 'process', name: 'Process', description: 'A tool run on photos: render photos, start on an uploaded order, get the result' },
	{ value: 'order', name: 'Order', description: 'Photos uploaded as assets for processes to run on' },
	{ value: 'project', name: 'Project', description: 'A listing’s address that orders are filed under' },
];

export const AI_HOME_DESIGN_OPERATIONS: ProviderOperation[] = [
	{
		kind: 'submit',
		value: 'render',
		resource: 'process',
		name: 'Render',
		action: 'Render room photo',
		description: 'Upload the photo(s) into a new order and start a process of a tool on them; returns the result images',
		offersWaitChoice: true,
		submit: render,
	},
	{
		kind: 'data',
		value: 'createProject',
		resource: 'project',
		name: 'Create',
		flatName: 'Create Project',
		action: 'Create project',
		description: 'Create a project for a listing’s address',
		run: async (context, itemIndex) => await createProject(context, itemIndex, requiredText(context, 'projectAddress', itemIndex, 'Address')),
	},
	{
		kind: 'data',
		value: 'listProjects',
		resource: 'project',
		name: 'Get Many',
		flatName: 'List Projects',
		action: 'Get many projects',
		description: 'Get projects, one item per project',
		run: listProjects,
	},
	{
		kind: 'data',
		value: 'uploadOrder',
		resource: 'order',
		name: 'Upload',
		flatName: 'Upload Order',
		action: 'Upload photos as new order',
		description: 'Upload the photo (and an optional second angle and mask) as a new order; returns order_id and the asset IDs',
		run: async (context, itemIndex) => {
			const files = await uploadFiles(context, itemIndex);
			const made: IDataObject = {};
			const projectId = await projectFor(context, itemIndex, made);
			const order = await uploadOrder(context, itemIndex, files, projectId);
			return { ...order.answer, ...(projectId ? { project_id: projectId } : {}), asset_ids: order.assetIds, asset_roles: files.map((file) => file.role) };
		},
	},
	{
		kind: 'submit',
		value: 'startProcess',
		resource: 'process',
		name: 'Start',
		flatName: 'Start Process',
		action: 'Start process',
		description: 'Start a process of a tool on the assets of an uploaded order',
		offersWaitChoice: true,
		submit: startOnOrder,
	},
	{
		kind: 'job',
		value: 'getProcess',
		readsResult: true,
		resource: 'process',
		name: 'Get',
		flatName: 'Get Process',
		action: 'Get process',
		description: 'Fetch a process’s status and, when done, its images',
		run: async (context, itemIndex) => await fetchAiHomeDesignProcess(context, requiredText(context, 'processId', itemIndex, 'Process ID'), itemIndex),
	},
];
