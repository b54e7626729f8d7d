/** What /run and /runsync accept: the body checks RunPod makes before it queues a job. */
import { SimulatorError } from '../base';
import type { RunPodPolicyLimits } from './config';
import { isObject } from './worker';

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;
const DEFAULT_EXECUTION_TIMEOUT_MS = 600 * SECOND;
const DEFAULT_TTL_MS = DAY;

export interface SubmitRequest {
	input: unknown;
	webhook?: string;
	/** The policy exactly as received. */
	policy?: Record<string, unknown>;
	s3Config?: unknown;
	executionTimeoutMs: number;
	ttlMs: number;
}

/** Checks a parsed submit body; a bad one is answered 400 with what is wrong. */
export function parseSubmitBody(body: unknown, limits: RunPodPolicyLimits): SubmitRequest {
	if (!isObject(body)) throw new SimulatorError(400, 'Request body must be a JSON object');
	if (body.input === undefined || body.input === null) throw new SimulatorError(400, 'Missing required field: input');

	let webhook: string | undefined;
	if (body.webhook !== undefined && body.webhook !== null) {
		let valid = false;
		if (typeof body.webhook === 'string') {
			try {
				valid = ['http:', 'https:'].includes(new URL(body.webhook).protocol);
			} catch {
				valid = false;
			}
		}
		if (!valid) throw new SimulatorError(400, 'webhook must be an http(s) URL');
		webhook = body.webhook as string;
	}

	let policy: Record<string, unknown> | undefined;
	let executionTimeoutMs = DEFAULT_EXECUTION_TIMEOUT_MS;
	let ttlMs = DEFAULT_TTL_MS;
	if (body.policy !== undefined && body.policy !== null) {
		if (!isObject(body.policy)) throw new SimulatorError(400, 'policy must be a JSON object');
		policy = body.policy;
		const inRange = (name: string, value: unknown, min: number, max: number): number => {
			if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
				throw new SimulatorError(400, `policy.${name} must be an integer between ${min} and ${max} (ms)`);
			}
			return value;
		};
		if (policy.executionTimeout !== undefined) {
			executionTimeoutMs = inRange(
				'executionTimeout',
				policy.executionTimeout,
				limits.executionTimeoutMinMs,
				limits.executionTimeoutMaxMs,
			);
		}
		if (policy.ttl !== undefined) ttlMs = inRange('ttl', policy.ttl, limits.ttlMinMs, limits.ttlMaxMs);
		if (policy.lowPriority !== undefined && typeof policy.lowPriority !== 'boolean') {
			throw new SimulatorError(400, 'policy.lowPriority must be a boolean');
		}
	}
	if (body.s3Config !== undefined && body.s3Config !== null && !isObject(body.s3Config)) {
		throw new SimulatorError(400, 's3Config must be a JSON object');
	}

	return { input: body.input, webhook, policy, s3Config: body.s3Config ?? undefined, executionTimeoutMs, ttlMs };
}
