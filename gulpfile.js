const path = require('path');
const { task, src, dest } = require('gulp');

// tsc compiles only TypeScript: copy the icons, and the codex files n8n reads beside each
// <Name>.node.js (categories, documentation links), next to the compiled files.
function copyIcons() {
	const nodeIcons = src(path.resolve('nodes', '**', '*.{png,svg,node.json}'), { encoding: false }).pipe(
		dest(path.resolve('dist', 'nodes')),
	);
	const credentialIcons = src(path.resolve('credentials', '**', '*.{png,svg}'), {
		encoding: false,
		allowEmpty: true,
	}).pipe(dest(path.resolve('dist', 'credentials')));
	return Promise.all([streamDone(nodeIcons), streamDone(credentialIcons)]);
}

function streamDone(stream) {
	return new Promise((resolve, reject) => stream.on('finish', resolve).on('error', reject));
}

task('build:icons', copyIcons);
