import { definePlugin, defaultClassify, excerpt, PermanentError, splitBatch, type Classification, type EventOutcome, type JsonObject, type JsonValue, type RequestDescriptor } from '../../core/sdk/index.ts';

export const US_ENDPOINT = 'https://api2.amplitude.com/2/httpapi';
export const EU_ENDPOINT = 'https://api.eu.amplitude.com/2/httpapi';
/** Amplitude's User Privacy API (v1), per data region: where person deletions are forwarded. */
export const US_DELETIONS = 'https://amplitude.com/api/2/deletions/users';
export const EU_DELETIONS = 'https://analytics.eu.amplitude.com/api/2/deletions/users';
const DEFAULT_MIN_ID_LENGTH = 5;
/** Amplitude's limit: 1 MB per request (and 2,000 events, above the 1,000 sent here). */
const MAX_BYTES = 1_000_000;
/**
 * Events per request. With the default of one request a second this keeps within the
 * free plan's 1,000 events per second (the spec: default limits stay within the documented
 * quotas); a larger plan raises `rate_limit_rps`.
 */
const MAX_EVENTS = 1000;

function minIdLength(config: Record<string, JsonValue>): number {
  return typeof config.min_id_length === 'number' ? config.min_id_length : DEFAULT_MIN_ID_LENGTH;
}

/**
 * Why Amplitude would refuse the event's ids, or undefined: it needs a user_id or a
 * device_id, and refuses either when shorter than min_id_length.
 *
 * @example
 * idProblem({ user_id: 'u1', device_id: 'df_abc123' }, 5); // 'Amplitude refuses this event: user_id is 2 characters, …'
 */
export function idProblem(payload: JsonObject, min: number): string | undefined {
  const present = (['user_id', 'device_id'] as const).filter((field) => payload[field] !== undefined && payload[field] !== null && payload[field] !== '');
  if (present.length === 0) return 'Amplitude needs a user_id or a device_id and this event has neither: send a userId, or an anonymousId (the visitor cookie)';
  const short = present.map((field) => ({ field, length: String(payload[field]).length })).filter((id) => id.length < min);
  if (short.length === 0) return undefined;
  const which = short.map((id) => `${id.field} is ${id.length} character${id.length === 1 ? '' : 's'}`).join(' and ');
  const fit = Math.min(...short.map((id) => id.length));
  return `Amplitude refuses this event: ${which}, shorter than min_id_length (${min}). Set config.min_id_length to ${fit} or lower (create a revision with it, assign it, then replay the dead letters), or send longer ids`;
}

interface AmplitudeError {
  code?: number;
  error?: string;
  missing_field?: string;
  events_with_invalid_fields?: Record<string, number[]>;
  events_with_missing_fields?: Record<string, number[]>;
  events_with_invalid_id_lengths?: Record<string, number[]>;
  silenced_events?: number[];
  throttled_events?: number[];
}

/** Per-event reasons from a 400 body: index → what Amplitude said about it. */
function refusedIndices(body: AmplitudeError): Map<number, string[]> {
  const refused = new Map<number, string[]>();
  const add = (index: number, reason: string) => refused.set(index, [...(refused.get(index) ?? []), reason]);
  for (const [field, indices] of Object.entries(body.events_with_invalid_fields ?? {})) for (const i of indices) add(i, `invalid ${field}`);
  for (const [field, indices] of Object.entries(body.events_with_missing_fields ?? {})) for (const i of indices) add(i, `missing ${field}`);
  for (const [field, indices] of Object.entries(body.events_with_invalid_id_lengths ?? {})) for (const i of indices) add(i, `${field} shorter than min_id_length`);
  for (const i of body.silenced_events ?? []) add(i, 'silenced (the device or user is silenced in Amplitude)');
  return refused;
}

/**
 * Amplitude's answers as its HTTP V2 API documents them: 200 `{ code, events_ingested, … }`
 * delivered — a 2xx that is not that JSON (a proxy's or captive portal's page) is no ingestion,
 * so the batch is sent again (insert_id dedups); a 400 naming events
 * dead-letters exactly those and sends the rest again at once; a 400 about the key or a
 * missing field dead-letters the batch saying what to fix; 413 splits the batch; 429 retries
 * after at least 30 s; 5xx retries (insert_id dedups).
 */
