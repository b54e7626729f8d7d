/**
 * The development tree's entry (not a published package: each provider ships from packages/):
 * every provider's node and credential classes and package name, through the registry that also
 * drives the packages check, `npm start` and the end-to-end checks.
 */
export { PROVIDER_REGISTRY, type ProviderPackage } from './nodes/registry';
export type { RenderError, RenderOutput, RenderResult, RenderStatus } from './nodes/shared/result';
