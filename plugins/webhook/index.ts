import { definePlugin, splitBatch, type ConfigProblem, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { signatureHeaders } from './signature.ts';
import { allowListEntryProblem, assertTargetAllowed, targetProblem } from './target-guard.ts';

export { signBody, signatureHeaders, verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature.ts';
export { assertTargetAllowed, targetProblem, TargetRefusedError } from './target-guard.ts';

/** Most events per request and most bytes per body, whatever `batch_size` says. */
const MAX_EVENTS = 1000;
const MAX_BYTES = 5_000_000;
const DEFAULT_BATCH_SIZE = 100;
/** `{"batch":[` and `]}` around the events. */
const ENVELOPE_BYTES = Buffer.byteLength('{"batch":[]}');

/** Headers Signal sets itself: a custom header may not replace them. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'x-signal-signature', 'x-signal-timestamp']);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;

function allowList(config: PluginContext['config']): string[] {
  const list = config.allow_private_targets;
  return Array.isArray(list) ? list.filter((entry): entry is string => allowListEntryProblem(entry) === null) : [];
}

/** The config fields holding custom headers: plain ones, then credentials (a secret field). */
const HEADER_FIELDS = ['headers', 'secret_headers'] as const;

/** `headers`, then `secret_headers` (validation refuses a name in both; a stale revision's secret one wins). */
function customHeaders(config: PluginContext['config']): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const field of HEADER_FIELDS) {
    const custom = config[field];
    if (custom === null || custom === undefined || typeof custom !== 'object' || Array.isArray(custom)) continue;
    for (const [name, value] of Object.entries(custom)) {
      const key = name.toLowerCase();
      if (typeof value === 'string' && HEADER_NAME.test(name) && HEADER_VALUE.test(value) && !RESERVED_HEADERS.has(key)) headers[key] = value;
    }
  }
  return headers;
}

function batchSize(config: PluginContext['config']): number {
  const size = config.batch_size;
  return typeof size === 'number' && Number.isInteger(size) && size > 0 ? Math.min(size, MAX_EVENTS) : DEFAULT_BATCH_SIZE;
}

/** One request: the body serialised once, signed over exactly those bytes. */
function request(url: string, events: MappedEvent[], body: JsonValue, ctx: PluginContext, allow: string[]): RequestDescriptor {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Signal-Webhook/1.0', ...customHeaders(ctx.config) };
  const secret = ctx.config.signing_secret;
  if (typeof secret === 'string' && secret !== '') Object.assign(headers, signatureHeaders(secret, ctx.now, raw));
  return {
    method: ctx.config.method === 'PUT' ? 'PUT' : 'POST',
    url,
    headers,
    body: raw,
    eventIds: events.map((e) => e.id),
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  };
}

/**
 * Checks beyond the JSON Schema: the URL (absolute http/https, no credentials, not a
 * loopback, private, link-local or metadata host unless allow-listed), the custom headers and
 * the allow list. Problems name the config field.
 */
function validateConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const targets = config.allow_private_targets;
  const allowProblems: ConfigProblem[] = [];
  if (targets !== undefined && !Array.isArray(targets)) allowProblems.push({ field: 'allow_private_targets', message: 'must be an array of hostnames, IP addresses or CIDR ranges' });
  else (targets ?? []).forEach((entry, i) => {
    const problem = allowListEntryProblem(entry);
    if (problem) allowProblems.push({ field: `allow_private_targets[${i}]`, message: problem });
  });

  let url: URL | undefined;
  try {
    url = new URL(String(config.url ?? ''));
  } catch {
    problems.push({ field: 'url', message: 'must be an absolute http or https URL' });
  }
  if (url) {
    if (url.username !== '' || url.password !== '') problems.push({ field: 'url', message: 'must not carry credentials: send them in secret_headers (e.g. Authorization)' });
    const problem = targetProblem(url, allowList(config));
    if (problem) problems.push({ field: 'url', message: problem.startsWith('"') ? `${problem}; add it to allow_private_targets to allow it` : problem });
  }

  // Header names (lower case) already set by `headers`: a credential header may not repeat one,
  // or which value is sent would depend on the order of the fields.
  const plain = new Set<string>();
  for (const field of HEADER_FIELDS) {
    const headers = config[field];
    if (headers !== undefined && (headers === null || typeof headers !== 'object' || Array.isArray(headers))) {
      problems.push({ field, message: 'must be an object of header names to values' });
      continue;
    }
    // Problems name the header, never its value: a secret header's value must not reach a 400.
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (!HEADER_NAME.test(name)) problems.push({ field: `${field}.${name}`, message: 'is not a valid header name' });
      else if (RESERVED_HEADERS.has(name.toLowerCase())) problems.push({ field: `${field}.${name}`, message: 'is set by Signal and cannot be overridden' });
      else if (typeof value !== 'string' || !HEADER_VALUE.test(value)) problems.push({ field: `${field}.${name}`, message: 'must be a string without line breaks' });
      else if (field === 'secret_headers' && plain.has(name.toLowerCase())) problems.push({ field: `${field}.${name}`, message: 'is also set in headers: keep it in secret_headers only' });
      if (field === 'headers') plain.add(name.toLowerCase());
    }
  }
  return [...problems, ...allowProblems];
}

