import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { inflateSync } from 'zlib';

import { BLUE_PNG, FIXTURES, RED_PNG } from './contract';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface DecodedPng {
	width: number;
	height: number;
	/** One `rrggbb` string per pixel, row by row. */
	pixels: string[];
}

/**
 * Reads an 8-bit RGB PNG without filters, as the fixtures' 2x2 images are, by its own chunks: an
 * independent check that the fixtures hold the images the tests name them by.
 */
function decodeRgbPng(base64: string): DecodedPng {
	const bytes = Buffer.from(base64, 'base64');
	expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
	let width = 0;
	let height = 0;
	const data: Buffer[] = [];
	for (let offset = 8; offset < bytes.length; ) {
		const length = bytes.readUInt32BE(offset);
		const type = bytes.toString('latin1', offset + 4, offset + 8);
		const chunk = bytes.subarray(offset + 8, offset + 8 + length);
		if (type === 'IHDR') {
			width = chunk.readUInt32BE(0);
			height = chunk.readUInt32BE(4);
			// Bit depth 8, colour type 2 (RGB), no interlace.
			expect([chunk[8], chunk[9], chunk[12]]).toEqual([8, 2, 0]);
		}
		if (type === 'IDAT') data.push(chunk);
		offset += 12 + length;
	}
	const rows = inflateSync(Buffer.concat(data));
	const rowLength = 1 + width * 3;
	expect(rows.length).toBe(rowLength * height);
	const pixels: string[] = [];
	for (let row = 0; row < height; row++) {
		expect(rows[row * rowLength]).toBe(0); // filter type None
		for (let column = 0; column < width; column++) {
			const start = row * rowLength + 1 + column * 3;
			pixels.push(rows.subarray(start, start + 3).toString('hex'));
		}
	}
	return { width, height, pixels };
}

/** Every PNG given as base64 in a fixture file, with the file it stands in. */
function pngsInFixtures(): Array<{ file: string; base64: string }> {
	return readdirSync(FIXTURES).flatMap((folder) =>
		readdirSync(join(FIXTURES, folder)).flatMap((file) => {
			const text = readFileSync(join(FIXTURES, folder, file), 'utf8');
			return [...text.matchAll(/"(iVBORw0KGgo[A-Za-z0-9+/=]*)"/g)].map((match) => ({
				file: `${folder}/${file}`,
				base64: match[1],
			}));
		}),
	);
}

describe('fixtures', () => {
	it('every provider folder of fixtures has a parser test of its own name', () => {
		for (const folder of readdirSync(FIXTURES)) {
			expect(existsSync(join(__dirname, `${folder}.test.ts`))).toBe(true);
		}
	});

	it('RED_PNG and BLUE_PNG are 2x2 PNGs of pure red and pure blue', () => {
		expect(decodeRgbPng(RED_PNG)).toEqual({ width: 2, height: 2, pixels: Array(4).fill('ff0000') });
		expect(decodeRgbPng(BLUE_PNG)).toEqual({ width: 2, height: 2, pixels: Array(4).fill('0000ff') });
	});

	it('embeds real PNGs, and only those two', () => {
		const pngs = pngsInFixtures();
		expect(new Set(pngs.map(({ file }) => file))).toEqual(
			new Set([
				'gepetto/sync-success.json',
				'runpod/callback-completed-comfyui.json',
				'runpod/callback-completed-comfyui-s3.json',
				'runpod/callback-completed-img2img.json',
				'runpod/callback-completed-two-pngs.json',
				'runpod/callback-completed-worker-comfy.json',
			]),
		);
		for (const { base64 } of pngs) expect([RED_PNG, BLUE_PNG]).toContain(base64);
	});
});
