/**
 * One scratch folder per jest run for the harness's n8n user folders (test/harness/environment.ts
 * makes one per worker inside it); global-teardown.js removes it, so a run leaves nothing behind
 * in the system temp folder. Workers start after this and inherit the variable.
 */
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async () => {
	process.env.RENDER_HOOKS_HARNESS_DIR = mkdtempSync(path.join(tmpdir(), 'n8n-nodes-render-hooks-harness-'));
};
