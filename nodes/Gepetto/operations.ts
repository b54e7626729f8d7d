import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ProviderOperation, ProviderResource, SubmitOperation, SubmitRequest } from '../shared/provider';
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

interface RenderNames {
	name: string;
	action: string;
	description: string;
}

function renderOperation(value: string, path: string, { name, action, description }: RenderNames): SubmitOperation {
	const buildBody = REQUEST_BODIES[value];
	return {
		kind: 'submit',
		value,
		resource: 'roomPhoto',
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

/**
 * A catalogue list as n8n names such operations: "Get Many <things>", action "Get many <things>".
 * The value stays `list<Catalogue>`, so saved workflows keep working.
 */
function listOperation(catalogue: Catalogue, things: string): ProviderOperation {
	return {
		kind: 'data',
		value: `list${catalogue[0].toUpperCase()}${catalogue.slice(1)}`,
		resource: 'catalog',
		name: `Get Many ${things}`,
		action: `Get many ${things.toLowerCase()}`,
		description: `Every ${CATALOGUES[catalogue].label.toLowerCase()} Gepetto offers, one item each (ID, name, English name)`,
		run: async (context, itemIndex) =>
			catalogueEntries(await callGepetto(context, { method: 'GET', path: CATALOGUES[catalogue].path }, itemIndex), catalogue),
	};
}

/** What Gepetto's operations act on: a room photo to render, a job, the catalogue of choices. */
export const GEPETTO_RESOURCES: ProviderResource[] = [
	{ value: 'roomPhoto', name: 'Room Photo', description: 'Render a room photo: redesign, furnish, stage, declutter, brighten, upscale' },
	{ value: 'job', name: 'Job', description: 'A render job Gepetto runs' },
	{ value: 'catalog', name: 'Catalog', description: 'The rooms, styles, furniture and skies renders can use' },
];

/** Gepetto's operations (n8n lists them by name). */
export const GEPETTO_OPERATIONS: ProviderOperation[] = [
	renderOperation('redesign', '/redesign', {
		name: 'Redesign',
		action: 'Redesign room photo',
		description: 'Restyle the room in a photo; creativity sets how far from the photo',
	}),
	renderOperation('creativeRedesign', '/creative-redesign', {
		name: 'Creative Redesign',
		action: 'Redesign room photo creatively',
		description: 'Reimagine the room in a photo freely in a style',
	}),
	renderOperation('furnish', '/furnish', {
		name: 'Furnish',
		action: 'Furnish room photo',
		description: 'Add furniture to an empty room photo, for a room type or one piece',
	}),
	renderOperation('smartStaging', '/smart-staging-v2', {
		name: 'Smart Staging',
		action: 'Stage room photo',
		description: 'Stage a room photo automatically, no mask needed (v2, paid add-on)',
	}),
	renderOperation('smartStagingLegacy', '/smart-staging', {
		name: 'Smart Staging (Legacy V1)',
		action: 'Stage room photo with legacy endpoint',
		description: 'The first Smart Staging endpoint, kept for old workflows (paid add-on)',
	}),
	renderOperation('refresh', '/refresh', {
		name: 'Refresh',
		action: 'Refresh walls or floor in room photo',
		description: 'Repaint the walls or replace the floor in a room photo',
	}),
	renderOperation('declutter', '/declutter', {
		name: 'Declutter',
		action: 'Declutter room photo',
		description: 'Empty the room in a photo, automatically or inside a mask',
	}),
	renderOperation('sunshine', '/sunshine', {
		name: 'Sunshine',
		action: 'Add sunshine to room photo',
		description: 'Replace a grey sky in a photo with a sunny one',
	}),
	renderOperation('upscale', '/upscale', {
		name: 'Upscale',
		action: 'Upscale room photo',
		description: 'Raise the resolution of a photo',
	}),
	{
		kind: 'job',
		value: 'getJob',
		readsResult: true,
		resource: 'job',
		name: 'Get',
		flatName: 'Get Job',
		action: 'Get job',
		description: 'Fetch a job’s status and, when done, its image',
		run: async (context, itemIndex) =>
			await fetchGepettoJob(context, (context.getNodeParameter('jobId', itemIndex) as string).trim(), itemIndex),
	},
	listOperation('rooms', 'Rooms'),
	listOperation('styles', 'Styles'),
	listOperation('furnitures', 'Furniture'),
	listOperation('skies', 'Skies'),
];
