import { randomUUID } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import type { RenderStatus } from './result';
import { FINAL_STATUSES } from './result';

/** The saved list: one string, the keys joined by LIST_SEPARATOR, oldest first (an array before). */
const DELIVERY_LOG_KEY = 'renderHooksDeliveries';
/** The id of the DeliveryMemory that saved the list. */
const DELIVERY_LOG_WRITER_KEY = 'renderHooksDeliveriesWriter';
const LIST_SEPARATOR = '\n';
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
 * JavaScript), and a request's static data gets its list as a getter: when n8n serializes that
 * static data, the list carries every key claimed so far in this process, including those of
 * requests that ran meanwhile. Keys saved by another process (queue mode) or before a restart are
 * merged in from each request's static data.
 *
 * Where n8n answers the provider itself, n8n 2.40.7 drops the static data changes of the webhook
 * request (starting the execution resets its change flag before the save). The execution that
 * the delivery starts therefore records the key again, and n8n saves that when it ends.
 *
 * The list is one string, not an array: n8n's change-tracking proxy walks every array element
 * when it wraps static data and on every read.
 */
export class DeliveryMemory {
	/** Saved with the list: a list this memory saved holds no key it lacks, so it needs no merge. */
	readonly writerId = randomUUID();

	private readonly seen = new Set<string>();

	/** The newest keys, in order: the list the static data holds. */
	private readonly recent: string[] = [];

	private joined: string | undefined;

	constructor(private readonly persistedLimit = DEFAULT_DELIVERY_MEMORY) {}

	/** Merges what one request's static data holds, and gives that request its view. */
	attach(staticData: IDataObject): AttachedDeliveries {
		const saved = staticData[DELIVERY_LOG_KEY];
		// Arrays are saved by earlier versions, which leave the writer of the list before them in place.
		if (typeof saved !== 'string' || staticData[DELIVERY_LOG_WRITER_KEY] !== this.writerId) {
			for (const key of savedKeys(saved)) if (!this.seen.has(key)) this.add(key);
		}
		return new AttachedDeliveries(this, staticData);
	}

	has(key: string): boolean {
		return this.seen.has(key);
	}

	add(key: string): void {
		this.seen.add(key);
		if (this.seen.size > PROCESS_MEMORY_LIMIT) this.seen.delete(this.seen.values().next().value as string);
		// A key holding the separator would be read back as other keys.
		if (key.includes(LIST_SEPARATOR)) return;
		this.recent.push(key);
		if (this.recent.length > this.persistedLimit) this.recent.splice(0, this.recent.length - this.persistedLimit);
		this.joined = undefined;
	}

	/** The list as saved, read when n8n serializes the static data. */
	readonly savedList = (): string => (this.joined ??= this.recent.join(LIST_SEPARATOR));
}

/** The keys of a saved list, in either format. */
function savedKeys(saved: unknown): string[] {
	if (typeof saved === 'string') return saved === '' ? [] : saved.split(LIST_SEPARATOR);
	if (Array.isArray(saved)) return saved.filter((key): key is string => typeof key === 'string');
	return [];
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
		if (!this.holdsLiveList() && !savedListHolds(this.staticData[DELIVERY_LOG_KEY], key)) this.keepList();
	}

	/** Whether a final result of the job was delivered already. */
	hasFinal(jobId: string): boolean {
		return FINAL_STATUSES.some((status) => this.memory.has(deliveryKeyOf(jobId, status)));
	}

	private holdsLiveList(): boolean {
		return Object.getOwnPropertyDescriptor(this.staticData, DELIVERY_LOG_KEY)?.get === this.memory.savedList;
	}

	private keepList(): void {
		// Set through n8n's proxy, which marks the static data changed; defining the getter does not.
		this.staticData[DELIVERY_LOG_WRITER_KEY] = this.memory.writerId;
		if (this.holdsLiveList()) return;
		Object.defineProperty(this.staticData, DELIVERY_LOG_KEY, { get: this.memory.savedList, enumerable: true, configurable: true });
	}
}

/** Whether a list as loaded holds the key; an array (earlier versions) counts as not, so it is rewritten as a string. */
function savedListHolds(saved: unknown, key: string): boolean {
	return typeof saved === 'string' && `${LIST_SEPARATOR}${saved}${LIST_SEPARATOR}`.includes(`${LIST_SEPARATOR}${key}${LIST_SEPARATOR}`);
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
