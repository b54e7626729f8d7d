import type { IncomingHttpHeaders } from 'http';

/** A request as a fake API parsed it: what the engine really sent over HTTP. */
export interface ReceivedRequest {
	route: string;
	method: string;
	path: string;
	headers: IncomingHttpHeaders;
	/** The parsed JSON body, or the parsed multipart parts, when the route reads one. */
	json?: unknown;
	multipart?: {
		fields: Record<string, string[]>;
		files: Array<{ field: string; fileName: string; mimeType: string; data: Buffer }>;
	};
	/** The raw content type, to tell multipart from JSON. */
	contentType?: string;
}

/** The requests a fake answered with a given route name, in order. */
export function onRoute(received: ReceivedRequest[], route: string): ReceivedRequest[] {
	return received.filter((request) => request.route === route);
}
