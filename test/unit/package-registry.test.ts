import { existsSync, readFileSync, readdirSync } from 'fs';
import path from 'path';

import { PROVIDER_REGISTRY } from '../../nodes/registry';

const root = path.resolve(__dirname, '../..');

interface Manifest {
	name: string;
	private?: boolean;
	version: string;
	keywords: string[];
	repository: { url: string; directory?: string };
	files: string[];
	dependencies?: Record<string, string>;
	n8n?: { strict?: boolean; nodes: string[]; credentials: string[] };
}

function readManifest(folder: string): Manifest {
	return JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as Manifest;
}

/** The compiled path n8n loads for a class, from the source file that declares it. */
function distPathOf(folder: 'nodes' | 'credentials', fileName: string): string {
	const found = readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' }).find(
		(entry) => path.basename(entry) === fileName,
	);
	if (!found) throw new Error(`No ${folder}/**/${fileName} declares this class`);
	return `dist/${folder}/${found.replace(/\.ts$/, '.js').split(path.sep).join('/')}`;
}

/** A package's folder under packages/: its name without the scope. */
function folderOf(packageName: string): string {
	return packageName.split('/').pop() as string;
}

/** The H2 headings of n8n's community-node README template, in its order. */
const README_SECTIONS = ['Installation', 'Operations', 'Credentials', 'Compatibility', 'Usage', 'Resources', 'Version history'];

describe('one package per provider (packages/<name>/)', () => {
	it('every folder under packages/ is a provider of the registry, and every provider has one', () => {
		const folders = readdirSync(path.join(root, 'packages')).filter((entry) => existsSync(path.join(root, 'packages', entry, 'package.json')));
		expect(folders.sort()).toEqual(PROVIDER_REGISTRY.map((entry) => folderOf(entry.packageName)).sort());
	});

	it('the development tree at the top is not a package of its own: private, nothing for n8n to load', () => {
		const manifest = readManifest(root);
		expect(manifest.private).toBe(true);
		expect(manifest.n8n).toBeUndefined();
	});

	describe.each(PROVIDER_REGISTRY.map((entry) => [entry.packageName, entry] as const))('%s', (packageName, entry) => {
		const folder = path.join(root, 'packages', folderOf(packageName));
		const manifest = readManifest(folder);

		it('is named @render-hooks/<its folder>, n8n-nodes-…, with the keyword n8n looks for and its folder in repository.directory', () => {
			expect(manifest.name).toBe(packageName);
			expect(manifest.name).toBe(`@render-hooks/${folderOf(packageName)}`);
			expect(folderOf(packageName)).toMatch(/^n8n-nodes-/);
			expect(manifest.keywords).toContain('n8n-community-node-package');
			expect(manifest.repository.directory).toBe(`packages/${folderOf(packageName)}`);
			expect(manifest.files).toEqual(['dist', 'CHANGELOG.md']);
		});

		it('is published by its own tag (<folder without n8n-nodes->-v<version>) in the publish workflow', () => {
			const workflow = readFileSync(path.join(root, '.github/workflows/publish.yml'), 'utf8');
			expect(workflow).toContain(`- '${folderOf(packageName).replace(/^n8n-nodes-/, '')}-v*.*.*'`);
		});

		it('has no runtime dependency', () => {
			expect(manifest.dependencies).toBeUndefined();
		});

		it("lists exactly its provider's nodes and credential for n8n, in strict mode", () => {
			expect(manifest.n8n?.strict).toBe(true);
			expect(manifest.n8n?.nodes.sort()).toEqual(entry.nodes.map((node) => distPathOf('nodes', `${node.name}.node.ts`)).sort());
			expect(manifest.n8n?.credentials).toEqual([distPathOf('credentials', `${entry.credential.name}.credentials.ts`)]);
		});

		it("keeps n8n's template eslint.config.mjs untouched (what `n8n-node lint` checks in strict mode)", () => {
			const template = readFileSync(path.join(root, 'node_modules/@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs'), 'utf8');
			const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();
			expect(normalize(readFileSync(path.join(folder, 'eslint.config.mjs'), 'utf8'))).toBe(normalize(template));
		});

		it("has a README in the order of n8n's template, and a CHANGELOG naming its version", () => {
			const headings = readFileSync(path.join(folder, 'README.md'), 'utf8').split('\n').filter((line) => line.startsWith('## ')).map((line) => line.slice(3).trim());
			expect(headings).toEqual(README_SECTIONS);
			expect(readFileSync(path.join(folder, 'CHANGELOG.md'), 'utf8')).toContain(manifest.version);
		});

		it('has one action node and one trigger, both using its credential', () => {
			const credentialName = new entry.credential().name;
			const descriptions = entry.nodes.map((node) => new node().description);
			expect(descriptions.filter((description) => description.group.includes('trigger'))).toHaveLength(1);
			for (const description of descriptions) {
				expect(description.credentials?.map((credential) => credential.name)).toEqual([credentialName]);
			}
		});
	});

	it("shares no package, node type or credential type name with RunPod's own n8n package", () => {
		// n8n-nodes-runpod-public-endpoints (github.com/zgulsby/n8n-nodes-runpod-public-endpoints, by
		// RunPod): node `runpod-public-endpoints`, credential `runpodApi`. n8n keys credential types
		// by exact name, so `runPodApi` is another type; a clash would make one package's
		// credential serve the other's nodes.
		const theirs = { packageName: 'n8n-nodes-runpod-public-endpoints', nodeTypes: ['n8n-nodes-runpod-public-endpoints.runpod-public-endpoints'], credentialTypes: ['runpodApi'] };
		for (const entry of PROVIDER_REGISTRY) {
			expect(entry.packageName).not.toBe(theirs.packageName);
			expect(theirs.credentialTypes).not.toContain(new entry.credential().name);
			for (const node of entry.nodes) expect(theirs.nodeTypes).not.toContain(`${entry.packageName}.${new node().description.name}`);
		}
	});

	it('no two packages share a node type or credential type name', () => {
		const credentialNames = PROVIDER_REGISTRY.map((entry) => new entry.credential().name);
		expect(new Set(credentialNames).size).toBe(credentialNames.length);
		const nodeTypes = PROVIDER_REGISTRY.flatMap((entry) => entry.nodes.map((node) => `${entry.packageName}.${new node().description.name}`));
		expect(new Set(nodeTypes).size).toBe(nodeTypes.length);
	});
});
