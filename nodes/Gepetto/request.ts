import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isHttpUrl } from '../shared/payload';

/**
 * An image parameter of one item: Gepetto takes images only as public http(s) URLs and has no
 * upload. A value that is not such a URL gets an error that says so, and names the item's binary
 * file when it has one, rather than the API's own "bad request".
 */
export function imageUrlParameter(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
): string {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (isHttpUrl(value)) return value;
	const files = Object.keys(context.getInputData()[itemIndex]?.binary ?? {});
	const hasFile = files.length > 0 ? ` This item carries a file (binary property "${files[0]}"), but Gepetto cannot take files.` : '';
	const what = value === '' ? `${label} is empty` : `${label} "${value.slice(0, 60)}" is not an http(s) URL`;
	throw new NodeOperationError(context.getNode(), `${what}: Gepetto takes images only by public URL.${hasFile}`, {
		itemIndex,
		description:
			'Put the image where Gepetto can download it (your storage, S3, a CDN, a public share link) and give that URL. Data URIs and local paths are not accepted.',
	});
}

/** An optional image URL: empty is left out, anything else must be an http(s) URL. */
function optionalImageUrl(context: IExecuteFunctions, itemIndex: number, name: string, label: string): string | undefined {
	const value = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
	return value === '' ? undefined : imageUrlParameter(context, itemIndex, name, label);
}

function text(context: IExecuteFunctions, name: string, itemIndex: number): string {
	return String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
}

/** A required id: empty is an error naming the field, before anything is sent. */
function requiredId(context: IExecuteFunctions, name: string, itemIndex: number, label: string): string {
	const value = text(context, name, itemIndex);
	if (value) return value;
	throw new NodeOperationError(context.getNode(), `${label} is empty`, {
		itemIndex,
		description: `Choose a ${label} from the list, or give its ID by expression.`,
	});
}

const style = (context: IExecuteFunctions, itemIndex: number) => requiredId(context, 'styleId', itemIndex, 'Style');
const photo = (context: IExecuteFunctions, itemIndex: number) => imageUrlParameter(context, itemIndex, 'imageUrl', 'Image URL');

export type BodyBuilder = (context: IExecuteFunctions, itemIndex: number) => IDataObject;

function withMask(body: IDataObject, mask: string | undefined): IDataObject {
	return mask ? { ...body, mask } : body;
}

/** The JSON body of each render endpoint for one item, without `webhook` (the engine's choice). */
export const REQUEST_BODIES: Record<string, BodyBuilder> = {
	redesign: (context, itemIndex) => {
		const body: IDataObject = {
			url: photo(context, itemIndex),
			styleId: style(context, itemIndex),
			roomId: requiredId(context, 'roomId', itemIndex, 'Room'),
			creativity: context.getNodeParameter('creativity', itemIndex, 15) as number,
		};
		for (const toggle of ['preserveWindows', 'preserveWalls', 'preserveCeiling', 'preserveFloor']) {
			if (context.getNodeParameter(toggle, itemIndex, false) === true) body[toggle] = true;
		}
		return withMask(body, optionalImageUrl(context, itemIndex, 'maskUrl', 'Mask URL'));
	},
	creativeRedesign: (context, itemIndex) => ({
		url: photo(context, itemIndex),
		styleId: style(context, itemIndex),
		roomId: requiredId(context, 'roomId', itemIndex, 'Room'),
	}),
	furnish: (context, itemIndex) => {
		const body: IDataObject = { url: photo(context, itemIndex), styleId: style(context, itemIndex) };
		// Gepetto takes a room or a single piece of furniture, never both.
		if (context.getNodeParameter('furnishBy', itemIndex, 'room') === 'furniture') {
			body.furnitureId = requiredId(context, 'furnitureId', itemIndex, 'Furniture');
		} else {
			body.roomId = requiredId(context, 'roomId', itemIndex, 'Room');
		}
		if (context.getNodeParameter('preserveWindows', itemIndex, true) === true) body.preserveWindows = true;
		return withMask(body, optionalImageUrl(context, itemIndex, 'maskUrl', 'Mask URL'));
	},
	smartStaging: (context, itemIndex) => ({
		url: photo(context, itemIndex),
		styleId: style(context, itemIndex),
		roomId: requiredId(context, 'stagingRoomId', itemIndex, 'Room'),
	}),
	smartStagingLegacy: (context, itemIndex) => ({
		url: photo(context, itemIndex),
		styleId: style(context, itemIndex),
		roomId: requiredId(context, 'legacyStagingRoomId', itemIndex, 'Room'),
	}),
	refresh: (context, itemIndex) => {
		const transformation = text(context, 'transformation', itemIndex) || 'walls';
		const valueField = transformation === 'floor' ? 'floorValue' : 'wallValue';
		return {
			url: photo(context, itemIndex),
			transformation,
			value: requiredId(context, valueField, itemIndex, transformation === 'floor' ? 'Floor' : 'Wall Colour'),
		};
	},
	declutter: (context, itemIndex) => {
		const url = photo(context, itemIndex);
		// Without a mask Gepetto declutters on its own; with one, only the masked area.
		if (context.getNodeParameter('declutterMode', itemIndex, 'automatic') !== 'manual') return { url };
		return { url, mask: imageUrlParameter(context, itemIndex, 'declutterMaskUrl', 'Mask URL') };
	},
	sunshine: (context, itemIndex) => {
		const skyId = text(context, 'skyId', itemIndex);
		return { url: photo(context, itemIndex), ...(skyId ? { skyId } : {}) };
	},
	upscale: (context, itemIndex) => ({ url: photo(context, itemIndex) }),
};
