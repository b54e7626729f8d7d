import type { INodeProperties } from 'n8n-workflow';

export const SUBMIT_OPERATIONS = ['run', 'runSync'];
export const JOB_OPERATIONS = ['getStatus', 'cancel', 'retry', 'stream'];

export const operationProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				action: 'Cancel a job',
				description: 'Stop a queued or running job',
			},
			{
				name: 'Get Status',
				value: 'getStatus',
				action: 'Get the status of a job',
				description: 'Fetch a job’s status and, when done, its images',
			},
			{
				name: 'Health',
				value: 'health',
				action: 'Get endpoint health',
				description: 'Count the endpoint’s jobs and workers',
			},
			{
				name: 'Purge Queue',
				value: 'purgeQueue',
				action: 'Purge the queue',
				description: 'Remove every job still waiting in the endpoint’s queue',
			},
			{
				name: 'Retry',
				value: 'retry',
				action: 'Retry a job',
				description: 'Queue a failed or timed-out job again under the same ID',
			},
			{
				name: 'Run',
				value: 'run',
				action: 'Run a job',
				description: 'Queue a job and poll, wait for its callback, or return at once',
			},
			{
				name: 'Run Sync',
				value: 'runSync',
				action: 'Run a job and wait for the answer',
				description: 'Run a job in one request that answers when it is done (short jobs)',
			},
			{
				name: 'Stream',
				value: 'stream',
				action: 'Stream job output',
				description: 'Fetch the output chunks a streaming worker has produced so far',
			},
		],
		default: 'run',
	},
	{
		displayName: 'Endpoint ID',
		name: 'endpointId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. a1b2c3d4e5f6g7',
		description: 'ID of your serverless endpoint, shown on its page in the RunPod console (Serverless → your endpoint)',
	},
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 6e7a-…-u1',
		description: 'ID of the job, as returned by Run (jobId in the result)',
		displayOptions: { show: { operation: JOB_OPERATIONS } },
	},
	{
		displayName: 'Wait Up To (Seconds)',
		name: 'syncWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 300 },
		default: 90,
		description: 'How long RunPod holds the request open for the result (1–300 s). A job still running then is polled until done.',
		displayOptions: { show: { operation: ['runSync'] } },
	},
];
