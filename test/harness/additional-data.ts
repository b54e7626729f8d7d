import './environment';

import { type ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import type {
	ExecutionStatus,
	ICredentialsHelper,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

export interface AdditionalDataOptions {
	/** Origin of the harness's HTTP server, e.g. `http://127.0.0.1:45123`. */
	baseUrl: string;
	credentialsHelper: ICredentialsHelper;
	hooks?: ExecutionLifecycleHooks;
	executionId?: string;
	/** Set when an existing execution continues, so the engine fires `workflowExecuteResume`. */
	restartExecutionId?: string;
	workflowId?: string;
	currentNodeExecutionIndex?: number;
	getRunExecutionData?: (executionId: string) => Promise<IRunExecutionData | undefined>;
	setExecutionStatus?: (status: ExecutionStatus) => void;
}

function unsupported(feature: string): never {
	throw new UnexpectedError(`${feature} is not supported by the test harness`);
}

/**
 * The IWorkflowExecuteAdditionalData n8n's CLI builds (WorkflowExecuteAdditionalData.getBase),
 * reduced to what a community node can reach. URLs point at the harness's own HTTP server so
 * `$execution.resumeUrl` and `getNodeWebhookUrl()` are real, callable URLs.
 */
export function createAdditionalData(options: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	const { baseUrl } = options;
	return {
		credentialsHelper: options.credentialsHelper,
		hooks: options.hooks,
		executionId: options.executionId,
		restartExecutionId: options.restartExecutionId,
		workflowId: options.workflowId,
		currentNodeExecutionIndex: options.currentNodeExecutionIndex ?? 0,
		// n8n leaves this undefined outside the editor: parameters come from the node itself.
		currentNodeParameters: undefined,
		variables: {},
		instanceBaseUrl: `${baseUrl}/`,
		restApiUrl: `${baseUrl}/rest`,
		webhookBaseUrl: `${baseUrl}/webhook`,
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}/webhook-test`,
		formBaseUrl: `${baseUrl}/form`,
		formWaitingBaseUrl: `${baseUrl}/form-waiting`,
		formTestBaseUrl: `${baseUrl}/form-test`,
		mcpBaseUrl: `${baseUrl}/mcp`,
		mcpTestBaseUrl: `${baseUrl}/mcp-test`,
		setExecutionStatus: options.setExecutionStatus,
		// The real proxy with no secrets manager: `$secrets` resolves to nothing, as without a vault.
		externalSecretsProxy: new ExternalSecretsProxy(),
		getRunExecutionData: options.getRunExecutionData ?? (async () => undefined),
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		executeWorkflow: async () => unsupported('Executing sub-workflows'),
		startRunnerTask: async () => unsupported('Running Code-node tasks'),
	};
}
