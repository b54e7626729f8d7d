/**
 * Gepetto in a real n8n (the product e2e.test.mjs starts; see its header on provider checks).
 */
import assert from 'node:assert/strict';

import { getNodeTypes } from '../../../scripts/n8n/rest-client.mjs';
import { NODE_TYPES } from '../e2e-support.mjs';

export function providerChecks({ check }) {
	check('gepetto: 1. node and trigger listed', async ({ product }) => {
		const types = (await getNodeTypes(product.client)).map((type) => type.name);
		assert.ok(types.includes(NODE_TYPES.gepetto), `${NODE_TYPES.gepetto} listed`);
		assert.ok(types.includes(NODE_TYPES.gepettoTrigger), `${NODE_TYPES.gepettoTrigger} listed`);
	});
}
