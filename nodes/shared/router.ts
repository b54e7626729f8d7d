import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { attachOptions, renderItems } from './binary';
import type { RenderProvider } from './provider';
import { findOperation } from './provider';
import { runSubmitOperation } from './submit';
import { toNodeError } from './transport';

/**
 * The `execute` of every provider's action node: finds the chosen operation and runs it. Submits
 * go through the submit-and-wait flow for all items at once; every other operation runs item by
 * item here, which owns continueOnFail and pairedItem for all of them.
 */
export async function executeOperation(
	context: IExecuteFunctions,
	provider: RenderProvider,
): Promise<INodeExecutionData[][]> {
	const value = context.getNodeParameter('operation', 0) as string;
	const operation = findOperation(provider, value);
	if (!operation) {
		throw new NodeOperationError(context.getNode(), `The operation "${value}" is not known`, {
			description: `Choose one of: ${provider.operations.map((entry) => entry.name).join(', ')}.`,
		});
	}
	if (operation.kind === 'submit') return [await runSubmitOperation(context, provider, operation)];

	const output: INodeExecutionData[] = [];
	for (const itemIndex of context.getInputData().keys()) {
		const pairedItem = { item: itemIndex };
		try {
			if (operation.kind === 'job') {
				const parsed = await operation.run(context, itemIndex);
				const items = await renderItems(context, parsed, attachOptions(context, itemIndex));
				output.push(...items.map((item) => ({ ...item, pairedItem })));
			} else {
				const answer = await operation.run(context, itemIndex);
				const entries: IDataObject[] = Array.isArray(answer) ? answer : [answer];
				output.push(...entries.map((json) => ({ json, pairedItem })));
			}
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, itemIndex);
			output.push({ json: { error: (error as Error).message }, pairedItem });
		}
	}
	return [output];
}
