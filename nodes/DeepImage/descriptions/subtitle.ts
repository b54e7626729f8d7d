import { DEEP_IMAGE_OPERATIONS } from '../operations';

const names = JSON.stringify(Object.fromEntries(DEEP_IMAGE_OPERATIONS.map(({ value, name }) => [value, name])));

/** The node's subtitle: the operation as the drop-down names it (e.g. "Process and Wait Briefly"). */
export const deepImageSubtitle = `={{ ${names}[$parameter["operation"]] }}`;
