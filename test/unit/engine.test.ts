import type { IDataObject } from 'n8n-workflow';
import { ObservableObject } from 'n8n-workflow';

import { MAX_FILE_NAME_LENGTH, binaryPropertyName, decodeBase64Image, detectFileType, storedFileNames } from '../../nodes/shared/binary';
import {
	checkCallbackQuery,
	isValidSignature,
	secretOrDerivedFromApiKey,
	signReference,
	signedCallbackUrl,
} from '../../nodes/shared/callback-auth';
import { DeliveryMemory, deliveryMemory } from '../../nodes/shared/callback-deliveries';
import {
	echoedRequest,
	isBase64Text,
	jobBody,
	knownStatus,
	looksLikeBase64Blob,
	parsedRender,
	providerError,
	providerErrorMessage,
	statusWords,
	stripBase64,
	withoutFiles,
} from '../../nodes/shared/payload';
import { RenderPayloadError } from '../../nodes/shared/result';
import {
	DEFAULT_RETRY_POLICY,
	isRetryable,
	parseRetryAfterMs,
	retryDelayMs,
} from '../../nodes/shared/transport';
import { ConcurrencyLimit } from '../../nodes/shared/wait';
import { makePng } from '../../simulators/png';

/**
 * Known HMAC-SHA256 vectors, computed apart from the code under test: RFC 4231 test case 2, and
 * `printf '%s' <text> | openssl dgst -sha256 -hmac <key>`. URLs already handed out (executions
 * waiting for a callback) stay valid only while these hold.
 */
const RFC_4231_CASE_2 = {
	key: 'Jefe',
	data: 'what do ya want for nothing?',
	mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
};
/** HMAC-SHA256('n8n-nodes-render-hooks/callback-signing-key', 'rp_key'). */
const KEY_DERIVED_FROM_RP_KEY = '719e9b2d76d019720a17bcf413ab0eeecbde50f195d488a002f412cf292da0d5';
/** HMAC-SHA256 under KEY_DERIVED_FROM_RP_KEY of the signed texts used below. */
const SIGNATURES = {
	'order-1': '18c8ad9c9a19e68f1a17f050c56a46b42cbe8ded9992e49f8158bef24e17d585',
	'listing 7': 'eefeb81ae9601280d684c1573f3c05446084552c37d2367871a0fd9d2bc2ac5a',
	a: 'c5c80a275581cdd7927837121e68d96f97e33356a06f5eac34897fd5b4fb21f0',
	'r1\nitem=3': '2f45c0f7e7c23d0f86b4b90664c8c18cd35efcd246cdc9c148a045057e9d7eaa',
	'r1\nexp=4102444800': '8642a666545c1abcaaa71a04f6259df597dccb469ca45a05c27d04c44f6cab10',
	'r1\nexp=946684800': '7345e3e4809829d1925c831ec9f12dce8c4c31c11a0a902df930292b97fdb485',
};

