/**
 * A local npm registry that serves the provider packages' tarballs, so that n8n's own Community
 * Nodes installer (Settings > Community Nodes > Install, or POST /rest/community-packages) installs
 * them before they are on npmjs.com, exactly as it will install them from there: n8n runs
 * `npm pack <name>@<version>`, unpacks it, writes its database rows, and the package shows on the
 * Community Nodes screen, where it can be updated and uninstalled.
 *
 * n8n passes `--registry=https://registry.npmjs.org` to npm (a custom registry is an enterprise
 * licence feature), but npm sends a scoped package to the registry its config names for that scope:
 * one line in the .npmrc of the user n8n runs as does it,
 *     @render-hooks:registry=http://127.0.0.1:4873/
 * and every other package still comes from npmjs.com.
 *
 * It answers what npm and n8n ask (measured with npm 11 and n8n 2.40.7 / 1.123.81):
 *   GET /<name>                 the packument (npm sends the scope's slash as %2f)
 *   GET /<name>/<version|latest>  one version's manifest (n8n's own existence check)
 *   GET /-/<sha>/<file>.tgz     the tarball; the path carries its hash so no cache serves an old build
 * and 404 to anything else (npm's update notifier asks for /npm).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/** The scope whose packages this registry serves. */
export const PACKAGE_SCOPE = '@render-hooks';

/** The .npmrc line that sends the scope's packages to the registry at `url`. */
export function npmrcLine(url) {
	return `${PACKAGE_SCOPE}:registry=${url.replace(/\/?$/, '/')}`;
}

function readManifest(tarball) {
	return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/** {name: {manifest, bytes, integrity, shasum, file}} for each tarball path. */
function describeTarballs(tarballs) {
	const entries = {};
	for (const tarball of tarballs) {
		const bytes = fs.readFileSync(tarball);
		const manifest = readManifest(tarball);
		entries[manifest.name] = {
			manifest,
			bytes,
			integrity: `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`,
			shasum: crypto.createHash('sha1').update(bytes).digest('hex'),
			file: path.basename(tarball),
		};
	}
	return entries;
}

/**
 * Serves `tarballs` (paths of .tgz files, one version per package) on `host:port` (port 0 = any
 * free one). Returns {url, names, npmrcLine, stop()}. `publicUrl` is the address written into the
 * packuments when n8n reaches this registry by another name (Docker: host.docker.internal).
 */
export async function startLocalRegistry({ tarballs, host = '127.0.0.1', port = 0, publicUrl, log = () => {} }) {
	const packages = describeTarballs(tarballs);
	let baseUrl;
	const versionManifest = (entry) => ({
		...entry.manifest,
		dist: { tarball: `${baseUrl}/-/${entry.shasum}/${entry.file}`, integrity: entry.integrity, shasum: entry.shasum },
	});
	const send = (response, status, body, type = 'application/json') => {
		response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
		response.end(type === 'application/json' ? JSON.stringify(body) : body);
	};

	const server = http.createServer((request, response) => {
		const pathname = decodeURIComponent(new URL(request.url, 'http://registry').pathname);
		log(`${request.method} ${pathname}`);
		if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { error: 'read-only registry' });
		const tarball = /^\/-\/([0-9a-f]{40})\/([^/]+)$/.exec(pathname);
		if (tarball) {
			const entry = Object.values(packages).find((candidate) => candidate.shasum === tarball[1] && candidate.file === tarball[2]);
			return entry ? send(response, 200, entry.bytes, 'application/octet-stream') : send(response, 404, { error: 'no such tarball' });
		}
		const name = Object.keys(packages).find((candidate) => pathname === `/${candidate}` || pathname.startsWith(`/${candidate}/`));
		if (!name) return send(response, 404, { error: `${pathname.slice(1)} is not served here; this registry serves ${Object.keys(packages).join(', ')}` });
		const entry = packages[name];
		const { version } = entry.manifest;
		const asked = pathname.slice(name.length + 2);
		if (!asked) {
			return send(response, 200, { name, 'dist-tags': { latest: version }, versions: { [version]: versionManifest(entry) } });
		}
		return asked === version || asked === 'latest'
			? send(response, 200, versionManifest(entry))
			: send(response, 404, { error: `${name}@${asked} is not served here (only ${version})` });
	});

	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	baseUrl = (publicUrl ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${server.address().port}`).replace(/\/$/, '');
	return {
		url: baseUrl,
		names: Object.fromEntries(Object.entries(packages).map(([name, entry]) => [name, entry.manifest.version])),
		npmrcLine: npmrcLine(baseUrl),
		stop: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
