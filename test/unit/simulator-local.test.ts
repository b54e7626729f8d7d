/**
 * startLocalSimulators, as `npm start` runs it: one simulator per registry entry, found by convention,
 * each with a credential that actually works against it.
 */
import axios from 'axios';
import { PROVIDER_REGISTRY } from '../../nodes/registry';
import { startServer } from '../../simulators/http';
import { startLocalSimulators } from '../../simulators/local';

/** A port that was free a moment ago, and the next few after it. */
async function freePort(): Promise<number> {
	const probe = await startServer(() => undefined);
	await probe.close();
	return probe.port;
}

describe('startLocalSimulators', () => {
	it('starts RunPod on the first port with the local settings and a working credential', async () => {
		const firstPort = await freePort();
		const lines: string[] = [];
		const local = await startLocalSimulators({ firstPort, log: (line) => lines.push(line) });
		try {
			const runPod = local.services.find((service) => service.providerId === 'runPod');
			expect(runPod).toEqual({
				providerId: 'runPod',
				name: 'RunPod simulator',
				url: `http://127.0.0.1:${firstPort}/v2`,
				credential: {
					name: 'RunPod (local simulator)',
					type: 'runPodApi',
					data: {
						apiKey: 'rp_local_demo_key',
						baseUrl: `http://127.0.0.1:${firstPort}/v2`,
						restUrl: `http://127.0.0.1:${firstPort}/v1`,
					},
				},
			});
			const { apiKey, restUrl, baseUrl } = runPod!.credential.data as Record<string, string>;
			const headers = { authorization: `Bearer ${apiKey}` };
			expect((await axios.get(`${restUrl}/endpoints`, { headers })).status).toBe(200);
			expect((await axios.get(`${baseUrl}/sim-endpoint/health`, { headers })).status).toBe(200);
			expect(lines).toContain(`RunPod simulator http://127.0.0.1:${firstPort}/v2`);
			// Every registered provider either runs or is named as missing its simulator.
			for (const provider of PROVIDER_REGISTRY) {
				const running = local.services.some((service) => service.providerId === provider.id);
				const reported = lines.some((line) => line.startsWith(`no simulator for ${provider.displayName}`));
				expect(running || reported).toBe(true);
			}
		} finally {
			await local.close();
		}
		await expect(axios.get(`http://127.0.0.1:${firstPort}/v1/endpoints`)).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/);
	});

	it('takes the key from the environment, as scripts/local-services.ts did', async () => {
		const local = await startLocalSimulators({ firstPort: await freePort(), env: { RENDER_HOOKS_RUNPOD_KEY: 'rp_other' } });
		try {
			const [runPod] = local.services;
			expect(runPod.credential.data.apiKey).toBe('rp_other');
			const refused = await axios.get(`${runPod.credential.data.restUrl}/endpoints`, {
				headers: { authorization: 'Bearer rp_local_demo_key' },
				validateStatus: () => true,
			});
			expect(refused.status).toBe(401);
		} finally {
			await local.close();
		}
	});
});
