import { resultOperationLabel } from '../../nodes/shared/provider';
import { aiHomeDesignProvider } from '../../nodes/AiHomeDesign/provider';
import { deepImageProvider } from '../../nodes/DeepImage/provider';
import { gepettoProvider } from '../../nodes/Gepetto/provider';
import { runPodProvider } from '../../nodes/RunPod/provider';

/**
 * Messages that tell the user to fetch a job later (a wait's timeout, Don't Wait) name the
 * provider's own operation as the editor shows it, not another provider's.
 */
describe('the operation that reads a job, as messages name it', () => {
	it.each([
		['RunPod', runPodProvider, 'Job → Get Status'],
		['Gepetto', gepettoProvider, 'Job → Get'],
		['Deep Image', deepImageProvider, 'Get Result'],
		['AI Home Design', aiHomeDesignProvider, 'Process → Get'],
	] as const)('%s', (_name, provider, label) => {
		expect(resultOperationLabel(provider)).toBe(label);
	});

	it('every provider marks exactly one job operation as the one that reads a job', () => {
		for (const provider of [runPodProvider, gepettoProvider, deepImageProvider, aiHomeDesignProvider]) {
			expect(provider.operations.filter((operation) => operation.kind === 'job' && operation.readsResult)).toHaveLength(1);
		}
	});
});
