/** The ways the providers take an API key, as `authenticate` functions for startSimServer. */
import type { IncomingMessage } from 'http';
import { SimulatorError } from './body';

/** The key of an `authorization` header, with or without `Bearer ` (some RunPod docs show the bare key). */
export function bearerKey(req: IncomingMessage, allowBareKey = false): string | undefined {
	const value = req.headers.authorization?.trim();
	if (!value) return undefined;
	if (/^bearer\s+/i.test(value)) return value.replace(/^bearer\s+/i, '');
	return allowBareKey ? value : undefined;
}

/** `authorization: Bearer <key>`; a missing or wrong key is answered `status` with `message`. */
export function requireBearer(
	expectedKey: () => string,
	options: { allowBareKey?: boolean; status?: number; message?: string } = {},
): (req: IncomingMessage) => void {
	return (req) => {
		if (bearerKey(req, options.allowBareKey) !== expectedKey()) {
			throw new SimulatorError(options.status ?? 401, options.message ?? 'Unauthorized');
		}
	};
}

/**
 * A key in its own header (`x-api-key`: Deep Image, AI Home Design). Missing and wrong keys may be
 * answered differently (Deep Image: 403 and 404).
 */
export function requireHeaderKey(
	header: string,
	expectedKey: () => string,
	answers: { missing?: [number, string]; wrong?: [number, string] } = {},
): (req: IncomingMessage) => void {
	return (req) => {
		const raw = req.headers[header.toLowerCase()];
		const value = Array.isArray(raw) ? raw[0] : raw;
		if (!value) {
			const [status, message] = answers.missing ?? [401, 'Unauthorized'];
			throw new SimulatorError(status, message);
		}
		if (value !== expectedKey()) {
			const [status, message] = answers.wrong ?? answers.missing ?? [401, 'Unauthorized'];
			throw new SimulatorError(status, message);
		}
	};
}
