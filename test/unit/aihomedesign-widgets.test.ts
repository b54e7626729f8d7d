/**
 * The AI Home Design node shows, per tool, only the widgets and inputs that tool has: checked with
 * n8n-workflow's own displayOptions logic on the node's description.
 */
import type { INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { AiHomeDesign } from '../../nodes/AiHomeDesign/AiHomeDesign.node';
import { DOCUMENTED_TOOLS } from '../../nodes/AiHomeDesign/tools';

const { properties } = new AiHomeDesign().description;
const WIDGET_AND_INPUT_PARAMETERS = ['space', 'style', 'palette', 'material', 'area', 'addFireToFireplace', 'addScreenToTv', 'sky', 'shadowRemoval', 'lawnTouchUp', 'darknessFactor', 'maskBinaryProperty', 'afterBinaryProperty'];

function shown(parameters: INodeParameters): string[] {
	return properties
		.filter((property) => WIDGET_AND_INPUT_PARAMETERS.includes(property.name))
		.filter((property) => NodeHelpers.displayParameter(parameters, property, { typeVersion: 1 } as never, { properties } as never))
		.map((property) => property.name);
}

describe('AI Home Design node: per tool only its widgets and inputs', () => {
	const expected: Record<string, string[]> = {
		'tool-virtual-staging': ['space', 'style'],
		'tool-virtual-restaging': ['space', 'style'],
		'tool-under-construction': ['space', 'style'],
		'tool-furniture-restyle': ['space', 'style'],
		'tool-interior-design': ['space', 'style', 'palette'],
		'tool-wall-change': ['space', 'material'],
		'tool-floor-change': ['space', 'material'],
		'tool-ceiling-change': ['space', 'material'],
		'tool-backsplash-change': ['space', 'material'],
		'tool-image-enhancement': ['area', 'addFireToFireplace', 'addScreenToTv'],
		'tool-item-removal': [],
		'tool-item-removal-mask': ['maskBinaryProperty'],
		'tool-darkness': ['darknessFactor', 'afterBinaryProperty'],
		'tool-day-to-dusk': ['sky', 'shadowRemoval', 'lawnTouchUp'],
	};

	it('covers every documented tool', () => {
		expect(Object.keys(expected).sort()).toEqual(DOCUMENTED_TOOLS.map((tool) => tool.slug).sort());
	});

	it.each(Object.entries(expected))('%s shows %j', (tool, parameters) => {
		expect(shown({ operation: 'render', tool, imageSource: 'binary' }).sort()).toEqual([...parameters].sort());
	});

	it('a tool of the live catalogue the node does not know shows no widget (Extra Widgets takes them)', () => {
		expect(shown({ operation: 'render', tool: 'tool-sky-change', imageSource: 'binary' })).toEqual([]);
	});

	it('drop-downs hold the documented values; undocumented ones are free text', () => {
		const byName = Object.fromEntries(properties.map((property) => [property.name, property]));
		expect(byName.style.options?.map((option) => ('value' in option ? option.value : undefined))).toEqual(['prime', 'modern', 'farmhouse', 'scandinavian', 'hampton', 'industrial', 'traditional', 'contemporary']);
		expect(byName.space.type).toBe('options');
		expect(byName.area.type).toBe('options');
		for (const name of ['material', 'palette', 'sky', 'darknessFactor']) expect(byName[name].type).toBe('string');
	});
});
