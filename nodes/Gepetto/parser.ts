import type { IDataObject } from 'n8n-workflow';

import { RenderPayloadError } from '../shared/result';
import { echoedRequest, isPlainObject, looksLikeBase64Blob, parsedRender, providerError, removedImageMarker, stripBase64, unexpectedBody } from '../shared/payload';
import type { FoundImage } from '../shared/payload';
import type { ParsedRender, RenderError, RenderStatus } from '../shared/result';

/** The `provider` of every Gepetto RenderResult. */
export const GEPETTO_PROVIDER = 'gepetto';

/** The blocking answer carries no job id; every such result gets this one. */
export const GEPETTO_SYNC_JOB_ID = 'sync';

/**
 * Fields of a Gepetto answer that echo the request (the submit answer and `GET /job` carry them):
 * `/redesign` also echoes `creativity`, `/sunshine` a `skyId`.
 */
const ECHOED_REQUEST_FIELDS = ['mode', 'styleId', 'roomId', 'furnitureId', 'creativity', 'skyId'];

/**
 * Gepetto documents only "success". Anything naming a failure is failed; "pending"/"queued" is
 * pending; any other value is taken as still running, so polling goes on until its timeout.
 */
function gepettoStatus(status: string): RenderStatus {
	const normalized = status.trim().toLowerCase();
	if (normalized === 'success') return 'completed';
	if (/fail|error/.test(normalized)) return 'failed';
	if (/cancel/.test(normalized)) return 'cancelled';
	if (normalized === 'pending' || normalized === 'queued') return 'pending';
	return 'running';
}

/**
 * The webhook callback `{id, output}` (output = image URL). A callback means the job ended: a body
 * with no output, or with a `status` other than "success", is a failed job.
 */
export function parseGepettoCallback(body: unknown, receivedAt: Date = new Date()): ParsedRender {
	if (!isPlainObject(body) || typeof body.id !== 'string' || body.id === '') {
		throw unexpectedBody("Gepetto callback needs a string 'id' and an 'output' image URL", body);
	}
	const jobId = body.id;
	const images = imagesFromOutput(body.output);
	const reportedStatus = typeof body.status === 'string' ? body.status : undefined;

	let status: RenderStatus = 'completed';
	let error: RenderError | undefined;
	if (reportedStatus !== undefined && reportedStatus.trim().toLowerCase() !== 'success') {
		status = 'failed';
		error = gepettoError(body) ?? {
			message: `Gepetto reported job ${jobId} with status '${reportedStatus}' and no error message`,
		};
	} else if (images.length === 0) {
		status = 'failed';
		error = gepettoError(body) ?? {
			message: `Gepetto's callback for job ${jobId} carried no output image URL`,
		};
	}
	return buildParsedRender({ jobId, status, images, error, body, receivedAt });
}

/**
 * An answer of `GET /job/{id}`: `{status: "success", output, mode, createdAt}`. The id is not in the
 * body, so the caller passes the one it asked for (a body `id` is used only when none is given).
 * Also reads the submit answer `{status: "pending", id, styleId, roomId, mode}`.
 */
export function parseGepettoJob(
	jobId: string,
	body: unknown,
	receivedAt: Date = new Date(),
): ParsedRender {
	if (!isPlainObject(body) || typeof body.status !== 'string') {
		throw unexpectedBody(
			`Gepetto job status needs a string 'status' (and 'output' once it is "success")`,
			body,
		);
	}
	const id = jobId !== '' ? jobId : typeof body.id === 'string' ? body.id : '';
	if (id === '') {
		throw new RenderPayloadError(
			`Gepetto job status has no job id: pass the id that was asked for`,
		);
	}
	return parseByStatus(id, body, body.status, imagesFromOutput(body.output), receivedAt);
}

/**
 * The blocking answer of a submit without `webhook`: `{base64, status: "success"}`, one inline
 * image. The jobId is the body's `id` when it has one, else "sync" (never a made-up id).
 */
export function parseGepettoSyncResponse(
	body: unknown,
	receivedAt: Date = new Date(),
): ParsedRender {
	if (!isPlainObject(body) || (!('base64' in body) && typeof body.status !== 'string')) {
		throw unexpectedBody("Gepetto answer needs a 'base64' image and a 'status'", body);
	}
	const jobId = typeof body.id === 'string' && body.id !== '' ? body.id : GEPETTO_SYNC_JOB_ID;
	const images: FoundImage[] =
		typeof body.base64 === 'string' && body.base64 !== '' ? [{ base64: body.base64 }] : [];
	// A missing status next to an image is taken as success: the image is the result.
	const reportedStatus = typeof body.status === 'string' ? body.status : 'success';
	return parseByStatus(jobId, body, reportedStatus, images, receivedAt);
}

function parseByStatus(
	jobId: string,
	body: IDataObject,
	reportedStatus: string,
	images: FoundImage[],
	receivedAt: Date,
): ParsedRender {
	let status = gepettoStatus(reportedStatus);
	let error: RenderError | undefined;
	if (status === 'completed' && images.length === 0) {
		status = 'failed';
		error = gepettoError(body) ?? {
			message: `Gepetto reported job ${jobId} as '${reportedStatus}' but sent no image`,
		};
	} else if (status === 'failed' || status === 'cancelled') {
		error = gepettoError(body) ?? {
			message: `Gepetto reported job ${jobId} as '${reportedStatus}' without an error message`,
		};
	}
	return buildParsedRender({ jobId, status, images, error, body, receivedAt });
}

interface ResultParts {
	jobId: string;
	status: RenderStatus;
	images: FoundImage[];
	error: RenderError | undefined;
	body: IDataObject;
	receivedAt: Date;
}

function buildParsedRender({
	jobId,
	status,
	images,
	error,
	body,
	receivedAt,
}: ResultParts): ParsedRender {
	return parsedRender({
		provider: GEPETTO_PROVIDER,
		jobId,
		status,
		images,
		receivedAt,
		raw: rawWithoutImages(body),
		error,
		request: echoedRequest(body, ECHOED_REQUEST_FIELDS),
	});
}

/**
 * `output` is documented as one image URL. It is taken as given (the binary step reports a URL it
 * cannot fetch); only unmistakable base64 becomes an inline image. An array of them is accepted.
 */
function imagesFromOutput(output: unknown): FoundImage[] {
	if (typeof output === 'string') {
		if (output.trim() === '') return [];
		return [looksLikeBase64Blob(output) ? { base64: output } : { url: output.trim() }];
	}
	if (Array.isArray(output)) return output.flatMap((entry: unknown) => imagesFromOutput(entry));
	return [];
}

/** The body with `base64` (a file, even when short) and any other base64 blob removed. */
function rawWithoutImages(body: IDataObject): IDataObject {
	const raw = stripBase64(body) as IDataObject;
	if (typeof body.base64 === 'string' && body.base64 !== '') {
		raw.base64 = removedImageMarker(body.base64);
	}
	return raw;
}

/** Gepetto's error body is undocumented: take `error` (text or `{message}`) or `message`. */
function gepettoError(body: IDataObject): RenderError | undefined {
	const { error, message, code } = body;
	return providerError([error, isPlainObject(error) ? error.message : undefined, message], [code]);
}
