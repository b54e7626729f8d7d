import type { INodeProperties } from 'n8n-workflow';

import { endpointProperties } from './endpoint';

export const SUBMIT_OPERATIONS = ['run', 'runSync'];
export const JOB_OPERATIONS = ['getStatus', 'cancel', 'retry', 'stream'];

/** RunPod's parameters besides the operation itself: the endpoint, the job, Run Sync's wait. */
export const endpointAndJobProperties: INodeProperties[] = [
	...endpointProperties,
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
