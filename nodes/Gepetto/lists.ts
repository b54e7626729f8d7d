import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { describeValue, isPlainObject } from '../shared/payload';
import { callGepetto } from './api';

/**
 * Gepetto's catalogues: `GET /rooms` is documented as `[{id, name, "name-en", type}]` (name in
 * French, name-en in English). Styles, skies and furnitures lists exist in the docs; their paths and
 * shapes are inferred to be the same.
 */
export const CATALOGUES = {
	rooms: { path: '/rooms', label: 'Room' },
	styles: { path: '/styles', label: 'Style' },
	furnitures: { path: '/furnitures', label: 'Furniture' },
	skies: { path: '/skies', label: 'Sky' },
} as const;

export type Catalogue = keyof typeof CATALOGUES;

/** The entries of a catalogue answer: an array, or the first array inside an object. */
export function catalogueEntries(answer: unknown, catalogue: Catalogue): IDataObject[] {
	const list = Array.isArray(answer)
		? answer
		: isPlainObject(answer)
			? Object.values(answer).find((value): value is unknown[] => Array.isArray(value))
			: undefined;
	if (!list) throw new Error(`Gepetto's ${catalogue} list is not a list; got ${describeValue(answer)}`);
	return list.filter(isPlainObject);
}

/** A drop-down option per entry, labelled in English (`name-en`), sorted by label. */
export function catalogueOptions(entries: IDataObject[]): INodePropertyOptions[] {
	return entries
		.filter((entry) => typeof entry.id === 'string' || typeof entry.id === 'number')
		.map((entry) => {
			const label = [entry['name-en'], entry.name, entry.id].find((value) => typeof value === 'string' && value.trim() !== '');
			const option: INodePropertyOptions = { name: String(label ?? entry.id), value: String(entry.id) };
			if (typeof entry.type === 'string' && entry.type) option.description = entry.type;
			return option;
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** A catalogue for a drop-down, through the engine's transport (retries, 429 pause, errors). */
async function loadCatalogue(context: ILoadOptionsFunctions, catalogue: Catalogue): Promise<INodePropertyOptions[]> {
	const answer: unknown = await callGepetto(context, { method: 'GET', path: CATALOGUES[catalogue].path }, 0);
	try {
		return catalogueOptions(catalogueEntries(answer, catalogue));
	} catch (error) {
		throw new NodeOperationError(context.getNode(), (error as Error).message);
	}
}

/** The node's `methods.loadOptions`. */
export const GEPETTO_LOAD_OPTIONS = {
	async getRooms(this: ILoadOptionsFunctions) {
		return await loadCatalogue(this, 'rooms');
	},
	async getStyles(this: ILoadOptionsFunctions) {
		return await loadCatalogue(this, 'styles');
	},
	async getFurnitures(this: ILoadOptionsFunctions) {
		return await loadCatalogue(this, 'furnitures');
	},
	async getSkies(this: ILoadOptionsFunctions) {
		// Sky is optional: the first choice leaves it to Gepetto.
		return [{ name: 'Gepetto’s Default', value: '' }, ...(await loadCatalogue(this, 'skies'))];
	},
};
