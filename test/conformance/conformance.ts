import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { compileBlueprint, SAMPLE_EVENTS } from '../../core/blueprint/index.ts';
import { eventKeys } from '../../core/delivery/deliver-batch.ts';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import {
  createConfigAjv,
  defaultClassify,
  defaultForgetRead,
  readOAuthTokenAnswer,
  validatePluginDefinition,
  type CanonicalEvent,
  type ClassifyResult,
  type SuccessAnswer,
  type ConfigFieldSchema,
  type EventOutcome,
  type JsonValue,
  type MappedEvent,
  type NamedPerson,
  type PluginContext,
  type PluginDefinition,
  type RequestDescriptor,
  type VendorResponse,
} from '../../core/sdk/index.ts';
import { CONFORMANCE_EVENTS } from './sample-events.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** The batch check feeds `2 × maxEvents + 1` events (every sample event at least), at most this many. */
const MAX_FED_EVENTS = 20_001;
/** A fixed delivery time, so signing request builders stay deterministic. */
const NOW = Date.parse('2024-05-02T12:00:00.000Z');

export interface ConformanceOptions {
  /** A config valid for the plugin; generated from the schema (defaults, first options, samples) when absent. */
  config?: Record<string, JsonValue>;
  /** `ctx.options`, as plugin.config.ts would give them. */
  pluginOptions?: Record<string, JsonValue>;
  /** Folder of blueprints (default: the project's `blueprints/`). */
  blueprintsDir?: string;
  /** Sample events (default: the suite's lean set, then the realistic journey of core/blueprint). */
  events?: readonly CanonicalEvent[];
}

function sampleValue(key: string, field: ConfigFieldSchema): JsonValue {
  if (field.default !== undefined) return field.default;
  if (field.examples && field.examples.length > 0) return field.examples[0]!;
  if (field.enum && field.enum.length > 0) return field.enum[0]!;
  switch (field.type) {
    case 'number':
    case 'integer':
      return field.minimum ?? 5;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      if (field.format === 'uri' || /url|endpoint/i.test(key)) return 'https://hooks.example.com/signal';
      if (field.pattern === '^\\d+$' || /(^|_)id$/.test(key)) return '12345';
      return `sample-${key}-value-0123456789`;
  }
}

/**
 * A config that satisfies the schema's required fields (every field with `optional`): defaults,
 * first examples, first options, or samples (`https://hooks.example.com/signal` for URLs, `12345`
 * for ids, a long string otherwise).
 *
 * @example
 * sampleConfig(webhook); // { url: 'https://hooks.example.com/signal' }
 */
export function sampleConfig(plugin: PluginDefinition, options: { optional?: boolean } = {}): Record<string, JsonValue> {
  const config: Record<string, JsonValue> = {};
  const keys = options.optional ? Object.keys(plugin.config.properties) : plugin.config.required ?? [];
  for (const key of keys) {
    const field = plugin.config.properties[key];
    if (field) config[key] = sampleValue(key, field);
  }
  return config;
}

/** The file in a plugin's folder holding the config its conformance run uses. */
export const CONFORMANCE_CONFIG_FILE = 'conformance-config.json';

/**
 * The config a plugin's folder declares for its conformance run (`conformance-config.json`):
 * one with its optional parts filled, so that they are checked too (deletions, a second
 * credential, opt-in notices), which the schema's generated sample (required fields only)
 * leaves out. Undefined when the folder has none; throws naming the file when it is not a JSON
 * object.
 *
 * @example
 * const config = declaredConformanceConfig('/srv/signal/plugins/heap'); // { app_id: '1234567890', … }
 * runConformance(heap, config ? { config } : {});
 */
