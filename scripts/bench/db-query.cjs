/**
 * One read-only query against an n8n sqlite database, the rows written as JSON to a file; with
 * `write`, one statement that changes rows ([] written). Run under n8n's own Node with NODE_PATH =
 * n8n's node_modules (for its sqlite3), by rig.mjs:
 *   node db-query.cjs <databaseFile> <sql> <params as JSON> <output file> [write]
 */
const fs = require('node:fs');
const sqlite3 = require('sqlite3');

const [databaseFile, sql, params, outputFile, mode] = process.argv.slice(2);
const write = mode === 'write';
const db = new sqlite3.Database(databaseFile, write ? sqlite3.OPEN_READWRITE : sqlite3.OPEN_READONLY);
db.configure('busyTimeout', 10000);
db[write ? 'run' : 'all'](sql, JSON.parse(params), (error, rows) => {
	if (error) {
		process.stderr.write(`${error.message}\n`);
		process.exit(1);
	}
	fs.writeFileSync(outputFile, JSON.stringify(rows ?? []));
	db.close();
});