describe('callback signing', () => {
	const key = secretOrDerivedFromApiKey(undefined, 'rp_key');

	it('derives a key from the API key when no webhook secret is set, and prefers the secret', () => {
		expect(key).toBe(KEY_DERIVED_FROM_RP_KEY);
		expect(secretOrDerivedFromApiKey(undefined, 'other')).not.toBe(key);
		expect(secretOrDerivedFromApiKey('s3cret', 'rp_key')).toBe('s3cret');
	});

	it('signs a reference with HMAC-SHA256 and verifies only the exact signature', () => {
		expect(signReference(RFC_4231_CASE_2.key, RFC_4231_CASE_2.data)).toBe(RFC_4231_CASE_2.mac);
		const signature = SIGNATURES['order-1'];
		expect(signReference(key, 'order-1')).toBe(signature);
		expect(isValidSignature(key, 'order-1', signature)).toBe(true);
		expect(isValidSignature(key, 'order-2', signature)).toBe(false);
		expect(isValidSignature('other-key', 'order-1', signature)).toBe(false);
		expect(isValidSignature(key, 'order-1', signature.slice(0, 10))).toBe(false);
	});

	it('adds ref and sig to a callback URL and keeps its own query', () => {
		const url = new URL(signedCallbackUrl('https://n8n.example.com/webhook-waiting/12?x=1', key, 'listing 7'));
		expect(url.searchParams.get('x')).toBe('1');
		expect(url.searchParams.get('ref')).toBe('listing 7');
		expect(url.searchParams.get('sig')).toBe(SIGNATURES['listing 7']);
	});

	it('checks an incoming query: missing parts and wrong signatures are refused with a reason', () => {
		expect(checkCallbackQuery({ ref: 'a', sig: SIGNATURES.a }, key)).toEqual({ ok: true, reference: 'a', extras: {} });
		const missing = checkCallbackQuery({ ref: 'a' }, key);
		expect(missing).toMatchObject({ ok: false, reason: expect.stringContaining("'sig'") });
		const forged = checkCallbackQuery({ ref: 'a', sig: SIGNATURES['order-1'] }, key);
		expect(forged).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
		expect(checkCallbackQuery({ ref: ['a'], sig: 'x' } as unknown as IDataObject, key).ok).toBe(false);
	});

	it('signs the extra parameters too, so they cannot be added, dropped or changed', () => {
		const url = new URL(signedCallbackUrl('https://n8n.example.com/webhook-waiting/7', key, 'r1', { item: '3' }));
		const query = Object.fromEntries(url.searchParams);
		// The signed text is the reference, then each extra as a line `name=value`.
		expect(query.sig).toBe(SIGNATURES['r1\nitem=3']);
		expect(checkCallbackQuery(query, key)).toEqual({ ok: true, reference: 'r1', extras: { item: '3' } });
		expect(checkCallbackQuery({ ...query, item: '0' }, key).ok).toBe(false);
		expect(checkCallbackQuery({ ...query, exp: '4102444800' }, key).ok).toBe(false);
		const withoutItem = { ...query };
		delete withoutItem.item;
		expect(checkCallbackQuery(withoutItem, key).ok).toBe(false);
	});

	it('refuses a URL after its signed expiry, saying when it expired', () => {
		const valid = Object.fromEntries(new URL(signedCallbackUrl('https://n8n.example.com/webhook/x', key, 'r1', { exp: '4102444800' })).searchParams);
		expect(valid.sig).toBe(SIGNATURES['r1\nexp=4102444800']);
		expect(checkCallbackQuery(valid, key)).toEqual({ ok: true, reference: 'r1', extras: { exp: '4102444800' } });
		expect(checkCallbackQuery(valid, key, 4102444800_000)).toMatchObject({ ok: false, reason: expect.stringContaining('expired at 2100-01-01T00:00:00.000Z') });
		const expired = { ref: 'r1', exp: '946684800', sig: SIGNATURES['r1\nexp=946684800'] };
		expect(checkCallbackQuery(expired, key)).toMatchObject({ ok: false, reason: expect.stringContaining('expired at 2000-01-01') });
		// Moving the expiry breaks the signature.
		expect(checkCallbackQuery({ ...expired, exp: '4102444800' }, key)).toMatchObject({ ok: false, reason: expect.stringContaining('does not match') });
	});
});

