/**
 * Browser test: the package as a user meets it in the n8n editor.
 *
 * Starts a fresh n8n with the packed package installed the way the Community Nodes installer
 * does (scripts/n8n/package.mjs), signs in with Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core), creates a workflow, finds RunPod and RunPod Trigger in the node panel (the
 * actions grouped by resource), adds both, checks their icons and parameters render in the
 * order n8n's UX guidelines ask (Resource, Operation, what decides the rest, ..., Simplify,
 * collections), the Resource drop-down (Job; Endpoint with Get Health and Purge Queue), the
 * editor hints naming WEBHOOK_URL (the trigger's always, the node's with Wait for Callback),
 * opens the "RunPod API" credential modal, and saves the screenshots under docs/screenshots/.
 * Then, each in a workflow of its own
 * (a new tab): Gepetto, its trigger and its node with the drop-downs Gepetto's lists fill (Style,
 * Room, Furniture, Sky); Deep Image, its trigger's Production URL and its node's Image Source,
 * an options collection and Preset; AI Home Design, its trigger's ?token= notice and its node's
 * Tool drop-down filled from the live catalogue (active tools only), a chosen tool showing only
 * its widgets. The lists load from the simulators (the local services of `npm start`, with
 * credentials pointing at them).
 *
 *   node --test test/e2e/browser.test.mjs
 *
 * Skips when Chromium is missing. Env: N8N_VERSION_UNDER_TEST (default 2.40.7), CHROMIUM_PATH,
 * BROWSER_TEST_KEEP=1 (keep the n8n user folder), BROWSER_TEST_SCREENSHOTS (another folder for
 * the screenshots than docs/screenshots).
 *
 * n8n 2.40.7's node panel merges an app's node and its trigger into one search result named
 * after the app ("RunPod"); its detail view lists the trigger ("On new RunPod event", which adds
 * "RunPod Trigger") and, under "Actions (8)", the node's actions, for a node with a Resource
 * labelled by resource ("Job Actions": "Run job", ...; "Endpoint Actions": ...). The
 * test accepts that layout and the older one where "RunPod Trigger" is a result of its own, and
 * identifies each entry by the node type in n8n's data-keyboard-nav-id, not only by its text.
 *
 * Node hints with location 'ndv' are drawn by n8n's run-data pane (RunData.vue), not next to the
 * parameters: 2.40.7 shows them in the NDV's OUTPUT pane only, 1.123.81 in the input and output
 * panes. The test reads them there (data-test-id "node-hint").
 */
import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';

import { timed } from '../../scripts/n8n/commands.mjs';
import { installPackagesIntoN8n } from '../../scripts/n8n/package.mjs';
import { DEFAULT_N8N_VERSION, REPO_ROOT } from '../../scripts/n8n/paths.mjs';
import { startN8n } from '../../scripts/n8n/process.mjs';
import { registerCommunityPackage } from '../../scripts/n8n/registration.mjs';
import { loadProviders } from '../../scripts/n8n/registry.mjs';
import { DEFAULT_OWNER, importCredentials, setupOwnerAndLogin } from '../../scripts/n8n/rest-client.mjs';
import { startLocalServices } from '../../scripts/product.mjs';
import {
	chromiumMissingReason,
	dismissPopups,
	expectLoadedIcons,
	firstVisible,
	labelsOutOfOrder,
	launchChromium,
	missingLabels,
	signIn,
	sleep,
	VIEWPORT,
	waitUntil,
} from './browser-helpers.mjs';
import { freeProductPorts } from './e2e-support.mjs';

const VERSION = process.env.N8N_VERSION_UNDER_TEST || DEFAULT_N8N_VERSION;
// The walk through the editor is RunPod's (its screenshots illustrate the README); the names it
// looks for come from the provider registry.
const RUNPOD = loadProviders().find((provider) => provider.id === 'runPod');
const NODE_TYPE = RUNPOD.nodes.find((node) => !node.isTrigger).type;
const TRIGGER_TYPE = RUNPOD.nodes.find((node) => node.isTrigger).type;
const ICON_FILES = [...new Set(RUNPOD.nodes.flatMap((node) =>
	(typeof node.icon === 'string' ? [node.icon] : Object.values(node.icon ?? {})).map((icon) => icon.replace(/^file:/, ''))))];
/** The RunPod node's actions (version 3) as the node panel lists them, under the label "<Resource> Actions". */
const RUNPOD_ACTIONS = {
	Job: ['Run job', 'Run job and wait for result', 'Get job status', 'Cancel job', 'Retry job', 'Stream job output'],
	Endpoint: ['Get endpoint health', 'Purge endpoint queue'],
};
/** The RunPod node's own hints with Wait for Callback (the trigger's say "Production URL" and "this trigger"). */
const RUNPOD_NODE_HINTS = [/resume URL[\s\S]*WEBHOOK_URL/, /N8N_PAYLOAD_SIZE_MAX[\s\S]*this node/];
const GEPETTO_NODES = providerNodes('gepetto');
/** Each Gepetto drop-down: its parameter, its loadOptions method, and an English label the simulator lists. */
const GEPETTO_DROP_DOWNS = [
	{ parameter: 'styleId', method: 'getStyles', label: 'Scandinavian' },
	{ parameter: 'roomId', method: 'getRooms', label: 'Living room' },
	{ parameter: 'furnitureId', method: 'getFurnitures', label: 'Sofa' },
	{ parameter: 'skyId', method: 'getSkies', label: 'Blue sky' },
];
/** Node types and icon files of a provider of the registry, by id. */
function providerNodes(id) {
	const provider = loadProviders().find((candidate) => candidate.id === id);
	return {
		provider,
		nodeType: provider.nodes.find((node) => !node.isTrigger).type,
		triggerType: provider.nodes.find((node) => node.isTrigger).type,
		iconFiles: [...new Set(provider.nodes.flatMap((node) =>
			(typeof node.icon === 'string' ? [node.icon] : Object.values(node.icon ?? {})).map((icon) => icon.replace(/^file:/, ''))))],
	};
}
const DEEP_IMAGE = providerNodes('deepImage');
const AI_HOME_DESIGN = providerNodes('aiHomeDesign');
/** Deep Image's known presets, as its Preset drop-down lists them. */
const DEEP_IMAGE_PRESETS = ['E-Commerce', 'E-Commerce Upscaled', 'Real Estate', 'Real Estate Upscaled', 'None', 'Other (Type Its Name)'];
/**
 * The AI Home Design simulator's live catalogue renames Furniture Restyle to Furniture Set Restyle
 * and marks it and Sky Change inactive: none of the three may be offered (the documented fallback
 * list would offer Furniture Restyle).
 */
const AI_HOME_DESIGN_NOT_OFFERED = ['Furniture Restyle', 'Furniture Set Restyle', 'Sky Change'];
const SCREENSHOT_DIR = path.resolve(process.env.BROWSER_TEST_SCREENSHOTS || path.join(REPO_ROOT, 'docs', 'screenshots'));

