/**
 * One in-process n8n (n8n-core) with both fake providers' nodes, and both fake APIs, for a test file;
 * plus what tests send as a provider would: JSON posts, raw bodies, signed callback URLs.
 */
import { createHmac } from 'crypto';
import axios from 'axios';
import { sleep, type IDataObject, type INode } from 'n8n-workflow';

import { N8nHost, createNode } from '../harness';
import { Alpha } from './fakes/alpha/Alpha.node';
import { AlphaApi } from './fakes/alpha/AlphaApi.credentials';
import { AlphaTrigger } from './fakes/alpha/AlphaTrigger.node';
import type { AlphaFake } from './fakes/alpha/server';
import { startAlphaFake } from './fakes/alpha/server';
import { Beta } from './fakes/beta/Beta.node';
import { BetaApi } from './fakes/beta/BetaApi.credentials';
import { BetaTrigger } from './fakes/beta/BetaTrigger.node';
import type { BetaFake } from './fakes/beta/server';
import { startBetaFake } from './fakes/beta/server';

export const ALPHA_SIGNING_KEY = 'alpha-signing-key';

export interface EngineWorld {
	host: N8nHost;
	alpha: AlphaFake;
	beta: BetaFake;
}

export function useEngineWorld(): EngineWorld {
	const world = {} as EngineWorld;
	beforeAll(async () => {
		[world.alpha, world.beta] = await Promise.all([startAlphaFake(), startBetaFake()]);
		world.host = new N8nHost({ nodeTypes: [Alpha, AlphaTrigger, Beta, BetaTrigger], credentialTypes: [AlphaApi, BetaApi] });
		await world.host.start();
	});
	afterEach(() => {
		world.alpha.reset();
		world.beta.reset();
	});
	afterAll(async () => {
		await world.host.stop();
		await Promise.all([world.alpha.close(), world.beta.close()]);
	});
	return world;
}

export function alphaCredentials(alpha: AlphaFake, overrides: IDataObject = {}) {
	return { alphaApi: { token: alpha.apiKey, server: alpha.url, signingKey: ALPHA_SIGNING_KEY, ...overrides } };
}

export function betaCredentials(beta: BetaFake, overrides: IDataObject = {}) {
	return { betaApi: { key: beta.apiKey, host: beta.url, webhookToken: beta.webhookToken, ...overrides } };
}

/** Fast polling for every wait: the fakes end a job after a set number of lookups, not after a time. */
const FAST_WAIT = { pollInterval: 0.02, timeout: 20 };

export function alphaNode(parameters: IDataObject = {}, name = 'Alpha'): INode {
	return createNode(Alpha, { name, parameters: { operation: 'render', prompt: 'a red barn', waitFor: 'poll', waitOptions: FAST_WAIT, ...parameters } });
}

export function betaNode(parameters: IDataObject = {}, name = 'Beta'): INode {
	return createNode(Beta, { name, parameters: { operation: 'enhance', waitFor: 'poll', waitOptions: FAST_WAIT, ...parameters } });
}

/**
 * The callback URL contract of perJob providers, computed here and not by the engine: `ref` and
 * `sig` = hex HMAC-SHA256 of ref with the provider's callback secret.
 */
export function signedUrl(baseUrl: string, reference: string, key = ALPHA_SIGNING_KEY, { exp }: { exp?: string } = {}): string {
	const url = new URL(baseUrl);
	url.searchParams.set('ref', reference);
	if (exp !== undefined) url.searchParams.set('exp', exp);
	// The signed text: the reference, then `\nexp=<Unix seconds>` when the URL expires.
	url.searchParams.set('sig', createHmac('sha256', key).update(exp === undefined ? reference : `${reference}\nexp=${exp}`).digest('hex'));
	return url.toString();
}

/** A dashboard URL as the user pastes it: the trigger's URL with the token. */
export function tokenUrl(baseUrl: string, token: string): string {
	const url = new URL(baseUrl);
	url.searchParams.set('token', token);
	return url.toString();
}

/** POSTs JSON, or a string exactly as given with the content type given. */
export async function post(url: string, body: unknown, contentType = 'application/json') {
	return await axios.post(url, typeof body === 'string' ? body : JSON.stringify(body), {
		validateStatus: () => true,
		headers: { 'content-type': contentType },
		transformRequest: [(data: unknown) => data],
	});
}

/**
 * Lets requests already sent settle before asserting that something did NOT happen (no execution
 * started): a pause, never a timing assertion.
 */
export async function settle(ms = 150): Promise<void> {
	await sleep(ms);
}

/** A PNG as n8n binary input of an item. */
export function binaryItem(bytes: Buffer, fileName = 'room.png', property = 'data') {
	return { json: { name: fileName }, binary: { [property]: { data: bytes.toString('base64'), mimeType: 'image/png', fileName } } };
}