describe('delivery memory', () => {
	const LIST = 'renderHooksDeliveries';
	const WRITER = 'renderHooksDeliveriesWriter';

	/**
	 * One request's static data as n8n gives it to a trigger: its node's part of what was saved,
	 * loaded afresh behind n8n's own change-tracking proxy. `saved()` is what n8n would write:
	 * undefined when nothing changed, else the JSON of the node's part.
	 */
	function load(saved: IDataObject = {}) {
		const workflowStaticData = ObservableObject.create({ node: JSON.parse(JSON.stringify(saved)) as IDataObject }, undefined, {
			ignoreEmptyOnFirstChild: true,
		});
		const node = workflowStaticData.node as IDataObject;
		return {
			node,
			saved: () => (workflowStaticData.__dataChanged === true ? (JSON.parse(JSON.stringify(node)) as IDataObject) : undefined),
		};
	}

	it('lets the first claim of a (job, status) through and no repeat', () => {
		const memory = new DeliveryMemory(3).attach({});
		expect(memory.claim('job-1:completed')).toBe(true);
		expect(memory.claim('job-1:completed')).toBe(false);
		expect(memory.claim('job-1:failed')).toBe(true);
		expect(memory.hasFinal('job-1')).toBe(true);
		expect(memory.hasFinal('job-2')).toBe(false);
	});

	it('saves the newest keys as one string, at most the bound, with the id of the memory that wrote them', () => {
		const memory = new DeliveryMemory(3);
		const request = load();
		const attached = memory.attach(request.node);
		for (const job of ['a', 'b', 'c', 'd']) attached.claim(`${job}:completed`);
		expect(request.saved()).toEqual({ [LIST]: 'b:completed\nc:completed\nd:completed', [WRITER]: memory.writerId });
	});

	it('reads back the string it saved (after a restart: another memory)', () => {
		const before = load();
		new DeliveryMemory().attach(before.node).claim('job-7:completed');
		new DeliveryMemory().attach(before.node).claim('job-6:completed');
		const saved = before.saved();

		const afterRestart = new DeliveryMemory().attach(load(saved).node);
		expect(afterRestart.claim('job-7:completed')).toBe(false);
		expect(afterRestart.claim('job-6:completed')).toBe(false);
		expect(afterRestart.claim('job-8:completed')).toBe(true);
	});

	it('reads the array earlier versions saved, and saves it back as a string', () => {
		const memory = new DeliveryMemory();
		const request = load({ [LIST]: ['job-1:completed', 'job-2:failed'] });
		const attached = memory.attach(request.node);
		expect(attached.claim('job-1:completed')).toBe(false);
		expect(attached.hasFinal('job-2')).toBe(true);
		expect(request.saved()).toBeUndefined();

		attached.record('job-1:completed');
		expect(request.saved()).toEqual({ [LIST]: 'job-1:completed\njob-2:failed', [WRITER]: memory.writerId });
	});

	it('merges an array an earlier version saved over its list, though the writer it left is this memory', () => {
		const memory = new DeliveryMemory();
		const saved = load();
		memory.attach(saved.node).claim('job-1:completed');
		const savedByEarlierVersion = { ...saved.saved(), [LIST]: ['job-1:completed', 'job-2:completed'] };
		expect(memory.attach(load(savedByEarlierVersion).node).claim('job-2:completed')).toBe(false);
	});

	it('skips the merge of a list it saved itself: such a list holds no key it lacks', () => {
		const memory = new DeliveryMemory();
		const selfSaved = { [LIST]: 'job-1:completed\nnever-claimed:completed', [WRITER]: memory.writerId };
		// The list is not read: a key only it holds stays unknown.
		expect(memory.attach(load(selfSaved).node).claim('never-claimed:completed')).toBe(true);
	});

	it('merges a list another process saved, and that process merges its list back', () => {
		const processA = new DeliveryMemory();
		const processB = new DeliveryMemory();
		const first = load();
		processA.attach(first.node).claim('job-1:completed');

		const second = load(first.saved());
		const atB = processB.attach(second.node);
		expect(atB.claim('job-1:completed')).toBe(false);
		expect(atB.claim('job-2:completed')).toBe(true);
		const savedByB = second.saved();
		expect(savedByB).toEqual({ [LIST]: 'job-1:completed\njob-2:completed', [WRITER]: processB.writerId });

		expect(processA.attach(load(savedByB).node).claim('job-2:completed')).toBe(false);
	});

	it('loses no key when concurrent requests save their copies in any order', () => {
		const memory = new DeliveryMemory();
		// Two requests load the same saved state, claim one key each, and save last-writer-wins.
		const first = load();
		const second = load();
		memory.attach(first.node).claim('job-1:completed');
		memory.attach(second.node).claim('job-2:completed');
		for (const saved of [second.saved(), first.saved()]) expect(saved?.[LIST]).toBe('job-1:completed\njob-2:completed');
	});

	it('records a delivery claimed in another process, so its list carries it and a repeat here is refused', () => {
		const request = load();
		const memory = new DeliveryMemory().attach(request.node);
		memory.record('job-5:completed');
		memory.record('job-5:completed');
		expect(request.saved()?.[LIST]).toBe('job-5:completed');
		expect(memory.claim('job-5:completed')).toBe(false);
	});

	it('never saves a key twice, however often it is recorded, merged or claimed', () => {
		const processA = new DeliveryMemory();
		const processB = new DeliveryMemory();
		let saved: IDataObject | undefined = {};
		for (let round = 0; round < 3; round++) {
			for (const memory of [processA, processB]) {
				const request = load(saved);
				const attached = memory.attach(request.node);
				attached.claim('job-1:completed');
				attached.record('job-1:completed');
				attached.record(`job-${round + 2}:completed`);
				saved = request.saved() ?? saved;
			}
		}
		expect(saved?.[LIST]).toBe(['job-1', 'job-2', 'job-3', 'job-4'].map((job) => `${job}:completed`).join('\n'));
		// A list holding a key twice (written by hand) is not saved with it twice either.
		const request = load({ [LIST]: 'job-9:completed\njob-9:completed' });
		new DeliveryMemory().attach(request.node).record('job-9:completed');
		expect(request.saved()).toBeUndefined();
		new DeliveryMemory().attach(request.node).claim('job-10:completed');
		expect(request.saved()?.[LIST]).toBe('job-9:completed\njob-10:completed');
	});

	it('keeps a key holding a line break out of the saved list, so it cannot be read back as other keys', () => {
		const request = load();
		const attached = new DeliveryMemory().attach(request.node);
		expect(attached.claim('forged\nvictim:completed')).toBe(true);
		expect(attached.claim('forged\nvictim:completed')).toBe(false);
		attached.claim('job-1:completed');
		expect(new DeliveryMemory().attach(load(request.saved()).node).claim('victim:completed')).toBe(true);
	});

	it('changes no static data for a repeat, or for a record the saved list already holds (n8n then saves nothing)', () => {
		const memory = new DeliveryMemory();
		const first = load();
		memory.attach(first.node).claim('job-3:completed');

		const repeat = load(first.saved());
		const attached = memory.attach(repeat.node);
		expect(attached.claim('job-3:completed')).toBe(false);
		attached.record('job-3:completed');
		expect(repeat.saved()).toBeUndefined();

		attached.record('job-4:completed');
		expect(repeat.saved()?.[LIST]).toBe('job-3:completed\njob-4:completed');
	});

	it('keeps triggers apart', () => {
		expect(deliveryMemory('wf-1:node-a', {}).claim('job-9:completed')).toBe(true);
		expect(deliveryMemory('wf-1:node-a', {}).claim('job-9:completed')).toBe(false);
		expect(deliveryMemory('wf-1:node-b', {}).claim('job-9:completed')).toBe(true);
	});
});