/**
 * Parameter labels each NDV must show, in this order from top to bottom (n8n's UX guidelines:
 * Resource, then Operation, what decides the rest first, Simplify, collections last).
 */
const EXPECTED = {
	// RunPod version 3 (Run job): the Endpoint is a resource locator; RunPod Trigger shows it only
	// with Confirm with API, which version 4 turns on by default.
	node: ['Resource', 'Operation', 'Endpoint', 'Wait for Result', 'Worker Input', 'Worker', 'Prompt', 'Negative Prompt',
		'Correlation ID', 'Simplify', 'Generation Options', 'Job Policy', 'Wait Options', 'Submit Options', 'Output Options'],
	trigger: ['Confirm with API', 'Endpoint', 'Emit Progress Updates', 'Output Options'],
	credential: ['API Key', 'Serverless API URL', 'REST API URL', 'Webhook Secret'],
	gepettoTrigger: ['Confirm with API', 'Emit Progress Updates', 'Output Options'],
	gepettoFurnish: ['Resource', 'Operation', 'Wait for Result', 'Image URL', 'Style Name or ID', 'Furnish By', 'Room Name or ID',
		'Correlation ID', 'Simplify', 'Wait Options', 'Submit Options', 'Output Options'],
	deepImageTrigger: ['Confirm with API', 'Emit Progress Updates', 'Output Options'],
	deepImageProcess: ['Operation', 'Wait for Result', 'Image Source', 'Image URL', 'Preset', 'Background', 'Correlation ID', 'Simplify',
		'Size', 'Enhancements', 'Upscaling', 'Result File', 'Safety', 'Wait Options', 'Submit Options', 'Output Options'],
	aiHomeDesignTrigger: ['Confirm with API', 'Emit Progress Updates', 'Output Options'],
	aiHomeDesignRender: ['Resource', 'Operation', 'Wait for Result', 'Tool Name or ID', 'Space', 'Style', 'Image Source', 'Project',
		'Correlation ID', 'Simplify', 'Process Options', 'Upload Options', 'Wait Options', 'Submit Options', 'Output Options'],
};

const TITLE = `n8n ${VERSION} editor: RunPod, Gepetto, Deep Image and AI Home Design nodes in the browser`;
const skipReason = chromiumMissingReason();

if (skipReason) test(TITLE, (t) => t.skip(skipReason));
else describe(TITLE, { timeout: 20 * 60_000 }, browserSuite);

