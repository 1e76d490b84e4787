/**
 * The plugin SDK: the only module a vendor plugin imports.
 *
 * @example
 * import { definePlugin, PermanentError } from '../../core/sdk/index.ts';
 */
export * from './types.ts';
export { definePlugin, validatePluginDefinition, PluginDefinitionError, createConfigAjv, type DefinitionProblem } from './define-plugin.ts';
export { RetryableError, PermanentError } from './errors.ts';
export { defaultClassify } from './default-classify.ts';
export { splitBatch } from './split-batch.ts';
export { parseRetryAfter } from '../delivery/retry-policy.ts';