describe('transport rules', () => {
	it('retries 429 and 5xx only', () => {
		expect([429, 500, 502, 503].every(isRetryable)).toBe(true);
		expect([400, 401, 404, 413, 422].some(isRetryable)).toBe(false);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		expect(parseRetryAfterMs('3')).toBe(3000);
		expect(parseRetryAfterMs(2)).toBe(2000);
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfterMs('soon')).toBeUndefined();
		expect(parseRetryAfterMs(undefined)).toBeUndefined();
	});

	it('backs off exponentially, honours a longer Retry-After and never exceeds the cap', () => {
		const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
		expect([0, 1, 2, 3].map((attempt) => retryDelayMs(attempt, policy))).toEqual([100, 200, 400, 800]);
		expect(retryDelayMs(6, policy)).toBe(1000);
		expect(retryDelayMs(0, policy, { 'retry-after': '0.5' })).toBe(500);
		expect(retryDelayMs(0, policy, { 'retry-after': '60' })).toBe(1000);
	});

	it('by default retries 4 times after 0.5 s, 1 s, 2 s and 4 s, capped at 30 s, as the README says', () => {
		expect(DEFAULT_RETRY_POLICY.maxRetries).toBe(4);
		const delays = [0, 1, 2, 3].map((attempt) => retryDelayMs(attempt, DEFAULT_RETRY_POLICY));
		expect(delays).toEqual([500, 1000, 2000, 4000]);
		expect(retryDelayMs(10, DEFAULT_RETRY_POLICY)).toBe(30_000);
		expect(retryDelayMs(0, DEFAULT_RETRY_POLICY, { 'retry-after': '3600' })).toBe(30_000);
	});

	it("finds the provider's own words in its error bodies", () => {
		expect(providerErrorMessage({ error: 'Unauthorized' })).toBe('Unauthorized'); // RunPod
		expect(providerErrorMessage({ message: 'Not enough credits', code: 'NOT_ENOUGH_CREDITS' })).toBe('Not enough credits'); // Deep Image
		expect(providerErrorMessage({ error: 'invalid tool', key: 'api_error_tool' })).toBe('invalid tool'); // AI Home Design
		expect(providerErrorMessage({ error: { message: 'nested' } })).toBe('nested');
		expect(providerErrorMessage('<html>Bad Gateway</html>')).toBe('<html>Bad Gateway</html>');
		expect(providerErrorMessage({})).toBeUndefined();
	});
});

