import { existsSync, readFileSync, readdirSync } from 'fs';
import path from 'path';

import { PROVIDER_REGISTRY } from '../../nodes/registry';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	n8n: { nodes: string[]; credentials: string[] };
};

/** The compiled path n8n loads for a class, from the source file that declares it. */
function distPathOf(folder: 'nodes' | 'credentials', fileName: string): string {
	const found = readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' }).find(
		(entry) => path.basename(entry) === fileName,
	);
	if (!found) throw new Error(`No ${folder}/**/${fileName} declares this class`);
	return `dist/${folder}/${found.replace(/\.ts$/, '.js').split(path.sep).join('/')}`;
}

describe('package.json lists exactly the registry', () => {
	const registryNodes = PROVIDER_REGISTRY.flatMap((entry) => entry.nodes.map((node) => distPathOf('nodes', `${node.name}.node.ts`)));
	const registryCredentials = PROVIDER_REGISTRY.map((entry) => distPathOf('credentials', `${entry.credential.name}.credentials.ts`));

	it('n8n.nodes: every node class of every provider, nothing else', () => {
		expect([...manifest.n8n.nodes].sort()).toEqual([...registryNodes].sort());
	});

	it('n8n.credentials: every provider credential, nothing else', () => {
		expect([...manifest.n8n.credentials].sort()).toEqual([...registryCredentials].sort());
	});

	it('every listed file is one the build writes', () => {
		for (const listed of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
			expect(existsSync(path.join(root, listed.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
		}
	});

	it('each provider has one action node and one trigger, using its credential', () => {
		for (const entry of PROVIDER_REGISTRY) {
			const credentialName = new entry.credential().name;
			const descriptions = entry.nodes.map((node) => new node().description);
			expect(descriptions.filter((description) => description.group.includes('trigger'))).toHaveLength(1);
			for (const description of descriptions) {
				expect(description.credentials?.map((credential) => credential.name)).toEqual([credentialName]);
			}
		}
	});
});
