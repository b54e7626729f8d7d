/**
 * The simulated account: projects, orders with their uploaded assets, and processes on the base's job
 * clock (pending → processing → done | failed). A finished process is posted to the dashboard webhook
 * URL, if one is set, as the seed shows it, and retried until a 2xx.
 */
import { randomBytes } from 'crypto';
import { JobClock, newClockedJob, type CallbackSender, type ClockedJob, type FinalState, type Timers } from '../base';
import type { AiHomeDesignSimulatorConfig, OrderView, ProcessOutcome, ProcessView, ProjectView, StoredAsset } from './config';

/** Ids look like MongoDB object ids, as in the docs: 24 hex digits. */
export function objectId(): string {
	return (Math.floor(Date.now() / 1000).toString(16) + randomBytes(8).toString('hex')).slice(0, 24);
}

export interface ProcessFinal extends FinalState {
	status: ProcessOutcome;
}

export interface SimProcess extends ClockedJob<ProcessFinal> {
	orderId: string;
	projectId?: string;
	tool: string;
	assetMap: Record<string, string>;
	widgets: Array<{ slug: string; item_slugs: string[] }>;
	processGroupId?: string;
	plannedOutcome: ProcessOutcome;
	resultIds: string[];
}

export class AccountState {
	readonly projects = new Map<string, ProjectView & { inputCount: number }>();
	readonly orders = new Map<string, OrderView>();
	private readonly clock: JobClock<SimProcess, ProcessFinal>;

	constructor(
		private readonly config: AiHomeDesignSimulatorConfig,
		timers: Timers,
		private readonly sender: CallbackSender,
		private readonly fileUrl: (name: string) => string,
	) {
		this.clock = new JobClock<SimProcess, ProcessFinal>({
			timers,
			queueMs: () => config.queueMs,
			stalled: () => config.stall,
			settle: (job, at) => ({ at, status: job.plannedOutcome }),
			onFinal: (job) => this.sendWebhook(job),
		});
	}

	createProject(address: string): ProjectView & { inputCount: number } {
		const project = { id: objectId(), address, createdAt: new Date().toISOString(), inputCount: 0 };
		this.projects.set(project.id, project);
		return project;
	}

	createOrder(projectId: string | undefined, assets: StoredAsset[], roleField: string): OrderView {
		const order: OrderView = { id: objectId(), projectId, assets, roleField };
		this.orders.set(order.id, order);
		if (projectId) {
			const project = this.projects.get(projectId);
			if (project) project.inputCount += assets.length;
		}
		return order;
	}

	startProcess(order: OrderView, tool: string, assetMap: Record<string, string>, widgets: SimProcess['widgets'], processGroupId?: string): SimProcess {
		const now = Date.now();
		const job: SimProcess = {
			...newClockedJob(objectId(), now),
			orderId: order.id,
			projectId: order.projectId,
			tool,
			assetMap,
			widgets,
			processGroupId,
			plannedOutcome: this.config.outcome,
			resultIds: Array.from({ length: Math.max(1, this.config.resultsPerProcess) }, () => objectId()),
		};
		return this.clock.add(job, now, this.config.runMs);
	}

	process(id: string): SimProcess | undefined {
		return this.clock.get(id, Date.now());
	}

	status(job: SimProcess): ProcessView['status'] {
		if (job.final) return job.final.status;
		return this.clock.phase(job, Date.now()) === 'queued' ? 'pending' : 'processing';
	}

	/** The results of a finished process; `temp` names the fields as the webhook does. */
	finalAssets(job: SimProcess, temp: boolean): Array<Record<string, string>> {
		if (job.final?.status !== 'done') return [];
		return job.resultIds.map((id) => ({
			asset_id: id,
			asset_type: 'image',
			[temp ? 'temp_src' : 'src']: this.fileUrl(`${id}.png`),
			[temp ? 'temp_thumbnail_src' : 'thumbnail_src']: this.fileUrl(`${id}_thumb.png`),
		}));
	}

	/** `GET /process/{id}`: the process as the polling fallback shows it. */
	processBody(job: SimProcess): Record<string, unknown> {
		return {
			_id: job.id,
			order_id: job.orderId,
			...(job.projectId ? { project_id: job.projectId } : {}),
			tool: job.tool,
			status: this.status(job),
			...(job.processGroupId ? { process_group_id: job.processGroupId } : {}),
			final_assets: this.finalAssets(job, false),
			created_at: new Date(job.createdAt).toISOString(),
		};
	}

	/** Whether a result file exists (its process is done). */
	hasResult(assetId: string): boolean {
		return this.clock.all(Date.now()).some((job) => job.final?.status === 'done' && job.resultIds.includes(assetId));
	}

	views(): Map<string, ProcessView> {
		return new Map(
			this.clock.all(Date.now()).map((job) => [
				job.id,
				{ id: job.id, orderId: job.orderId, tool: job.tool, assetMap: job.assetMap, widgets: job.widgets, processGroupId: job.processGroupId, status: this.status(job) },
			]),
		);
	}

	advanceAll(): void {
		this.clock.advanceAll(Date.now());
	}

	clear(): void {
		this.clock.clear();
		this.projects.clear();
		this.orders.clear();
	}

	describe(): string[] {
		return [
			`  webhook URL: ${this.config.webhookUrl || 'none set'}`,
			...this.clock.stored().map((job) => `  process ${job.id} ${job.tool} ${job.final?.status ?? 'unfinished'}`),
		];
	}

	private sendWebhook(job: SimProcess): void {
		const url = this.config.webhookUrl;
		if (!url || this.config.dropWebhooks || !job.final) return;
		if (this.config.legacyEvents) {
			const userId = 'user-sim';
			this.sender.send(`${job.id}:v1`, url, {
				order_id: job.orderId,
				image: { id: objectId(), src: this.fileUrl(`${job.resultIds[0]}.png`) },
				service_name: 'virtual-staging',
				user_id: userId,
			});
			this.sender.send(`${job.id}:upscale`, url, { generated_image_id: objectId(), upscaled_image_src: this.fileUrl(`${job.resultIds[0]}.png`), user_id: userId });
		}
		this.sender.send(job.id, url, {
			event: 'process.completed',
			process_id: job.id,
			order_id: job.orderId,
			tool: job.tool,
			status: job.final.status,
			final_assets: this.finalAssets(job, true),
		});
	}
}
