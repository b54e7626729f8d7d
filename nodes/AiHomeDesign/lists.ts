import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';

import { isPlainObject } from '../shared/payload';
import { providerCredentials } from '../shared/transport';
import { AI_HOME_DESIGN_CREDENTIAL, AI_HOME_DESIGN_DEFAULT_CATALOGUE_URL } from './api';
import { MAX_PROJECT_PAGE, projectPage } from './steps';
import { DOCUMENTED_TOOLS, documentedTool } from './tools';

const CATALOGUE_TIMEOUT_MS = 10_000;

/** The active tools of a live catalogue answer `{data: [{id, name, slug, isActive}]}`, by name. */
export function activeToolOptions(answer: unknown): INodePropertyOptions[] {
	const list = isPlainObject(answer) && Array.isArray(answer.data) ? answer.data : Array.isArray(answer) ? answer : [];
	return list
		.filter((entry: unknown): entry is IDataObject => isPlainObject(entry) && typeof entry.slug === 'string' && entry.isActive !== false)
		.map((entry) => {
			const slug = entry.slug as string;
			const known = documentedTool(slug) ? '' : ' (not documented: give its widgets as Extra Widgets)';
			return { name: String(entry.name || slug), value: slug, description: `${slug}${known}` };
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** The documented tools, for when the live catalogue cannot be read. */
export function documentedToolOptions(reason: string): INodePropertyOptions[] {
	return DOCUMENTED_TOOLS.map((tool) => ({ name: tool.name, value: tool.slug, description: `${tool.slug} (documented list: ${reason})` })).sort((a, b) => a.name.localeCompare(b.name));
}

export const AI_HOME_DESIGN_LOAD_OPTIONS = {
	/** The live catalogue needs no key; it is read from the credential's Tool Catalogue URL. */
	async getTools(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		let url = AI_HOME_DESIGN_DEFAULT_CATALOGUE_URL;
		try {
			const credentials = await providerCredentials(this, AI_HOME_DESIGN_CREDENTIAL);
			url = String(credentials.catalogueUrl || url);
			const options = activeToolOptions(await this.helpers.httpRequest({ method: 'GET', url, json: true, timeout: CATALOGUE_TIMEOUT_MS }));
			return options.length ? options : documentedToolOptions('the live catalogue listed no active tool');
		} catch (error) {
			return documentedToolOptions(`the live catalogue at ${url} could not be read: ${(error as Error).message}`);
		}
	},
};

/**
 * The account's projects for the Existing Project picker, newest first, named by address. The
 * filter is AI Home Design's own address search; a full page means there may be another.
 */
export async function searchProjects(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const page = Number(paginationToken) || 1;
	const search = (filter ?? '').trim();
	const projects = await projectPage(this, 0, { page, limit: MAX_PROJECT_PAGE, sort: 'desc', ...(search ? { s: search } : {}) });
	return {
		results: projects
			.filter((project) => typeof project.id === 'string')
			.map((project) => ({ name: String(project.address || project.id), value: project.id as string })),
		paginationToken: projects.length === MAX_PROJECT_PAGE ? String(page + 1) : undefined,
	};
}
