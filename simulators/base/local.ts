/**
 * The contract between `npm start` and a provider's simulator. A simulator module in simulators/ named
 * after the provider's registry id in lower case (`runPod` → simulators/runpod) exports `localSimulator`.
 */
export interface LocalSimulatorCredential {
	/** The n8n credential's name, as the example workflows reference it. */
	name: string;
	/** The n8n credential type, e.g. `runPodApi`. */
	type: string;
	data: Record<string, unknown>;
}

export interface RunningLocalSimulator {
	/** Where the simulator answers (its API base). */
	url: string;
	/** The n8n credential that points at it; its type comes from the provider registry. */
	credential: Omit<LocalSimulatorCredential, 'type'>;
	/**
	 * For a provider whose callback URL is set in its dashboard: where `npm start` POSTs
	 * `{"url": "<the trigger's Production URL>?token=<token>"}`, and the token (the credential's).
	 */
	dashboardWebhook?: { controlUrl: string; token: string };
	close(): Promise<void>;
}

export interface LocalSimulator {
	/** Shown in the start-up summary, e.g. `RunPod simulator`. */
	name: string;
	start(options: {
		port: number;
		log: (line: string) => void;
		env: Record<string, string | undefined>;
	}): Promise<RunningLocalSimulator>;
}
