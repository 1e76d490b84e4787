import type { PluginContext, PluginDefinition, RequestDescriptor } from '../sdk/types.ts';

/**
 * A request as its plugin signs it at the moment it goes (`PluginDefinition.sign`: OAuth 1.0a,
 * AWS Signature V4, a JWT with a short life) — deliveries, follow-ups, processing reports and
 * person deletions alike; unchanged for a plugin that signs nothing. The events it carries and
 * its memo stay the builder's. Throws what the plugin's `sign` throws.
 *
 * @example
 * const request = signedNow(plugin.sign, built, ctx); // ctx.now: this moment
 */
export function signedNow(sign: PluginDefinition['sign'], request: RequestDescriptor, ctx: PluginContext, now = Date.now()): RequestDescriptor {
  if (!sign) return request;
  return { ...sign(request, { ...ctx, now }), eventIds: request.eventIds, ...(request.memo !== undefined ? { memo: request.memo } : {}) };
}
