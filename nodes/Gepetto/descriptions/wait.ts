import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { waitProperties } from '../../shared/descriptions';
import type { RenderProvider } from '../../shared/provider';

/**
 * The engine's wait parameters. It lists each submit operation's extra wait modes once per
 * operation, so Gepetto's "Wait in the Request", declared by all nine, is kept only once here.
 */
export function gepettoWaitProperties(provider: RenderProvider): INodeProperties[] {
	return waitProperties(provider).map((property) => {
		if (property.name !== 'waitFor' || !property.options) return property;
		const seen = new Set<unknown>();
		const options = (property.options as INodePropertyOptions[]).filter((option) => {
			if (seen.has(option.value)) return false;
			seen.add(option.value);
			return true;
		});
		return { ...property, options };
	});
}
