import type { IDataObject } from 'n8n-workflow';

import type { RenderStatus } from './result';
import { FINAL_STATUSES } from './result';

const DELIVERY_LOG_KEY = 'renderHooksDeliveries';
/** Deliveries kept in the workflow's static data, across restarts. */
export const DEFAULT_DELIVERY_MEMORY = 1000;
/** Deliveries kept in this process's memory for each trigger. */
const PROCESS_MEMORY_LIMIT = 10_000;

/** The key of one delivery: a job reaching a status. Every RenderResult carries it. */
export function deliveryKeyOf(jobId: string, status: RenderStatus): string {
	return `${jobId}:${status}`;
}

/**
 * What one trigger has delivered, for dropping repeats (providers retry callbacks).
 *
 * n8n loads a trigger's static data from the database for each request and saves the whole
 * object after the webhook returns, so concurrent requests overwrite each other's additions. This
 * memory therefore lives in the process, where claiming is synchronous (one request at a time in
 * JavaScript), and its list of recent keys is put into the static data as the same live array:
 * when n8n serializes a request's static data, the list carries every key claimed so far in this
 * process, including those of requests that ran meanwhile. Keys saved by another process (queue
 * mode) or before a restart are merged in from each request's static data.
 *
 * Where n8n answers the provider itself, n8n 2.40.7 drops the static data changes of the webhook
 * request (starting the execution resets its change flag before the save). The execution that
 * the delivery starts therefore records the key again, and n8n saves that when it ends.
 */
export class DeliveryMemory {
	private readonly seen = new Set<string>();

	/** The newest keys, in order: the array the static data holds. */
	private readonly recent: string[] = [];

	constructor(private readonly persistedLimit = DEFAULT_DELIVERY_MEMORY) {}

	/** Merges what the static data holds and makes it hold this memory's live list. */
	attach(staticData: IDataObject): this {
		const saved = staticData[DELIVERY_LOG_KEY];
		if (Array.isArray(saved)) {
			for (const key of saved) if (typeof key === 'string' && !this.seen.has(key)) this.add(key);
		}
		staticData[DELIVERY_LOG_KEY] = this.recent;
		return this;
	}

	has(key: string): boolean {
		return this.seen.has(key);
	}

	/** True the first time a key is claimed, false for every repeat. */
	claim(key: string): boolean {
		if (this.seen.has(key)) return false;
		this.add(key);
		return true;
	}

	/** Records a delivery made elsewhere (another process claimed it), so this list carries it too. */
	record(key: string): void {
		if (!this.seen.has(key)) this.add(key);
	}

	/** Whether a final result of the job was delivered already. */
	hasFinal(jobId: string): boolean {
		return FINAL_STATUSES.some((status) => this.seen.has(deliveryKeyOf(jobId, status)));
	}

	private add(key: string): void {
		this.seen.add(key);
		this.recent.push(key);
		if (this.recent.length > this.persistedLimit) this.recent.splice(0, this.recent.length - this.persistedLimit);
		if (this.seen.size > PROCESS_MEMORY_LIMIT) this.seen.delete(this.seen.values().next().value as string);
	}
}

const memories = new Map<string, DeliveryMemory>();

/** The delivery memory of one trigger (workflow and node), attached to this request's static data. */
export function deliveryMemory(scope: string, staticData: IDataObject): DeliveryMemory {
	let memory = memories.get(scope);
	if (!memory) {
		memory = new DeliveryMemory();
		memories.set(scope, memory);
	}
	return memory.attach(staticData);
}
