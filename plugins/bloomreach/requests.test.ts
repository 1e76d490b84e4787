import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent, JsonObject, JsonValue, MappedEvent, PluginContext } from '../../core/sdk/index.ts';
import { fitCommands } from './commands.ts';
import { batchUrlOf, buildRequests, MAX_BYTES } from './requests.ts';

const TOKEN = 'c178a8c8-5cea-11e8-aa8c-ac1f6b000000';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { project_token: TOKEN, api_key_id: 'key', api_secret: 'secret', ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 });
const event = (id: string): CanonicalEvent => ({ type: 'track', event: 'X', messageId: id, anonymousId: 'df_abc', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.000Z', context: {} } as CanonicalEvent);
const mappedEvent = (id: string, payload: JsonObject = { event_type: 'X' }): MappedEvent => ({ id, event: event(id), payload: fitCommands(payload, event(id), ctx())! });
const order = (id: string, items: number): MappedEvent => mappedEvent(id, { event_type: 'purchase', properties: { purchase_id: id }, purchase_items: Array.from({ length: items }, (_, i) => ({ product_id: `P-${i}` })) });

test('batchUrlOf: the project\'s batch route at the configured API base', () => {
  assert.equal(batchUrlOf(ctx().config), `https://api.exponea.com/track/v2/projects/${TOKEN}/batch`);
  assert.equal(batchUrlOf(ctx({ api_base: 'custom', custom_api_base: 'https://api-cis.exponea.com/' }).config), `https://api-cis.exponea.com/track/v2/projects/${TOKEN}/batch`);
  assert.throws(() => batchUrlOf(ctx({ api_base: 'custom', custom_api_base: 'http://x' }).config), /config\.custom_api_base is not a usable https:\/\/ API Base URL/);
});

test('buildRequests: one POST of the commands with HTTP Basic, the memo naming each command\'s event', () => {
  const [request, ...rest] = buildRequests([mappedEvent('m-1'), order('m-2', 2)], ctx());
  assert.equal(rest.length, 0);
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, `https://api.exponea.com/track/v2/projects/${TOKEN}/batch`);
  assert.deepEqual(request!.headers, { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('key:secret').toString('base64')}` });
  const commands = (request!.body as { commands: Array<{ name: string; command_id: string; data: JsonObject }> }).commands;
  assert.deepEqual(commands.map((c) => c.data.event_type), ['X', 'purchase', 'purchase_item', 'purchase_item']);
  assert.deepEqual(commands.map((c) => c.command_id), ['0', '1', '2', '3'], 'each command\'s position as its command_id');
  assert.deepEqual(commands[1], { name: 'customers/events', command_id: '1', data: { customer_ids: { cookie: 'df_abc' }, event_type: 'purchase', timestamp: 1711296000, properties: { purchase_id: 'm-2', total_quantity: 2 } } });
  assert.deepEqual(request!.eventIds, ['m-1', 'm-2']);
  assert.deepEqual(request!.memo, { commandEvents: ['m-1', 'm-2', 'm-2', 'm-2'] });
});

test('buildRequests: at most 50 commands a request, an event\'s commands together, every event once, in order', () => {
  const batch = [...Array.from({ length: 45 }, (_, i) => mappedEvent(`e-${i}`)), order('o-1', 9), mappedEvent('e-last')];
  const requests = buildRequests(batch, ctx());
  assert.deepEqual(requests.map((r) => (r.body as { commands: unknown[] }).commands.length), [45, 11]);
  assert.deepEqual((requests[1]!.body as { commands: Array<{ command_id: string }> }).commands.map((c) => c.command_id), Array.from({ length: 11 }, (_, i) => String(i)), 'positions start again in each request');
  assert.deepEqual(requests.flatMap((r) => r.eventIds), batch.map((e) => e.id));
  const big = (id: string) => mappedEvent(id, { event_type: 'X', properties: { blob: 'x'.repeat(400_000) } });
  assert.deepEqual(buildRequests([big('b-1'), big('b-2'), big('b-3')], ctx()).map((r) => r.eventIds), [['b-1', 'b-2'], ['b-3']], `under ${MAX_BYTES} bytes`);
  assert.throws(() => buildRequests([{ id: 'x', event: event('x'), payload: {} }], ctx()), /event x holds no Bloomreach command to send/);
});
