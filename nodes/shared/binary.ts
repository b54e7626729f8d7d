import type {
	IBinaryData,
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { deliveryKeyOf } from './callback-deliveries';
import type { RenderContext } from './provider';
import type { ParsedRender, RenderOutput, RenderResult } from './result';
import { RenderPayloadError } from './result';
import { isHttpUrl } from './payload';
import type { RetryPolicy } from './transport';
import { isRetryable, retryDelayMs } from './transport';

interface FileType {
	mimeType: string;
	extension: string;
}

/** Recognises the image formats render services return, by their first bytes. */
export function detectFileType(bytes: Buffer): FileType | undefined {
	const startsWith = (signature: number[], offset = 0) =>
		bytes.length >= offset + signature.length &&
		signature.every((byte, index) => bytes[offset + index] === byte);
	if (startsWith([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mimeType: 'image/png', extension: 'png' };
	if (startsWith([0xff, 0xd8, 0xff])) return { mimeType: 'image/jpeg', extension: 'jpg' };
	if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return { mimeType: 'image/webp', extension: 'webp' };
	if (startsWith([0x47, 0x49, 0x46, 0x38])) return { mimeType: 'image/gif', extension: 'gif' };
	if (startsWith([0x42, 0x4d])) return { mimeType: 'image/bmp', extension: 'bmp' };
	if (startsWith([0x49, 0x49, 0x2a, 0x00]) || startsWith([0x4d, 0x4d, 0x00, 0x2a])) return { mimeType: 'image/tiff', extension: 'tiff' };
	if (startsWith([0x66, 0x74, 0x79, 0x70, 0x61, 0x76, 0x69, 0x66], 4)) return { mimeType: 'image/avif', extension: 'avif' };
	return undefined;
}

const FALLBACK_FILE_TYPE: FileType = { mimeType: 'application/octet-stream', extension: 'bin' };
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes a base64 image (optionally a data: URI); rejects text that is not base64. */
export function decodeBase64Image(encoded: string): Buffer {
	const comma = encoded.startsWith('data:') ? encoded.indexOf(',') : -1;
	const body = (comma >= 0 ? encoded.slice(comma + 1) : encoded).replace(/[\r\n]+/g, '');
	if (!body || body.length % 4 === 1 || !BASE64_BODY.test(body)) {
		throw new RenderPayloadError(
			`An inline image is not valid base64 (starts with "${encoded.slice(0, 24)}")`,
		);
	}
	return Buffer.from(body, 'base64');
}

/** The binary property of the n-th image of an item: data, data_1, data_2, ... */
export function binaryPropertyName(prefix: string, position: number): string {
	return position === 0 ? prefix : `${prefix}_${position}`;
}

export interface AttachOptions {
	/** Fetch images the provider gave as URLs (base64 images are always turned into binary). */
	downloadUrls: boolean;
	/** Emit one item per image instead of one item with data, data_1, ... */
	onePerImage: boolean;
	binaryPrefix?: string;
	/** Leave out the provider's raw answer and the echoed request (the Simplify parameter). */
	simplify?: boolean;
}

/** One output and, once decoded or downloaded, its bytes and what they are. */
interface LoadedOutput {
	output: RenderOutput & { error?: string };
	bytes?: Buffer;
	fileType?: FileType;
}

/** One output and, once decoded or downloaded, its file in n8n's binary store. */
interface StoredOutput {
	output: RenderOutput & { error?: string };
	file?: IBinaryData;
}

/**
 * Turns a parsed render into n8n items: the RenderResult as JSON, the images as binary data.
 * An image that cannot be decoded or fetched keeps its URL and gets an `error` on its output, so
 * nothing is lost.
 */
export async function renderItems(
	context: RenderContext,
	parsed: ParsedRender,
	options: AttachOptions,
): Promise<INodeExecutionData[]> {
	const prefix = options.binaryPrefix ?? 'data';
	const { result } = parsed;
	const loaded = await Promise.all(
		result.outputs.map(async (output) => await loadOutput(context, parsed, output, options)),
	);
	const stored = await storeFiles(context, result, loaded);
	const deliveryKey = deliveryKeyOf(result.jobId, result.status);
	const error = result.error ?? imagesNotStoredError(result, stored);
	const json = (outputs: RenderOutput[]) => {
		const full: Partial<RenderResult> = { ...result, ...(error ? { error } : {}), outputs, deliveryKey };
		if (options.simplify) {
			delete full.raw;
			delete full.request;
		}
		return full as unknown as IDataObject;
	};

	if (options.onePerImage && stored.length > 1) {
		return stored.map(({ output, file }) => ({
			json: json([file ? { ...output, binaryProperty: prefix } : output]),
			...(file ? { binary: { [prefix]: file } } : {}),
		}));
	}

	const binary: IBinaryKeyData = {};
	const outputs = stored.map(({ output, file }, position) => {
		if (!file) return output;
		const property = binaryPropertyName(prefix, position);
		binary[property] = file;
		return { ...output, binaryProperty: property };
	});
	return [{ json: json(outputs), ...(Object.keys(binary).length ? { binary } : {}) }];
}

/** The error code of a completed job some of whose images could not be stored. */
export const IMAGE_NOT_STORED_CODE = 'IMAGE_NOT_STORED';

/**
 * A completed job whose images did not all become files says so at the top, where a workflow
 * checking `error` (or routing on it) sees it; each output keeps its own reason and its URL.
 */
function imagesNotStoredError(result: RenderResult, stored: StoredOutput[]): RenderResult['error'] {
	const missing = stored.filter(({ output }) => output.error !== undefined);
	if (result.status !== 'completed' || missing.length === 0) return undefined;
	const fetchable = missing.every(({ output }) => output.url !== undefined);
	return {
		code: IMAGE_NOT_STORED_CODE,
		message:
			`The job completed, but ${missing.length} of ${stored.length} images could not be stored: ${missing[0].output.error}.` +
			(fetchable ? ' Their URLs are in outputs[].url.' : ''),
	};
}

/** An output's bytes: its inline base64 decoded, or its URL downloaded (when asked to). */
async function loadOutput(
	context: RenderContext,
	parsed: ParsedRender,
	output: RenderOutput,
	options: AttachOptions,
): Promise<LoadedOutput> {
	let bytes: Buffer;
	let declaredMimeType = '';
	const inline = parsed.inlineImages[output.index];
	try {
		if (inline !== undefined) {
			bytes = decodeBase64Image(inline);
		} else if (output.url && options.downloadUrls) {
			({ bytes, declaredMimeType } = await download(context, output.url));
		} else {
			return { output };
		}
	} catch (error) {
		const reason = error instanceof RenderPayloadError ? error.message : `Download failed: ${(error as Error).message}`;
		return { output: { ...output, error: reason } };
	}
	const fileType = detectFileType(bytes) ?? fileTypeFromMime(declaredMimeType) ?? FALLBACK_FILE_TYPE;
	return { output, bytes, fileType };
}

/** The loaded outputs of one result put in n8n's binary store, each under its file name. */
async function storeFiles(
	context: RenderContext,
	result: RenderResult,
	loaded: LoadedOutput[],
): Promise<StoredOutput[]> {
	const withFiles = loaded.filter((entry) => entry.bytes !== undefined && entry.fileType !== undefined);
	const names = storedFileNames(
		result,
		withFiles.map(({ output, fileType }) => ({ index: output.index, fileName: output.fileName, extension: fileType!.extension })),
	);
	const nameOf = new Map(withFiles.map((entry, position) => [entry, names[position]]));
	return await Promise.all(
		loaded.map(async (entry): Promise<StoredOutput> => {
			const fileName = nameOf.get(entry);
			if (fileName === undefined) return { output: entry.output };
			const { mimeType } = entry.fileType!;
			const file = await context.helpers.prepareBinaryData(entry.bytes!, fileName, mimeType);
			return { output: { ...entry.output, mimeType, fileName }, file };
		}),
	);
}

/** A file the engine stores for one output: the output's index, the parser's name for it, the extension of its content. */
export interface FileToName {
	index: number;
	/** The provider's own name for the file (RenderOutput.fileName from the parser), if it gave one. */
	fileName?: string;
	/** The extension of the file's content (detected, or from the declared MIME type), without the dot. */
	extension: string;
}

/** The longest file name made from a provider's name, its extension and a `-<index>` included. */
export const MAX_FILE_NAME_LENGTH = 120;
/** The longest job id part of the engine's own file names. */
const MAX_JOB_ID_PART_LENGTH = 80;

/**
 * The names of the files of one result, in the order of `files`. A file the provider named keeps
 * that name, made safe (its last path segment, only the characters `safeFileNamePart` allows, no
 * leading or trailing dot, at most MAX_FILE_NAME_LENGTH characters, its extension kept or the
 * content's added when it has none); a file the provider did not name, or whose name has no letter
 * or digit left, gets `<provider>-<jobId>-<index>.<extension>`. Names are unique within the result,
 * ignoring case: a repeat gets `-<index>` before its extension (and `-<index>-2`, ... after that).
 */
export function storedFileNames(
	result: Pick<RenderResult, 'provider' | 'jobId'>,
	files: readonly FileToName[],
): string[] {
	const taken = new Set<string>();
	return files.map(({ index, fileName, extension }) => {
		const parts = (fileName === undefined ? undefined : providerNameParts(fileName, extension)) ?? {
			stem: `${result.provider}-${safeFileNamePart(result.jobId, MAX_JOB_ID_PART_LENGTH) || 'job'}-${index}`,
			extension,
		};
		let name = joinFileName(parts);
		for (let attempt = 1; taken.has(name.toLowerCase()); attempt++) {
			name = joinFileName(parts, attempt === 1 ? `-${index}` : `-${index}-${attempt}`);
		}
		taken.add(name.toLowerCase());
		return name;
	});
}

interface FileNameParts {
	stem: string;
	/** Without the dot; may be empty. */
	extension: string;
}

/** A provider's file name made safe, split at its extension; undefined when no letter or digit is left of its stem. */
function providerNameParts(name: string, contentExtension: string): FileNameParts | undefined {
	const lastSegment = name.split(/[\\/]/).pop() ?? '';
	const safe = safeFileNamePart(lastSegment).replace(/^\.+|\.+$/g, '');
	const match = /^(.+)\.([A-Za-z0-9]{1,10})$/.exec(safe);
	const stem = match ? match[1] : safe;
	if (!/[A-Za-z0-9]/.test(stem)) return undefined;
	return { stem, extension: match ? match[2] : contentExtension };
}

/** `<stem><suffix>.<extension>`, the stem cut so that a provider's name stays within MAX_FILE_NAME_LENGTH. */
function joinFileName({ stem, extension }: FileNameParts, suffix = ''): string {
	const tail = `${suffix}${extension ? `.${extension}` : ''}`;
	return `${stem.slice(0, Math.max(1, MAX_FILE_NAME_LENGTH - tail.length))}${tail}`;
}

const DOWNLOAD_TIMEOUT_MS = 120_000;

/** A file at a URL: its bytes and the content type the server declared. */
/**
 * Result files sit on a CDN that can hiccup: a 429, a 5xx or a dropped connection is tried again
 * (about 3.5 s in all) before the image counts as not stored. A GET changes nothing, so repeating
 * it is safe.
 */
const DOWNLOAD_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 5000 };

async function download(context: RenderContext, url: string): Promise<{ bytes: Buffer; declaredMimeType: string }> {
	for (let attempt = 0; ; attempt++) {
		let response: IN8nHttpFullResponse | undefined;
		let failure = '';
		try {
			response = (await context.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'arraybuffer',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: DOWNLOAD_TIMEOUT_MS,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			failure = (error as Error).message;
		}
		if (response === undefined) {
			// No answer (a dropped connection, a timeout): tried again like a 5xx.
			if (attempt >= DOWNLOAD_RETRY_POLICY.maxRetries) {
				throw new RenderPayloadError(`Download failed: ${failure}${attempt > 0 ? ` (after ${attempt + 1} tries)` : ''}`);
			}
			await sleep(retryDelayMs(attempt, DOWNLOAD_RETRY_POLICY));
			continue;
		}
		const { statusCode } = response;
		if (statusCode >= 200 && statusCode < 300) {
			return {
				bytes: Buffer.from(response.body as ArrayBuffer),
				declaredMimeType: String((response.headers as IDataObject)['content-type'] ?? ''),
			};
		}
		const tries = attempt > 0 ? ` (after ${attempt + 1} tries)` : '';
		if (!isRetryable(statusCode) || attempt >= DOWNLOAD_RETRY_POLICY.maxRetries) {
			throw new RenderPayloadError(`Download failed: HTTP ${statusCode}${tries}`);
		}
		await sleep(retryDelayMs(attempt, DOWNLOAD_RETRY_POLICY, response.headers as IDataObject));
	}
}

function fileTypeFromMime(contentType: string): FileType | undefined {
	const [kind, subtype] = contentType.split(';')[0].trim().toLowerCase().split('/');
	if (kind !== 'image' || !subtype) return undefined;
	return { mimeType: `image/${subtype}`, extension: subtype === 'jpeg' ? 'jpg' : subtype.replace(/[^a-z0-9].*$/, '') };
}

/**
 * Text fit for a file name: every run of characters other than A-Z, a-z, 0-9, '.', '_' and '-'
 * becomes one '_', and at most `maxLength` characters are kept.
 */
function safeFileNamePart(text: string, maxLength = Infinity): string {
	return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, maxLength);
}

export type ImageSource =
	| { kind: 'url'; url: string }
	| { kind: 'binary'; property: string };

/** An input image: its bytes, a file name and a MIME type (for multipart uploads). */
export interface InputFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

/** An input image from an item's binary property or downloaded from a URL. */
export async function inputImageFile(
	context: IExecuteFunctions,
	itemIndex: number,
	source: ImageSource,
): Promise<InputFile> {
	if (source.kind === 'binary') {
		const binary = context.helpers.assertBinaryData(itemIndex, source.property);
		const data = await context.helpers.getBinaryDataBuffer(itemIndex, source.property);
		const type = detectFileType(data) ?? fileTypeFromMime(binary.mimeType) ?? FALLBACK_FILE_TYPE;
		return { data, fileName: binary.fileName ?? `image.${type.extension}`, mimeType: type.mimeType };
	}
	if (!isHttpUrl(source.url)) {
		throw new NodeOperationError(context.getNode(), `"${source.url}" is not an http(s) URL`, {
			itemIndex,
			description: 'Give the image as a public http(s) URL, or choose Binary Property as the source.',
		});
	}
	const { bytes: data, declaredMimeType } = await download(context, source.url);
	const type = detectFileType(data) ?? fileTypeFromMime(declaredMimeType) ?? FALLBACK_FILE_TYPE;
	const lastSegment = new URL(source.url).pathname.split('/').pop() ?? '';
	return { data, fileName: lastSegment || `image.${type.extension}`, mimeType: type.mimeType };
}

/** An input image as base64, from an item's binary property or downloaded from a URL. */
export async function inputImageAsBase64(
	context: IExecuteFunctions,
	itemIndex: number,
	source: ImageSource,
): Promise<string> {
	return (await inputImageFile(context, itemIndex, source)).data.toString('base64');
}

/** Output Options and Simplify of an action node (per item) or a trigger node (which has no Simplify). */
export function attachOptions(context: RenderContext, itemIndex?: number): AttachOptions {
	const parameter = (name: string, fallback: unknown) =>
		itemIndex === undefined
			? (context as IWebhookFunctions).getNodeParameter(name, fallback)
			: (context as IExecuteFunctions).getNodeParameter(name, itemIndex, fallback);
	const options = parameter('outputOptions', {}) as IDataObject;
	return {
		simplify: parameter('simplify', false) === true,
		downloadUrls: options.downloadImages !== false,
		onePerImage: options.onePerImage === true,
		binaryPrefix: (options.binaryPropertyPrefix as string) || 'data',
	};
}
