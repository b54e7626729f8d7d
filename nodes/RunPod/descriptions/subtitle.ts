import { operationSubtitle } from '../../shared/descriptions';
import { runPodProvider } from '../provider';

/** The endpoint ID: a resource locator from version 2 on, a string in version 1. */
const ENDPOINT = '(typeof $parameter["endpointId"] === "object" ? $parameter["endpointId"].value : $parameter["endpointId"])';

/** "Run: Job · <endpoint ID>" (versions before resources: "Run · <endpoint ID>"). */
export const runPodSubtitle = operationSubtitle(runPodProvider, `(${ENDPOINT} ? " · " + ${ENDPOINT} : "")`);