describe('binary helpers', () => {
	it('recognises image formats by their bytes', () => {
		expect(detectFileType(makePng(4, 4))).toEqual({ mimeType: 'image/png', extension: 'png' });
		expect(detectFileType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toEqual({ mimeType: 'image/jpeg', extension: 'jpg' });
		const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
		expect(detectFileType(webp)?.mimeType).toBe('image/webp');
		expect(detectFileType(Buffer.from('hello world'))).toBeUndefined();
	});

	it('decodes base64 and data URIs, and refuses text that is not base64', () => {
		const png = makePng(3, 2);
		expect(decodeBase64Image(png.toString('base64')).equals(png)).toBe(true);
		expect(decodeBase64Image(`data:image/png;base64,${png.toString('base64')}`).equals(png)).toBe(true);
		expect(() => decodeBase64Image('basee64 encoded image')).toThrow(/not valid base64/);
		expect(() => decodeBase64Image('')).toThrow(/not valid base64/);
	});

	it('names binary properties data, data_1, data_2', () => {
		expect([0, 1, 2].map((position) => binaryPropertyName('data', position))).toEqual(['data', 'data_1', 'data_2']);
	});

	describe('stored file names', () => {
		const job = { provider: 'acme', jobId: 'j/1 x' };
		/** The names of files of the given provider names, all PNGs, at output indexes 0, 1, ... */
		const names = (...fileNames: Array<string | undefined>) =>
			storedFileNames(job, fileNames.map((fileName, index) => ({ index, fileName, extension: 'png' })));

		it("are the engine's own where the parser gave no name: provider, job id made safe, index, the content's extension", () => {
			expect(storedFileNames(job, [{ index: 0, extension: 'png' }, { index: 3, extension: 'jpg' }])).toEqual(['acme-j_1_x-0.png', 'acme-j_1_x-3.jpg']);
			expect(storedFileNames({ provider: 'acme', jobId: 'é'.repeat(5) + 'k'.repeat(100) }, [{ index: 0, extension: 'png' }])).toEqual([`acme-_${'k'.repeat(79)}-0.png`]);
		});

		it("keep the provider's name where it gave one, its extension too", () => {
			expect(names('living_room_00001_.png', 'render.webp', 'scan.JPEG')).toEqual(['living_room_00001_.png', 'render.webp', 'scan.JPEG']);
		});

		it('add the extension of the content to a name that has none', () => {
			expect(storedFileNames(job, [{ index: 0, fileName: 'render', extension: 'jpg' }, { index: 1, fileName: 'v1.', extension: 'png' }])).toEqual(['render.jpg', 'v1.png']);
			expect(names(`x.${'y'.repeat(11)}`)).toEqual([`x.${'y'.repeat(11)}.png`]);
		});

		it('are made safe: the last path segment, safe characters only, no leading dot', () => {
			expect(names('../../etc/pass wd.png', 'C:\\renders\\day 1\\a:b*c?.png', '.hidden.png', '...', 'room #2 (final).png', 'ünïcode ✓.png')).toEqual([
				'pass_wd.png',
				'a_b_c_.png',
				'hidden.png',
				'acme-j_1_x-3.png',
				'room_2_final_.png',
				'_n_code_.png',
			]);
		});

		it("fall back to the engine's name when no letter or digit is left of the provider's", () => {
			expect(names('***.png', '', '/', '_-_.png', 'ok.png')).toEqual(['acme-j_1_x-0.png', 'acme-j_1_x-1.png', 'acme-j_1_x-2.png', 'acme-j_1_x-3.png', 'ok.png']);
		});

		it(`are at most ${MAX_FILE_NAME_LENGTH} characters, the extension kept`, () => {
			const [long, longNoExtension, repeated] = names(`${'x'.repeat(300)}.webp`, 'y'.repeat(300), `${'x'.repeat(300)}.webp`);
			expect(long).toBe(`${'x'.repeat(MAX_FILE_NAME_LENGTH - 5)}.webp`);
			expect(longNoExtension).toBe(`${'y'.repeat(MAX_FILE_NAME_LENGTH - 4)}.png`);
			expect(repeated).toBe(`${'x'.repeat(MAX_FILE_NAME_LENGTH - 7)}-2.webp`);
		});

		it('are unique within the result, ignoring case: a repeat gets -<index> before the extension', () => {
			expect(names('a.png', 'A.PNG', 'a.png', 'a-2.png', 'a-2.png', 'noext', 'noext')).toEqual([
				'a.png',
				'A-1.PNG',
				'a-2.png',
				'a-2-3.png',
				'a-2-4.png',
				'noext.png',
				'noext-6.png',
			]);
			// Repeats of a repeat's name, and of the engine's own names, too.
			expect(names('b.png', 'b.png', 'b-1.png', undefined, 'acme-j_1_x-3.png')).toEqual(['b.png', 'b-1.png', 'b-1-2.png', 'acme-j_1_x-3.png', 'acme-j_1_x-3-4.png']);
		});
	});

	it('strips base64 blobs from any depth of a body, leaving other values', () => {
		const blob = makePng(64, 64).toString('base64');
		expect(looksLikeBase64Blob(blob)).toBe(true);
		const stripped = stripBase64({ a: [blob, 'short'], b: { c: blob, n: 3 } }) as IDataObject;
		expect(JSON.stringify(stripped)).not.toContain(blob.slice(0, 100));
		expect(stripped).toMatchObject({ a: [expect.stringContaining('removed'), 'short'], b: { n: 3 } });
	});
});

describe('parser toolkit', () => {
	it('tells base64 from text by its alphabet and, where asked, its length', () => {
		expect(isBase64Text('iVBORw0KGgo=')).toBe(true);
		expect(isBase64Text('data:image/png;base64,iVBORw0KGgo=')).toBe(true);
		expect(isBase64Text('iVBORw0KGgo=', 64)).toBe(false);
		expect(isBase64Text('a poem')).toBe(false);
		expect(isBase64Text('')).toBe(false);
		expect(looksLikeBase64Blob('A'.repeat(255))).toBe(false);
		expect(looksLikeBase64Blob('A'.repeat(256))).toBe(true);
	});

	it('cuts out the files a parser names and every blob, at any depth', () => {
		const body = { a: ['short-file', 'text'], b: { c: 'A'.repeat(300) } };
		expect(withoutFiles(body, (text) => text === 'short-file')).toEqual({
			a: ['[base64 image removed: 10 chars]', 'text'],
			b: { c: '[base64 image removed: 300 chars]' },
		});
	});

	it('reads a job body or says what it needed', () => {
		expect(jobBody({ job: 'j', status: 'x' }, 'job', 'needs job')).toEqual({
			body: { job: 'j', status: 'x' },
			jobId: 'j',
			reportedStatus: 'x',
		});
		expect(() => jobBody({ job: '', status: 'x' }, 'job', 'needs job')).toThrow(
			new RenderPayloadError('needs job; got an object with keys: job, status'),
		);
		expect(() => jobBody({ job: 'j' }, 'job', 'needs job')).toThrow(RenderPayloadError);
	});

	it('maps status words in the order given and refuses unknown ones', () => {
		const statuses = statusWords({ pending: ['queued', 'new'], completed: ['done'] });
		expect(knownStatus(statuses, 'new', 'Job 1')).toBe('pending');
		expect(() => knownStatus(statuses, 'toString', 'Job 1')).toThrow(
			"Job 1 has the unknown status 'toString'; expected one of queued, new, done",
		);
	});

	it('takes the first message with text and the first non-empty code', () => {
		expect(providerError([undefined, '  ', 'boom', 'later'], [3, '', 'E1'])).toEqual({ message: 'boom', code: 'E1' });
		expect(providerError(['boom'])).toEqual({ message: 'boom' });
		expect(providerError([' ', null], ['E1'])).toBeUndefined();
	});

	it('keeps the echoed fields that are there', () => {
		expect(echoedRequest({ mode: 'a', styleId: null, other: 1 }, ['mode', 'styleId'])).toEqual({ mode: 'a' });
		expect(echoedRequest({ other: 1 }, ['mode'])).toBeUndefined();
	});

	it('turns images into outputs: URLs with their thumbnails, base64 as inline images by index', () => {
		const parsed = parsedRender({
			provider: 'p',
			jobId: 'j',
			status: 'completed',
			images: [{ url: 'https://x/1.png' }, { base64: 'QUJD' }, { url: 'https://x/3.png', thumbnailUrl: 'https://x/3t.png' }],
			receivedAt: new Date('2024-01-01T00:00:00Z'),
			raw: {},
		});
		expect(parsed).toStrictEqual({
			result: {
				provider: 'p',
				jobId: 'j',
				status: 'completed',
				outputs: [{ index: 0, url: 'https://x/1.png' }, { index: 1 }, { index: 2, url: 'https://x/3.png', thumbnailUrl: 'https://x/3t.png' }],
				receivedAt: '2024-01-01T00:00:00.000Z',
				raw: {},
			},
			inlineImages: { 1: 'QUJD' },
		});
	});

	it("gives an output the provider's name for its file, when the parser found one", () => {
		const { result, inlineImages } = parsedRender({
			provider: 'p',
			jobId: 'j',
			status: 'completed',
			images: [{ url: 'https://x/1.png', fileName: 'one.png' }, { base64: 'QUJD', fileName: 'two.png' }, { base64: 'REVG', fileName: '' }],
			receivedAt: new Date('2024-01-01T00:00:00Z'),
			raw: {},
		});
		expect(result.outputs).toStrictEqual([{ index: 0, url: 'https://x/1.png', fileName: 'one.png' }, { index: 1, fileName: 'two.png' }, { index: 2 }]);
		expect(inlineImages).toEqual({ 1: 'QUJD', 2: 'REVG' });
	});
});

describe('bounded concurrency', () => {
	it('never runs more than the limit at once, runs every task, and starts them in order', async () => {
		const limit = new ConcurrencyLimit(3);
		let running = 0;
		let peak = 0;
		const started: number[] = [];
		await Promise.all(
			[1, 2, 3, 4, 5, 6, 7].map(async (entry) =>
				await limit.run(async () => {
					started.push(entry);
					running++;
					peak = Math.max(peak, running);
					await new Promise((resolve) => setImmediate(resolve));
					running--;
				}),
			),
		);
		expect(peak).toBe(3);
		expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
	});

	it('frees its slot when a task fails', async () => {
		const limit = new ConcurrencyLimit(1);
		await expect(limit.run(async () => await Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		await expect(limit.run(async () => await Promise.resolve('next'))).resolves.toBe('next');
	});
});
