import { deflateSync } from 'zlib';

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Largest side makePng accepts: a guard against a typo allocating gigabytes in a test. */
const MAX_SIDE = 16384;

const CRC_TABLE: Uint32Array = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

function crc32(data: Buffer): number {
	let crc = 0xffffffff;
	for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, and the CRC over type + data. */
function chunk(type: string, data: Buffer): Buffer {
	const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A real, valid PNG (8-bit RGB, deflated IDAT, correct CRCs) showing a gradient whose colours depend on
 * `seed`, so two images of one batch differ byte for byte.
 */
export function makePng(width: number, height: number, seed = 0): Buffer {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
		throw new RangeError(`makePng: width and height must be positive integers, got ${width}x${height}`);
	}
	if (width > MAX_SIDE || height > MAX_SIDE) {
		throw new RangeError(`makePng: sides are capped at ${MAX_SIDE} px, got ${width}x${height}`);
	}

	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // colour type: truecolour (RGB)
	header[10] = 0; // compression: deflate
	header[11] = 0; // filter method 0
	header[12] = 0; // no interlace

	const rowLength = 1 + width * 3; // each scanline starts with its filter type byte
	const pixels = Buffer.alloc(rowLength * height);
	const seedShift = Math.abs(Math.trunc(seed)) % 256;
	for (let y = 0; y < height; y++) {
		const rowStart = y * rowLength;
		pixels[rowStart] = 0; // filter: none
		const green = (Math.floor((y * 255) / Math.max(1, height - 1)) + seedShift * 3) & 0xff;
		for (let x = 0; x < width; x++) {
			const offset = rowStart + 1 + x * 3;
			pixels[offset] = (Math.floor((x * 255) / Math.max(1, width - 1)) + seedShift * 7) & 0xff;
			pixels[offset + 1] = green;
			pixels[offset + 2] = ((x ^ y) + seedShift * 13) & 0xff;
		}
	}

	return Buffer.concat([
		PNG_SIGNATURE,
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(pixels)),
		chunk('IEND', Buffer.alloc(0)),
	]);
}
