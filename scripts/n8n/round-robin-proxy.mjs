/**
 * The "one address" in front of n8n's queue mode, as a load balancer would be: production
 * webhooks (/webhook/…) and waiting-execution resumes (/webhook-waiting/…) go round-robin to the
 * webhook processors, everything else (editor, REST, /webhook-test/…) to the main process. A
 * backend that refuses the connection (stopped, restarting) is skipped for the next one, as load
 * balancers do; when none accepts, the answer is 502. Request bodies are buffered (callbacks are
 * small) so that a refused attempt can be sent again.
 */
import http from 'node:http';

const WEBHOOK_PATH = /^\/(webhook|webhook-waiting)\//;

/**
 * Starts the proxy on `port` (127.0.0.1). `main` and `webhooks` are functions returning the
 * current backend ports, so restarted processes on new ports are picked up. Returns {url, port,
 * counts (requests forwarded per backend port), close()}.
 */
export async function startRoundRobinProxy({ port, main, webhooks }) {
	let next = 0;
	const counts = new Map();

	const forward = (request, body, backendPort) => new Promise((resolve, reject) => {
		const upstream = http.request({
			host: '127.0.0.1',
			port: backendPort,
			method: request.method,
			path: request.url,
			headers: { ...request.headers, 'x-forwarded-for': request.socket.remoteAddress ?? '' },
		}, resolve);
		upstream.once('error', reject);
		upstream.end(body);
	});

	const server = http.createServer(async (request, response) => {
		const chunks = [];
		for await (const chunk of request) chunks.push(chunk);
		const body = Buffer.concat(chunks);
		const candidates = WEBHOOK_PATH.test(request.url ?? '') ? rotate(webhooks(), next++) : [main()];
		let lastError;
		for (const backendPort of candidates) {
			try {
				const upstream = await forward(request, body, backendPort);
				counts.set(backendPort, (counts.get(backendPort) ?? 0) + 1);
				response.writeHead(upstream.statusCode ?? 502, upstream.headers);
				upstream.pipe(response);
				return;
			} catch (error) {
				lastError = error;
				// Only a refused connection is safe to send elsewhere: the backend saw nothing.
				if (error.code !== 'ECONNREFUSED') break;
			}
		}
		if (!response.headersSent) {
			response.writeHead(502, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ message: `no n8n backend answered: ${lastError?.message}` }));
		} else {
			response.destroy();
		}
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	return {
		port,
		url: `http://127.0.0.1:${port}`,
		counts,
		close: () => new Promise((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		}),
	};
}

function rotate(list, offset) {
	if (!list.length) return [];
	const start = offset % list.length;
	return [...list.slice(start), ...list.slice(0, start)];
}
