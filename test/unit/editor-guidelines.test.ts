/**
 * n8n's UX guidelines for verified community nodes, checked on every node description of the
 * package at every node version. n8n's own lint sees only literal descriptions; ours are built by
 * the shared engine, so the rules are checked here on what n8n actually receives.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import type { INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { PROVIDER_REGISTRY } from '../../nodes/registry';

/** Words n8n's Title Case leaves in lower case. */
const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'per', 'the', 'to', 'vs', 'with', 'e.g.']);

interface NodeUnderTest {
	/** The npm package that ships the node: n8n's type name for it is `<packageName>.<name>`. */
	packageName: string;
	folder: string;
	className: string;
	description: INodeTypeDescription;
	isTrigger: boolean;
}

const NODES: NodeUnderTest[] = PROVIDER_REGISTRY.flatMap((entry) =>
	entry.nodes.map((NodeClass) => {
		const description = (new NodeClass() as INodeType).description;
		return {
			packageName: entry.packageName,
			folder: sourceFolderOf(NodeClass.name),
			className: NodeClass.name,
			description,
			isTrigger: description.group.includes('trigger'),
		};
	}),
);

function sourceFolderOf(className: string): string {
	return className.replace(/Trigger$/, '');
}

function versionsOf(description: INodeTypeDescription): number[] {
	return Array.isArray(description.version) ? description.version : [description.version];
}

function latestVersion(description: INodeTypeDescription): number {
	return description.defaultVersion ?? Math.max(...versionsOf(description));
}

type VersionCondition = number | { _cnd: Record<string, number> };

function versionMatches(conditions: VersionCondition[], version: number): boolean {
	return conditions.some((condition) => {
		if (typeof condition === 'number') return condition === version;
		const [[operator, bound]] = Object.entries(condition._cnd);
		return (
			({ gte: version >= bound, gt: version > bound, lte: version <= bound, lt: version < bound, eq: version === bound } as Record<string, boolean>)[
				operator
			] ?? false
		);
	});
}

/** The properties a node version can show at all (only `@version` conditions are evaluated). */
function propertiesAt(description: INodeTypeDescription, version: number): INodeProperties[] {
	return description.properties.filter((property) => {
		const show = property.displayOptions?.show?.['@version'] as VersionCondition[] | undefined;
		const hide = property.displayOptions?.hide?.['@version'] as VersionCondition[] | undefined;
		return (!show || versionMatches(show, version)) && !(hide && versionMatches(hide, version));
	});
}

