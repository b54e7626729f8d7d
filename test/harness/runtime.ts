import { n8nContainer } from './environment';

import { BinaryDataService } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';

let binaryDataReady: Promise<void> | undefined;

/**
 * Initialises n8n-core's real BinaryDataService once per test file (jest gives every test file
 * its own module registry, hence its own Container). With N8N_DEFAULT_BINARY_DATA_MODE=default
 * no store is active, so `prepareBinaryData` keeps the bytes base64-encoded on the item and
 * `getBinaryDataBuffer` decodes them again — n8n's in-memory behaviour.
 */
export async function ensureN8nRuntime(): Promise<void> {
	binaryDataReady ??= n8nContainer.get(BinaryDataService).init();
	await binaryDataReady;
}

/** The bytes behind a binary property, read the way nodes read them. */
export async function readBinary(binaryData: IBinaryData): Promise<Buffer> {
	await ensureN8nRuntime();
	return await n8nContainer.get(BinaryDataService).getAsBuffer(binaryData);
}
