/**
 * The bench's instruments: a closed-loop load generator (N keep-alive connections, each sending
 * its next request as soon as the last is answered), latency percentiles, and an RSS sampler
 * of a process read from /proc.
 */
import fs from 'node:fs';
import http from 'node:http';

/** One POST over `agent`; resolves {status, ms, text}. */
export function postOnce(agent, url, body, headers = { 'content-type': 'application/json' }) {
	return new Promise((resolve, reject) => {
		const startedAt = process.hrtime.bigint();
		const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
			const chunks = [];
			response.on('data', (chunk) => chunks.push(chunk));
			response.on('end', () => resolve({
				status: response.statusCode,
				ms: Number(process.hrtime.bigint() - startedAt) / 1e6,
				text: Buffer.concat(chunks).toString('utf8'),
			}));
		});
		request.on('error', reject);
		request.end(body);
	});
}

/**
 * Sends for `seconds` over `connections` connections; `nextRequest(i)` gives {url, body} of the
 * i-th request. Returns {sent, ok, perSecond, p50, p95, statuses}.
 */
export async function closedLoop({ connections = 10, seconds = 8, nextRequest }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
	const latencies = [];
	const statuses = {};
	let sent = 0;
	const startedAt = Date.now();
	const until = startedAt + seconds * 1000;
	await Promise.all(Array.from({ length: connections }, async () => {
		while (Date.now() < until) {
			const { url, body } = nextRequest(sent++);
			const answer = await postOnce(agent, url, body);
			statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
			if (answer.status === 200) latencies.push(answer.ms);
		}
	}));
	const elapsed = (Date.now() - startedAt) / 1000;
	agent.destroy();
	return { sent, ok: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), statuses };
}

export function percentile(values, share) {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values) {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Resident memory of a process in bytes (VmRSS), 0 if unreadable. */
export function rssOf(pid) {
	try {
		const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) * 1024 : 0;
	} catch {
		return 0;
	}
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on Linux x64). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time a process has used so far, all its threads (user + system, /proc/<pid>/stat), in ms;
 * NaN if unreadable. Unlike wall time, it does not grow while the process waits for a core, so it
 * holds up on a busy machine.
 */
export function processCpuMs(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
	} catch {
		return NaN;
	}
}

/** Samples a process's RSS every 10 ms until stop(); stop() returns {baseline, peak, growth} in bytes. */
export function sampleRss(pid) {
	const baseline = rssOf(pid);
	let peak = baseline;
	const timer = setInterval(() => { peak = Math.max(peak, rssOf(pid)); }, 10);
	return {
		stop() {
			clearInterval(timer);
			peak = Math.max(peak, rssOf(pid));
			return { baseline, peak, growth: peak - baseline };
		},
	};
}