function browserSuite() {
	let userFolder;
	let n8n;
	let localServices;
	let browser;
	let page;
	let failureDir;
	let failed = false;
	const timings = [];
	const iconResponses = []; // every /icons/... response, for the failure messages
	const pageErrors = [];
	const loadedOptions = []; // {method, status, names} of every loadOptions request of the Gepetto node
	let runPodNodeName = 'RunPod'; // the name n8n gives the RunPod node added through "Run job"

	/**
	 * Runs one step of the test; on failure saves `<name>-failure.png` to a temp folder and adds
	 * its path (and what the browser saw) to the error. Steps after a failed one are skipped:
	 * they build on its result.
	 */
	async function step(t, name, fn) {
		if (failed) return t.skip('an earlier step failed');
		try {
			await timed(`browser: ${name}`, fn, timings);
		} catch (error) {
			failed = true;
			const details = [];
			if (page) {
				failureDir ??= await fsp.mkdtemp(path.join(os.tmpdir(), 'render-hooks-browser-failure-'));
				const shot = path.join(failureDir, `${name}-failure.png`);
				const saved = await page.screenshot({ path: shot, timeout: 10_000 }).then(() => true, () => false);
				details.push(saved ? `screenshot: ${shot}` : 'screenshot: (could not take one)', `page: ${page.url()}`);
			}
			const badIcons = iconResponses.filter(({ status }) => status >= 400);
			if (badIcons.length) details.push(`icon requests that failed: ${badIcons.map(({ url, status }) => `${url} -> ${status}`).join(', ')}`);
			if (pageErrors.length) details.push(`page errors: ${pageErrors.slice(-5).join(' | ')}`);
			if (n8n) details.push(`n8n log: ${n8n.logFile}`);
			error.message = `${error.message}\n  ${details.join('\n  ')}`;
			throw error;
		}
	}

	before(async () => {
		try {
			// A throwaway user folder under os.tmpdir(); after() removes it unless something failed.
			userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), 'render-hooks-browser-n8n-'));
			const installed = await timed('build + pack + install the four packages', () => installPackagesIntoN8n({ userFolder, version: VERSION }), timings);
			n8n = await timed(`start n8n ${VERSION}`, () => startN8n({ version: VERSION, userFolder }), timings);
			const client = await timed('owner setup', () => setupOwnerAndLogin(n8n.url), timings);
			// The rows n8n's installer writes: the node panel then shows the package as installed.
			await timed('register the community packages', async () => {
				for (const { packageName } of installed) await registerCommunityPackage({ version: VERSION, userFolder, packageName });
			}, timings);
			// The Gepetto and AI Home Design drop-downs load from their simulators, through credentials
			// that point at them (n8n assigns a node the only credential of its type). RunPod gets
			// none: its part opens the empty credential slot.
			localServices = await timed('local services (simulators)', async () =>
				startLocalServices({ firstPort: (await freeProductPorts()).firstServicePort }), timings);
			const credentialled = [GEPETTO_NODES.provider.id, DEEP_IMAGE.provider.id, AI_HOME_DESIGN.provider.id];
			await importCredentials(client, localServices.services
				.filter((service) => credentialled.includes(service.providerId)).map((service) => service.credential));
			browser = await timed('launch Chromium', () => launchChromium(), timings);
			page = browser.page;
			page.on('response', (response) => {
				if (new URL(response.url()).pathname.startsWith('/icons/')) iconResponses.push({ url: response.url(), status: response.status() });
			});
			page.on('pageerror', (error) => pageErrors.push(error.message.split('\n')[0]));
			await fsp.mkdir(SCREENSHOT_DIR, { recursive: true });
		} catch (error) {
			failed = true;
			if (userFolder) error.message += `\n  n8n user folder (logs): ${userFolder}`;
			throw error;
		}
	}, { timeout: 15 * 60_000 }); // the first n8n install alone takes ~4 min

	after(async () => {
		// Whatever happened: Chromium first (it talks to n8n), then n8n, then the user folder.
		await browser?.close().catch(() => {});
		await n8n?.stop().catch(() => {});
		await localServices?.stop().catch(() => {});
		const keep = failed || process.env.BROWSER_TEST_KEEP === '1';
		if (userFolder && !keep) await fsp.rm(userFolder, { recursive: true, force: true }).catch(() => {});
		else if (userFolder) process.stderr.write(`[browser.test] n8n user folder kept: ${userFolder}\n`);
		const width = Math.max(...timings.map(({ step: name }) => name.length), 10);
		process.stderr.write(`[browser.test] timings (s):\n${timings.map(({ step: name, seconds }) =>
			`  ${name.padEnd(width)} ${seconds.toFixed(1).padStart(6)}`).join('\n')}\n`);
	}, { timeout: 60_000 });

	// -------------------------------------------------------------------------------------------
	// Small page-level helpers (they close over `page`)
	// -------------------------------------------------------------------------------------------

	async function screenshot(name) {
		await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height / 2); // no hover highlights
		await sleep(300); // let transitions settle
		const file = path.join(SCREENSHOT_DIR, `${name}.png`);
		await page.screenshot({ path: file });
		return file;
	}

	const nodeCreator = () => page.getByTestId('node-creator');
	const searchBar = () => nodeCreator().getByTestId('node-creator-search-bar')
		.or(nodeCreator().getByPlaceholder(/search/i)).first();
	/** A node-panel entry whose n8n keyboard-nav id says it belongs to `type`. */
	const entriesOfType = (type) => nodeCreator().locator(`[data-keyboard-nav-id^="${type}-"], [data-keyboard-nav-id="${type}"]`);
	const ndv = () => page.getByTestId('ndv');
	const ndvParameters = () => ndv().getByTestId('node-parameters');

	/** Opens the node panel: the canvas "+" buttons first, then the keyboard shortcut (N, or Tab before 2.x). */
	async function openNodeCreator() {
		if (await searchBar().isVisible().catch(() => false)) return;
		const button = await firstVisible([
			page.getByTestId('canvas-add-button'),
			page.getByRole('button', { name: /add first step/i }),
			page.getByTestId('node-creator-plus-button'),
		], { timeoutMs: 5_000 });
		if (button) {
			await button.click();
			if (await searchBar().waitFor({ timeout: 5_000 }).then(() => true, () => false)) return;
		}
		for (const key of ['n', 'Tab']) {
			await page.getByTestId('canvas').click({ position: { x: 60, y: 60 } }).catch(() => {});
			await page.keyboard.press(key);
			if (await searchBar().waitFor({ timeout: 3_000 }).then(() => true, () => false)) return;
			await dismissPopups(page); // e.g. "Press N to browse nodes" hint
		}
		throw new Error('could not open the node panel (no "+"/"Add first step" button worked, nor the N/Tab shortcut)');
	}

	async function search(term, types = [NODE_TYPE, TRIGGER_TYPE]) {
		await openNodeCreator();
		await searchBar().fill(term);
		// Results render after a debounce; wait for at least one entry of ours (or the "no results" view).
		await waitUntil(async () => (await Promise.all(types.map((type) => entriesOfType(type).count()))).some((count) => count > 0) ||
			(await nodeCreator().getByText(/we didn't make that|no results|nothing found/i).count()) > 0, {
			timeoutMs: 10_000, message: `node panel search for "${term}" showed nothing`,
		}).catch(() => {});
	}

	/** Names (node-creator-item-name texts) of the search result entries, for messages. */
	async function visibleEntryNames() {
		return nodeCreator().getByTestId('node-creator-item-name').allInnerTexts().catch(() => []);
	}

	/**
	 * In the search results, the entry named `name` (RunPod, or RunPod Trigger when n8n lists it
	 * separately), whose nav id belongs to one of `types`. Returns the locator or null.
	 */
	async function resultEntry(name, types) {
		for (const type of types) {
			const entry = entriesOfType(type).filter({
				has: page.getByTestId('node-creator-item-name').getByText(name, { exact: true }),
			}).first();
			if (await entry.isVisible().catch(() => false)) return entry;
		}
		return null;
	}

	/** The category headers of the node panel's detail view ("Triggers", "Job Actions", ...), for messages. */
	const categoryNames = () => nodeCreator().getByTestId('node-creator-category-item').allInnerTexts().catch(() => []);

	/** n8n 1.x's "Add to workflow" button in a community node's details (the node panel). */
	const addToWorkflowButton = () => nodeCreator().getByRole('button', { name: /^\+?\s*Add to workflow$/i }).first();

	/** Clicks a node-panel entry that adds a node; in n8n 1.x's node details, also "Add to workflow". */
	async function clickToAdd(entry) {
		await entry.click();
		const next = await Promise.race([
			ndv().waitFor({ timeout: 10_000 }).then(() => 'ndv'),
			addToWorkflowButton().waitFor({ timeout: 10_000 }).then(() => 'details'),
		]).catch(() => null);
		if (next === 'details') await addToWorkflowButton().click();
	}

	/** Chooses `label` in the drop-down of `parameter` (unless already shown). */
	async function chooseOption(parameter, label) {
		if (await shownValue(parameter).catch(() => '') === label) return;
		await openDropDown(parameter, label);
		await choose(label);
	}

	/** Expands a collapsed "Actions (n)" / "Triggers (n)" section of the node detail view. */
	async function expandCategory(pattern) {
		const header = nodeCreator().getByTestId('node-creator-category-item').filter({ hasText: pattern }).first();
		if (!(await header.isVisible().catch(() => false))) return false;
		const collapsed = await header.evaluate((element) =>
			element.closest('[data-category-collapsed]')?.getAttribute('data-category-collapsed') === 'true').catch(() => false);
		if (collapsed) await header.click();
		return true;
	}

	/**
	 * Waits for the NDV of the node named `title` (or one of several names) to be open; returns the
	 * name it shows.
	 */
	async function waitForNdv(title) {
		const titles = [title].flat();
		await ndv().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {
			throw new Error(`the node's parameter panel (NDV) did not open for "${titles.join('" or "')}"`);
		});
		const shown = await waitUntil(async () => {
			const header = await ndv().getByTestId('node-title-container').innerText().catch(() => '');
			for (const name of titles) {
				if (header.includes(name) || (await ndv().getByText(name, { exact: true }).count()) > 0) return name;
			}
			return null;
		}, {
			timeoutMs: 10_000,
			message: async () => `the open NDV is not "${titles.join('" or "')}" (title: ` +
				`"${await ndv().getByTestId('node-title-container').innerText().catch(() => '?')}")`,
		});
		await ndvParameters().waitFor({ timeout: 10_000 });
		return shown;
	}

	async function closeNdv() {
		if (!(await ndv().isVisible().catch(() => false))) return;
		// 2.x: a close button in the NDV; 1.x: "Back to canvas" above it (Escape may not reach the NDV there).
		const close = await firstVisible([ndv().getByTestId('ndv-close-button'), page.getByTestId('back-to-canvas')], { timeoutMs: 1_000 });
		if (close) await close.click();
		else await page.keyboard.press('Escape');
		await ndv().waitFor({ state: 'hidden', timeout: 10_000 });
	}

	/** Every label of `labels` is shown in the NDV's parameters, in this order from top to bottom. */
	async function assertParameters(what, labels) {
		const missing = await missingLabels(ndvParameters(), labels);
		assert.deepEqual(missing, [], `${what}: parameters not rendered in the NDV: ${missing.join(', ')} ` +
			`(expected ${labels.join(', ')})`);
		const outOfOrder = await labelsOutOfOrder(ndvParameters(), labels);
		assert.deepEqual(outOfOrder, [], `${what}: parameters in another order than ${labels.join(', ')}: ${outOfOrder.join('; ')}`);
	}

	/** The texts of the node hints (n8n's `hints`) the open NDV shows; n8n draws them in its run-data panes. */
	const nodeHintTexts = () => ndv().getByTestId('node-hint').allInnerTexts().catch(() => []);

	/** Waits for the open NDV to show a node hint matching `pattern`; returns its text. */
	async function expectNodeHint(what, pattern) {
		return waitUntil(async () => (await nodeHintTexts()).find((text) => pattern.test(text)), {
			timeoutMs: 10_000,
			message: async () => `${what}: the NDV shows no hint matching ${pattern} (hints shown: ${JSON.stringify(await nodeHintTexts())})`,
		});
	}

	// -------------------------------------------------------------------------------------------
	// The steps
	// -------------------------------------------------------------------------------------------

	it('signs in to the editor and opens a new workflow', async (t) => {
		await step(t, 'sign-in', async () => {
			await signIn(page, n8n.url, DEFAULT_OWNER);
			const closedPopups = await dismissPopups(page);
			await page.goto(`${n8n.url}/workflow/new`, { waitUntil: 'domcontentloaded' });
			await page.getByTestId('canvas').or(page.getByTestId('canvas-wrapper')).first()
				.waitFor({ timeout: 30_000 }).catch(() => { throw new Error('the workflow canvas did not appear at /workflow/new'); });
			await sleep(500); // first-run popups open a moment after the canvas
			closedPopups.push(...await dismissPopups(page));
			if (closedPopups.length) t.diagnostic(`dismissed: ${closedPopups.join(' | ')}`);
		});
	});

	it('finds RunPod and RunPod Trigger in the node panel, with our icon and the actions under Job and Endpoint', async (t) => {
		await step(t, 'node-search', async () => {
			await search('RunPod');
			const names = await visibleEntryNames();
			const node = await resultEntry('RunPod', [NODE_TYPE, TRIGGER_TYPE]);
			assert.ok(node, `searching "RunPod" in the node panel shows no "RunPod" entry of type ${NODE_TYPE} ` +
				`(entries: ${names.join(', ') || 'none'})`);
			await expectLoadedIcons(node, { iconFileNames: ICON_FILES, what: 'search result "RunPod"' });

			const separateTrigger = await resultEntry('RunPod Trigger', [TRIGGER_TYPE]);
			if (separateTrigger) {
				// Older layout: two results. Screenshot the list, then open RunPod's actions.
				await expectLoadedIcons(separateTrigger, { iconFileNames: ICON_FILES, what: 'search result "RunPod Trigger"' });
				await screenshot('node-search');
				return;
			}
			// 2.x layout: one "RunPod" result; its detail view lists the trigger and the actions.
			await node.click();
			const trigger = entriesOfType(TRIGGER_TYPE).first();
			await expandCategory(/^Triggers/);
			await trigger.waitFor({ timeout: 10_000 }).catch(async () => {
				throw new Error('the node panel shows no RunPod Trigger: neither a "RunPod Trigger" search result ' +
					`nor a trigger of type ${TRIGGER_TYPE} under "RunPod" (shown: ${(await visibleEntryNames()).join(', ') || 'nothing'})`);
			});
			await expectLoadedIcons(trigger, { iconFileNames: ICON_FILES, what: 'RunPod Trigger entry' });
			// Version 3 has a Resource: under "Actions", n8n labels the actions "Job Actions" and "Endpoint Actions".
			assert.ok(await expandCategory(/^Actions/), `"RunPod" shows no "Actions" (shown: ${(await categoryNames()).join(', ') || 'none'})`);
			const runJob = entriesOfType(NODE_TYPE).filter({ hasText: /^Run job$/ }).first();
			await runJob.waitFor({ timeout: 10_000 }).catch(async () => {
				throw new Error(`"RunPod" lists no "Run job" action of type ${NODE_TYPE} (shown: ${(await visibleEntryNames()).join(', ')})`);
			});
			const listed = (await nodeCreator().getByTestId('item-iterator-item').allInnerTexts()).map((text) => text.trim().split('\n')[0].trim());
			for (const [resource, actions] of Object.entries(RUNPOD_ACTIONS)) {
				// The label is upper-cased by CSS ("JOB ACTIONS").
				const label = listed.findIndex((text) => text.toLowerCase() === `${resource} actions`.toLowerCase());
				assert.ok(label >= 0, `"RunPod" shows no "${resource} Actions" label among its actions (listed: ${listed.join(', ')})`);
				const nextLabel = listed.findIndex((text, index) => index > label && / actions$/i.test(text));
				const under = listed.slice(label + 1, nextLabel === -1 ? undefined : nextLabel);
				assert.deepEqual(actions.filter((name) => !under.includes(name)), [],
					`"${resource} Actions" lists ${under.join(', ')}; expected ${actions.join(', ')} (whole list: ${listed.join(', ')})`);
			}
			await expectLoadedIcons(runJob, { iconFileNames: ICON_FILES, what: 'RunPod action "Run job"' });
			await screenshot('node-search');
		});
	});

	it('adds RunPod Trigger and shows its parameters and its WEBHOOK_URL and N8N_PAYLOAD_SIZE_MAX hints', async (t) => {
		await step(t, 'runpod-trigger-parameters', async () => {
			// On an empty canvas the trigger goes first (an action first would get a manual trigger added).
			let trigger = entriesOfType(TRIGGER_TYPE).first();
			if (!(await trigger.isVisible().catch(() => false))) {
				await search('RunPod Trigger');
				trigger = (await resultEntry('RunPod Trigger', [TRIGGER_TYPE])) ?? entriesOfType(TRIGGER_TYPE).first();
			}
			await clickToAdd(trigger);
			await waitForNdv('RunPod Trigger');
			const notice = ndvParameters().locator('.notice, [role="alert"]').first();
			assert.ok(await notice.isVisible().catch(() => false), 'RunPod Trigger: its notice is not shown in the NDV');
			assert.ok((await notice.innerText()).trim().length > 20, 'RunPod Trigger: its notice is empty');
			await assertParameters('RunPod Trigger', EXPECTED.trigger);
			await expectNodeHint('RunPod Trigger', /WEBHOOK_URL/);
			await expectNodeHint('RunPod Trigger', /N8N_PAYLOAD_SIZE_MAX/);
			await expectLoadedIcons(ndv(), { iconFileNames: ICON_FILES, what: 'RunPod Trigger NDV' });
			await ndvParameters().evaluate((element) => element.closest('.el-scrollbar__wrap, [class*="scroll"]')?.scrollTo?.(0, 0)).catch(() => {});
			await screenshot('runpod-trigger-parameters');
		});
	});

	it('opens the "RunPod API" credential modal with its fields', async (t) => {
		await step(t, 'runpod-credential', async () => {
			const modal = page.getByTestId('editCredential-modal');
			// 2.x: an empty credential slot is a "Connect to RunPod" button; 1.x: a select with "Create new credential".
			const connect = await firstVisible([
				ndv().getByTestId('node-credentials-empty-state').getByRole('button'),
				ndv().getByRole('button', { name: /^(connect to|set up credential|create new credential)/i }),
				ndv().getByTestId('node-credentials-select'),
			], { timeoutMs: 10_000 });
			assert.ok(connect, 'RunPod Trigger NDV has no credential slot ("Connect to RunPod" / credential select)');
			await connect.click();
			// 2.x opens the modal at once; 1.x first drops down the select, with "+ Create new credential".
			const opened = await firstVisible([modal, page.getByText(/create new credential/i)], { timeoutMs: 10_000 });
			if (opened && !(await modal.isVisible())) await opened.click();
			await modal.waitFor({ timeout: 10_000 }).catch(() => { throw new Error('the credential modal did not open'); });
			await waitUntil(async () => (await modal.innerText()).includes('RunPod API'), {
				timeoutMs: 10_000, message: 'the credential modal is not for "RunPod API"',
			});
			const missing = await missingLabels(modal, EXPECTED.credential);
			assert.deepEqual(missing, [], `"RunPod API" credential modal lacks fields: ${missing.join(', ')} (expected ${EXPECTED.credential.join(', ')})`);
			await expectLoadedIcons(modal, { iconFileNames: ICON_FILES, what: 'credential modal header' });
			await modal.locator('.el-dialog__body, [class*="body"]').first().evaluate((element) => element.scrollTo?.(0, 0)).catch(() => {});
			await screenshot('runpod-credential');

			// Close without saving (saving would test the key against RunPod's API).
			const closeButton = await firstVisible([
				modal.locator('.el-dialog__headerbtn, [aria-label="Close"], [aria-label="close"]'),
			], { timeoutMs: 1_000 });
			if (closeButton) await closeButton.click();
			else await page.keyboard.press('Escape');
			const confirm = await firstVisible([
				page.locator('.el-message-box').getByRole('button', { name: /close|leave|discard|don't save|yes/i }),
			], { timeoutMs: 1_500 });
			if (confirm) await confirm.click();
			await modal.waitFor({ state: 'hidden', timeout: 10_000 });
			await closeNdv();
		});
	});

	it('adds RunPod ("Run job"): Resource Job, the parameters in order, Simplify, the WEBHOOK_URL hint with Wait for Callback, Endpoint\'s operations', async (t) => {
		await step(t, 'runpod-parameters', async () => {
			runPodNodeName = await addAction('RunPod', 'Run job', { nodeType: NODE_TYPE, triggerType: TRIGGER_TYPE }, { resource: 'Job', operation: 'Run' });
			assert.equal(await shownValue('resource'), 'Job', 'RunPod: the action "Run job" did not set Resource to Job');
			assert.equal(await shownValue('operation'), 'Run', 'RunPod: the action "Run job" did not set Operation to Run');
			await assertParameters('RunPod (Job: Run)', EXPECTED.node);
			// Simplify is a toggle, off in a workflow (on only when the node runs as an AI tool).
			// (n8n draws a boolean as Element Plus' switch, whose checkbox input is hidden.)
			const simplify = ndvParameters().getByTestId('parameter-input-simplify').locator('.el-switch, .switch-input').first();
			assert.ok(await simplify.isVisible().catch(() => false), 'RunPod: Simplify shows no toggle');
			assert.equal(await simplify.evaluate((element) => element.classList.contains('is-checked') ||
				Boolean(element.querySelector('[aria-checked="true"]'))), false, 'RunPod: Simplify is on in a workflow');
			// No callback wait chosen: none of the node's hints (they are for Wait for Callback). n8n 1.x also
			// shows the trigger's hints, in the input pane: the node's own name the resume URL and "this node".
			assert.deepEqual((await nodeHintTexts()).filter((text) => RUNPOD_NODE_HINTS.some((hint) => hint.test(text))), [],
				'RunPod: the WEBHOOK_URL hint shows although Wait for Result is not Wait for Callback');
			// A taller window for this screenshot: the parameters down to the collections fit.
			await page.setViewportSize({ width: VIEWPORT.width, height: 1200 });
			await sleep(500);
			await ndvParameters().getByText(/^Credential/).first().scrollIntoViewIfNeeded({ timeout: 2_000 }).catch(() => {});
			await screenshot('runpod-parameters');

			// Wait for Callback: the hints naming WEBHOOK_URL and N8N_PAYLOAD_SIZE_MAX appear.
			await openDropDown('waitFor', 'Wait for Callback');
			await choose('Wait for Callback');
			const webhookHint = await expectNodeHint('RunPod (Wait for Callback)', RUNPOD_NODE_HINTS[0]);
			await expectNodeHint('RunPod (Wait for Callback)', RUNPOD_NODE_HINTS[1]);
			await ndvParameters().getByText(/^Credential/).first().scrollIntoViewIfNeeded({ timeout: 2_000 }).catch(() => {});
			await screenshot('runpod-callback-hint');
			await page.setViewportSize(VIEWPORT);
			t.diagnostic(`hint: ${webhookHint}`);

			// Resource: Job and Endpoint; Endpoint offers Get Health and Purge Queue.
			const resources = await openDropDown('resource', 'Endpoint');
			assert.deepEqual([...resources].sort(), ['Endpoint', 'Job'], `RunPod: Resource lists ${resources.join(', ')}`);
			await choose('Endpoint');
			const endpointOperations = await openDropDown('operation', 'Get Health');
			assert.deepEqual([...endpointOperations].sort(), ['Get Health', 'Purge Queue'], `RunPod: Endpoint's Operation lists ${endpointOperations.join(', ')}`);
			await choose('Get Health');
			assert.equal(await shownValue('operation'), 'Get Health', 'RunPod: choosing Get Health did not take');
			await assertParameters('RunPod (Endpoint: Get Health)', ['Resource', 'Operation', 'Endpoint']);
			assert.equal(await ndvParameters().getByTestId('parameter-input-simplify').count(), 0, 'RunPod: Get Health shows Simplify');
			// Back to the job the canvas screenshot shows.
			await openDropDown('resource', 'Job');
			await choose('Job');
			await closeNdv();
		});
	});

	it('shows both nodes on the canvas', async (t) => {
		await step(t, 'canvas', async () => {
			await dismissPopups(page);
			const nodes = page.getByTestId('canvas-node');
			const names = await waitUntil(async () => {
				const texts = await nodes.allInnerTexts();
				const firstLines = texts.map((text) => text.trim().split('\n')[0].trim());
				return firstLines.includes(runPodNodeName) && firstLines.includes('RunPod Trigger') ? firstLines : null;
			}, {
				timeoutMs: 10_000,
				message: async () => `the canvas does not show both "RunPod Trigger" and "${runPodNodeName}" (nodes: ${(await nodes.allInnerTexts()).join(' | ')})`,
			});
			for (const name of ['RunPod Trigger', runPodNodeName]) {
				const node = nodes.filter({ has: page.getByText(name, { exact: true }) }).first();
				await expectLoadedIcons(node, { iconFileNames: ICON_FILES, what: `canvas node "${name}"` });
			}
			await page.getByTestId('zoom-to-fit').click().catch(() => {});
			await page.getByTestId('canvas').click({ position: { x: 80, y: VIEWPORT.height - 250 } }).catch(() => {}); // deselect
			await sleep(600);
			await screenshot('canvas');
			t.diagnostic(`canvas nodes: ${names.join(', ')}; screenshots in ${SCREENSHOT_DIR}`);
		});
	});
	// -------------------------------------------------------------------------------------------
	// Gepetto, in a second workflow (the RunPod screenshots above stay as they are)
	// -------------------------------------------------------------------------------------------

	/** The open drop-down's option labels (n8n's selects render their options in a popper). */
	const openOptions = () => page.locator('.el-select-dropdown:visible .el-select-dropdown__item, .el-select-dropdown:visible [role="option"]');

	/** Opens the drop-down of `parameter` and waits for an option labelled `label`; returns every label shown. */
	async function openDropDown(parameter, label) {
		const input = ndvParameters().getByTestId(`parameter-input-${parameter}`);
		await input.scrollIntoViewIfNeeded({ timeout: 5_000 }).catch(() => {
			throw new Error(`the NDV shows no parameter ${parameter}`);
		});
		await input.click();
		let clickedAt = Date.now();
		return await waitUntil(async () => {
			const labels = (await openOptions().allInnerTexts()).map((text) => text.trim().split('\n')[0]);
			// A click while the parameters re-render (after another choice) may not open the list: again.
			if (labels.length === 0 && Date.now() - clickedAt > 2_000) {
				await input.click();
				clickedAt = Date.now();
			}
			return labels.includes(label) ? labels : null;
		}, {
			timeoutMs: 15_000,
			message: async () => `the ${parameter} drop-down shows no "${label}" (shown: ${(await openOptions().allInnerTexts()).join(', ') || 'nothing'}; ` +
				`loadOptions answers: ${JSON.stringify(loadedOptions)})`,
		});
	}

	async function choose(label) {
		// The label itself: an option may show a description below it (rooms: their type).
		await page.locator('.el-select-dropdown:visible').getByText(label, { exact: true }).first().click();
		await sleep(300);
	}

	/** Opens the list of an options collection ("Add … Setting") and waits for `label`; returns every label shown. */
	async function openCollection(placeholder, label) {
		const input = ndvParameters().getByPlaceholder(placeholder, { exact: true }).first();
		await input.scrollIntoViewIfNeeded({ timeout: 5_000 }).catch(() => {
			throw new Error(`the NDV shows no collection "${placeholder}"`);
		});
		await input.click();
		return await waitUntil(async () => {
			const labels = (await openOptions().allInnerTexts()).map((text) => text.trim().split('\n')[0]);
			return labels.includes(label) ? labels : null;
		}, {
			timeoutMs: 10_000,
			message: async () => `the "${placeholder}" list shows no "${label}" (shown: ${(await openOptions().allInnerTexts()).join(', ') || 'nothing'})`,
		});
	}

	/** The value a drop-down parameter shows. */
	const shownValue = (parameter) => ndvParameters().getByTestId(`parameter-input-${parameter}`).locator('input').first().inputValue();

	/**
	 * A new, empty workflow in a new tab of the same session (leaving an unsaved workflow would ask
	 * to save it), recording the editor's loadOptions answers in `loadedOptions`.
	 */
	async function openWorkflowTab() {
		const previous = page;
		page = await browser.context.newPage();
		if (previous !== browser.page) await previous.close().catch(() => {}); // keep the first tab's RunPod workflow
		page.on('pageerror', (error) => pageErrors.push(error.message.split('\n')[0]));
		page.on('response', async (response) => {
			if (!new URL(response.url()).pathname.endsWith('/dynamic-node-parameters/options')) return;
			const method = (() => {
				try {
					return JSON.parse(response.request().postData() ?? '{}').methodName;
				} catch {
					return undefined;
				}
			})();
			const body = await response.json().catch(() => undefined);
			const options = Array.isArray(body?.data) ? body.data : Array.isArray(body) ? body : [];
			loadedOptions.push({
				method,
				status: response.status(),
				names: options.map((option) => option.name),
				descriptions: options.map((option) => option.description),
				error: body?.message,
			});
		});
		await page.goto(`${n8n.url}/workflow/new`, { waitUntil: 'domcontentloaded' });
		await page.getByTestId('canvas').or(page.getByTestId('canvas-wrapper')).first().waitFor({ timeout: 30_000 });
		await sleep(500);
		await dismissPopups(page);
	}

	/** Adds the trigger of the app `appName` (a result of its own, or listed under the app) and waits for its NDV. */
	async function addTrigger(appName, { nodeType, triggerType, iconFiles }) {
		const types = [nodeType, triggerType];
		const triggerName = `${appName} Trigger`;
		await search(appName, types);
		let trigger = await resultEntry(triggerName, [triggerType]);
		if (!trigger) {
			const node = await resultEntry(appName, types);
			assert.ok(node, `searching "${appName}" shows no "${appName}" entry (entries: ${(await visibleEntryNames()).join(', ') || 'none'})`);
			await expectLoadedIcons(node, { iconFileNames: iconFiles, what: `search result "${appName}"` });
			await node.click();
			await expandCategory(/^Triggers/);
			trigger = entriesOfType(triggerType).first();
			await trigger.waitFor({ timeout: 10_000 }).catch(async () => {
				throw new Error(`"${appName}" lists no trigger of type ${triggerType} (shown: ${(await visibleEntryNames()).join(', ')})`);
			});
		}
		await clickToAdd(trigger);
		await waitForNdv(triggerName);
		await expectLoadedIcons(ndv(), { iconFileNames: iconFiles, what: `${triggerName} NDV` });
	}

	/**
	 * Adds the app's action node through its action `actionName` (under "Actions") and waits for its
	 * NDV. Returns the new node's name: n8n 2.40.7 names a node added through an action after the
	 * action ("Run job"), older n8n after the app.
	 */
	async function addAction(appName, actionName, { nodeType, triggerType }, { resource, operation } = {}) {
		await dismissPopups(page);
		const types = [nodeType, triggerType];
		await search(appName, types);
		const node = await resultEntry(appName, types);
		assert.ok(node, `searching "${appName}" shows no "${appName}" entry (entries: ${(await visibleEntryNames()).join(', ') || 'none'})`);
		await node.click();
		const action = entriesOfType(nodeType).filter({ hasText: new RegExp(`^${actionName}$`) }).first();
		const opened = await Promise.race([
			ndv().waitFor({ timeout: 10_000 }).then(() => 'ndv'),
			(async () => { await expandCategory(/^Actions/); await action.waitFor({ timeout: 10_000 }); return 'actions'; })(),
			addToWorkflowButton().waitFor({ timeout: 10_000 }).then(() => 'details'),
		]).catch(() => null);
		if (opened === 'actions') await action.click();
		else if (opened === 'details') {
			// n8n 1.x: a community node's details offer "Add to workflow" (no actions list): choose the operation in the NDV.
			await addToWorkflowButton().click();
			const name = await waitForNdv([appName, actionName]);
			if (resource) await chooseOption('resource', resource);
			if (operation) await chooseOption('operation', operation);
			return name;
		} else if (!opened) {
			throw new Error(`clicking "${appName}" opened neither its action "${actionName}" nor its NDV ` +
				`(categories: ${(await categoryNames()).join(', ') || 'none'}; entries: ${(await visibleEntryNames()).join(', ')})`);
		}
		return waitForNdv([appName, actionName]);
	}

	/**
	 * n8n's editor asks for a new node's drop-down options before it assigns the existing
	 * credential (answered "Node does not have any credentials set", or a provider's fallback list)
	 * and does not ask again (n8n 2.40.7; its own Mattermost node does the same). Opened again,
	 * the node loads them with the credential.
	 */
	async function reopenNode(name) {
		await closeNdv();
		await page.getByTestId('canvas-node').filter({ has: page.getByText(name, { exact: true }) }).first().dblclick();
		await waitForNdv(name);
	}

	/** Unfolds the trigger's Webhook URLs on Production URL and returns that URL (as a user copies it). */
	async function showProductionUrl(what) {
		const header = ndv().getByText('Webhook URLs', { exact: true }).first();
		await header.waitFor({ timeout: 5_000 }).catch(() => { throw new Error(`${what}: the NDV shows no "Webhook URLs"`); });
		// Folded unless its Test URL / Production URL switch shows ("Production URL" alone may be a notice's words).
		if (!(await ndv().getByText('Test URL', { exact: true }).first().isVisible().catch(() => false))) await header.click();
		await ndv().getByText('Production URL', { exact: true }).first().click({ timeout: 5_000 });
		const url = await waitUntil(async () => (await ndv().innerText()).match(/https?:\/\/\S+\/webhook\/[\w-]+\/callback\b/)?.[0], {
			timeoutMs: 5_000,
			message: async () => `${what}: no production webhook URL (…/webhook/<id>/callback) is shown under "Webhook URLs" ` +
				`(NDV text: ${(await ndv().innerText()).slice(0, 400)})`,
		});
		await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height / 2);
		return url;
	}

	it('adds Gepetto Trigger in a new workflow and shows its parameters', async (t) => {
		await step(t, 'gepetto-trigger', async () => {
			await openWorkflowTab();
			await addTrigger('Gepetto', GEPETTO_NODES);
			const notice = ndvParameters().locator('.notice, [role="alert"]').first();
			assert.match(await notice.innerText().catch(() => ''), /Callback URL/, 'Gepetto Trigger: its set-up notice is not shown');
			await assertParameters('Gepetto Trigger', EXPECTED.gepettoTrigger);
			await expectNodeHint('Gepetto Trigger', /WEBHOOK_URL/);
			// The URL to copy into a Gepetto node's Callback URL.
			await showProductionUrl('Gepetto Trigger');
			await screenshot('gepetto-trigger');
			await closeNdv();
		});
	});

	it('adds Gepetto ("Furnish room photo"): Style, Room, Furniture and Sky drop-downs list the simulator\'s entries in English', async (t) => {
		await step(t, 'gepetto-parameters', async () => {
			await reopenNode(await addAction('Gepetto', 'Furnish room photo', GEPETTO_NODES, { resource: 'Room Photo', operation: 'Furnish' }));
			assert.equal(await shownValue('resource'), 'Room Photo', 'Gepetto: the action "Furnish room photo" did not set Resource to Room Photo');
			assert.equal(await shownValue('operation'), 'Furnish', 'Gepetto: the action "Furnish room photo" did not set Operation to Furnish');
			await assertParameters('Gepetto (Room Photo: Furnish)', EXPECTED.gepettoFurnish);

			// Style open, in a taller window so that the list and the parameters around it show.
			const [style, room, furniture, sky] = GEPETTO_DROP_DOWNS;
			await page.setViewportSize({ width: VIEWPORT.width, height: 1100 });
			await sleep(400);
			const styles = await openDropDown(style.parameter, style.label);
			await screenshot('gepetto-parameters');
			await page.setViewportSize(VIEWPORT);
			await choose(style.label);
			const rooms = await openDropDown(room.parameter, room.label);
			await choose(room.label);
			await openDropDown('furnishBy', 'Single Furniture');
			await choose('Single Furniture');
			const furnitures = await openDropDown(furniture.parameter, furniture.label);
			await choose(furniture.label);
			await openDropDown('operation', 'Sunshine');
			await choose('Sunshine');
			const skies = await openDropDown(sky.parameter, sky.label);
			await choose(sky.label);

			for (const { method } of GEPETTO_DROP_DOWNS) {
				const answer = loadedOptions.findLast((entry) => entry.method === method);
				assert.ok(answer, `n8n loaded no ${method} options (loadOptions requests seen: ${JSON.stringify(loadedOptions)})`);
				assert.equal(answer.status, 200, `${method}: ${JSON.stringify(answer)}`);
			}
			// English labels (name-en), not the French names Gepetto also sends.
			assert.ok(!styles.includes('Scandinave'), `styles are labelled in English: ${styles.join(', ')}`);
			assert.ok(!rooms.includes('Salon'), `rooms are labelled in English: ${rooms.join(', ')}`);
			t.diagnostic(`styles: ${styles.join(', ')} | rooms: ${rooms.join(', ')} | furnitures: ${furnitures.join(', ')} | skies: ${skies.join(', ')}`);
			await closeNdv();
		});
	});

	// -------------------------------------------------------------------------------------------
	// Deep Image, in a third workflow
	// -------------------------------------------------------------------------------------------

	it('adds Deep Image Trigger in a new workflow and shows its Production URL', async (t) => {
		await step(t, 'deepimage-trigger', async () => {
			await openWorkflowTab();
			await addTrigger('Deep Image', DEEP_IMAGE);
			const notice = ndvParameters().locator('.notice, [role="alert"]').first();
			assert.match(await notice.innerText().catch(() => ''), /Callback URL/, 'Deep Image Trigger: its set-up notice is not shown');
			await assertParameters('Deep Image Trigger', EXPECTED.deepImageTrigger);
			await expectNodeHint('Deep Image Trigger', /WEBHOOK_URL/);
			const url = await showProductionUrl('Deep Image Trigger');
			await screenshot('deepimage-trigger');
			t.diagnostic(`production URL: ${url}`);
			await closeNdv();
		});
	});

	it('adds Deep Image ("Process image"): Image Source, an options collection and the Preset drop-down with the known presets', async (t) => {
		await step(t, 'deepimage-parameters', async () => {
			await addAction('Deep Image', 'Process image', DEEP_IMAGE, { operation: 'Process' });
			await assertParameters('Deep Image (Process)', EXPECTED.deepImageProcess);
			assert.equal(await shownValue('operation'), 'Process', 'Deep Image: the action "Process image" did not set Operation to Process');
			await page.setViewportSize({ width: VIEWPORT.width, height: 1200 });
			await sleep(400);
			const sources = await openDropDown('inputSource', 'Binary File');
			assert.deepEqual([...sources].sort(), ['Binary File', 'Deep Image Storage', 'URL'], `Deep Image: Image Source lists ${sources.join(', ')}`);
			await choose('URL');
			// An options collection opened: Enhancements lists its settings; Apply is added to it.
			const enhancements = await openCollection('Add Enhancement Setting', 'Apply');
			for (const setting of ['Light Type', 'Color Type', 'Denoise Version']) {
				assert.ok(enhancements.includes(setting), `Deep Image: Enhancements offers no "${setting}" (offers: ${enhancements.join(', ')})`);
			}
			await choose('Apply');
			await waitUntil(async () => (await ndvParameters().getByTestId('parameter-input-apply').count()) > 0, {
				timeoutMs: 5_000, message: 'Deep Image: choosing "Apply" in Enhancements added no Apply field',
			});
			const presets = await openDropDown('preset', 'Real Estate');
			const missing = DEEP_IMAGE_PRESETS.filter((preset) => !presets.includes(preset));
			assert.deepEqual(missing, [], `Deep Image: Preset lacks ${missing.join(', ')} (lists: ${presets.join(', ')})`);
			await screenshot('deepimage-parameters');
			await choose('Real Estate');
			await page.setViewportSize(VIEWPORT);
			assert.equal(await shownValue('preset'), 'Real Estate', 'Deep Image: choosing the Real Estate preset did not take');
			t.diagnostic(`presets: ${presets.join(', ')} | enhancement settings: ${enhancements.join(', ')}`);
			await closeNdv();
		});
	});

	// -------------------------------------------------------------------------------------------
	// AI Home Design, in a fourth workflow
	// -------------------------------------------------------------------------------------------

	it('adds AI Home Design Trigger in a new workflow: its notice says how to paste the URL with ?token=', async (t) => {
		await step(t, 'aihomedesign-trigger', async () => {
			await openWorkflowTab();
			await addTrigger('AI Home Design', AI_HOME_DESIGN);
			const notice = await ndvParameters().locator('.notice, [role="alert"]').first().innerText().catch(() => '');
			assert.match(notice, /Production URL.*\?token=/s, `AI Home Design Trigger: its notice does not say to paste the Production URL with ?token= (notice: "${notice}")`);
			await assertParameters('AI Home Design Trigger', EXPECTED.aiHomeDesignTrigger);
			await expectNodeHint('AI Home Design Trigger', /WEBHOOK_URL/);
			const url = await showProductionUrl('AI Home Design Trigger');
			await screenshot('aihomedesign-trigger');
			t.diagnostic(`production URL: ${url}`);
			await closeNdv();
		});
	});

	it('adds AI Home Design ("Render room photo"): Tool lists the live catalogue\'s active tools; a chosen tool shows only its widgets', async (t) => {
		await step(t, 'aihomedesign-parameters', async () => {
			await reopenNode(await addAction('AI Home Design', 'Render room photo', AI_HOME_DESIGN, { resource: 'Process', operation: 'Render' }));
			assert.equal(await shownValue('resource'), 'Process', 'AI Home Design: the action "Render room photo" did not set Resource to Process');
			assert.equal(await shownValue('operation'), 'Render', 'AI Home Design: the action "Render room photo" did not set Operation to Render');
			await assertParameters('AI Home Design (Process: Render)', EXPECTED.aiHomeDesignRender);

			// Another tool first: its widget (Material) shows, Style does not.
			await openDropDown('tool', 'Wall Change');
			await choose('Wall Change');
			await waitUntil(async () => (await ndvParameters().getByTestId('parameter-input-material').count()) > 0 &&
				(await ndvParameters().getByTestId('parameter-input-style').count()) === 0, {
				timeoutMs: 5_000, message: 'AI Home Design: with Wall Change, Material is not shown or Style still is',
			});

			await page.setViewportSize({ width: VIEWPORT.width, height: 1100 });
			await sleep(400);
			const tools = await openDropDown('tool', 'Virtual Staging');
			const answer = loadedOptions.findLast((entry) => entry.method === 'getTools');
			assert.ok(answer, `n8n loaded no getTools options (loadOptions requests seen: ${JSON.stringify(loadedOptions)})`);
			assert.equal(answer.status, 200, `getTools: ${JSON.stringify(answer)}`);
			// The node's fallback (the documented tools) says so in each description: the live catalogue must have answered.
			assert.ok(!answer.descriptions.some((description) => /documented list/.test(description ?? '')),
				`Tool lists the documented fallback, not the simulator's live catalogue: ${answer.descriptions.join(' | ')}`);
			const offered = AI_HOME_DESIGN_NOT_OFFERED.filter((name) => tools.includes(name));
			assert.deepEqual(offered, [], `Tool offers inactive or uncatalogued tools: ${offered.join(', ')} (lists: ${tools.join(', ')})`);
			for (const name of ['Wall Change', 'Day To Dusk', 'Item Removal']) {
				assert.ok(tools.includes(name), `Tool lacks "${name}" (lists: ${tools.join(', ')})`);
			}
			await screenshot('aihomedesign-parameters');
			await page.setViewportSize(VIEWPORT);
			await choose('Virtual Staging');

			// Virtual staging's widgets only: Space and Style drop-downs, no Material (Wall Change's).
			await waitUntil(async () => (await ndvParameters().getByTestId('parameter-input-material').count()) === 0, {
				timeoutMs: 5_000, message: 'AI Home Design: with Virtual Staging, the Material widget of Wall Change is still shown',
			});
			const spaces = await openDropDown('space', 'Bedroom');
			await choose('Bedroom');
			const styles = await openDropDown('style', 'Scandinavian');
			await choose('Scandinavian');
			assert.equal(await shownValue('style'), 'Scandinavian', 'AI Home Design: choosing the Scandinavian style did not take');
			t.diagnostic(`tools: ${tools.join(', ')} | spaces: ${spaces.join(', ')} | styles: ${styles.join(', ')}`);
			await closeNdv();
		});
	});
}
