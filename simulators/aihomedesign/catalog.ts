/**
 * The tools the simulated API knows (the docs' list) and the live catalogue of app.aihomedesign.com,
 * which disagrees with the docs on one slug and marks two tools inactive, as the vendor's own MCP
 * server does.
 */
export interface SimTool {
	slug: string;
	/** Asset map keys after `<tool>-input-`. */
	inputs: string[];
	/** Widget purposes; a widget slug is `widget-<purpose>-<tool>`. */
	widgets: string[];
}

const t = (slug: string, widgets: string[], inputs = ['image']): SimTool => ({ slug, widgets, inputs });

export const TOOLS: SimTool[] = [
	t('tool-virtual-staging', ['space', 'style']),
	t('tool-virtual-restaging', ['space', 'style']),
	t('tool-under-construction', ['space', 'style']),
	t('tool-furniture-restyle', ['space', 'style']),
	t('tool-interior-design', ['space', 'style', 'color']),
	t('tool-wall-change', ['space', 'material']),
	t('tool-floor-change', ['space', 'material']),
	t('tool-ceiling-change', ['space', 'material']),
	t('tool-backsplash-change', ['space', 'material']),
	t('tool-image-enhancement', ['area', 'options']),
	t('tool-item-removal', []),
	t('tool-item-removal-mask', [], ['image', 'mask']),
	t('tool-darkness', ['factor'], ['image-before', 'image-after']),
	t('tool-day-to-dusk', ['sky', 'options']),
];

/** Values the API checks for the widgets whose items are documented. */
export const KNOWN_ITEMS: Record<string, string[]> = {
	style: ['prime', 'modern', 'farmhouse', 'scandinavian', 'hampton', 'industrial', 'traditional', 'contemporary'],
	space: ['bedroom', 'living-room', 'kitchen', 'bathroom', 'dining-room', 'home-office', 'outdoor', 'nursery'],
	area: ['indoor', 'outdoor'],
};

export interface CatalogueEntry {
	id: number;
	name: string;
	slug: string;
	isActive: boolean;
}

const titles = (slug: string) =>
	slug
		.replace(/^tool-/, '')
		.split('-')
		.map((word) => word[0].toUpperCase() + word.slice(1))
		.join(' ');

/** `GET /api/tools`: the documented tools, except furniture-restyle under its live slug, plus sky change; two inactive. */
export function liveCatalogue(): CatalogueEntry[] {
	const slugs = TOOLS.map((entry) => (entry.slug === 'tool-furniture-restyle' ? 'tool-furniture-set-restyle' : entry.slug));
	return [...slugs, 'tool-sky-change'].map((slug, index) => ({
		id: index + 1,
		name: titles(slug),
		slug,
		isActive: !['tool-furniture-set-restyle', 'tool-sky-change'].includes(slug),
	}));
}

export function findTool(slug: string): SimTool | undefined {
	return TOOLS.find((entry) => entry.slug === slug);
}
