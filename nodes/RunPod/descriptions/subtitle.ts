import { RUNPOD_OPERATIONS, RUNPOD_RESOURCES } from '../operations';

const byValue = (entries: Array<{ value: string; name: string; flatName?: string }>, flat = false) =>
	JSON.stringify(Object.fromEntries(entries.map(({ value, name, flatName }) => [value, (flat && flatName) || name])));

/** The endpoint ID: a resource locator from version 2 on, a string in version 1. */
const ENDPOINT = '(typeof $parameter["endpointId"] === "object" ? $parameter["endpointId"].value : $parameter["endpointId"])';

/**
 * The node's subtitle, as n8n's nodes write it: "Operation: Resource" (e.g. "Run: Job"), then the
 * endpoint ID. Versions before resources show the operation as their flat list names it.
 */
export const runPodSubtitle =
	`={{ ($parameter["resource"]` +
	` ? ${byValue(RUNPOD_OPERATIONS)}[$parameter["operation"]] + ": " + ${byValue(RUNPOD_RESOURCES)}[$parameter["resource"]]` +
	` : ${byValue(RUNPOD_OPERATIONS, true)}[$parameter["operation"]])` +
	` + (${ENDPOINT} ? " · " + ${ENDPOINT} : "") }}`;
