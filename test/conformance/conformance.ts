import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { CanonicalEvent } from '../../core/collect/canonical-event.ts';
import { compileBlueprint } from '../../core/blueprint/compile-blueprint.ts';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, defaultClassify, validatePluginDefinition, type Classification, type ConfigFieldSchema, type EventOutcome, type JsonValue, type MappedEvent, type PluginContext, type PluginDefinition, type RequestDescriptor } from '../../core/sdk/index.ts';
import { SAMPLE_EVENTS as conformanceEvents } from '../../core/blueprint/sample-events.ts';

const root = path.resolve(import.meta.dirname, '../..');

function sampleValue(key: string, field: ConfigFieldSchema): JsonValue {
  if (field.default !== undefined) return field.default;
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

/** A config that satisfies the schema's required fields: defaults, first options, or samples. */
export function sampleConfig(plugin: PluginDefinition): Record<string, JsonValue> {
  const config: Record<string, JsonValue> = {};
  for (const key of plugin.config.required ?? []) config[key] = sampleValue(key, plugin.config.properties[key]!);
  return config;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function outcomes(classification: Classification, request: RequestDescriptor): EventOutcome['status'][] {
  if ('perEvent' in classification) return request.eventIds.map((id) => classification.perEvent[id]?.status ?? 'delivered');
  if (classification.status === 'split') return request.eventIds.map(() => 'retry');
  return request.eventIds.map(() => classification.status);
}

export interface ConformanceOptions {
  /** A config valid for the plugin; generated from the schema when absent. */
  config?: Record<string, JsonValue>;
  /** Folder of blueprints (default: the project's `blueprints/`). */
  blueprintsDir?: string;
}

/**
 * Registers the conformance checks for one plugin with node:test: the definition is valid;
 * the config schema compiles; every variant loads; mapping is deterministic and pure; the
 * request builder honours the batch limits and carries every event once; the classifier maps
 * 2xx / 4xx / 429 / 5xx as the core expects.
 *
 * @example
 * runConformance(myPlugin, { config: { api_key: 'test-key-123' } });
 */
export function runConformance(plugin: PluginDefinition, options: ConformanceOptions = {}): void {
  const blueprintsDir = options.blueprintsDir ?? path.join(root, 'blueprints');
  const config = options.config ?? sampleConfig(plugin);

  describe(`conformance: ${plugin.id}`, () => {
    test('the definition is valid', () => {
      assert.deepEqual(validatePluginDefinition(plugin), []);
    });

    test('the config schema compiles and accepts the sample config', () => {
      const validate = createConfigAjv().compile(plugin.config);
      const ok = validate(structuredClone(config));
      assert.ok(ok, `sample config ${JSON.stringify(config)} rejected: ${JSON.stringify(validate.errors)}`);
      assert.deepEqual(plugin.validateConfig?.(config) ?? [], []);
    });

    for (const [name, variant] of Object.entries(plugin.variants)) {
      const ctx: PluginContext = { config, variant: name, integrationId: 'conformance', revisionId: 'conformance', options: {}, now: Date.parse('2024-03-24T16:05:00Z') };
      const blueprintFile = variant.blueprint ? path.join(blueprintsDir, variant.blueprint) : undefined;

      test(`variant "${name}" loads`, () => {
        if (blueprintFile) {
          assert.ok(existsSync(blueprintFile), `${variant.blueprint} exists under blueprints/`);
          assert.doesNotThrow(() => compileBlueprint(readFileSync(blueprintFile, 'utf8'), { file: variant.blueprint!, config }), 'the blueprint compiles');
        } else {
          assert.equal(typeof variant.map, 'function');
        }
      });

      if (blueprintFile && !existsSync(blueprintFile)) continue;
      const map = createEventMapper(plugin, { variant: name, blueprint: blueprintFile ? readFileSync(blueprintFile, 'utf8') : null }, ctx);

      test(`variant "${name}": mapping is deterministic and pure`, () => {
        for (const event of conformanceEvents) {
          const frozen = deepFreeze(structuredClone(event));
          const first = map(frozen);
          const second = map(frozen);
          assert.deepEqual(first, second, `${event.messageId} maps the same twice`);
          assert.deepEqual(frozen, event, 'the event is not mutated');
        }
      });

      test(`variant "${name}": requests honour the batch limits and carry every event once`, () => {
        const count = Math.min(plugin.batch.maxEvents * 2 + 1, 5001);
        const mapped: MappedEvent[] = [];
        for (let i = 0; i < count; i++) {
          const base = conformanceEvents[i % conformanceEvents.length]!;
          const event: CanonicalEvent = { ...base, messageId: `${base.messageId}-${i}` };
          const result = map(event);
          if (result.payload) mapped.push({ id: event.messageId, event, payload: result.payload });
        }
        const requests = plugin.send(mapped, ctx);
        const carried = requests.flatMap((r) => r.eventIds);
        assert.deepEqual([...carried].sort(), mapped.map((m) => m.id).sort(), 'each event is carried exactly once');
        for (const request of requests) {
          assert.ok(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method));
          assert.doesNotThrow(() => new URL(request.url), `${request.url} is absolute`);
          assert.ok(request.eventIds.length <= plugin.batch.maxEvents, `${request.eventIds.length} events ≤ maxEvents ${plugin.batch.maxEvents}`);
          const bytes = request.body === undefined ? 0 : Buffer.byteLength(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
          assert.ok(bytes <= plugin.batch.maxBytes, `${bytes} bytes ≤ maxBytes ${plugin.batch.maxBytes}`);
        }
      });
    }

    test('the classifier maps 2xx, 4xx, 429 and 5xx as the core expects', () => {
      const request: RequestDescriptor = { method: 'POST', url: 'https://vendor.example/api', eventIds: ['a', 'b'] };
      const ctx: PluginContext = { config, variant: Object.keys(plugin.variants)[0]!, integrationId: 'conformance', revisionId: 'conformance', options: {}, now: 0 };
      const classify = (status: number, body = '{}') => {
        const headers: Record<string, string> = status === 429 ? { 'retry-after': '1' } : {};
        const response = { status, headers, body, json: JSON.parse(body) as unknown };
        try {
          return outcomes(plugin.classify ? plugin.classify(response, request, ctx) : defaultClassify(response), request);
        } catch (error) {
          const name = (error as Error).name;
          return request.eventIds.map(() => (name === 'RetryableError' ? 'retry' : 'dead_letter'));
        }
      };
      assert.deepEqual(classify(200), ['delivered', 'delivered']);
      for (const status of [400, 401, 403, 404]) assert.deepEqual(classify(status), ['dead_letter', 'dead_letter'], `HTTP ${status}`);
      assert.deepEqual(classify(429), ['retry', 'retry'], 'HTTP 429');
      for (const status of [500, 502, 503]) assert.deepEqual(classify(status), ['retry', 'retry'], `HTTP ${status}`);
    });
  });
}