/** Every property, also those inside collections and fixed collections. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		const nested = (property.options ?? []).flatMap((option) => {
			if ('type' in option) return allProperties([option as INodeProperties]);
			if ('values' in option) return allProperties((option as INodePropertyCollection).values);
			return [];
		});
		return [property, ...nested];
	});
}

function isTitleCase(text: string): boolean {
	return text
		.replace(/\(.*?\)/g, '')
		.split(/\s+/)
		.filter(Boolean)
		.every((word, position) => /^[^a-z]/.test(word) || (position > 0 && SMALL_WORDS.has(word)));
}

describe.each(NODES.map((node) => [node.description.displayName, node] as const))('%s', (_name, node) => {
	const { description } = node;

	describe.each(versionsOf(description).map((version) => [version]))('version %s', (version) => {
		const properties = propertiesAt(description, version);
		const everyProperty = allProperties(properties);

		it('names parameters in Title Case and none of them "Input" or "Output" (the editor panels)', () => {
			// A notice's displayName is its sentence-case text.
			const named = everyProperty.filter((property) => property.type !== 'notice');
			const miscased = named.filter((property) => !isTitleCase(property.displayName)).map((property) => property.displayName);
			expect(miscased).toEqual([]);
			expect(everyProperty.filter((property) => ['Input', 'Output'].includes(property.displayName))).toEqual([]);
		});

		it('starts the description of every boolean with "Whether"', () => {
			const booleans = everyProperty.filter((property) => property.type === 'boolean');
			expect(booleans.filter((property) => !/^Whether\b/.test(property.description ?? '')).map((property) => property.name)).toEqual([]);
		});

		it('writes placeholders as examples ("e.g. …"), or as "Add …" on collections', () => {
			const wrong = everyProperty.filter((property) => {
				if (!property.placeholder) return false;
				const expected = ['collection', 'fixedCollection'].includes(property.type) ? /^Add / : /^e\.g\. /;
				return !expected.test(property.placeholder);
			});
			const modePlaceholders = everyProperty
				.flatMap((property) => property.modes ?? [])
				// A From List mode's placeholder invites a choice, as in n8n's own nodes ("Select a …").
				.filter((mode) => mode.placeholder && !(mode.type === 'list' ? /^Select / : /^e\.g\. /).test(mode.placeholder));
			expect(wrong.map((property) => `${property.name}: ${property.placeholder}`)).toEqual([]);
			expect(modePlaceholders.map((mode) => mode.placeholder)).toEqual([]);
		});

		it('shows a parameter only below the parameters that decide whether it is shown', () => {
			const misplaced: string[] = [];
			properties.forEach((property, position) => {
				const deciders = [property.displayOptions?.show, property.displayOptions?.hide]
					.flatMap((conditions) => Object.keys(conditions ?? {}))
					.filter((key) => !key.startsWith('@') && !key.startsWith('/'));
				for (const decider of deciders) {
					const first = properties.findIndex((candidate) => candidate.name === decider);
					if (first === -1 || first > position) misplaced.push(`${property.name} above ${decider}`);
				}
			});
			expect(misplaced).toEqual([]);
		});

		it('puts the optional collections last', () => {
			const firstCollection = properties.findIndex((property) => property.type === 'collection');
			if (firstCollection === -1) return;
			const after = properties.slice(firstCollection).filter((property) => property.type !== 'collection');
			expect(after.map((property) => property.name)).toEqual([]);
		});

		if (!node.isTrigger) {
			const operations = properties.filter((property) => property.name === 'operation');
			const actions = operations.flatMap((property) => (property.options ?? []) as INodePropertyOptions[]);

			it('writes operation actions in sentence case, with no articles', () => {
				const wrong = actions.filter(({ action }) => !action || !/^[A-Z]/.test(action) || /\b(a|an|the)\b/i.test(action));
				expect(wrong.map(({ action }) => action)).toEqual([]);
			});

			if (version === latestVersion(description)) {
				it('groups more than five operations under a Resource, as n8n nodes do', () => {
					const distinct = new Set(actions.map(({ value }) => value));
					if (distinct.size <= 5) return;
					expect(properties.some((property) => property.name === 'resource')).toBe(true);
					for (const operation of operations) expect(operation.displayOptions?.show?.resource).toHaveLength(1);
				});

				it('names an operation that lists things "Get Many …" (action "Get many …"), as n8n does', () => {
					for (const action of actions.filter(({ value }) => /^list[A-Z]/.test(String(value)))) {
						expect(action.name).toMatch(/^Get Many\b/);
						expect(action.action).toMatch(/^Get many /);
					}
				});

				it('describes Simplify in n8n’s own words', () => {
					for (const property of properties.filter((candidate) => candidate.name === 'simplify')) {
						expect(property.description).toBe('Whether to return a simplified version of the response instead of the raw data');
					}
				});

				it('offers Simplify, on by default only when the node runs as an AI agent tool', () => {
					const simplify = properties.filter((property) => property.name === 'simplify');
					expect(simplify.map((property) => [property.displayOptions?.show?.['@tool'], property.default])).toEqual([
						[[false], false],
						[[true], true],
					]);
				});

				it('resolves Simplify with n8n’s own parameter logic: off in a workflow, on as an AI agent tool (n8n names that variant …Tool)', () => {
					const resolve = (typeName: string) =>
						NodeHelpers.getNodeParameters(description.properties, {}, true, false, { typeVersion: version }, { ...description, name: typeName })
							?.simplify;
					expect(resolve(description.name)).toBe(false);
					expect(resolve(`${description.name}Tool`)).toBe(true);
				});
			}
		}
	});

	it('has a codex file with categories and documentation links, as n8n reads it', () => {
		const codexPath = path.join(__dirname, '../../nodes', node.folder, `${node.className}.node.json`);
		expect(existsSync(codexPath)).toBe(true);
		const codex = JSON.parse(readFileSync(codexPath, 'utf8'));
		expect(codex.node).toBe(`${node.packageName}.${description.name}`);
		expect(codex.categories.length).toBeGreaterThan(0);
		// n8n's node panel shows an "AI" node only in its AI section, and only as a root node: search
		// outside it would not find ours.
		expect(codex.categories).not.toContain('AI');
		expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
		expect(codex.resources.credentialDocumentation[0].url).toMatch(/^https:\/\//);
	});

	it('hints where users commonly go wrong: an n8n URL the provider cannot reach, a body over n8n’s limit', () => {
		const messages = (description.hints ?? []).map((hint) => hint.message).join('\n');
		const reachesN8nByCallback = node.isTrigger || JSON.stringify(description.properties).includes('"callback"');
		if (!reachesN8nByCallback) return;
		// n8n 2.x reads N8N_WEBHOOK_URL (WEBHOOK_URL only as a deprecated fallback); 1.x reads WEBHOOK_URL.
		expect(messages).toMatch(/N8N_WEBHOOK_URL \(n8n 2.x; WEBHOOK_URL in 1.x\)/);
		expect(messages).toMatch(/N8N_PAYLOAD_SIZE_MAX/);
	});
});
