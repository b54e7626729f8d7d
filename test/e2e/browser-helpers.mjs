/**
 * Helpers for the browser test (browser.test.mjs): launching the Debian Chromium with
 * playwright-core, signing in to the n8n editor, dismissing n8n's first-run popups, polling,
 * and checking that node icons really loaded. Plain Node ESM (Node 20), no test framework.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Where CI (and Debian's `apt-get install chromium`) puts Chromium; override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function chromiumMissingReason() {
	if (fs.existsSync(CHROMIUM_PATH)) return null;
	return `${CHROMIUM_PATH} not found: install Chromium (apt-get install -y chromium) or set CHROMIUM_PATH to run the browser test`;
}

// This machine's network is closed: without the background-networking flags Chromium keeps
// trying to reach Google's services (and its connections are refused).
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

export const VIEWPORT = Object.freeze({ width: 1440, height: 900 });

/**
 * Launches Chromium with a new, empty profile. Returns {context, page, close()}; close() also
 * removes the profile. playwright-core never downloads browsers; we only ever use CHROMIUM_PATH.
 */
export async function launchChromium() {
	const { chromium, selectors } = await import('playwright-core');
	// n8n marks its elements with data-test-id (not Playwright's default data-testid).
	selectors.setTestIdAttribute('data-test-id');
	const userDataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'render-hooks-chromium-'));
	let context;
	try {
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: CHROMIUM_PATH,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			timeout: 60_000,
		});
	} catch (error) {
		await fsp.rm(userDataDir, { recursive: true, force: true });
		throw error;
	}
	context.setDefaultTimeout(15_000);
	context.setDefaultNavigationTimeout(30_000);
	const page = context.pages()[0] ?? (await context.newPage());
	let closing;
	const close = () => (closing ??= (async () => {
		// A hung browser must not hang the test's teardown: give close() 15 s, then go on.
		await Promise.race([context.close().catch(() => {}), sleep(15_000)]);
		await fsp.rm(userDataDir, { recursive: true, force: true }).catch(() => {});
	})());
	return { context, page, close };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` (sync or async) until it returns a truthy value; throws `message` (a string or
 * a sync/async function of the last value and error) after `timeoutMs`.
 */
export async function waitUntil(check, { timeoutMs = 15_000, intervalMs = 200, message = 'condition' } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	let lastError;
	for (;;) {
		try {
			last = await check();
			lastError = undefined;
			if (last) return last;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const text = typeof message === 'function' ? await message(last, lastError) : message;
			throw new Error(`${text} (after ${timeoutMs / 1000}s${lastError ? `; last error: ${lastError.message.split('\n')[0]}` : ''})`);
		}
		await sleep(intervalMs);
	}
}

/** The first of `locators` that is visible within `timeoutMs`, or null. */
export async function firstVisible(locators, { timeoutMs = 10_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		for (const locator of locators) {
			if (await locator.first().isVisible().catch(() => false)) return locator.first();
		}
		if (Date.now() > deadline) return null;
		await sleep(200);
	}
}

/**
 * n8n's sign-in page: fill email and password, submit, wait to leave /signin. Role/label
 * locators first, n8n's data-test-id attributes as the fallback.
 */
export async function signIn(page, baseUrl, { email, password }) {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	const emailInput = await firstVisible([
		page.getByLabel('Email', { exact: true }),
		page.locator('[data-test-id="emailOrLdapLoginId"] input, input[data-test-id="emailOrLdapLoginId"]'),
		page.locator('input[type="email"], input[name="email"], input[name="emailOrLdapLoginId"]'),
	], { timeoutMs: 30_000 });
	if (!emailInput) throw new Error(`the sign-in page (${page.url()}) shows no email field`);
	await emailInput.fill(email);
	const passwordInput = await firstVisible([
		page.getByLabel('Password', { exact: true }),
		page.locator('[data-test-id="password"] input, input[data-test-id="password"]'),
		page.locator('input[type="password"]'),
	]);
	if (!passwordInput) throw new Error('the sign-in page shows no password field');
	await passwordInput.fill(password);
	const submit = await firstVisible([
		page.getByRole('button', { name: /^sign in$/i }),
		page.getByTestId('form-submit-button'),
	]);
	if (!submit) throw new Error('the sign-in page shows no "Sign in" button');
	await submit.click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 }).catch(async () => {
		const alert = await page.locator('[role="alert"], .el-notification, .el-message').allInnerTexts().catch(() => []);
		throw new Error(`still on the sign-in page after submitting (${page.url()})${alert.length ? `: ${alert.join(' | ')}` : ''}`);
	});
}

// Buttons that close n8n's first-run popups (personalization survey, "what's new", NPS survey,
// shortcut hints, banners) without changing anything we rely on.
const DISMISS_BUTTON_NAMES = /^(skip|skip for now|not now|maybe later|close|dismiss|got it|ok|get started|continue|no thanks)$/i;
// The overlays we open on purpose: never "dismiss" these.
const OURS = '[data-test-id="ndv"], [data-test-id="node-creator"], [data-test-id="editCredential-modal"]';

/**
 * Closes whatever first-run dialogs, drawers, survey modals and hint popovers n8n shows over the
 * editor, several rounds until none is left (one may open after another closes). Never touches
 * the NDV, the node creator or the credential modal.
 */
export async function dismissPopups(page, { rounds = 4 } = {}) {
	const closed = [];
	for (let round = 0; round < rounds; round++) {
		let acted = false;
		const overlays = page.locator([
			'.el-overlay-dialog .el-dialog', '.el-dialog', '.el-drawer', '.el-message-box', '[role="dialog"]',
			'[data-test-id$="-modal"]', '[data-test-id="nps-survey-modal"]', '[role="tooltip"]', '.el-popover', '.el-notification',
		].join(', '));
		const count = await overlays.count().catch(() => 0);
		for (let index = 0; index < count; index++) {
			const overlay = overlays.nth(index);
			if (!(await overlay.isVisible().catch(() => false))) continue;
			const isOurs = await overlay.evaluate((element, selector) =>
				Boolean(element.matches(selector) || element.querySelector(selector) || element.closest(selector)), OURS).catch(() => true);
			if (isOurs) continue;
			const label = (await overlay.innerText().catch(() => '')).trim().split('\n')[0].slice(0, 60);
			const button = await firstVisible([
				overlay.getByRole('button', { name: DISMISS_BUTTON_NAMES }),
				overlay.locator('.el-dialog__headerbtn, .el-drawer__close-btn, .el-message-box__headerbtn, .el-notification__closeBtn, [aria-label="Close"], [aria-label="close"]'),
			], { timeoutMs: 300 });
			if (button) await button.click({ timeout: 3_000 }).catch(() => {});
			else await page.keyboard.press('Escape');
			closed.push(label || '(untitled popup)');
			acted = true;
			await sleep(300);
		}
		if (!acted) break;
	}
	return closed;
}

/**
 * Checks every <img> in `scope` (a locator) whose src ends with one of `iconFileNames`:
 * at least one such image, all loaded (complete, naturalWidth > 0). Returns their srcs.
 * Waits up to `timeoutMs` for the images to arrive and load.
 */
export async function expectLoadedIcons(scope, { iconFileNames, what, timeoutMs = 10_000 }) {
	let state = [];
	await waitUntil(async () => {
		state = await scope.locator('img').evaluateAll((images) => images.map((image) => ({
			src: image.getAttribute('src') ?? '',
			complete: image.complete,
			naturalWidth: image.naturalWidth,
		})));
		const ours = state.filter(({ src }) => iconFileNames.some((name) => src.split('?')[0].endsWith(`/${name}`)));
		return ours.length > 0 && ours.every(({ complete, naturalWidth }) => complete && naturalWidth > 0);
	}, {
		timeoutMs,
		message: () => {
			const ours = state.filter(({ src }) => iconFileNames.some((name) => src.split('?')[0].endsWith(`/${name}`)));
			if (ours.length === 0) {
				return `${what}: no <img> with src ending in ${iconFileNames.join(' or ')} ` +
					`(images there: ${state.map(({ src }) => src || '(no src)').join(', ') || 'none'})`;
			}
			return `${what}: icon did not load: ${ours.filter(({ naturalWidth }) => !naturalWidth)
				.map(({ src, complete }) => `${src} (complete=${complete}, naturalWidth=0)`).join(', ')}`;
		},
	});
	return state.map(({ src }) => src).filter((src) => iconFileNames.some((name) => src.split('?')[0].endsWith(`/${name}`)));
}

/**
 * Checks that each label in `labels` is shown inside `scope` (exact text, e.g. a parameter's
 * displayName). Scrolls each into view first (the NDV's parameter list scrolls). Returns the
 * labels that are missing (empty when all render).
 */
export async function missingLabels(scope, labels, { timeoutMs = 10_000 } = {}) {
	const missing = [];
	const deadline = Date.now() + timeoutMs;
	for (const label of labels) {
		const locator = labelLocator(scope, label);
		let found = false;
		while (!found) {
			found = await locator.scrollIntoViewIfNeeded({ timeout: 1_000 }).then(() => locator.isVisible(), () => false);
			if (found || Date.now() > deadline) break;
			await sleep(200);
		}
		if (!found) missing.push(label);
	}
	return missing;
}

/** The first element in `scope` whose whole text is `label` (allowing the "*" n8n appends to required fields' labels). */
function labelLocator(scope, label) {
	const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return scope.getByText(new RegExp(`^\\s*${escaped}\\s*\\*?\\s*$`)).first();
}

/**
 * The neighbouring pairs of `labels` (all shown in `scope`) that the page shows the other way
 * round: ["Simplify" before "Correlation ID"], ... (empty when the page shows them in this order).
 * Compares document order, which is the order n8n renders the parameters from top to bottom.
 */
export async function labelsOutOfOrder(scope, labels) {
	const handles = await Promise.all(labels.map((label) => labelLocator(scope, label).elementHandle({ timeout: 5_000 })));
	const wrong = [];
	for (let index = 1; index < handles.length; index++) {
		const follows = await handles[index - 1].evaluate((earlier, later) =>
			Boolean(earlier.compareDocumentPosition(later) & Node.DOCUMENT_POSITION_FOLLOWING), handles[index]);
		if (!follows) wrong.push(`"${labels[index]}" above "${labels[index - 1]}"`);
	}
	await Promise.all(handles.map((handle) => handle.dispose()));
	return wrong;
}
