/**
 * Helpers of the set-up tests (fresh-clone, npm-start): the processes below a pid, read from
 * /proc, and an environment for running npm as a user would (without the npm_* variables that
 * `npm run` exports to its children). Not a test file itself.
 */
import fs from 'node:fs';

/** {pid: ppid} of every process visible in /proc. */
function parentsByPid() {
	const parents = new Map();
	for (const name of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			// The command may contain spaces and parentheses: fields after the last ')' are fixed.
			const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			parents.set(Number(name), Number(fields[1]));
		} catch {
			// gone meanwhile
		}
	}
	return parents;
}

/** Every process below `rootPid` (children, grandchildren, ...), with its command line. */
export function descendants(rootPid) {
	const parents = parentsByPid();
	const found = [];
	let frontier = [rootPid];
	while (frontier.length) {
		const next = [];
		for (const [pid, ppid] of parents) if (frontier.includes(ppid)) next.push(pid);
		found.push(...next);
		frontier = next;
	}
	return found.map((pid) => ({ pid, command: commandLine(pid) }));
}

export function commandLine(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
	} catch {
		return '';
	}
}

export function isAlive(pid) {
	try {
		process.kill(pid, 0);
		// A zombie is gone for our purposes: it holds no port and runs nothing.
		return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
	} catch {
		return false;
	}
}

/**
 * The environment of a user's shell: ours without what `npm run` adds (npm_* config such as
 * ignore_scripts or local_prefix would steer the npm we start). The registry, cache and proxy
 * settings stay, so a test may reuse the npm cache.
 */
export function userShellEnv(extra = {}) {
	const kept = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig', 'npm_config_cafile',
		'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy', 'npm_config_strict_ssl']);
	const env = Object.fromEntries(Object.entries(process.env)
		.filter(([key]) => !/^npm_/i.test(key) || kept.has(key.toLowerCase())));
	delete env.NODE_OPTIONS;
	delete env.NODE_TEST_CONTEXT; // set by node --test: a nested node --test would report to us
	return { ...env, ...extra };
}
