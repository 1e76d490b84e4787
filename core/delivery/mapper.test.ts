import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { PluginContext, PluginDefinition } from '../sdk/types.ts';
import { fixturePlugin } from '../../test/helpers/fixture-plugin.ts';
import { createEventMapper } from './mapper.ts';

const ctx: PluginContext = { config: { api_key: 'k-1234', region: 'https://eu.fixture.test/events' }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 };
const event = (fields: Partial<CanonicalEvent>): CanonicalEvent => ({ type: 'track', messageId: 'm-1', userId: 'u-1', receivedAt: '2026-12-03T10:00:00.000Z', timestamp: '2026-12-03T10:00:00.000Z', context: {}, ...fields }) as CanonicalEvent;
const ORDERS_ONLY = 'events:\n  Order Completed:\n    filter: userId exists\n    mappings:\n      - { source: messageId, target: id }\ndefaults: { action: drop }\n';

test("a revision's blueprint that drops unhandled calls says which calls it never maps, as the mapping would drop them", () => {
  const map = createEventMapper(fixturePlugin, { variant: 'default', blueprint: ORDERS_ONLY }, ctx);
  const viewed = event({ event: 'Product Viewed' });
  assert.equal(map.neverMaps?.(viewed), 'blueprint: no handler takes track events named "Product Viewed", and the blueprint\'s defaults drop such events');
  assert.equal(map.neverMaps?.(viewed), map(viewed).dropReason, 'the drop reason delivery would log');
  assert.equal(map.neverMaps?.(event({ event: 'Order Completed', userId: undefined })), undefined, 'the handler takes it; its filter decides at delivery');
});

test('a map hook does not change what the blueprint never maps (it never sees those events)', () => {
  const hooked: PluginDefinition = { ...fixturePlugin, map: (payload) => ({ ...payload, hooked: true }) };
  const map = createEventMapper(hooked, { variant: 'default', blueprint: ORDERS_ONLY }, ctx);
  assert.deepEqual(map(event({ event: 'Order Completed' })).payload, { id: 'm-1', hooked: true });
  assert.match(map.neverMaps?.(event({ type: 'page' })) ?? '', /^blueprint: no handler takes page calls/);
});

test('a blueprint whose defaults may map, and a variant mapped by code, never say so', () => {
  const passing = createEventMapper(fixturePlugin, { variant: 'default', blueprint: 'events:\n  Order Completed:\n    mappings: []\n' }, ctx);
  assert.equal(passing.neverMaps?.(event({ event: 'Product Viewed' })), undefined);
  const code: PluginDefinition = { ...fixturePlugin, variants: { default: { description: 'by code', map: (e) => (e.type === 'track' ? { name: e.event ?? '' } : null) } } };
  assert.equal(createEventMapper(code, { variant: 'default', blueprint: null }, ctx).neverMaps, undefined);
});