export function classifyAmplitude(response: { status: number; body: string; json?: unknown; headers: Record<string, string> }, request: RequestDescriptor): Classification {
  const body = (response.json ?? {}) as AmplitudeError;
  if (response.status === 400) {
    if (/invalid api key/i.test(body.error ?? '') || /invalid api key/i.test(response.body)) {
      return { status: 'dead_letter', reason: 'Amplitude: Invalid API key. Check config.api_key (Settings > Projects > API Key) and that config.api_endpoint is your data region (US or EU).' };
    }
    const refused = refusedIndices(body);
    if (refused.size > 0) {
      const perEvent: Record<string, EventOutcome> = {};
      request.eventIds.forEach((id, index) => {
        const reasons = refused.get(index);
        perEvent[id] = reasons
          ? { status: 'dead_letter', reason: `Amplitude refused the event: ${reasons.join(', ')}` }
          : { status: 'resend', reason: 'sent again without the events Amplitude refused in the same batch' };
      });
      return { perEvent };
    }
    if (body.missing_field) {
      return { status: 'dead_letter', reason: `Amplitude: request is missing "${body.missing_field}"${body.missing_field === 'api_key' ? ': set config.api_key' : ''} (${body.error ?? 'HTTP 400'})` };
    }
    return { status: 'dead_letter', reason: `Amplitude HTTP 400: ${response.body.slice(0, 300)}` };
  }
  if (response.status >= 200 && response.status < 300) {
    // Amplitude answers every batch it takes with its JSON (`code`, `events_ingested`): another body is someone else's.
    const json = response.json;
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) return { status: 'delivered' };
    return { status: 'retry', reason: `HTTP ${response.status} without Amplitude's JSON answer (events_ingested)${response.body.trim() ? `: ${excerpt(response.body)}` : ''} — not Amplitude's answer (a proxy?), so not counted as ingested` };
  }
  if (response.status === 413) return { status: 'split', reason: 'Amplitude: payload too large' };
  if (response.status === 429) {
    const retryAfter = Number(response.headers['retry-after']);
    return { status: 'retry', reason: `Amplitude throttled the request (HTTP 429)${body.error ? `: ${body.error}` : ''}`, retryAfterMs: Math.max(30_000, Number.isFinite(retryAfter) ? retryAfter * 1000 : 0) };
  }
  return defaultClassify(response);
}

