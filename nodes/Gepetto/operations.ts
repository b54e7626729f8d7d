import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ProviderOperation, SubmitOperation, SubmitRequest } from '../shared/provider';
import type { ParsedRender } from '../shared/result';
import { pollSettings } from '../shared/wait';
import { callGepetto } from './api';
import type { Catalogue } from './lists';
import { CATALOGUES, catalogueEntries } from './lists';
import { parseGepettoJob, parseGepettoSyncResponse } from './parser';
import type { BodyBuilder } from './request';
import { REQUEST_BODIES } from './request';

/** Gepetto's own wait mode: no webhook, the request blocks until the image is made (base64). */
export const WAIT_IN_REQUEST = 'inRequest';

const WAIT_IN_REQUEST_MODE = {
	name: 'Wait in the Request',
	value: WAIT_IN_REQUEST,
	description:
		'Send no webhook: Gepetto holds the request open and answers with the image. For short jobs; a cold start can take minutes (Timeout in Wait Options).',
};

/** A submit that hands Gepetto a webhook answers at once with the pending job. */
const QUEUED_SUBMIT_TIMEOUT_MS = 300_000;

async function submitRender(
	context: IExecuteFunctions,
	path: string,
	buildBody: BodyBuilder,
	{ itemIndex, callbackUrl, waitMode }: SubmitRequest,
): Promise<ParsedRender> {
	const body = buildBody(context, itemIndex);
	if (waitMode === WAIT_IN_REQUEST) {
		// The request itself is the wait: it may last as long as the user lets any wait last.
		const { timeoutMs } = pollSettings(context.getNodeParameter('waitOptions', itemIndex, {}) as IDataObject);
		const answer = await callGepetto(context, { method: 'POST', path, body, timeoutMs, creates: true }, itemIndex);
		return parseGepettoSyncResponse(answer);
	}
	// The engine always gives one here: Gepetto runs a job in the background only with a webhook.
	if (callbackUrl) body.webhook = callbackUrl;
	const answer = await callGepetto(
		context,
		{ method: 'POST', path, body, timeoutMs: QUEUED_SUBMIT_TIMEOUT_MS, creates: true },
		itemIndex,
	);
	// Should Gepetto answer with the image anyway, that is the result.
	return 'base64' in answer ? parseGepettoSyncResponse(answer) : parseGepettoJob('', answer);
}

function renderOperation(value: string, name: string, path: string, action: string, description: string): SubmitOperation {
	const buildBody = REQUEST_BODIES[value];
	return {
		kind: 'submit',
		value,
		name,
		action,
		description,
		offersWaitChoice: true,
		extraWaitModes: [WAIT_IN_REQUEST_MODE],
		submit: async (context, request) => await submitRender(context, path, buildBody, request),
	};
}

export async function fetchGepettoJob(context: Parameters<typeof callGepetto>[0], jobId: string, itemIndex: number) {
	const body = await callGepetto(context, { method: 'GET', path: `/job/${encodeURIComponent(jobId)}` }, itemIndex);
	return parseGepettoJob(jobId, body);
}

function listOperation(catalogue: Catalogue, name: string): ProviderOperation {
	return {
		kind: 'data',
		value: `list${catalogue[0].toUpperCase()}${catalogue.slice(1)}`,
		name,
		action: `List ${catalogue}`,
		description: `Every ${CATALOGUES[catalogue].label.toLowerCase()} Gepetto offers, one item each (ID, name, English name)`,
		run: async (context, itemIndex) =>
			catalogueEntries(await callGepetto(context, { method: 'GET', path: CATALOGUES[catalogue].path }, itemIndex), catalogue),
	};
}

/** Gepetto's operations (n8n lists them by name). */
export const GEPETTO_OPERATIONS: ProviderOperation[] = [
	renderOperation('redesign', 'Redesign', '/redesign', 'Redesign a room', 'Restyle a room; creativity sets how far from the photo'),
	renderOperation('creativeRedesign', 'Creative Redesign', '/creative-redesign', 'Redesign a room creatively', 'Reimagine a room freely in a style'),
	renderOperation('furnish', 'Furnish', '/furnish', 'Furnish a room', 'Add furniture to an empty room, for a room type or one piece'),
	renderOperation('smartStaging', 'Smart Staging', '/smart-staging-v2', 'Stage a room', 'Stage a room automatically, no mask needed (v2, paid add-on)'),
	renderOperation('smartStagingLegacy', 'Smart Staging (Legacy V1)', '/smart-staging', 'Stage a room with the legacy endpoint', 'The first Smart Staging endpoint, kept for old workflows (paid add-on)'),
	renderOperation('refresh', 'Refresh', '/refresh', 'Refresh walls or floor', 'Repaint the walls or replace the floor'),
	renderOperation('declutter', 'Declutter', '/declutter', 'Declutter a room', 'Empty a room, automatically or inside a mask'),
	renderOperation('sunshine', 'Sunshine', '/sunshine', 'Add sunshine to a photo', 'Replace a grey sky with a sunny one'),
	renderOperation('upscale', 'Upscale', '/upscale', 'Upscale an image', 'Raise the resolution of an image'),
	{
		kind: 'job',
		value: 'getJob',
		name: 'Get Job',
		action: 'Get a job',
		description: 'Fetch a job’s status and, when done, its image',
		run: async (context, itemIndex) =>
			await fetchGepettoJob(context, (context.getNodeParameter('jobId', itemIndex) as string).trim(), itemIndex),
	},
	listOperation('rooms', 'List Rooms'),
	listOperation('styles', 'List Styles'),
	listOperation('furnitures', 'List Furnitures'),
	listOperation('skies', 'List Skies'),
];