export function declaredConformanceConfig(dir: string | undefined): Record<string, JsonValue> | undefined {
  if (dir === undefined) return undefined;
  const file = path.join(dir, CONFORMANCE_CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  return readConformanceConfig(file);
}

/**
 * A conformance config file's object; throws naming the file when it is not JSON or not an object.
 *
 * @example
 * readConformanceConfig('acme-config.json'); // { api_key: 'test-key-123' }
 */
export function readConformanceConfig(file: string): Record<string, JsonValue> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file} must hold a JSON object: the plugin's config`);
  return value as Record<string, JsonValue>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function bodyBytes(request: RequestDescriptor): number {
  if (request.body === undefined) return 0;
  if (request.body instanceof Uint8Array) return request.body.byteLength;
  return Buffer.byteLength(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
}

/**
 * An answer as the core hands it to a plugin: the vendor's documented one (`successAnswer`),
 * or `body` with `status` (a 429 with `Retry-After: 1`); `json` when the body is JSON.
 */
function answered(success: SuccessAnswer | undefined, body: string, status = 200): VendorResponse {
  const text = success === undefined ? body : typeof success.body === 'string' ? success.body : JSON.stringify(success.body);
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined; // a text answer (Slack's "ok")
  }
  const headers = success?.headers ? { ...success.headers } : status === 429 ? { 'retry-after': '1' } : {};
  return { status: success?.status ?? status, headers, body: text, ...(json === undefined ? {} : { json }) };
}

/** What the core does with a classification or a thrown error, per event of the request. */
function outcomes(classify: () => ClassifyResult, request: RequestDescriptor): string[] {
  let classification: ClassifyResult;
  try {
    classification = classify();
  } catch (error) {
    // The core recognises the SDK's errors by name; anything else dead-letters.
    const name = (error as Error)?.name;
    return request.eventIds.map(() => (name === 'RetryableError' ? 'retry' : 'dead_letter'));
  }
  if ('perEvent' in classification) return request.eventIds.map((id) => classification.perEvent[id]?.status ?? 'delivered');
  if ('next' in classification) {
    const followed = new Set(classification.next.flatMap((r) => r.eventIds));
    return request.eventIds.map((id) => (followed.has(id) ? 'next' : classification.settle?.[id]?.status ?? 'delivered'));
  }
  const status: EventOutcome['status'] | 'split' = classification.status;
  return request.eventIds.map(() => status);
}

/**
 * Registers the conformance checks for one plugin with node:test, in a suite named
 * `conformance: <id>`:
 *
 * 1. the definition is valid (the checks of `definePlugin` and the loader);
 * 2. the config schema compiles and accepts the sample config, which `validateConfig` accepts;
 *    `configWarnings`, when given, is pure and returns `{ field, message }` warnings;
 * 3. every variant loads: its blueprint exists under `blueprints/`, parses as YAML and
 *    compiles, or it has a code mapper;
 * 4. mapping is deterministic and pure: each sample event (deep-frozen) maps twice to the same
 *    JSON payload and is not mutated;
 * 5. the request builder, fed `2 × maxEvents + 1` mapped events (every sample event at least), builds requests with absolute
 *    http(s) URLs, at most `maxEvents` events and `maxBytes` of body each, carrying every
 *    event exactly once, named by its `MappedEvent.id` (every third event repeats a messageId,
 *    so its id is `<messageId>#2`: echoing messageIds fails) — purely (same requests twice,
 *    frozen input untouched);
 * 6. the classifier (or the core's default) maps 2xx → delivered, 400/401/403/404 → dead
 *    letter, 429 → retry, 500/502/503 → retry.
 *
 * @example
 * // my-plugin.test.ts
 * import { runConformance } from '../../test/conformance/conformance.ts';
 * import plugin from './index.ts';
 * runConformance(plugin, { config: { api_key: 'test-key-123' } });
 */
