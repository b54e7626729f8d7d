/**
 * Proves the workflow harness against n8n-core's real engine with tiny test-only nodes: nothing
 * here mocks a node's `this`; every context is n8n-core's own.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import axios from 'axios';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, WAIT_INDEFINITELY } from 'n8n-workflow';

import { chain, createNode, N8nHost, startNode, testCredential, typeName } from '../harness';

// ------------------------------------------------------------------ a fake third-party API

interface RecordedRequest {
	method: string;
	url: string;
	headers: IncomingMessage['headers'];
	body: string;
}

class FakeApi {
	readonly requests: RecordedRequest[] = [];
	private server?: Server;
	url = '';

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const recorded = {
					method: req.method ?? '',
					url: req.url ?? '',
					headers: req.headers,
					body: Buffer.concat(chunks).toString('utf8'),
				};
				this.requests.push(recorded);
				const authorized =
					req.headers.authorization === 'Bearer good-key' || req.headers['x-api-key'] === 'good-key';
				res.setHeader('content-type', 'application/json');
				if (!authorized) {
					res.statusCode = 401;
					res.end(JSON.stringify({ message: 'Invalid API key' }));
					return;
				}
				res.end(JSON.stringify({ ok: true, path: req.url, authorization: req.headers.authorization ?? null }));
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}
}

// ------------------------------------------------------------------ test-only credential types

class HarnessBearerApi implements ICredentialType {
	name = 'harnessBearerApi';
	displayName = 'Harness Bearer API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:9' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu-1' },
	];
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
				'X-Region': '={{$credentials.region}}',
			},
		},
	};
	test: ICredentialType['test'] = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me', method: 'GET' },
	};
}

class HarnessFunctionAuthApi implements ICredentialType {
	name = 'harnessFunctionAuthApi';
	displayName = 'Harness Function-Auth API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	];
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return { ...requestOptions, headers: { ...requestOptions.headers, 'X-Api-Key': credentials.apiKey as string } };
	}
}

// ------------------------------------------------------------------ test-only node types

function description(overrides: Partial<INodeTypeDescription> & Pick<INodeTypeDescription, 'name'>): INodeTypeDescription {
	return {
		displayName: overrides.name,
		group: ['transform'],
		version: 1,
		description: 'test-only node',
		defaults: { name: overrides.name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...overrides,
	};
}

/** Calls the API with n8n's httpRequestWithAuthentication and returns the response. */
class CallApi implements INodeType {
	description = description({
		name: 'callApi',
		credentials: [
			{ name: 'harnessBearerApi', required: true, displayOptions: { show: { auth: ['bearer'] } } },
			{ name: 'harnessFunctionAuthApi', required: true, displayOptions: { show: { auth: ['function'] } } },
		],
		properties: [
			{
				displayName: 'Auth',
				name: 'auth',
				type: 'options',
				options: [
					{ name: 'Bearer', value: 'bearer' },
					{ name: 'Function', value: 'function' },
				],
				default: 'bearer',
			},
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentialType = this.getNodeParameter('auth', 0) === 'bearer' ? 'harnessBearerApi' : 'harnessFunctionAuthApi';
		const credentials = await this.getCredentials(credentialType);
		const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
			method: 'GET',
			url: `${credentials.baseUrl as string}/me`,
			json: true,
		})) as IDataObject;
		return [[{ json: { response, region: credentials.region ?? null } }]];
	}
}

