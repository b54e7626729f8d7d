import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { describeValue, isPlainObject } from '../shared/payload';
import type { ApiContext } from '../shared/provider';
import type { ParsedRender } from '../shared/result';
import { toNodeError } from '../shared/transport';
import { callAiHomeDesign, unwrapAnswer } from './api';
import { parseAiHomeDesignProcess } from './parser';
import type { OrderFile, Widget } from './request';
import { orderBody } from './request';

/** One call of each API step, reading both answer forms (wrapped or not). */

export async function createProject(context: IExecuteFunctions, itemIndex: number, address: string): Promise<IDataObject> {
	const answer = unwrapAnswer(await callAiHomeDesign(context, { method: 'POST', path: '/project', body: { json: { address } }, creates: true }, itemIndex));
	if (!isPlainObject(answer) || typeof answer.id !== 'string') throw new Error(`AI Home Design created a project but its answer has no id: ${describeValue(answer)}`);
	return answer;
}

/** The API's largest page of projects. */
export const MAX_PROJECT_PAGE = 30;

/** One page of projects, `GET /project?page&limit&sort&s` (answered as a list, wrapped or not). */
export async function projectPage(context: ApiContext, itemIndex: number, qs: IDataObject): Promise<IDataObject[]> {
	const answer = unwrapAnswer(await callAiHomeDesign(context, { method: 'GET', path: '/project', qs }, itemIndex));
	const list = Array.isArray(answer) ? answer : isPlainObject(answer) && Array.isArray(answer.projects) ? answer.projects : [];
	return list.filter(isPlainObject);
}

/**
 * Projects, one item each. Version 1 reads the page asked for; from version 2, as n8n's Get Many:
 * every page (Return All) or pages up to Limit. A short page is the last.
 */
export async function listProjects(context: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const search = String(context.getNodeParameter('search', itemIndex, '') ?? '').trim();
	const query: IDataObject = { sort: context.getNodeParameter('sort', itemIndex, 'desc'), ...(search ? { s: search } : {}) };
	if (context.getNode().typeVersion < 2) {
		const page = { page: context.getNodeParameter('page', itemIndex, 1), limit: context.getNodeParameter('pageSize', itemIndex, MAX_PROJECT_PAGE) };
		return await projectPage(context, itemIndex, { ...page, ...query });
	}
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (context.getNodeParameter('limit', itemIndex, 50) as number);
	const projects: IDataObject[] = [];
	for (let page = 1; projects.length < limit; page++) {
		const found = await projectPage(context, itemIndex, { page, limit: MAX_PROJECT_PAGE, ...query });
		projects.push(...found);
		if (found.length < MAX_PROJECT_PAGE) break;
	}
	return projects.slice(0, limit);
}

export async function uploadOrder(
	context: IExecuteFunctions,
	itemIndex: number,
	files: OrderFile[],
	projectId: string | undefined,
): Promise<{ orderId: string; assetIds: string[]; answer: IDataObject }> {
	const roleField = ((context.getNodeParameter('uploadOptions', itemIndex, {}) as IDataObject).roleField as string) || 'asset_role';
	const raw = await callAiHomeDesign(context, { method: 'POST', path: '/order', body: { multipart: orderBody(files, projectId, roleField) }, creates: true }, itemIndex);
	const answer = unwrapAnswer(raw);
	const assets = isPlainObject(answer) && Array.isArray(answer.assets) ? answer.assets : [];
	const assetIds = assets.map((asset: unknown) => (isPlainObject(asset) ? String(asset.id ?? asset._id ?? '') : ''));
	if (!isPlainObject(answer) || typeof answer.order_id !== 'string' || assetIds.length !== files.length || assetIds.includes('')) {
		throw new Error(`AI Home Design accepted the upload but its answer lacks order_id or one asset id per file: ${describeValue(answer)}`);
	}
	return { orderId: answer.order_id, assetIds, answer };
}

export interface ProcessStart {
	order_id: string;
	tool: string;
	asset_map: IDataObject;
	widgets: Widget[];
	process_group_id?: string;
}

/** `POST /process`: the docs say "save the process_id"; the vendor's client reads data.process_ids[0]. */
export async function startProcess(context: IExecuteFunctions, itemIndex: number, body: ProcessStart): Promise<{ processId: string; processGroupId?: string }> {
	const answer = unwrapAnswer(await callAiHomeDesign(context, { method: 'POST', path: '/process', body: { json: body as unknown as IDataObject }, creates: true }, itemIndex));
	const fields = isPlainObject(answer) ? answer : {};
	const ids = Array.isArray(fields.process_ids) ? fields.process_ids : [];
	const processId = [fields.process_id, ids[0], fields.id, fields._id].find((id): id is string => typeof id === 'string' && id !== '');
	if (!processId) throw new Error(`AI Home Design accepted the process but its answer has no process_id: ${describeValue(answer)}`);
	const processGroupId = typeof fields.process_group_id === 'string' ? fields.process_group_id : undefined;
	return { processId, processGroupId };
}

export async function fetchAiHomeDesignProcess(context: ApiContext, processId: string, itemIndex: number): Promise<ParsedRender> {
	const answer = await callAiHomeDesign(context, { method: 'GET', path: `/process/${encodeURIComponent(processId)}` }, itemIndex);
	return parseAiHomeDesignProcess(processId, answer);
}

/** The step names of the Render chain, as errors name them. */
export type ChainStep = 'Create Project' | 'Upload Order' | 'Start Process';

/**
 * Runs one step of the Render chain. A failure becomes the node's error naming the step and every
 * id made so far, so nothing made before it is lost from sight. Nothing is sent again: the engine's
 * transport retries a create only after a 429 (refused before acting), never after a 5xx.
 */
export async function chainStep<T>(context: IExecuteFunctions, itemIndex: number, step: ChainStep, made: IDataObject, run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		const existing = Object.entries(made).filter(([, value]) => value !== undefined && value !== '');
		const ids = existing.length ? `Already made: ${existing.map(([key, value]) => `${key} ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ')}.` : 'Nothing was made at AI Home Design before it.';
		const prefix = `Render stopped at step "${step}": `;
		const note = ` ${ids} Not sent again: check AI Home Design before running the item again.`;
		const failure = toNodeError(context.getNode(), error, itemIndex);
		failure.message = `${prefix}${failure.message.replace(/\.$/, '')}. ${ids}`;
		failure.description = `${note.trim()}${failure.description ? ` ${failure.description}` : ''}`;
		failure.context = { ...failure.context, step, ...made };
		throw failure;
	}
}
