/**
 * The engine (nodes/shared) names no provider: no provider id, display name or provider folder name
 * of nodes/ appears in its source, in any spelling (RunPod, run-pod, Run Pod, runpod).
 */
import { readFileSync, readdirSync, statSync } from 'fs';
import path from 'path';

import { PROVIDER_REGISTRY } from '../../nodes/registry';

const NODES = path.resolve(__dirname, '../../nodes');
const SHARED = path.join(NODES, 'shared');

/** A name as a pattern matching its words joined by nothing, a space, '-' or '_', in any case. */
function anySpelling(name: string): RegExp {
	const words = name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.split(/[\s_-]+/)
		.filter(Boolean)
		.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	return new RegExp(`\\b${words.join('[\\s_-]?')}\\b`, 'i');
}

const providerFolders = readdirSync(NODES).filter((entry) => entry !== 'shared' && statSync(path.join(NODES, entry)).isDirectory());
const allNames = [...PROVIDER_REGISTRY.flatMap((entry) => [entry.id, entry.displayName]), ...providerFolders];
/** One of each spelling: `runPod` and `RunPod` are the same name here. */
const providerNames = allNames.filter((name, index) => allNames.findIndex((other) => other.toLowerCase() === name.toLowerCase()) === index);
const sharedFiles = readdirSync(SHARED).filter((file) => file.endsWith('.ts'));

describe('nodes/shared names no provider', () => {
	it('knows what to look for', () => {
		// RunPod is registered and has its folder; the check is empty-handed otherwise.
		expect(providerNames.map((name) => name.toLowerCase())).toEqual(expect.arrayContaining(['runpod', 'gepetto', 'deepimage', 'aihomedesign']));
		expect(sharedFiles.length).toBeGreaterThan(5);
		expect(anySpelling('AiHomeDesign').test('the AI Home Design dashboard')).toBe(true);
		expect(anySpelling('DeepImage').test('deep-image')).toBe(true);
		expect(anySpelling('RunPod').test('a runtime pod')).toBe(false);
	});

	it.each(sharedFiles)('%s mentions none of them', (file) => {
		const lines = readFileSync(path.join(SHARED, file), 'utf8').split('\n');
		const found = lines.flatMap((line, index) =>
			providerNames.filter((name) => anySpelling(name).test(line)).map((name) => `${file}:${index + 1} names ${name}: ${line.trim()}`),
		);
		expect(found).toEqual([]);
	});
});