/** Puts the execution to wait; its restart webhook continues it with the request body. */
class WaitForCallback implements INodeType {
	description = description({
		name: 'waitForCallback',
		properties: [{ displayName: 'Wait (ms)', name: 'waitMs', type: 'number', default: 0 }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const waitMs = this.getNodeParameter('waitMs', 0) as number;
		const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', 0) as string;
		await this.putExecutionToWait(waitMs > 0 ? new Date(Date.now() + waitMs) : WAIT_INDEFINITELY);
		return [this.getInputData().map((item) => ({ json: { ...item.json, resumeUrl } }))];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData();
		if (body.ignore === true) return { webhookResponse: { ignored: true } };
		// The waiting node's input is still there: WebhookContext gets the execution's data.
		const waitingFor = this.evaluateExpression('{{ $json.jobId }}') as string;
		return { workflowData: [[{ json: { callback: body, waitingFor } }]] };
	}
}

/** Records what it received, binary included. */
class Inspect implements INodeType {
	description = description({ name: 'inspect' });

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const output: INodeExecutionData[] = [];
		for (let index = 0; index < items.length; index++) {
			const item = items[index];
			const binaryKeys = Object.keys(item.binary ?? {});
			const imageBytes = binaryKeys.includes('image')
				? (await this.helpers.getBinaryDataBuffer(index, 'image')).length
				: null;
			output.push({ json: { received: item.json, binaryKeys, imageBytes }, binary: item.binary });
		}
		return [output];
	}
}

/** A webhook trigger with registration hooks, static data and a signature check. */
class CallbackTrigger implements INodeType {
	description = description({
		name: 'callbackTrigger',
		group: ['trigger'],
		inputs: [],
		credentials: [{ name: 'harnessBearerApi', required: true }],
		properties: [
			{ displayName: 'Secret', name: 'secret', type: 'string', default: '' },
			{
				displayName: 'Respond',
				name: 'responseMode',
				type: 'options',
				options: [
					{ name: 'Immediately', value: 'onReceived' },
					{ name: 'When Last Node Finishes', value: 'lastNode' },
				],
				default: 'onReceived',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{$parameter["responseMode"]}}',
				path: 'render-callback',
			},
		],
	});

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return this.getWorkflowStaticData('node').registeredUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default') as string;
				const credentials = await this.getCredentials('harnessBearerApi');
				await this.helpers.httpRequestWithAuthentication.call(this, 'harnessBearerApi', {
					method: 'POST',
					url: `${credentials.baseUrl as string}/webhooks`,
					body: { url },
					json: true,
				});
				this.getWorkflowStaticData('node').registeredUrl = url;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const credentials = await this.getCredentials('harnessBearerApi');
				await this.helpers.httpRequestWithAuthentication.call(this, 'harnessBearerApi', {
					method: 'DELETE',
					url: `${credentials.baseUrl as string}/webhooks`,
					json: true,
				});
				delete this.getWorkflowStaticData('node').registeredUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		if (req.headers['x-signature'] !== this.getNodeParameter('secret')) {
			this.getResponseObject().status(401).json({ error: 'bad signature' });
			return { noWebhookResponse: true };
		}
		const staticData = this.getWorkflowStaticData('node');
		staticData.count = ((staticData.count as number | undefined) ?? 0) + 1;
		const { imageBase64, ...rest } = this.getBodyData() as IDataObject;
		if (rest.explode === true) throw new Error('payload rejected by the node');
		const image = await this.helpers.prepareBinaryData(
			Buffer.from(imageBase64 as string, 'base64'),
			'render.png',
			'image/png',
		);
		return {
			workflowData: [
				[{ json: { ...rest, count: staticData.count, rawBodyBytes: req.rawBody.length }, binary: { image } }],
			],
		};
	}
}

// ------------------------------------------------------------------ the tests

const api = new FakeApi();
const host = new N8nHost({
	nodeTypes: [CallApi, WaitForCallback, Inspect, CallbackTrigger],
	credentialTypes: [HarnessBearerApi, HarnessFunctionAuthApi],
});

beforeAll(async () => {
	await api.start();
	await host.start();
});

afterAll(async () => {
	await host.stop();
	await api.stop();
});

beforeEach(() => {
	api.requests.length = 0;
});

/** axios that reports every status instead of throwing, so tests can assert on it. */
const http = axios.create({ validateStatus: () => true });

/** POSTs bytes as they are (axios would re-encode an invalid JSON string into a valid one). */
async function postRaw(url: string, body: string, headers: Record<string, string>) {
	return await http.post(url, body, { headers, transformRequest: [(data: unknown) => data] });
}

