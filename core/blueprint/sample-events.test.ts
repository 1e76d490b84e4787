import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchItemSchema } from '../collect/canonical-event.ts';
import { createCollectAjv } from '../collect/collect-app.ts';
import { SAMPLE_EVENTS, sampleEvent } from './sample-events.ts';

test('the sample events cover the common canonical events', () => {
  const names = SAMPLE_EVENTS.map((e) => (e.type === 'track' ? e.event : e.type));
  for (const name of ['page', 'identify', 'Product Viewed', 'Product Added', 'Order Completed', 'Products Searched', 'Signed Up', 'Lead Generated', 'Feature Activated']) {
    assert.ok(names.includes(name), name);
  }
  assert.equal(new Set(SAMPLE_EVENTS.map((e) => e.messageId)).size, SAMPLE_EVENTS.length, 'unique messageIds');
  assert.equal(sampleEvent('Order Completed')?.messageId, 'conf-order-1');
  assert.equal(sampleEvent('nothing'), undefined);
});

test('each is a valid, complete event as collect stores it', () => {
  // The validator collect uses, formats included (context.ip an address).
  const validate = createCollectAjv().compile(batchItemSchema);
  for (const event of SAMPLE_EVENTS) {
    assert.ok(validate(event), `${event.messageId}: ${JSON.stringify(validate.errors)}`);
    assert.ok(event.context.ip && event.context.userAgent && event.context.page?.url && event.context.consent, `${event.messageId} has the stamped context`);
    assert.ok(Date.parse(event.receivedAt) >= Date.parse(event.timestamp), `${event.messageId} is received after it happened`);
    assert.ok(event.userId || event.anonymousId);
  }
});
