/**
 * The package's entry: every provider's node and credential classes, through the registry that
 * also drives the package.json check, `npm start` and the end-to-end checks.
 */
export { PROVIDER_REGISTRY, type ProviderPackage } from './nodes/registry';
export type { RenderError, RenderOutput, RenderResult, RenderStatus } from './nodes/shared/result';