describe('workflow runs', () => {
	it('names community node types after the package', () => {
		expect(typeName(CallApi)).toBe('n8n-nodes-render-hooks.callApi');
	});

	it('authenticates a request with a generic credential resolved by the expression engine', async () => {
		const result = await host.runWorkflow({
			nodes: [startNode(), createNode(CallApi, { name: 'Call API' })],
			connections: chain('Start', 'Call API'),
			credentials: { harnessBearerApi: { apiKey: 'good-key', baseUrl: api.url } },
		});

		result.assertStatus('success');
		expect(result.json('Call API')).toEqual([
			{ response: { ok: true, path: '/me', authorization: 'Bearer good-key' }, region: 'eu-1' },
		]);
		expect(api.requests[0].headers.authorization).toBe('Bearer good-key');
		// The default of an unset credential field reaches both getCredentials() and authenticate.
		expect(api.requests[0].headers['x-region']).toBe('eu-1');
		expect(result.executedNodes).toEqual(['Start', 'Call API']);
	});

	it('authenticates with a credential type whose authenticate is a function', async () => {
		const result = await host.runWorkflow({
			nodes: [startNode(), createNode(CallApi, { name: 'Call API', parameters: { auth: 'function' } })],
			connections: chain('Start', 'Call API'),
			credentials: { harnessFunctionAuthApi: { apiKey: 'good-key', baseUrl: api.url } },
		});

		result.assertStatus('success');
		expect(api.requests[0].headers['x-api-key']).toBe('good-key');
	});

	it('reports a failing node with its error message, node name and HTTP code', async () => {
		const result = await host.runWorkflow({
			nodes: [startNode(), createNode(CallApi, { name: 'Call API' })],
			connections: chain('Start', 'Call API'),
			credentials: { harnessBearerApi: { apiKey: 'wrong-key', baseUrl: api.url } },
		});

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ nodeName: 'Call API', httpCode: '401' });
		expect(result.error?.message).toMatch(/Authorization failed/);
		expect(() => result.assertStatus('success')).toThrow(/node "Call API" failed: Authorization failed/);
		expect(() => result.output('Call API')).toThrow(/Node "Call API" failed/);
	});

	it('rejects credential data with fields the credential type does not define', async () => {
		await expect(
			host.runWorkflow({
				nodes: [startNode(), createNode(CallApi)],
				connections: chain('Start', 'callApi'),
				credentials: { harnessBearerApi: { apikey: 'typo' } },
			}),
		).rejects.toThrow(/unknown field\(s\) "apikey"/);
	});
});

describe('waiting executions', () => {
	it('waits, is resumed by a POST to its resume URL, and refuses a second resume', async () => {
		const waiting = await host.runWorkflow({
			nodes: [startNode(), createNode(WaitForCallback, { name: 'Wait' }), createNode(Inspect, { name: 'Inspect' })],
			connections: chain('Start', 'Wait', 'Inspect'),
			inputItems: [{ jobId: 'job-1' }],
		});

		waiting.assertStatus('waiting');
		expect(waiting.waitTill).toEqual(WAIT_INDEFINITELY);
		const resumeUrl = waiting.json('Wait')[0].resumeUrl as string;
		expect(resumeUrl).toBe(waiting.resumeUrl);
		expect(resumeUrl.startsWith(`${host.url}/webhook-waiting/${waiting.executionId}`)).toBe(true);
		expect(waiting.runData.Inspect).toBeUndefined();

		// n8n parses the body before the node runs; a broken one changes nothing.
		const broken = await postRaw(resumeUrl, '{"status": ', { 'content-type': 'application/json' });
		expect(broken.status).toBe(422);
		expect(host.getExecution(waiting.executionId)?.status).toBe('waiting');

		// A webhook() without workflowData answers but leaves the execution waiting.
		const ignored = await http.post(resumeUrl, { ignore: true });
		expect(ignored.status).toBe(200);
		expect(ignored.data).toEqual({ ignored: true });
		expect(host.getExecution(waiting.executionId)?.status).toBe('waiting');

		const resume = await http.post(resumeUrl, { status: 'COMPLETED', output: ['a.png'] });
		expect(resume.status).toBe(200);
		// With no responseData, n8n 2.40.7 answers the name of its default as text (seen in the e2e suite).
		expect(resume.data).toEqual('firstEntryJson');

		const finished = await host.waitForExecution(waiting.executionId, 5000);
		finished.assertStatus('success');
		const callback = { callback: { status: 'COMPLETED', output: ['a.png'] }, waitingFor: 'job-1' };
		expect(finished.json('Inspect')).toEqual([{ received: callback, binaryKeys: [], imageBytes: null }]);
		// The waiting run was replaced by the resumed one, as n8n shows it.
		expect(finished.runData.Wait).toHaveLength(1);
		expect(finished.json('Wait')).toEqual([callback]);

		const again = await http.post(resumeUrl, { status: 'COMPLETED' });
		expect(again.status).toBe(409);
		expect(again.data.message).toMatch(/has finished already/);
	});

	it('answers 404 for an unknown execution and for a path the waiting node does not serve', async () => {
		const unknown = await http.post(`${host.url}/webhook-waiting/999999`, {});
		expect(unknown.status).toBe(404);
		expect(unknown.data.message).toBe('The execution "999999" does not exist.');

		const waiting = await host.runWorkflow({
			nodes: [startNode(), createNode(WaitForCallback, { name: 'Wait' })],
			connections: chain('Start', 'Wait'),
		});
		const wrongPath = await http.post(`${host.url}/webhook-waiting/${waiting.executionId}/elsewhere`, {});
		expect(wrongPath.status).toBe(404);
		const wrongMethod = await http.get(`${host.url}/webhook-waiting/${waiting.executionId}`);
		expect(wrongMethod.status).toBe(404);
	});

	it('continues by itself when waitTill passes, as n8n\'s wait tracker does', async () => {
		const waiting = await host.runWorkflow({
			nodes: [
				startNode(),
				createNode(WaitForCallback, { name: 'Wait', parameters: { waitMs: 50 } }),
				createNode(Inspect, { name: 'Inspect' }),
			],
			connections: chain('Start', 'Wait', 'Inspect'),
			inputItems: [{ jobId: 'job-2' }],
		});
		waiting.assertStatus('waiting');

		const finished = await host.waitForExecution(waiting.executionId, 5000);
		finished.assertStatus('success');
		// Without a webhook, the disabled waiting node passes its own input on.
		expect(finished.json('Inspect')[0].received).toEqual({ jobId: 'job-2' });
	});
});

