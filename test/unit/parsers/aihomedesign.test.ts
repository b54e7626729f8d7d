import {
	parseAiHomeDesignCallback,
	parseAiHomeDesignEvent,
	parseAiHomeDesignProcess,
} from '../../../nodes/AiHomeDesign/parser';
import {
	RECEIVED_AT,
	asJson,
	describeFixtures,
	expectPayloadError,
	expectRenderResult,
} from './contract';

const parseFixture = describeFixtures('aihomedesign', {
	'callback-done-seed.json': (body) => parseAiHomeDesignCallback(body, RECEIVED_AT),
	'callback-failed.json': (body) => parseAiHomeDesignCallback(body, RECEIVED_AT),
	'process-done.json': (body) =>
		parseAiHomeDesignProcess('69a6bb11a374700bff4a1336', body, RECEIVED_AT),
	'process-processing-wrapped.json': (body) =>
		parseAiHomeDesignProcess('69a6bb11a374700bff4a1335', body, RECEIVED_AT),
});

describe('parseAiHomeDesignCallback', () => {
	it('reads the seed webhook', () => {
		const { body, parsed, result } = parseFixture('callback-done-seed.json');
		expect(result.provider).toBe('aiHomeDesign');
		expect(result.jobId).toBe('69a6bb11a374700bff4a1333');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([
			{
				index: 0,
				url: 'https://cdn.aihomedesign.com/result.jpg',
				thumbnailUrl: 'https://cdn.aihomedesign.com/result_thumb.jpg',
			},
		]);
		expect(parsed.inlineImages).toEqual({});
		expect(result.request).toEqual({
			tool: 'tool-virtual-staging',
			order_id: '69a6aa03a374700bff4a1328',
		});
		expect(result.error).toBeUndefined();
		expect(result.timings).toBeUndefined();
		expect(result.raw).toEqual(body);
	});

	it('reads a failed webhook', () => {
		const { body, result } = parseFixture('callback-failed.json');
		expect(result.status).toBe('failed');
		expect(result.outputs).toEqual([]);
		expect(result.error).toEqual({
			message:
				'AI Home Design reported process 69a6bb11a374700bff4a1334 (tool-virtual-staging) as failed; retry it or contact their support',
		});
		expect(result.raw).toEqual(body);
	});

	it('takes the provider error text and key when a failed webhook has them', () => {
		const body = {
			process_id: 'p1',
			status: 'failed',
			final_assets: [],
			error: 'No room detected',
			key: 'api_error_no_room',
		};
		expect(parseAiHomeDesignCallback(body).result.error).toEqual({
			message: 'No room detected',
			code: 'api_error_no_room',
		});
	});

	it('reads done without any image as failed', () => {
		const body = {
			process_id: 'p2',
			status: 'done',
			final_assets: [{ asset_id: 'a', asset_type: 'image' }],
		};
		const result = expectRenderResult(parseAiHomeDesignCallback(body, RECEIVED_AT));
		expect(result.status).toBe('failed');
		expect(result.error).toEqual({
			message:
				'AI Home Design reported process p2 as done, but final_assets holds no image URL (temp_src)',
		});
	});

	it.each([
		['null', null, 'null'],
		['a string', 'process.completed', 'a string'],
		['an array', [1, 2], 'an array of 2 items'],
		[
			'an object missing process_id',
			{ event: 'process.completed', status: 'done' },
			'an object with keys: event, status',
		],
		['an object missing status', { process_id: 'p3' }, 'an object with keys: process_id'],
	])('rejects %s', (_label, body, described) => {
		expectPayloadError(
			() => parseAiHomeDesignCallback(body),
			`AI Home Design webhook needs a string 'process_id' and a 'status'; got ${described}`,
		);
	});

	it('rejects an unknown status', () => {
		expectPayloadError(
			() => parseAiHomeDesignCallback({ process_id: 'p4', status: 'success' }),
			"AI Home Design process p4 has the unknown status 'success'; expected one of pending, processing, done, failed",
		);
	});
});

