/**
 * In-process n8n for this package's tests: workflows run through n8n-core's real WorkflowExecute,
 * nodes get real n8n-core contexts, and a local HTTP server plays n8n's webhook server.
 *
 *   const host = new N8nHost({ nodeTypes: [RunPod, RunPodTrigger], credentialTypes: [RunPodApi] });
 *   beforeAll(() => host.start());
 *   afterAll(() => host.stop());
 *
 *   const result = await host.runWorkflow({
 *     nodes: [startNode(), createNode(RunPod, { name: 'RunPod', parameters: { ... } })],
 *     connections: chain('Start', 'RunPod'),
 *     credentials: { runPodApi: { apiKey: 'k', baseUrl: simulator.url } },
 *     inputItems: [{ prompt: 'a house' }],
 *   });
 *   result.assertStatus('success');          // throws with the failing node's message otherwise
 *   expect(result.json('RunPod')).toEqual([...]);
 *
 * Set N8N_LOG_LEVEL=debug to see n8n-core's own log.
 */
import './environment';

export {
	PACKAGE_NAME,
	TEST_START_NODE_TYPE,
	type NodeClass,
	type NodeOptions,
	NodeTypes,
	TestStartNode,
	chain,
	connect,
	createNode,
	exampleNode,
	startNode,
	typeName,
} from './node-types';
export {
	type CredentialClass,
	type CredentialsData,
	type CredentialTestResult,
	CredentialTypes,
	HarnessCredentialsHelper,
	type TestCredentialOptions,
	testCredential,
} from './credentials';
export { type ExecutionErrorSummary, type ExecutionOutcome, ExecutionResult } from './execution-result';
export type { HarnessRequest, HarnessResponse } from './http';
export {
	type ActivateTriggerSpec,
	type ActiveTrigger,
	type ExecutionSnapshot,
	N8nHost,
	type N8nHostOptions,
	type RegisteredWebhook,
	type RunWorkflowSpec,
	type WaitOptions,
	type WorkflowSpec,
} from './n8n-host';
export { readBinary } from './runtime';
export { type SimulatorWorld, useSimulatorWorld } from './world';