describe('webhook triggers', () => {
	const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

	it('registers, counts requests in static data, rejects bad signatures and passes binary on', async () => {
		const trigger = await host.activateTrigger({
			nodes: [
				createNode(CallbackTrigger, { name: 'Callback', parameters: { secret: 's3cret' } }),
				createNode(Inspect, { name: 'Inspect' }),
			],
			connections: chain('Callback', 'Inspect'),
			credentials: { harnessBearerApi: { apiKey: 'good-key', baseUrl: api.url } },
			triggerNode: 'Callback',
		});

		// create() ran in a HookContext and saw the same production URL the host serves.
		const registration = api.requests.find((request) => request.url === '/webhooks');
		expect(registration?.method).toBe('POST');
		expect(JSON.parse(registration!.body)).toEqual({ url: trigger.url() });
		expect(trigger.url()).toMatch(new RegExp(`^${host.url}/webhook/[0-9a-f-]{36}/render-callback$`));

		const headers = { 'x-signature': 's3cret' };
		const first = await http.post(trigger.url(), { jobId: 'a', imageBase64: png.toString('base64') }, { headers });
		const second = await http.post(trigger.url(), { jobId: 'b', imageBase64: png.toString('base64') }, { headers });
		expect(first.status).toBe(200);
		expect(first.data).toEqual('firstEntryJson');
		expect(second.status).toBe(200);

		const rejected = await http.post(trigger.url(), { jobId: 'c' }, { headers: { 'x-signature': 'wrong' } });
		expect(rejected.status).toBe(401);
		expect(rejected.data).toEqual({ error: 'bad signature' });

		const executions = await trigger.waitForExecutions(2, 5000);
		expect(executions).toHaveLength(2);
		for (const execution of executions) execution.assertStatus('success');
		expect(executions.map((execution) => execution.json('Inspect')[0].received)).toEqual([
			{ jobId: 'a', count: 1, rawBodyBytes: expect.any(Number) },
			{ jobId: 'b', count: 2, rawBodyBytes: expect.any(Number) },
		]);
		expect(executions[0].json('Inspect')[0]).toMatchObject({ binaryKeys: ['image'], imageBytes: png.length });
		expect(await executions[0].binary('Inspect', 'image')).toEqual(png);
		// In-memory binary mode: the bytes travel base64-encoded on the item, with no store id.
		expect(executions[0].output('Inspect')[0].binary?.image).toMatchObject({
			mimeType: 'image/png',
			fileName: 'render.png',
			data: png.toString('base64'),
		});
		expect(executions[0].output('Inspect')[0].binary?.image.id).toBeUndefined();
		expect(trigger.staticData('node')).toMatchObject({ count: 2, registeredUrl: trigger.url() });

		await trigger.deactivate();
		expect(api.requests.some((request) => request.method === 'DELETE' && request.url === '/webhooks')).toBe(true);
		const afterDeactivation = await http.post(trigger.url(), { jobId: 'd' }, { headers });
		expect(afterDeactivation.status).toBe(404);
		expect(afterDeactivation.data.message).toMatch(/is not registered/);
		expect(trigger.executions()).toHaveLength(2);
	});

	it('answers with the last node in lastNode mode and hides a webhook() error like n8n', async () => {
		const trigger = await host.activateTrigger({
			nodes: [
				createNode(CallbackTrigger, { name: 'Callback', parameters: { secret: 's', responseMode: 'lastNode' } }),
				createNode(Inspect, { name: 'Inspect' }),
			],
			connections: chain('Callback', 'Inspect'),
			credentials: { harnessBearerApi: { apiKey: 'good-key', baseUrl: api.url } },
			triggerNode: 'Callback',
		});
		const headers = { 'x-signature': 's' };

		const answered = await http.post(trigger.url(), { jobId: 'z', imageBase64: '' }, { headers });
		expect(answered.status).toBe(200);
		expect(answered.data).toMatchObject({ received: { jobId: 'z', count: 1 }, binaryKeys: ['image'] });

		const failed = await http.post(trigger.url(), { explode: true, imageBase64: '' }, { headers });
		expect(failed.status).toBe(500);
		expect(failed.data.message).toBe('Workflow Webhook Error: Workflow could not be started!');
		expect(host.webhookErrors.at(-1)?.error.message).toBe('payload rejected by the node');
		const [, failedExecution] = await trigger.waitForExecutions(2, 5000);
		expect(failedExecution.status).toBe('error');
		expect(failedExecution.error).toMatchObject({ nodeName: 'Callback', message: 'payload rejected by the node' });
		await trigger.deactivate();
	});

	it('answers 422 for unparsable JSON and 500 above the payload limit (as n8n 2.40.7 does) before webhook() runs', async () => {
		const smallHost = new N8nHost({ nodeTypes: [CallbackTrigger, Inspect], credentialTypes: [HarnessBearerApi], payloadSizeMaxMiB: 0.01 });
		await smallHost.start();
		try {
			const trigger = await smallHost.activateTrigger({
				nodes: [createNode(CallbackTrigger, { name: 'Callback', parameters: { secret: 's' } })],
				connections: {},
				credentials: { harnessBearerApi: { apiKey: 'good-key', baseUrl: api.url } },
				triggerNode: 'Callback',
			});
			const headers = { 'x-signature': 's', 'content-type': 'application/json' };
			const broken = await postRaw(trigger.url(), '{"jobId":', headers);
			expect(broken.status).toBe(422);
			expect(broken.data.message).toBe('Failed to parse request body');

			const tooLarge = await http.post(trigger.url(), { blob: 'x'.repeat(20_000) }, { headers });
			expect(tooLarge.status).toBe(500);
			// Without content-length (chunked), the limit is enforced while reading.
			const chunked = await http.post(trigger.url(), Readable.from([Buffer.alloc(8_000), Buffer.alloc(8_000)]), {
				headers,
			});
			expect(chunked.status).toBe(500);
			expect(trigger.staticData('node').count).toBeUndefined();
		} finally {
			await smallHost.stop();
		}
	});
});

describe('testCredential', () => {
	it('runs the credential test request like n8n and reports OK or the API error', async () => {
		const ok = await testCredential(HarnessBearerApi, { apiKey: 'good-key', baseUrl: api.url });
		expect(ok).toMatchObject({ status: 'OK', message: 'Connection successful!' });
		expect(api.requests[0]).toMatchObject({ method: 'GET', url: '/me' });
		expect(api.requests[0].headers.authorization).toBe('Bearer good-key');

		const failed = await testCredential(HarnessBearerApi, { apiKey: 'bad-key', baseUrl: api.url });
		expect(failed.status).toBe('Error');
		expect(failed.httpStatus).toBe(401);
		expect(failed.message).toBe('HTTP 401 Unauthorized: Invalid API key');
		expect(failed.n8nMessage).toBe('Unauthorized');
	});
});
