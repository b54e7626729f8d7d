import { GEPETTO_OPERATIONS, GEPETTO_RESOURCES } from '../operations';

const byValue = (entries: Array<{ value: string; name: string; flatName?: string }>, flat = false) =>
	JSON.stringify(Object.fromEntries(entries.map(({ value, name, flatName }) => [value, (flat && flatName) || name])));

/**
 * The node's subtitle, as n8n's nodes write it: "Operation: Resource" (e.g. "Furnish: Room Photo").
 * Version 1 has no resource and shows the operation as its flat list names it ("Get Job").
 */
export const gepettoSubtitle =
	`={{ $parameter["resource"]` +
	` ? ${byValue(GEPETTO_OPERATIONS)}[$parameter["operation"]] + ": " + ${byValue(GEPETTO_RESOURCES)}[$parameter["resource"]]` +
	` : ${byValue(GEPETTO_OPERATIONS, true)}[$parameter["operation"]] }}`;