export function runConformance(plugin: PluginDefinition, options: ConformanceOptions = {}): void {
  const blueprintsDir = options.blueprintsDir ?? path.join(ROOT, 'blueprints');
  const config = options.config ?? sampleConfig(plugin);
  const events = options.events ?? [...CONFORMANCE_EVENTS, ...SAMPLE_EVENTS];
  // A plugin with an access token exchange builds its requests with one (a placeholder here).
  const context = (variant: string): PluginContext => ({
    config, variant, integrationId: 'conformance', revisionId: 'conformance', options: options.pluginOptions ?? {}, now: NOW,
    ...(plugin.accessToken ? { accessToken: 'conformance-access-token' } : {}),
  });

  describe(`conformance: ${plugin.id}`, () => {
    test('the definition is valid', () => {
      const problems = validatePluginDefinition(plugin);
      assert.deepEqual(problems.map((p) => `${p.field} ${p.message}`), []);
    });

    test('the config schema compiles and accepts the sample config', () => {
      const validate = createConfigAjv().compile(plugin.config);
      const candidate = structuredClone(config);
      assert.ok(validate(candidate), `config ${JSON.stringify(config)} is refused: ${JSON.stringify(validate.errors)} (pass a valid one: run.ts <plugin> config.json)`);
      assert.deepEqual(plugin.validateConfig?.(candidate) ?? [], [], `validateConfig accepts the sample config ${JSON.stringify(config)} (built from the fields' defaults and examples: give examples it accepts, or pass a valid one: run.ts <plugin> config.json)`);
    });

    if (plugin.configWarnings) {
      test('configWarnings is pure: { field, message } warnings, the same twice, the config untouched', () => {
        const frozen = deepFreeze(structuredClone(config));
        // Years on, a versioned API's warning is due: what it says must still be well-formed.
        for (const now of [NOW, NOW + 3 * 365 * 86_400_000]) {
          const first = plugin.configWarnings!(frozen, now);
          assert.ok(Array.isArray(first), 'returns a list');
          for (const warning of first) {
            assert.equal(typeof warning.field, 'string', `a warning names its field: ${JSON.stringify(warning)}`);
            assert.ok(typeof warning.message === 'string' && warning.message.length > 0, `a warning says what to do: ${JSON.stringify(warning)}`);
          }
          assert.deepEqual(plugin.configWarnings!(frozen, now), first, 'the same config and time give the same warnings');
        }
      });
    }

    for (const [name, variant] of Object.entries(plugin.variants)) {
      const ctx = context(name);
      const blueprintFile = variant.blueprint ? path.resolve(blueprintsDir, variant.blueprint) : undefined;
      const blueprint = blueprintFile && existsSync(blueprintFile) ? readFileSync(blueprintFile, 'utf8') : null;

      test(`variant "${name}" loads`, () => {
        if (!variant.blueprint) {
          assert.equal(typeof variant.map, 'function', 'a variant without a blueprint has a map function');
          return;
        }
        assert.ok(blueprint !== null, `${variant.blueprint} exists (looked in ${blueprintFile})`);
        const document = parseDocument(blueprint);
        assert.deepEqual(document.errors.map((e) => `${variant.blueprint}:${e.linePos?.[0]?.line ?? '?'}: ${e.message}`), [], 'the blueprint parses as YAML');
        assert.doesNotThrow(() => compileBlueprint(blueprint, { file: variant.blueprint!, config }), 'the blueprint compiles');
      });

      if (variant.blueprint && blueprint === null) continue;
      let mapper: ((event: CanonicalEvent) => { payload: MappedEvent['payload'] | null; error?: string }) | undefined;
      const map = (event: CanonicalEvent) => {
        mapper ??= createEventMapper(plugin, { variant: name, blueprint }, ctx);
        return mapper(event);
      };

      test(`variant "${name}": mapping is deterministic and pure`, () => {
        for (const event of events) {
          const frozen = deepFreeze(structuredClone(event));
          const first = map(frozen);
          const second = map(frozen);
          assert.deepEqual(first, second, `${event.messageId} maps to the same result twice`);
          assert.deepEqual(frozen, event, `${event.messageId} is not mutated`);
          if (first.payload) assert.deepEqual(JSON.parse(JSON.stringify(first.payload)), first.payload, `${event.messageId} maps to plain JSON`);
        }
      });

      if (plugin.neverSends) {
        test(`variant "${name}": neverSends refuses only events the mapping drops`, () => {
          let refused = 0;
          for (const event of events) {
            const frozen = deepFreeze(structuredClone(event));
            const reason = plugin.neverSends!(frozen, ctx);
            assert.deepEqual(frozen, event, `${event.messageId} is not mutated`);
            assert.equal(plugin.neverSends!(frozen, ctx), reason, `${event.messageId}: the same answer twice`);
            if (reason === undefined) continue;
            assert.ok(typeof reason === 'string' && reason.length > 0, `${event.messageId}: a refusal says why`);
            refused++;
            const { payload } = map(frozen);
            assert.equal(payload, null, `${event.messageId} is refused by neverSends (${reason}) but the mapping sends it: it would be lost`);
          }
          assert.ok(refused > 0, 'neverSends refuses at least one sample event (else it is not needed)');
        });
      }

      test(`variant "${name}": requests honour the batch limits and carry every event once`, () => {
        const { maxEvents, maxBytes } = plugin.batch;
        // Every sample event at least, so a plugin that maps few of them (one event a request, sent
        // only for an app's device) still gets a batch to check.
        const count = Math.min(Math.max(maxEvents * 2 + 1, events.length), MAX_FED_EVENTS);
        // Every third event repeats the last one the variant mapped, messageId included (an SDK
        // retry: collect does not deduplicate), so its MappedEvent.id is `<messageId>#2`, named
        // as the core names it (over every event fed, as delivery does).
        const fed: CanonicalEvent[] = [];
        const kept: Array<{ index: number; event: CanonicalEvent; payload: MappedEvent['payload'] }> = [];
        for (let i = 0; i < count; i++) {
          const base = events[i % events.length]!;
          const last = kept.at(-1);
          const event: CanonicalEvent = i % 3 === 2 && last ? last.event : { ...base, messageId: `${base.messageId}-${i}` };
          fed.push(event);
          const { payload } = map(event);
          if (payload) kept.push({ index: i, event, payload });
        }
        const keys = eventKeys(fed);
        const batch: MappedEvent[] = kept.map(({ index, event, payload }) => ({ id: keys[index]!, event, payload }));
        assert.ok(batch.length > 0, `variant "${name}" maps none of the sample events: give events it maps (options.events)`);
        const frozen = deepFreeze(structuredClone(batch));
        const requests = plugin.send(frozen, ctx);
        assert.deepEqual(frozen, batch, 'send does not mutate the batch');
        assert.deepEqual(plugin.send(frozen, ctx), requests, 'send builds the same requests twice');

        const carried = new Map<string, number>();
        for (const request of requests) {
          assert.ok(METHODS.includes(request.method), `method ${request.method}`);
          assert.match(new URL(request.url).protocol, /^https?:$/, `${request.url} is an absolute http(s) URL`);
          for (const value of Object.values(request.headers ?? {})) assert.equal(typeof value, 'string', 'header values are strings');
          assert.ok(request.eventIds.length <= maxEvents, `a request carries ${request.eventIds.length} events, more than batch.maxEvents ${maxEvents}`);
          const bytes = bodyBytes(request);
          assert.ok(bytes <= maxBytes, `a request body has ${bytes} bytes, more than batch.maxBytes ${maxBytes}`);
          for (const id of request.eventIds) carried.set(id, (carried.get(id) ?? 0) + 1);
        }
        const twice = [...carried].filter(([, n]) => n > 1).map(([id]) => id);
        const ids = new Set(batch.map((m) => m.id));
        const missing = [...ids].filter((id) => !carried.has(id));
        const unknown = [...carried.keys()].filter((id) => !ids.has(id));
        const sorted = (list: string[]) => [...list].sort().join('\n');
        const carriedList = requests.flatMap((request) => request.eventIds);
        const repeat = batch.find((m) => m.id !== m.event.messageId);
        assert.ok(
          !(sorted(carriedList) === sorted(batch.map((m) => m.event.messageId)) && sorted(carriedList) !== sorted([...ids])),
          `eventIds name the events by event.messageId: use each MappedEvent's id (eventIds: part.map((e) => e.id)). ` +
            `They differ when one messageId comes twice in a delivery (collect does not deduplicate): the core names the second "${repeat?.id ?? '<messageId>#2'}", ` +
            'and an event no request names is counted delivered whatever the vendor answered. Send the vendor e.event.messageId itself if it wants a dedup key.',
        );
        assert.deepEqual(
          { twice: twice.slice(0, 10), missing: missing.slice(0, 10), unknown: unknown.slice(0, 10) },
          { twice: [], missing: [], unknown: [] },
          'every event is carried exactly once, named in eventIds by its MappedEvent.id (e.g. "<messageId>#2" for a repeated messageId), not by event.messageId',
        );
      });
    }

    if (plugin.enrich) {
      const enrich = plugin.enrich;
      test('partner enrichment: pure, well-formed requests, answers read or refused', () => {
        // Enrichment is usually optional config: every field filled, unless a config was given.
        const enriched = options.config ?? sampleConfig(plugin, { optional: true });
        const ctx: PluginContext = { ...context(Object.keys(plugin.variants)[0] ?? 'default'), config: enriched };
        assert.deepEqual(plugin.validateConfig?.(structuredClone(enriched)) ?? [], [], `validateConfig accepts the config with every field ${JSON.stringify(enriched)} (or pass one: run.ts <plugin> config.json)`);
        assert.equal(enrich.enabled(enriched), true, `enrich.enabled is true for ${JSON.stringify(enriched)} (or pass a config turning enrichment on: run.ts <plugin> config.json)`);
        let looked = 0;
        for (const event of events) {
          const frozen = deepFreeze(structuredClone(event));
          const identities = enrich.identities(frozen, ctx);
          assert.deepEqual(enrich.identities(frozen, ctx), identities, `${event.messageId}: the same identities twice`);
          assert.deepEqual(frozen, event, `${event.messageId} is not mutated`);
          for (const identity of identities) {
            assert.ok(typeof identity.key === 'string' && typeof identity.value === 'string', `${event.messageId}: identities are { key, value } strings`);
            const request = enrich.lookup(identity, ctx);
            assert.deepEqual(enrich.lookup(identity, ctx), request, 'the same lookup twice');
            assert.ok(METHODS.includes(request.method), `method ${request.method}`);
            assert.match(new URL(request.url).protocol, /^https?:$/, `${request.url} is an absolute http(s) URL`);
            for (const value of Object.values(request.headers ?? {})) assert.equal(typeof value, 'string', 'header values are strings');
            looked++;
          }
        }
        assert.ok(looked > 0, 'some sample event has an identity to look up: give events that do (options.events)');
        const lookup = enrich.lookup(enrich.identities(events.find((e) => enrich.identities(e, ctx).length > 0)!, ctx)[0]!, ctx);
        const answer = (status: number): VendorResponse => ({ status, headers: {}, body: JSON.stringify({ error: `HTTP ${status}` }), json: { error: `HTTP ${status}` } });
        const read = (status: number) => {
          try {
            return enrich.read(answer(status), lookup, ctx);
          } catch (error) {
            return { threw: (error as Error).name };
          }
        };
        assert.deepEqual(read(404), { notFound: true }, 'HTTP 404: no profile for this identity');
        for (const status of [429, 500, 503]) assert.ok('threw' in read(status), `HTTP ${status} is a failure (thrown)`);
        if (enrich.browserAttributes) assert.deepEqual(enrich.browserAttributes({}, ctx), {}, 'an empty profile shows the browser nothing');
      });
    }

    if (plugin.forgetPerson) {
      const forget = plugin.forgetPerson;
      test('forwarding person deletions: a pure, well-formed request or a reason; answers read', () => {
        const config = options.config ?? sampleConfig(plugin, { optional: true });
        // As the core gives it: the deletion's id (the key of a vendor request id).
        const ctx: PluginContext = { ...context(Object.keys(plugin.variants)[0] ?? 'default'), config, deletionId: '0b9c5e2a-6f1d-4a3b-8c7e-2d4f6a8b0c1e' };
        assert.deepEqual(plugin.validateConfig?.(structuredClone(config)) ?? [], [], `validateConfig accepts the config with every field ${JSON.stringify(config)} (or pass one: run.ts <plugin> config.json)`);
        assert.equal(forget.enabled(config), true, `forgetPerson.enabled is true for ${JSON.stringify(config)} (or pass a config turning it on)`);
        let built = 0;
        let sample: RequestDescriptor | undefined;
        // A vendor that knows people by email (Mailchimp) skips other ids: a person is an email,
        // as userId or among the emails Signal found for them. One that forgets devices (Adjust)
        // skips them too: the last person's anonymousId is a device id (Adjust's adid).
        const persons: NamedPerson[] = [
          { userId: 'user-conformance-1', anonymousId: 'anon-conformance-1', emails: [] }, { userId: 'user-conformance-1', anonymousId: null }, { userId: null, anonymousId: 'anon-conformance-1' },
          { userId: 'jane.doe@example.com', anonymousId: null, emails: ['jane.doe@example.com'] }, { userId: 'user-conformance-1', anonymousId: 'anon-conformance-1', emails: ['jane.doe@example.com', 'j.doe@example.org'] },
          { userId: null, anonymousId: 'anon-conformance-1', emails: ['jane.doe@example.com'] }, { userId: null, anonymousId: '18546f6171f67e29d1cb983322ad1329' },
        ];
        for (const person of persons) {
          const frozen = deepFreeze({ ...person });
          const answer = forget.request(frozen, ctx);
          assert.deepEqual(forget.request(frozen, ctx), answer, 'the same request twice');
          if (!Array.isArray(answer) && 'skipped' in answer) {
            assert.ok(typeof answer.skipped === 'string' && answer.skipped.length > 0, 'a skip says why');
            continue;
          }
          if (!Array.isArray(answer) && 'requests' in answer) assert.ok(typeof answer.note === 'string' && answer.note.trim().length > 0, 'a note says what is left unasked');
          const listed = !Array.isArray(answer) && 'requests' in answer ? answer.requests : answer;
          const requests = Array.isArray(listed) ? listed : [listed];
          assert.ok(requests.length > 0, 'several requests are at least one');
          sample ??= requests[0];
          for (const request of requests) {
            assert.ok(METHODS.includes(request.method), `method ${request.method}`);
            assert.match(new URL(request.url).protocol, /^https?:$/, `${request.url} is an absolute http(s) URL`);
            for (const value of Object.values(request.headers ?? {})) assert.equal(typeof value, 'string', 'header values are strings');
          }
          built++;
        }
        assert.ok(built > 0, 'some person gets a request (named by both ids, or by an email as userId)');
        const read = (status: number) => (forget.read ?? defaultForgetRead)(
          status < 300 && forget.successAnswer ? answered(forget.successAnswer, '') : answered(undefined, JSON.stringify({ error: `HTTP ${status}` }), status),
          sample!,
        );
        assert.ok('done' in read(200), 'HTTP 200: accepted');
        for (const status of [429, 500, 503]) assert.ok('retry' in read(status), `HTTP ${status}: tried again`);
        for (const status of [400, 401, 403]) assert.ok('failed' in read(status), `HTTP ${status}: failed`);
      });
    }

    if (plugin.accessToken) {
      const exchange = plugin.accessToken;
      test('the access token exchange: a pure, well-formed token request; its answers read', () => {
        const ctx = context(Object.keys(plugin.variants)[0] ?? 'default');
        assert.equal(exchange.enabled(config), true, `accessToken.enabled is true for ${JSON.stringify(config)} (or pass a config turning it on)`);
        const request = exchange.request(deepFreeze(structuredClone(ctx)));
        assert.deepEqual(exchange.request(deepFreeze(structuredClone(ctx))), request, 'the same request twice');
        assert.ok(METHODS.includes(request.method), `method ${request.method}`);
        assert.match(new URL(request.url).protocol, /^https:$/, `${request.url} is an absolute https URL`);
        assert.deepEqual(request.eventIds, [], 'a token request carries no events');
        const read = exchange.read ?? readOAuthTokenAnswer;
        assert.deepEqual(read({ status: 200, headers: {}, body: '{"access_token":"t","expires_in":3600}', json: { access_token: 't', expires_in: 3600 } }), { accessToken: 't', expiresInSeconds: 3600 });
        for (const [status, name] of [[400, 'PermanentError'], [401, 'PermanentError'], [429, 'RetryableError'], [503, 'RetryableError']] as const) {
          const body = { error: status === 400 ? 'invalid_grant' : 'error' };
          assert.throws(() => read({ status, headers: {}, body: JSON.stringify(body), json: body }), { name }, `HTTP ${status}: ${name}`);
        }
      });
    }

    test('the classifier maps 2xx, 4xx, 429 and 5xx as the core expects', () => {
      const request: RequestDescriptor = { method: 'POST', url: 'https://vendor.example/api', eventIds: ['a', 'b'] };
      const ctx = context(Object.keys(plugin.variants)[0] ?? 'default');
      const classify = (status: number): string[] => {
        const response = status < 300 ? answered(plugin.successAnswer, '{}') : answered(undefined, JSON.stringify({ error: `HTTP ${status}` }), status);
        return outcomes(() => (plugin.classify ? plugin.classify(response, request, ctx) : defaultClassify(response)), request);
      };
      assert.deepEqual(classify(200), ['delivered', 'delivered'], `HTTP 200 (${plugin.successAnswer ? 'the plugin\'s successAnswer' : '{}'})`);
      for (const status of [400, 401, 403, 404]) assert.deepEqual(classify(status), ['dead_letter', 'dead_letter'], `HTTP ${status}`);
      assert.deepEqual(classify(429), ['retry', 'retry'], 'HTTP 429');
      for (const status of [500, 502, 503]) assert.deepEqual(classify(status), ['retry', 'retry'], `HTTP ${status}`);
    });
  });
}
