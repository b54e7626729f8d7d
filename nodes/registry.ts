import type { ICredentialType, INodeType } from 'n8n-workflow';

import { DeepImageApi } from '../credentials/DeepImageApi.credentials';
import { AiHomeDesignApi } from '../credentials/AiHomeDesignApi.credentials';
import { GepettoApi } from '../credentials/GepettoApi.credentials';
import { RunPodApi } from '../credentials/RunPodApi.credentials';
import { DeepImage } from './DeepImage/DeepImage.node';
import { DeepImageTrigger } from './DeepImage/DeepImageTrigger.node';
import { AiHomeDesign } from './AiHomeDesign/AiHomeDesign.node';
import { AiHomeDesignTrigger } from './AiHomeDesign/AiHomeDesignTrigger.node';
import { Gepetto } from './Gepetto/Gepetto.node';
import { GepettoTrigger } from './Gepetto/GepettoTrigger.node';
import { RunPod } from './RunPod/RunPod.node';
import { RunPodTrigger } from './RunPod/RunPodTrigger.node';

/** One provider as the package ships it: its action and trigger node classes and its credential. */
export interface ProviderPackage {
	/** The provider's id in RenderResults, and the name of its simulator module in simulators/. */
	id: string;
	displayName: string;
	/**
	 * The npm package that ships this provider, built into packages/<packageName>/ by `npm run
	 * build`. n8n names its node types `<packageName>.<node name>`.
	 */
	packageName: string;
	credential: new () => ICredentialType;
	nodes: Array<new () => INodeType>;
}

/**
 * Every provider. index.ts, the packages check, `npm start`, the smoke check and the browser test
 * all read this list: adding a provider adds one line here and its packages/<packageName>/ folder.
 */
export const PROVIDER_REGISTRY: readonly ProviderPackage[] = [
	{ id: 'runPod', displayName: 'RunPod', packageName: '@render-hooks/n8n-nodes-runpod', credential: RunPodApi, nodes: [RunPod, RunPodTrigger] },
	{ id: 'gepetto', displayName: 'Gepetto', packageName: '@render-hooks/n8n-nodes-gepetto', credential: GepettoApi, nodes: [Gepetto, GepettoTrigger] },
	{ id: 'aiHomeDesign', displayName: 'AI Home Design', packageName: '@render-hooks/n8n-nodes-ai-home-design', credential: AiHomeDesignApi, nodes: [AiHomeDesign, AiHomeDesignTrigger] },
	{ id: 'deepImage', displayName: 'Deep Image', packageName: '@render-hooks/n8n-nodes-deep-image', credential: DeepImageApi, nodes: [DeepImage, DeepImageTrigger] },
];
