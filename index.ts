export { RunPodApi } from './credentials/RunPodApi.credentials';
export { RunPod } from './nodes/RunPod/RunPod.node';
export { RunPodTrigger } from './nodes/RunPod/RunPodTrigger.node';
export type { RenderError, RenderOutput, RenderResult, RenderStatus } from './nodes/shared/result';