/**
 * Custom Webhook: events as JSON to any HTTP endpoint, batched (`{"batch": [...]}`) or one
 * per request, optionally signed (`X-Signal-Signature`, `X-Signal-Timestamp`), with an SSRF
 * guard on the target. See README.md.
 *
 * @example
 * // config: { url: 'https://erp.example.com/signal', mode: 'batch', batch_size: 100, secret_headers: { Authorization: 'Bearer …' }, signing_secret: '…' }
 * webhook.send(mapped, ctx); // [{ method: 'POST', url, headers, body: '{"batch":[…]}', eventIds }]
 */
export default definePlugin({
  id: 'webhook',
  name: 'Custom Webhook',
  category: 'other',
  description: 'POST (or PUT) events as JSON to any HTTP endpoint, one at a time or in batches, optionally signed with HMAC-SHA256.',
  logo: 'logo.svg',
  version: '1.1.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', title: 'Endpoint URL', description: 'Where events are sent (http or https). Private and loopback addresses must be allow-listed below.', format: 'uri', pattern: '^https?://', maxLength: 2048, examples: ['https://hooks.example.com/signal'] },
      method: { type: 'string', title: 'HTTP method', enum: ['POST', 'PUT'], enumLabels: ['POST', 'PUT'], default: 'POST' },
      headers: { type: 'object', title: 'Custom headers', description: 'Sent with every request, stored and shown in clear: no credentials here (use Secret headers), e.g. {"X-Team": "growth"}.', additionalProperties: { type: 'string', maxLength: 8192 }, examples: [{ 'X-Team': 'growth' }] },
      secret_headers: { type: 'object', title: 'Secret headers', description: 'Credential headers sent with every request, e.g. {"Authorization": "Bearer …"}: encrypted at rest, never returned (shown as ********), and their values are redacted from the delivery log and dead letters.', secret: true, additionalProperties: { type: 'string', maxLength: 8192 } },
      mode: { type: 'string', title: 'Delivery mode', description: 'batch: {"batch": [events…]} per request; single: one event per request.', enum: ['batch', 'single'], enumLabels: ['Batched', 'One request per event'], default: 'batch' },
      batch_size: { type: 'integer', title: 'Batch size', description: 'Most events per request in batch mode (bodies stay under 5 MB).', minimum: 1, maximum: MAX_EVENTS, default: DEFAULT_BATCH_SIZE },
      signing_secret: { type: 'string', title: 'Signing secret', description: 'When set, requests carry X-Signal-Timestamp and X-Signal-Signature (HMAC-SHA256 of "<timestamp>.<body>").', secret: true, minLength: 16, maxLength: 512 },
      allow_private_targets: { type: 'array', title: 'Allowed private targets', description: 'Hostnames, IPs or CIDR ranges that may be reached although loopback, private or link-local.', items: { type: 'string', maxLength: 253 }, maxItems: 64 },
    },
  },
  variants: {
    default: {
      description: 'The canonical event as JSON, unchanged.',
      // The canonical event is JSON already; its TypeScript type is just wider than JsonObject.
      map: (event) => event as unknown as JsonObject,
    },
  },
  vendorFields: {},
  consent: [],
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  validateConfig,
  send(batch, ctx) {
    const allow = allowList(ctx.config);
    // Config validation refused such targets already; this keeps a stale revision from reaching
    // them (the core dead-letters the events with the reason, and checks resolved addresses).
    const url = String(ctx.config.url);
    assertTargetAllowed(url, allow);
    if (ctx.config.mode === 'single') return batch.map((event) => request(url, [event], event.payload, ctx, allow));
    return splitBatch(batch, { maxEvents: batchSize(ctx.config), maxBytes: MAX_BYTES, overheadBytes: ENVELOPE_BYTES })
      .map((part) => request(url, part, { batch: part.map((e) => e.payload) }, ctx, allow));
  },
  // Your endpoint's answer: any 2xx (README, Setup); a bare 200 with no body is the commonest.
  successAnswer: { status: 200, body: '' },
});
