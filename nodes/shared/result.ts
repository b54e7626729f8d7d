import type { IDataObject } from 'n8n-workflow';

/** Where a render job stands. The first four are final. */
export type RenderStatus = 'completed' | 'failed' | 'cancelled' | 'timedOut' | 'pending' | 'running';

export const FINAL_STATUSES: readonly RenderStatus[] = ['completed', 'failed', 'cancelled', 'timedOut'];

export function isFinalStatus(status: RenderStatus): boolean {
	return FINAL_STATUSES.includes(status);
}

export interface RenderOutput {
	/** Position of the image in the provider's answer, from 0. */
	index: number;
	url?: string;
	thumbnailUrl?: string;
	/** Name of the binary property holding the image, once downloaded or decoded. */
	binaryProperty?: string;
	/** The MIME type of the stored file; set by the engine when it stores the image. */
	mimeType?: string;
	/**
	 * The file's name. A parser sets it only to the provider's own name for the file, where the
	 * provider gives one (and then a non-empty string); otherwise it leaves it out. Once the engine
	 * stores the file (nodes/shared/binary.ts), it is the stored file's name: the provider's name
	 * made safe and unique within the result, or `<provider>-<jobId>-<index>.<ext>` when the provider
	 * gave none. An output whose file is not stored keeps the provider's name as the parser set it.
	 */
	fileName?: string;
}

export interface RenderError {
	message: string;
	code?: string;
}

/** The one item shape every node of this package emits for a render job. */
export interface RenderResult {
	provider: string;
	jobId: string;
	status: RenderStatus;
	outputs: RenderOutput[];
	error?: RenderError;
	/** The caller's own reference, carried through the callback URL. */
	correlationId?: string;
	/** What the provider echoed of the request. */
	request?: IDataObject;
	timings?: { queueMs?: number; runMs?: number };
	receivedAt: string;
	/**
	 * `jobId:status`: the same for every delivery of one job reaching one status, so a downstream
	 * step can drop repeats (see the README's exactly-once recipe).
	 */
	deliveryKey?: string;
	/** The provider's own body, base64 blobs removed. */
	raw: IDataObject;
}

/**
 * What a provider parser makes of a body: the RenderResult, plus the base64 images that were cut
 * out of it, keyed by output index (they become binary data, never JSON).
 */
export interface ParsedRender {
	result: RenderResult;
	inlineImages: Record<number, string>;
}

/** A body that is not the provider's known shape. Its message says what was expected. */
export class RenderPayloadError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'RenderPayloadError';
	}
}
