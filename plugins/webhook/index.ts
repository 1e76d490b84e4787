import { createHmac } from 'node:crypto';
import { definePlugin, splitBatch, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { literalHostProblem } from '../../core/delivery/egress-guard.ts';

/**
 * The signature a receiver checks: hex HMAC-SHA256, keyed with the shared secret, of
 * `<timestamp>.<raw body>` — the timestamp (Unix seconds, also sent as X-Signal-Timestamp)
 * is signed so an old request cannot be replayed with a fresh timestamp.
 */
export function signBody(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function targets(config: PluginContext['config']): string[] {
  const list = config.allow_private_targets;
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
}

function request(events: MappedEvent[], body: JsonValue, ctx: PluginContext): RequestDescriptor {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Signal-Webhook/1.0' };
  const custom = ctx.config.headers;
  if (custom && typeof custom === 'object' && !Array.isArray(custom)) {
    for (const [name, value] of Object.entries(custom)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  const secret = ctx.config.signing_secret;
  if (typeof secret === 'string' && secret !== '') {
    const timestamp = Math.floor(ctx.now / 1000);
    headers['x-signal-timestamp'] = String(timestamp);
    headers['x-signal-signature'] = `sha256=${signBody(secret, timestamp, raw)}`;
  }
  const descriptor: RequestDescriptor = {
    method: ctx.config.method === 'PUT' ? 'PUT' : 'POST',
    url: String(ctx.config.url),
    headers,
    body: raw,
    eventIds: events.map((e) => e.id),
  };
  const allow = targets(ctx.config);
  if (allow.length > 0) descriptor.allowPrivateTargets = allow;
  return descriptor;
}

export default definePlugin({
  id: 'webhook',
  name: 'Custom Webhook',
  category: 'other',
  description: 'POST (or PUT) events as JSON to any HTTP endpoint, one at a time or in batches, optionally signed with HMAC-SHA256.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', title: 'Endpoint URL', description: 'Where events are sent (http or https).', format: 'uri', pattern: '^https?://' },
      method: { type: 'string', title: 'HTTP method', enum: ['POST', 'PUT'], enumLabels: ['POST', 'PUT'], default: 'POST' },
      headers: { type: 'object', title: 'Custom headers', description: 'Sent with every request, e.g. {"Authorization": "Bearer …"}.', additionalProperties: { type: 'string' } },
      mode: { type: 'string', title: 'Delivery mode', description: 'batch: {"batch": [events…]} per request; single: one event per request.', enum: ['batch', 'single'], enumLabels: ['Batched', 'One request per event'], default: 'batch' },
      batch_size: { type: 'integer', title: 'Batch size', description: 'Most events per request in batch mode.', minimum: 1, maximum: 1000, default: 100 },
      signing_secret: { type: 'string', title: 'Signing secret', description: 'When set, requests carry X-Signal-Timestamp and X-Signal-Signature (HMAC-SHA256).', secret: true, minLength: 16 },
      allow_private_targets: { type: 'array', title: 'Allowed private targets', description: 'Hosts, IPs or CIDR ranges that may be reached although loopback, private or link-local.', items: { type: 'string' } },
    },
  },
  variants: {
    default: { description: 'The canonical event as JSON, unchanged.', map: (event) => event as unknown as Record<string, JsonValue> },
  },
  vendorFields: {},
  consent: [],
  rateLimit: { rps: 50 },
  batch: { maxEvents: 1000, maxBytes: 5_000_000 },
  validateConfig(config) {
    const problems: Array<{ field: string; message: string }> = [];
    let url: URL | undefined;
    try {
      url = new URL(String(config.url));
    } catch {
      problems.push({ field: 'url', message: 'must be an absolute http or https URL' });
    }
    if (url) {
      const problem = literalHostProblem(url.hostname, targets(config));
      if (problem) problems.push({ field: 'url', message: `${problem}; add it to allow_private_targets to allow it` });
    }
    return problems;
  },
  send(batch, ctx) {
    if (ctx.config.mode === 'single') return batch.map((event) => request([event], event.payload, ctx));
    const size = typeof ctx.config.batch_size === 'number' ? ctx.config.batch_size : 100;
    return splitBatch(batch, { maxEvents: Math.min(size, 1000), maxBytes: 5_000_000, overheadBytes: 16 })
      .map((part) => request(part, { batch: part.map((e) => e.payload) }, ctx));
  },
});
