import type { IDataObject } from 'n8n-workflow';

import { FINAL_STATUSES } from './result';

const DELIVERY_LOG_KEY = 'renderHooksDeliveries';
export const DEFAULT_DELIVERY_MEMORY = 1000;

/**
 * Remembers a delivery in the workflow's static data; false when it was seen before. Providers
 * retry callbacks, so the same (job, status) may arrive more than once. Only the newest
 * `limit` keys are kept, so the static data stays small.
 */
export function rememberDelivery(
	staticData: IDataObject,
	deliveryKey: string,
	limit = DEFAULT_DELIVERY_MEMORY,
): boolean {
	const seen = Array.isArray(staticData[DELIVERY_LOG_KEY])
		? (staticData[DELIVERY_LOG_KEY] as string[])
		: [];
	if (seen.includes(deliveryKey)) return false;
	seen.push(deliveryKey);
	staticData[DELIVERY_LOG_KEY] = seen.slice(Math.max(0, seen.length - limit));
	return true;
}

const RECENT_CLAIMS_LIMIT = 10_000;
const recentClaims = new Set<string>();

/**
 * Claims a delivery in this n8n process, synchronously, so that repeats arriving while the first
 * is still being handled are caught: n8n saves static data only after the webhook returns, and a
 * request started meanwhile reads the old copy. rememberDelivery still keeps the record across
 * restarts. Oldest claims are dropped beyond the limit.
 */
export function claimDelivery(scope: string, deliveryKey: string): boolean {
	const claim = `${scope}\n${deliveryKey}`;
	if (recentClaims.has(claim)) return false;
	recentClaims.add(claim);
	if (recentClaims.size > RECENT_CLAIMS_LIMIT) recentClaims.delete(recentClaims.values().next().value as string);
	return true;
}

/** Whether a final result of the job was delivered already, here or in the workflow's memory. */
export function hasFinalDelivery(scope: string, staticData: IDataObject, jobId: string): boolean {
	const seen = Array.isArray(staticData[DELIVERY_LOG_KEY]) ? (staticData[DELIVERY_LOG_KEY] as string[]) : [];
	return FINAL_STATUSES.some(
		(status) => recentClaims.has(`${scope}\n${jobId}:${status}`) || seen.includes(`${jobId}:${status}`),
	);
}
