/**
 * The AI Home Design nodes of examples 5a and 5b (which npm start loads) at the versions they are
 * saved with: 5a's Render (version 2, Resource Process) reaches 5b's trigger through the dashboard URL.
 */

import example5a from '../../examples/5a-aihomedesign-listing-photo-virtual-staging.json';
import example5b from '../../examples/5b-aihomedesign-trigger-save-and-email.json';
import { AiHomeDesign } from '../../nodes/AiHomeDesign/AiHomeDesign.node';
import { AiHomeDesignTrigger } from '../../nodes/AiHomeDesign/AiHomeDesignTrigger.node';
import { dashboardCallbackUrl } from '../../nodes/shared/callback-auth';
import { chain, exampleNode, startNode } from '../harness';
import { WEBHOOK_TOKEN, aiHomeDesignCredentials, useAiHomeDesignWorld } from './aihomedesign-setup';

const world = useAiHomeDesignWorld();


describe('AI Home Design examples at the current node versions', () => {
	it('example 5a (Process → Render, Don’t Wait) files the listing under a new project and reaches the trigger of example 5b', async () => {
		const submitter = exampleNode(example5a, 'aiHomeDesign');
		const receiver = exampleNode(example5b, 'aiHomeDesignTrigger');
		expect([submitter.typeVersion, submitter.parameters.resource, submitter.parameters.operation]).toEqual([new AiHomeDesign().description.defaultVersion, 'process', 'render']);
		expect(receiver.typeVersion).toBe(new AiHomeDesignTrigger().description.defaultVersion);

		const trigger = await world.host.activateTrigger({ nodes: [receiver], connections: {}, credentials: aiHomeDesignCredentials(world.sim), triggerNode: receiver.name });
		try {
			world.sim.setFaults({ webhookUrl: dashboardCallbackUrl(trigger.url(), WEBHOOK_TOKEN) });
			const body = { photoUrl: world.sim.sampleUrl('living.png'), listing: 'listing-12', address: '12 Harbour Street', room: 'bedroom' };
			const submitted = (
				await world.host.runWorkflow({
					nodes: [startNode(), submitter],
					connections: chain('Start', submitter.name),
					credentials: aiHomeDesignCredentials(world.sim),
					inputItems: [{ json: { body } }],
				})
			)
				.assertStatus('success')
				.json(submitter.name)[0];
			const [project] = [...world.sim.projects.values()];
			expect(project.address).toBe('12 Harbour Street');
			expect(submitted).toMatchObject({ status: 'pending', correlationId: 'listing-12', request: { project_id: project.id, widgets: expect.anything() } });

			const [execution] = await trigger.waitForExecutions(1);
			expect(execution.assertStatus('success').json(receiver.name)[0]).toMatchObject({ status: 'completed', jobId: submitted.jobId, outputs: [{ binaryProperty: 'data' }] });
		} finally {
			await trigger.deactivate();
		}
	});
});
