import { AI_HOME_DESIGN_OPERATIONS, AI_HOME_DESIGN_RESOURCES } from '../operations';

const byValue = (entries: Array<{ value: string; name: string; flatName?: string }>, flat = false) =>
	JSON.stringify(Object.fromEntries(entries.map(({ value, name, flatName }) => [value, (flat && flatName) || name])));

/**
 * The node's subtitle, as n8n's nodes write it: "Operation: Resource" (e.g. "Get Many: Project").
 * Version 1 has no resource and shows the operation as its flat list names it.
 */
export const aiHomeDesignSubtitle =
	`={{ $parameter["resource"]` +
	` ? ${byValue(AI_HOME_DESIGN_OPERATIONS)}[$parameter["operation"]] + ": " + ${byValue(AI_HOME_DESIGN_RESOURCES)}[$parameter["resource"]]` +
	` : ${byValue(AI_HOME_DESIGN_OPERATIONS, true)}[$parameter["operation"]] }}`;
