/** Removes the jest run's scratch folder made by global-setup.js. */
const { rmSync } = require('node:fs');

module.exports = async () => {
	if (process.env.RENDER_HOOKS_HARNESS_DIR) rmSync(process.env.RENDER_HOOKS_HARNESS_DIR, { recursive: true, force: true });
};
