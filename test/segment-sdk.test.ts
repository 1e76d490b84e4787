import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { noPlugins, startTestSignal, type TestSignal } from './helpers/signal.ts';

let signal: TestSignal;
before(async () => {
  signal = await startTestSignal({}, { plugins: noPlugins, label: 'segment' });
});
after(() => signal.close());

test('the real @segment/analytics-node client delivers to Signal unchanged', async () => {
  const { id: pipelineId, key } = await signal.pipeline('Server SDK');
  const analytics = new Analytics({ writeKey: key, host: signal.collectUrl, flushAt: 3, maxRetries: 1 });
  const sent: string[] = [];
  analytics.on('track', (ctx) => sent.push(ctx.event.messageId!));
  analytics.on('identify', (ctx) => sent.push(ctx.event.messageId!));
  analytics.on('page', (ctx) => sent.push(ctx.event.messageId!));
  const failures: unknown[] = [];
  analytics.on('error', (error) => failures.push(error));

  analytics.identify({ userId: 'user-123', traits: { email: 'jane@example.com', plan: 'premium' } });
  analytics.track({ userId: 'user-123', event: 'Order Completed', properties: { order_id: 'ORD-5521', total: 89.99, currency: 'GBP' } });
  analytics.page({ anonymousId: 'df_abc123def456', name: 'Pricing', properties: { url: 'https://www.example.com/pricing' } });
  analytics.track({ anonymousId: 'df_abc123def456', event: 'Feature Activated', properties: { feature_name: 'dark_mode' } });
  await analytics.closeAndFlush({ timeout: 10_000 });

  assert.deepEqual(failures, []);
  assert.equal(sent.length, 4);
  const { rows } = await signal.pool.query<{ message_id: string; type: string; payload: { event?: string; context: { library?: { name: string } } } }>(
    'SELECT message_id, type, payload FROM signal.events WHERE pipeline_id = $1 ORDER BY id', [pipelineId],
  );
  assert.deepEqual(rows.map((r) => r.message_id).sort(), [...sent].sort(), 'stored with the SDK\'s messageIds');
  assert.deepEqual(rows.map((r) => r.type).sort(), ['identify', 'page', 'track', 'track']);
  assert.equal(rows.find((r) => r.payload.event === 'Order Completed')?.payload.context.library?.name, '@segment/analytics-node');
});
