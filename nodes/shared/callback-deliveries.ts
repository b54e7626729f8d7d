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
	readonly recent: string[] = [];

	constructor(private readonly persistedLimit = DEFAULT_DELIVERY_MEMORY) {}

	/** Merges what one request's static data holds, and gives that request its view. */
	attach(staticData: IDataObject): AttachedDeliveries {
		const saved = staticData[DELIVERY_LOG_KEY];
		if (Array.isArray(saved)) {
			for (const key of saved) if (typeof key === 'string' && !this.seen.has(key)) this.add(key);
		}
		return new AttachedDeliveries(this, staticData);
	}

	has(key: string): boolean {
		return this.seen.has(key);
	}

	add(key: string): void {
		this.seen.add(key);
		this.recent.push(key);
		if (this.recent.length > this.persistedLimit) this.recent.splice(0, this.recent.length - this.persistedLimit);
		if (this.seen.size > PROCESS_MEMORY_LIMIT) this.seen.delete(this.seen.values().next().value as string);
	}
}

/**
 * The memory as one request or execution uses it. It puts the live list into that request's
 * static data only when the request adds a key the saved list lacks: n8n saves static data only
 * when it changed, and a save rewrites the whole list, so repeats and progress updates cost no
 * write.
 */
export class AttachedDeliveries {
	constructor(
		private readonly memory: DeliveryMemory,
		private readonly staticData: IDataObject,
	) {}

	/** True the first time a key is claimed, false for every repeat. */
	claim(key: string): boolean {
		if (this.memory.has(key)) return false;
		this.memory.add(key);
		this.keepList();
		return true;
	}

	/** Records a delivery claimed elsewhere (another process or request), so this save carries it. */
	record(key: string): void {
		if (!this.memory.has(key)) this.memory.add(key);
		const saved = this.staticData[DELIVERY_LOG_KEY];
		if (saved !== this.memory.recent && !(Array.isArray(saved) && (saved as unknown[]).includes(key))) this.keepList();
	}

	/** Whether a final result of the job was delivered already. */
	hasFinal(jobId: string): boolean {
		return FINAL_STATUSES.some((status) => this.memory.has(deliveryKeyOf(jobId, status)));
	}

	private keepList(): void {
		this.staticData[DELIVERY_LOG_KEY] = this.memory.recent;
	}
}

const memories = new Map<string, DeliveryMemory>();

/** The delivery memory of one trigger (workflow and node), attached to this request's static data. */
export function deliveryMemory(scope: string, staticData: IDataObject): AttachedDeliveries {
	let memory = memories.get(scope);
	if (!memory) {
		memory = new DeliveryMemory();
		memories.set(scope, memory);
	}
	return memory.attach(staticData);
}
