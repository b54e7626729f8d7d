/**
 * AI Home Design's tools as documented (v3): which inputs each takes and which widgets it has.
 * Widget slugs are `widget-<purpose>-<tool>`, item slugs `item-<value>-<widget>`, both with the
 * full slugs (the docs show the pattern, not a list: assumed literally).
 */

/** What a widget's items are: documented values (a drop-down), or free text, or on/off options. */
export type WidgetKind = 'space' | 'style' | 'colour' | 'material' | 'area' | 'options' | 'sky' | 'factor';

export interface ToolDefinition {
	slug: string;
	name: string;
	/** Asset map keys after `<tool>-input-`, in upload order. */
	inputs: string[];
	widgets: WidgetKind[];
}

const STAGING_WIDGETS: WidgetKind[] = ['space', 'style'];
const RENOVATION_WIDGETS: WidgetKind[] = ['space', 'material'];

const tool = (slug: string, name: string, widgets: WidgetKind[], inputs = ['image']): ToolDefinition => ({ slug, name, inputs, widgets });

export const DOCUMENTED_TOOLS: ToolDefinition[] = [
	tool('tool-virtual-staging', 'Virtual Staging', STAGING_WIDGETS),
	tool('tool-virtual-restaging', 'Virtual Restaging', STAGING_WIDGETS),
	tool('tool-under-construction', 'Under Construction', STAGING_WIDGETS),
	tool('tool-furniture-restyle', 'Furniture Restyle', STAGING_WIDGETS),
	tool('tool-interior-design', 'Interior Design', [...STAGING_WIDGETS, 'colour']),
	tool('tool-wall-change', 'Wall Change', RENOVATION_WIDGETS),
	tool('tool-floor-change', 'Floor Change', RENOVATION_WIDGETS),
	tool('tool-ceiling-change', 'Ceiling Change', RENOVATION_WIDGETS),
	tool('tool-backsplash-change', 'Backsplash Change', RENOVATION_WIDGETS),
	tool('tool-image-enhancement', 'Image Enhancement', ['area', 'options']),
	tool('tool-item-removal', 'Item Removal', []),
	tool('tool-item-removal-mask', 'Item Removal with Mask', [], ['image', 'mask']),
	tool('tool-darkness', 'Darkness', ['factor'], ['image-before', 'image-after']),
	tool('tool-day-to-dusk', 'Day to Dusk', ['sky', 'options']),
];

export function documentedTool(slug: string): ToolDefinition | undefined {
	return DOCUMENTED_TOOLS.find((entry) => entry.slug === slug);
}

/** Tools that have a widget of this kind. */
export function toolsWith(kind: WidgetKind): string[] {
	return DOCUMENTED_TOOLS.filter((entry) => entry.widgets.includes(kind)).map((entry) => entry.slug);
}

/** Style and room values seen live (documented); the others are free text. */
export const STYLES = ['prime', 'modern', 'farmhouse', 'scandinavian', 'hampton', 'industrial', 'traditional', 'contemporary'];
export const SPACES = ['bedroom', 'living-room', 'kitchen', 'bathroom', 'dining-room', 'home-office', 'outdoor', 'nursery'];
export const AREAS = ['indoor', 'outdoor'];
/** The on/off options of the tools that have an options widget. */
export const TOOL_OPTIONS: Record<string, string[]> = {
	'tool-image-enhancement': ['add-fire-to-fireplace', 'add-screen-to-tv'],
	'tool-day-to-dusk': ['shadow-removal', 'lawn-touch-up'],
};

/** The purpose word of a widget kind in its slug. */
const PURPOSE: Record<WidgetKind, string> = {
	space: 'space',
	style: 'style',
	colour: 'color',
	material: 'material',
	area: 'area',
	options: 'options',
	sky: 'sky',
	factor: 'factor',
};

export function widgetSlug(kind: WidgetKind, toolSlug: string): string {
	return `widget-${PURPOSE[kind]}-${toolSlug}`;
}

/** An item slug from a value; a value that is already a full item slug is kept. */
export function itemSlug(value: string, widget: string): string {
	const clean = value.trim();
	if (clean.startsWith('item-')) return clean;
	return `item-${clean.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${widget}`;
}

/** The asset map key of an input: `<tool>-input-<input>`. */
export function inputKey(toolSlug: string, input: string): string {
	return `${toolSlug}-input-${input}`;
}

export const ROLE_OF_INPUT: Record<string, string> = {
	image: 'primary_angle',
	'image-before': 'primary_angle',
	'image-after': 'secondary_angle',
	mask: 'mask',
	secondary: 'secondary_angle',
};

export function titleCase(slug: string): string {
	return slug
		.split('-')
		.map((word) => (word ? word[0].toUpperCase() + word.slice(1) : word))
		.join(' ');
}
