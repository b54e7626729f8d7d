import type { ExecutionError, IDataObject, INodeExecutionData, IRun, IRunData } from 'n8n-workflow';

import { readBinary } from './runtime';

/** Where an execution stands; everything but 'running' and 'waiting' is final. */
export type ExecutionOutcome = 'running' | 'waiting' | 'success' | 'error' | 'canceled';

export interface ExecutionErrorSummary {
	message: string;
	description?: string;
	/** The node that failed, when a node failed (not the workflow setup). */
	nodeName?: string;
	/** HTTP status of a NodeApiError, e.g. '401'. */
	httpCode?: string;
	/** The error exactly as n8n stores it on the execution (`resultData.error`). */
	raw: ExecutionError;
}

function summarizeError(run: IRun): ExecutionErrorSummary | undefined {
	const raw = run.data.resultData.error;
	if (raw === undefined) return undefined;
	const details = raw as ExecutionError & { node?: { name?: string }; httpCode?: string | null };
	// Plain errors (not NodeOperationError/NodeApiError) carry no node; the engine still records
	// the failing node as the last one executed, with the error on its run.
	const { lastNodeExecuted, runData } = run.data.resultData;
	const failedLast = lastNodeExecuted && runData[lastNodeExecuted]?.at(-1)?.error ? lastNodeExecuted : undefined;
	return {
		message: raw.message,
		description: raw.description ?? undefined,
		nodeName: details.node?.name ?? failedLast,
		httpCode: details.httpCode ?? undefined,
		raw,
	};
}

function outcomeOf(run: IRun): ExecutionOutcome {
	if (run.data.resultData.error !== undefined) return run.status === 'canceled' ? 'canceled' : 'error';
	if (run.waitTill) return 'waiting';
	if (run.status === 'canceled') return 'canceled';
	return 'success';
}

/** One settled state of an execution (finished, or stopped to wait), with assertion helpers. */
export class ExecutionResult {
	readonly status: ExecutionOutcome;
	readonly error?: ExecutionErrorSummary;
	readonly runData: IRunData;
	readonly waitTill?: Date;

	constructor(
		readonly executionId: string,
		readonly run: IRun,
		/** `$execution.resumeUrl` of this execution (includes n8n's resume token). */
		readonly resumeUrl: string,
		/** Node names in the order they finished (the engine's nodeExecuteAfter hook). */
		readonly executedNodes: string[],
	) {
		this.status = outcomeOf(run);
		this.error = summarizeError(run);
		this.runData = run.data.resultData.runData;
		this.waitTill = run.waitTill ? new Date(run.waitTill) : undefined;
	}

	/** One line for failure messages: status, and what failed where. */
	describe(): string {
		const failure = this.error
			? `: ${this.error.nodeName ? `node "${this.error.nodeName}" failed: ` : ''}${this.error.message}` +
				(this.error.description ? ` (${this.error.description})` : '')
			: '';
		const waiting = this.status === 'waiting' ? ` until ${this.waitTill?.toISOString()}` : '';
		return `execution ${this.executionId} ended "${this.status}"${waiting}${failure}; nodes run: ${this.executedNodes.join(' → ') || '(none)'}`;
	}

	/** Throws with the node error when the status differs; for readable test failures. */
	assertStatus(expected: ExecutionOutcome): this {
		if (this.status !== expected) {
			throw new Error(`Expected status "${expected}", but ${this.describe()}`);
		}
		return this;
	}

	/** Items of the node's last run on the given output (0 = main). */
	output(nodeName: string, outputIndex = 0): INodeExecutionData[] {
		const runs = this.runData[nodeName];
		if (runs === undefined || runs.length === 0) {
			throw new Error(`Node "${nodeName}" did not run: ${this.describe()}`);
		}
		const lastRun = runs[runs.length - 1];
		if (lastRun.error !== undefined) {
			throw new Error(`Node "${nodeName}" failed: ${lastRun.error.message}; ${this.describe()}`);
		}
		return lastRun.data?.main?.[outputIndex] ?? [];
	}

	/** The `json` of the node's output items. */
	json(nodeName: string, outputIndex = 0): IDataObject[] {
		return this.output(nodeName, outputIndex).map((item) => item.json);
	}

	/** The bytes of a binary property on one of the node's output items. */
	async binary(nodeName: string, propertyName = 'data', itemIndex = 0): Promise<Buffer> {
		const item = this.output(nodeName)[itemIndex];
		const binaryData = item?.binary?.[propertyName];
		if (binaryData === undefined) {
			const available = Object.keys(item?.binary ?? {});
			throw new Error(
				`Item ${itemIndex} of node "${nodeName}" has no binary property "${propertyName}" ` +
					`(it has: ${available.join(', ') || 'none'})`,
			);
		}
		return await readBinary(binaryData);
	}
}
