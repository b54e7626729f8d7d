/**
 * Ports: a free one for a throwaway instance, and, for the fixed ports of `npm start`, who holds
 * one that is taken (from /proc on Linux, else `ss` or `lsof` when installed) and how to stop it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** A TCP port that is free on localhost right now. */
export function findFreePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Whether something listens on `port` (any address): we try to listen on it ourselves. */
export function isPortTaken(port) {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(true));
		// No host: the wildcard address, which collides with a listener on any local address.
		server.listen(port, () => server.close(() => resolve(false)));
	});
}

/** Inodes of the sockets listening on `port`, from /proc/net/tcp and tcp6. */
function listeningInodes(port) {
	const inodes = new Set();
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text;
		try {
			text = fs.readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.trim().split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			const localPort = parseInt(fields[1].split(':').pop(), 16);
			if (localPort === port && fields[3] === '0A') inodes.add(fields[9]); // 0A = LISTEN
		}
	}
	return inodes;
}

function commandLine(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
	} catch {
		return '';
	}
}

function pidsFromProc(port) {
	const inodes = listeningInodes(port);
	if (!inodes.size) return [];
	const pids = [];
	for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		let fds;
		try {
			fds = fs.readdirSync(`/proc/${pid}/fd`);
		} catch {
			continue; // another user's process, or gone
		}
		for (const fd of fds) {
			let target;
			try {
				target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
			} catch {
				continue;
			}
			const match = /^socket:\[(\d+)\]$/.exec(target);
			if (match && inodes.has(match[1])) {
				pids.push(Number(pid));
				break;
			}
		}
	}
	return pids;
}

function pidsFromTools(port) {
	const attempts = [
		['ss', ['-ltnpH', `sport = :${port}`], (out) => [...out.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]))],
		['lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-t'], (out) => out.split('\n').filter(Boolean).map(Number)],
	];
	for (const [command, args, parse] of attempts) {
		try {
			const pids = parse(execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
			if (pids.length) return pids;
		} catch {
			// tool missing or not allowed
		}
	}
	return [];
}

/** The processes listening on `port`: [{pid, command}] (empty when they cannot be seen). */
export function portHolders(port) {
	const pids = pidsFromProc(port);
	const found = pids.length ? pids : pidsFromTools(port);
	return found.map((pid) => ({ pid, command: commandLine(pid) }));
}

/**
 * Throws when one of `ports` ({label: port}) is taken, naming the process that holds it and how
 * to stop it, so a start never reports on an instance it did not start.
 */
export async function assertPortsFree(ports) {
	const problems = [];
	for (const [label, port] of Object.entries(ports)) {
		if (!(await isPortTaken(port))) continue;
		const holders = portHolders(port);
		const who = holders.length
			? holders.map(({ pid, command }) => `pid ${pid}${command ? ` (${command.slice(0, 160)})` : ''}`).join(', ')
			: 'a process this user cannot see (try `sudo ss -ltnp` or `sudo lsof -i :' + port + '`)';
		const stop = holders.length ? `stop it with \`kill ${holders.map(({ pid }) => pid).join(' ')}\`` : 'stop that process';
		problems.push(`port ${port} (${label}) is already in use by ${who}: ${stop}, or choose other ports`);
	}
	if (problems.length) {
		const error = new Error(problems.join('\n'));
		error.code = 'PORT_IN_USE';
		throw error;
	}
}

/** `count` consecutive free ports (for the local services, which take a range from a first port). */
export async function findFreePortRange(count, { avoid = [] } = {}) {
	for (let attempt = 0; attempt < 50; attempt++) {
		const first = 20_000 + Math.floor(Math.random() * 40_000);
		const range = Array.from({ length: count }, (_, index) => first + index);
		if (range.some((port) => avoid.includes(port))) continue;
		let free = true;
		for (const port of range) if (await isPortTaken(port)) free = false;
		if (free) return first;
	}
	throw new Error(`no ${count} consecutive free ports found`);
}