describe('parseAiHomeDesignEvent (whatever the dashboard URL receives)', () => {
	it('reads process.completed as the process', () => {
		const parsed = parseAiHomeDesignEvent(parseFixture('callback-done-seed.json').body, RECEIVED_AT);
		expect(parsed?.result).toMatchObject({ jobId: '69a6bb11a374700bff4a1333', status: 'completed' });
	});

	// The bodies older products post to the same dashboard URL (providers.md).
	it.each([
		['the v1 order body', {"order_id": "5f1a2b3c4d5e6f7a8b9c0d1e", "image": {"id": "5f1a2b3c4d5e6f7a8b9c0d20", "src": "https://cdn.aihomedesign.com/v1/result.jpg"}, "service_name": "virtual-staging", "user_id": "5f1a2b3c4d5e6f7a8b9c0d00"}],
		['the upscale body', {"generated_image_id": "5f1a2b3c4d5e6f7a8b9c0d30", "upscaled_image_src": "https://cdn.aihomedesign.com/upscale/result.jpg", "user_id": "5f1a2b3c4d5e6f7a8b9c0d00"}],
	])('answers %s of an older product with null: 2xx, nothing emitted', (_label, body) => {
		expect(parseAiHomeDesignEvent(body, RECEIVED_AT)).toBeNull();
	});

	it('answers any other event with null, so the vendor stops retrying it', () => {
		expect(parseAiHomeDesignEvent({ event: 'order.created', order_id: 'o1' })).toBeNull();
	});

	it('rejects a body that is no JSON object, and a process.completed that is no process', () => {
		expectPayloadError(() => parseAiHomeDesignEvent([1]), 'AI Home Design webhook needs a JSON object; got an array of 1 items');
		expectPayloadError(
			() => parseAiHomeDesignEvent({ event: 'process.completed', status: 'done' }),
			"AI Home Design webhook needs a string 'process_id' and a 'status'; got an object with keys: event, status",
		);
	});
});

describe('parseAiHomeDesignProcess', () => {
	it('reads a process wrapped in data', () => {
		const { body, result } = parseFixture('process-processing-wrapped.json');
		expect(result.jobId).toBe('69a6bb11a374700bff4a1335');
		expect(result.status).toBe('running');
		expect(result.outputs).toEqual([]);
		expect(result.error).toBeUndefined();
		expect(result.request).toEqual({
			tool: 'tool-day-to-dusk',
			order_id: '69a6aa03a374700bff4a1328',
		});
		expect(result.raw).toEqual(body);
	});

	it('reads a done process at the top level with two assets', () => {
		const { result } = parseFixture('process-done.json');
		expect(result.status).toBe('completed');
		expect(result.outputs).toEqual([
			{
				index: 0,
				url: 'https://cdn.aihomedesign.com/result_1.jpg',
				thumbnailUrl: 'https://cdn.aihomedesign.com/result_1_thumb.jpg',
			},
			{ index: 1, url: 'https://cdn.aihomedesign.com/result_2.jpg' },
		]);
		expect(result.request).toEqual({
			tool: 'tool-interior-design',
			order_id: '69a6aa03a374700bff4a1329',
		});
	});

	it('maps pending to pending', () => {
		expect(parseAiHomeDesignProcess('p5', { status: 'pending' }).result.status).toBe('pending');
	});

	it('takes the id from the body when none is given', () => {
		expect(
			parseAiHomeDesignProcess('', { data: { _id: 'p6', status: 'pending' } }).result.jobId,
		).toBe('p6');
		expect(parseAiHomeDesignProcess('', { process_id: 'p7', status: 'pending' }).result.jobId).toBe(
			'p7',
		);
	});

	it('does not take the envelope message "ok" for an error', () => {
		const body = { data: { status: 'failed', tool: 'tool-darkness' }, message: 'ok' };
		expect(parseAiHomeDesignProcess('p8', body).result.error).toEqual({
			message:
				'AI Home Design reported process p8 (tool-darkness) as failed; retry it or contact their support',
		});
	});

	it('rejects a body without status', () => {
		expectPayloadError(
			() => parseAiHomeDesignProcess('p9', { data: { final_assets: [] }, message: 'ok' }),
			"AI Home Design process needs a 'status' (at the top level or in 'data'); got an object with keys: data, message",
		);
		expectPayloadError(
			() => parseAiHomeDesignProcess('p9', null),
			"AI Home Design process needs a 'status' (at the top level or in 'data'); got null",
		);
	});

	it('rejects a process with no id at all', () => {
		expectPayloadError(
			() => parseAiHomeDesignProcess('', { status: 'done' }),
			'AI Home Design process has no id: pass the process_id that was asked for',
		);
	});
});

/**
 * Property-ish: every combination of status, image shape and error a provider can send gives a
 * result that keeps the contract.
 */
describe('the RenderResult contract over generated bodies', () => {
	const url = 'https://cdn.example.com/img.png';

	it('holds for AI Home Design', () => {
		const statuses = ['pending', 'processing', 'done', 'failed'];
		const assets: unknown[] = [
			undefined,
			[],
			[{ temp_src: url }, { temp_src: url, temp_thumbnail_src: url }],
			[null, { asset_id: 'x' }, { src: url }],
		];
		for (const status of statuses)
			for (const finalAssets of assets) {
				const process = {
					process_id: 'gen',
					status,
					tool: 'tool-day-to-dusk',
					final_assets: finalAssets,
				};
				expectRenderResult(parseAiHomeDesignCallback(asJson(process), RECEIVED_AT));
				expectRenderResult(parseAiHomeDesignProcess('gen', asJson(process), RECEIVED_AT));
				expectRenderResult(
					parseAiHomeDesignProcess('gen', asJson({ data: process, message: 'ok' }), RECEIVED_AT),
				);
			}
	});
});
