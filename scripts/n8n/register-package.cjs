/**
 * Writes the rows n8n's installer writes after a successful install (installed-packages.repository.js
 * persistPackageWithNodes): one `installed_packages` row and one `installed_nodes` row per node file
 * in the package's `n8n.nodes` (name = displayName, type = <package>.<name>, latestVersion).
 *
 * Run by registration.mjs under the n8n's own Node with NODE_PATH = n8n's node_modules (for its
 * sqlite3): node register-package.cjs <packageDir> <databaseFile>
 */
const path = require('node:path');
const sqlite3 = require('sqlite3');

const [packageDir, databaseFile] = process.argv.slice(2);
const manifest = require(path.join(packageDir, 'package.json'));

/** Loads each node class as n8n does, so the rows match what n8n would write. */
const nodes = (manifest.n8n?.nodes ?? []).map((file) => {
	const className = path.parse(file).name.split('.')[0];
	const node = new (require(path.join(packageDir, file))[className])();
	const description = node.description;
	const version = 'nodeVersions' in node ? node.currentVersion
		: Array.isArray(description.version) ? description.version.slice(-1)[0] : description.version;
	return { name: description.displayName, type: `${manifest.name}.${description.name}`, latestVersion: version ?? 1 };
});

const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
const statements = [
	['DELETE FROM installed_nodes WHERE package = ?', [manifest.name]],
	['DELETE FROM installed_packages WHERE packageName = ?', [manifest.name]],
	[
		'INSERT INTO installed_packages (packageName, installedVersion, authorName, authorEmail, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?)',
		[manifest.name, manifest.version, manifest.author?.name ?? null, manifest.author?.email ?? null, now, now],
	],
	...nodes.map((node) => [
		'INSERT INTO installed_nodes (name, type, latestVersion, package) VALUES (?, ?, ?, ?)',
		[node.name, node.type, node.latestVersion, manifest.name],
	]),
];

const db = new sqlite3.Database(databaseFile);
db.configure('busyTimeout', 10000);
db.serialize(() => {
	db.run('BEGIN IMMEDIATE');
	for (const [sql, params] of statements) {
		db.run(sql, params, (error) => {
			if (error) {
				console.error(error);
				process.exitCode = 1;
			}
		});
	}
	db.run('COMMIT', () => db.close());
});
console.log('registered', manifest.name, manifest.version, JSON.stringify(nodes));
