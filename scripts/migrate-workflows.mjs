#!/usr/bin/env node
/**
 * Moves workflows from the retired all-in-one package (n8n-nodes-render-hooks 0.1.0) to the
 * provider packages: every node type `n8n-nodes-render-hooks.<node>` becomes
 * `@render-hooks/n8n-nodes-<provider>.<node>` (an AI-tool variant `<node>Tool` likewise). Nothing
 * else changes: the node versions, parameters and credential types are the same, so the
 * workflow's credentials keep working.
 *
 *   node scripts/migrate-workflows.mjs old.json [more.json ...] > migrated.json
 *
 * Each file may hold one workflow or an array of them (n8n's "Download" and `n8n
 * export:workflow` give either). One file in: that workflow out; several: an array of them.
 * Needs `npm run build` first (it reads the provider registry from dist/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadProviders } from './n8n/registry.mjs';

export const ALL_IN_ONE_PACKAGE = 'n8n-nodes-render-hooks';

/** {`n8n-nodes-render-hooks.<node>`: `<provider package>.<node>`} for every node and its tool variant. */
export function nodeTypeMoves(providers = loadProviders()) {
	const moves = {};
	for (const provider of providers) {
		for (const node of provider.nodes) {
			const name = node.type.slice(provider.packageName.length + 1);
			moves[`${ALL_IN_ONE_PACKAGE}.${name}`] = node.type;
			moves[`${ALL_IN_ONE_PACKAGE}.${name}Tool`] = `${node.type}Tool`;
		}
	}
	return moves;
}

/** The workflow with its render-hooks node types moved; returns {workflow, moved} (count of nodes). */
export function migrateWorkflow(workflow, moves = nodeTypeMoves()) {
	let moved = 0;
	const nodes = (workflow.nodes ?? []).map((node) => {
		const type = moves[node.type];
		if (!type) return node;
		moved++;
		return { ...node, type };
	});
	return { workflow: { ...workflow, nodes }, moved };
}

function main(files) {
	if (files.length === 0) {
		process.stderr.write('usage: node scripts/migrate-workflows.mjs <workflow.json> [...] > migrated.json\n');
		process.exit(2);
	}
	const moves = nodeTypeMoves();
	const migrated = [];
	for (const file of files) {
		const content = JSON.parse(fs.readFileSync(file, 'utf8'));
		for (const workflow of Array.isArray(content) ? content : [content]) {
			const result = migrateWorkflow(workflow, moves);
			process.stderr.write(`${path.basename(file)}: "${workflow.name ?? 'workflow'}": ${result.moved} node(s) moved\n`);
			migrated.push(result.workflow);
		}
	}
	process.stdout.write(`${JSON.stringify(migrated.length === 1 ? migrated[0] : migrated, null, 2)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