export default definePlugin({
  id: 'amplitude',
  name: 'Amplitude',
  category: 'analytics',
  description: 'Server-side event tracking to Amplitude via the HTTP V2 API for product analytics, user behavior, and conversion analysis.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['api_key', 'api_endpoint'],
    properties: {
      api_key: { type: 'string', title: 'API Key', description: 'Your Amplitude project API key. Found in Settings > Projects > select your project.', secret: true, minLength: 8 },
      api_endpoint: {
        type: 'string',
        title: 'Data Region',
        description: 'Data region for your Amplitude project. Choose United States (US) or European Union (EU).',
        enum: [US_ENDPOINT, EU_ENDPOINT],
        enumLabels: ['United States (US)', 'European Union (EU)'],
        default: US_ENDPOINT,
      },
      secret_key: {
        type: 'string',
        title: 'Secret Key (deletions only)',
        description: 'Only to forward person deletions (deletePerson) to Amplitude\'s User Privacy API; sending events never needs it. Found beside the API Key in Settings > Projects.',
        secret: true,
        minLength: 8,
      },
      min_id_length: {
        type: 'integer',
        title: 'Minimum ID Length',
        description: 'Minimum allowed length for user_id and device_id fields. Amplitude defaults to 5. Set lower if your identifiers are shorter than 5 characters.',
        default: DEFAULT_MIN_ID_LENGTH,
        minimum: 1,
        maximum: 100,
      },
    },
  },
  variants: {
    default: { description: 'Standard Amplitude server-side event delivery with user and event property mapping.', blueprint: 'amplitude/default.yaml' },
    retail: { description: 'Ecommerce-optimized configuration with revenue tracking, product properties, and purchase funnel events pre-mapped.', blueprint: 'amplitude/retail.yaml' },
    media: { description: 'Media-focused configuration with content engagement events, session replay grouping, and playback tracking properties.', blueprint: 'amplitude/media.yaml' },
  },
  vendorFields: {
    event_type: { required: true, description: 'The event name.' },
    user_id: { required: false, description: 'Your id of the user (a user_id or a device_id is required).' },
    device_id: { required: false, description: 'The device (anonymous visitor) id.' },
    time: { required: false, description: 'Event time in ms since epoch.' },
    insert_id: { required: false, description: 'Dedup key: retries are not double counted.' },
    event_properties: { required: false },
    user_properties: { required: false },
    ip: { required: false },
    platform: { required: false },
    library: { required: false },
    revenue: { required: false },
    revenueType: { required: false },
    currency: { required: false },
    productId: { required: false },
    price: { required: false },
    quantity: { required: false },
    session_id: { required: false },
  },
  consent: ['analytics'],
  // One request of up to 1,000 events a second: at most 1,000 events/s, Amplitude's quota.
  rateLimit: { rps: 1, burst: 1 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // Amplitude refuses an id shorter than min_id_length: dead-letter the event here, saying
  // which id and how to fix it, rather than drop the id (the identity link would be lost
  // silently) or send it for a 400 round trip.
  map(payload, _event, ctx) {
    const problem = idProblem(payload, minIdLength(ctx.config));
    if (problem) throw new PermanentError(problem);
    return payload;
  },
  send(batch, ctx) {
    // Always sent: with no min_id_length configured it is Amplitude's own default, 5.
    const options = { min_id_length: minIdLength(ctx.config) };
    const envelope = JSON.stringify({ api_key: ctx.config.api_key, events: [], options }).length;
    return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => ({
      method: 'POST' as const,
      url: String(ctx.config.api_endpoint ?? US_ENDPOINT),
      headers: { 'content-type': 'application/json', accept: '*/*' },
      body: { api_key: String(ctx.config.api_key), events: part.map((e) => e.payload), options },
      eventIds: part.map((e) => e.id),
    }));
  },
  classify: (response, request) => classifyAmplitude(response, request),
  // Amplitude's HTTP V2 API reference, 200 Success (amplitude.com/docs/apis/analytics/http-v2).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { code: 200, events_ingested: 2, payload_size_bytes: 1048, server_upload_time: 1396381378123 } },
  validateConfig(config) {
    if (config.secret_key === undefined) return [];
    const secret = String(config.secret_key);
    if (secret.trim() !== secret) return [{ field: 'secret_key', message: 'has white space around it (copied with the key?): give the key alone' }];
    if (secret === String(config.api_key).trim()) return [{ field: 'secret_key', message: 'is the API Key again: the Secret Key is the other key of the project (Settings > Projects), and only forwarding deletions needs it' }];
    return [];
  },
  // Amplitude deletes by user id (or its own numeric ids): a visitor known only by a device id
  // cannot be deleted through this API. The deletion is staged for about a week and runs then.
  forgetPerson: {
    enabled: (config) => typeof config.secret_key === 'string' && config.secret_key !== '',
    request(person, ctx) {
      if (person.userId === null) return { skipped: 'Amplitude\'s User Privacy API deletes by user id; the deletion named only an anonymousId (a device id there)' };
      const credentials = Buffer.from(`${String(ctx.config.api_key)}:${String(ctx.config.secret_key)}`).toString('base64');
      return {
        method: 'POST',
        url: ctx.config.api_endpoint === EU_ENDPOINT ? EU_DELETIONS : US_DELETIONS,
        headers: { 'content-type': 'application/json', authorization: `Basic ${credentials}` },
        // Booleans as text: the API reads them so. Amplitude's pages spell the flag both ways
        // (`ignore_invalid_id` in the parameter table, `ignore_invalid_ids` in the text): both
        // are sent, so an unknown user id never fails the request.
        body: { user_ids: [person.userId], requester: 'Signal (deletePerson)', ignore_invalid_id: 'True', ignore_invalid_ids: 'True' },
        eventIds: [],
      };
    },
    read(response) {
      if (response.status >= 200 && response.status < 300) {
        const answer = (response.json ?? {}) as { day?: unknown; status?: unknown };
        return { done: true, message: `accepted: ${typeof answer.status === 'string' ? answer.status : 'staged'}${typeof answer.day === 'string' ? ` for ${answer.day}` : ''}` };
      }
      if (response.status === 401 || response.status === 403) return { failed: `HTTP ${response.status}: Amplitude refused the API Key and Secret Key pair (config.secret_key must be the project's Secret Key)` };
      if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: `HTTP ${response.status}${response.body.trim() === '' ? '' : `: ${response.body.trim().slice(0, 200)}`}` };
      return { failed: `HTTP ${response.status}: ${response.body.slice(0, 300)}` };
    },
  },
});
