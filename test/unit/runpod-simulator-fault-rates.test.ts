import axios from 'axios';
import { startRunPodSimulator, type RunPodSimulator } from '../../simulators/runpod';

/** The probability faults (faultRates) the at-scale suites and the bench arm on the RunPod simulator. */
describe('RunPod simulator: fault rates', () => {
	let sim: RunPodSimulator;
	afterEach(async () => await sim?.close());

	const api = () =>
		axios.create({ baseURL: sim.endpointUrl(), headers: { authorization: `Bearer ${sim.apiKey}` }, validateStatus: () => true });

	it('hits only the routes named, with the faults and share asked for, and replays with the same seed', async () => {
		sim = await startRunPodSimulator({ faultRates: { rateLimit: 0.3, serverError: 0.1 }, faultRateRoutes: ['status'] });
		const { data: job } = await api().post('/run', { input: { prompt: 'x' } });
		const runs = await Promise.all(Array.from({ length: 20 }, async () => (await api().post('/run', { input: { prompt: 'y' } })).status));
		expect(runs.every((status) => status === 200)).toBe(true);

		const statuses = async () => {
			const answers: number[] = [];
			for (let index = 0; index < 400; index++) answers.push((await api().get(`/status/${job.id}`)).status);
			return answers;
		};
		const first = await statuses();
		const share = (status: number) => first.filter((answer) => answer === status).length / first.length;
		// 500 is drawn first (10%), 429 from the rest (30% of 90%).
		expect(share(500)).toBeGreaterThan(0.05);
		expect(share(500)).toBeLessThan(0.16);
		expect(share(429)).toBeGreaterThan(0.2);
		expect(share(429)).toBeLessThan(0.35);
		expect(new Set(first)).toEqual(new Set([200, 429, 500]));

		sim.setFaults({ faultSeed: 1 });
		expect(await statuses()).toEqual(first);

		sim.setFaults({ faultRates: {} });
		expect(new Set(await statuses())).toEqual(new Set([200]));
	});

	it('keeps counted faults armed when the rates change', async () => {
		sim = await startRunPodSimulator({ failNext: 2 });
		sim.setFaults({ faultRates: { rateLimit: 0 } });
		expect(sim.config.failNext).toBe(2);
		const answers = [];
		for (let index = 0; index < 3; index++) answers.push((await api().post('/run', { input: { prompt: 'x' } })).status);
		expect(answers).toEqual([500, 500, 200]);
	});
});
