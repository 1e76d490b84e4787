import type { PluginDefinition } from '../../core/sdk/types.ts';
import type { PluginSet } from '../../core/signal.ts';

/**
 * A small plugin for core tests that must not depend on a real vendor: a secret, a select,
 * a number, two variants, and a sender that posts batches to `config.endpoint`.
 */
export const fixturePlugin: PluginDefinition = {
  id: 'fixture',
  name: 'Fixture Analytics',
  category: 'analytics',
  description: 'A test vendor.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '>=0.1.0',
  config: {
    type: 'object',
    required: ['api_key', 'region'],
    properties: {
      api_key: { type: 'string', title: 'API Key', description: 'Your project key.', secret: true, minLength: 4 },
      region: { type: 'string', title: 'Region', enum: ['https://us.fixture.test/events', 'https://eu.fixture.test/events'], enumLabels: ['United States (US)', 'European Union (EU)'] },
      min_id_length: { type: 'integer', title: 'Minimum ID length', minimum: 1 },
    },
  },
  variants: {
    default: { description: 'Default mapping', map: (event) => ({ name: event.event ?? event.type, id: event.messageId }) },
    retail: { description: 'Retail mapping', map: (event) => ({ name: event.event ?? event.type, id: event.messageId, retail: true }) },
  },
  vendorFields: { name: { required: true }, id: { required: false } },
  consent: ['analytics'],
  rateLimit: { rps: 100 },
  batch: { maxEvents: 10, maxBytes: 100_000 },
  cookies: ['FTrack'],
  routes: [{ method: 'GET', path: '/ping', handler: (request) => ({ status: 200, body: { pong: true, echo: request.query.echo ?? null } }) }],
  send: (batch, ctx) => {
    const requests = [];
    for (let i = 0; i < batch.length; i += 10) {
      const part = batch.slice(i, i + 10);
      requests.push({ method: 'POST' as const, url: String(ctx.config.region), body: { api_key: String(ctx.config.api_key), events: part.map((e) => e.payload) }, eventIds: part.map((e) => e.id) });
    }
    return requests;
  },
  // Like Amplitude: a 200 may name events it refused, by index in the request.
  classify: (response, request) => {
    const failed = (response.json as { failed_indices?: number[] } | undefined)?.failed_indices;
    if (response.status === 200 && failed) {
      return { perEvent: Object.fromEntries(failed.map((i) => [request.eventIds[i]!, { status: 'dead_letter' as const, reason: `vendor refused event ${i}` }])) };
    }
    return response.status < 300 ? { status: 'delivered' } : response.status >= 500 || response.status === 429 ? { status: 'retry', reason: `HTTP ${response.status}` } : { status: 'dead_letter', reason: `HTTP ${response.status}: ${response.body}` };
  },
};

export function pluginSet(...plugins: PluginDefinition[]): PluginSet {
  const byId = new Map(plugins.map((p) => [p.id, p]));
  return {
    list: () => [...byId.values()],
    get: (id) => byId.get(id),
    cookieNames: () => [...new Set(plugins.flatMap((p) => p.cookies ?? []))],
  };
}
