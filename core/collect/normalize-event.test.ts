import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignalError } from '../errors.ts';
import { correctTimestamp, normalizeEvent } from './normalize-event.ts';
import type { IncomingEvent } from './canonical-event.ts';

const receivedAt = new Date('2026-03-24T16:00:00.000Z');

test('clock skew: a client 1 h fast is corrected from sentAt', () => {
  // The client's clock reads 17:00 when the server's reads 16:00; the event was 5 s before sending.
  assert.equal(correctTimestamp(receivedAt, '2026-03-24T16:59:55.000Z', '2026-03-24T17:00:00.000Z'), '2026-03-24T15:59:55.000Z');
});

test('clock skew: no sentAt keeps the timestamp, no timestamp uses receivedAt', () => {
  assert.equal(correctTimestamp(receivedAt, '2026-03-24T10:00:00+01:00', undefined), '2026-03-24T09:00:00.000Z');
  assert.equal(correctTimestamp(receivedAt, undefined, '2026-03-24T17:00:00.000Z'), receivedAt.toISOString());
});

test('clock skew: a leap second is its minute\'s last millisecond; an absurd sentAt leaves the timestamp uncorrected', () => {
  const receivedAt = new Date('2026-03-24T16:00:00.000Z');
  assert.equal(correctTimestamp(receivedAt, '2016-12-31T23:59:60Z', undefined), '2016-12-31T23:59:59.999Z');
  assert.equal(correctTimestamp(receivedAt, '2016-12-31T18:59:60.5-05:00', undefined), '2016-12-31T23:59:59.999Z');
  assert.equal(correctTimestamp(receivedAt, '2026-03-24T15:59:00.000Z', '2026-03-24T15:59:60Z'), '2026-03-24T15:59:00.001Z');
  assert.equal(correctTimestamp(receivedAt, '2024-01-01T00:00:00.000Z', '9999-12-31T23:59:59Z'), '2024-01-01T00:00:00.000Z', 'not a year before 0000');
  assert.match(correctTimestamp(receivedAt, '2024-01-01T00:00:00.000Z', '0000-01-01T00:00:00Z'), /^\d{4}-\d{2}-\d{2}T/, 'always a four-digit year');
});

test('an event did not happen after it was received: a later time (a fast clock, a sentAt behind the timestamp) becomes receivedAt', () => {
  assert.equal(correctTimestamp(receivedAt, '9999-12-31T23:59:59+14', undefined), receivedAt.toISOString());
  assert.equal(correctTimestamp(receivedAt, '2026-03-24T16:00:05.000Z', undefined), receivedAt.toISOString(), 'a clock 5 s fast, no sentAt');
  // sentAt 1970, timestamp 2026: "corrected", the event would be 56 years in the future.
  assert.equal(correctTimestamp(receivedAt, '2026-03-24T15:00:00.000Z', '1970-01-01T00:00:00Z'), receivedAt.toISOString());
  const event = normalizeEvent({ event: 'Later', userId: 'u', timestamp: '2083-10-30T00:00:00Z' }, 'track', { receivedAt, ip: '203.0.113.9', browser: false });
  assert.deepEqual([event.timestamp, event.originalTimestamp], [receivedAt.toISOString(), '2083-10-30T00:00:00Z'], 'the client\'s value is kept');
});

test('clock skew: a zone of hours only (+05) is read, a leap second with one too', () => {
  assert.equal(correctTimestamp(receivedAt, '2026-03-24T16:00:00+05', undefined), '2026-03-24T11:00:00.000Z');
  assert.equal(correctTimestamp(receivedAt, '2026-03-24T15:59:55-01', '2026-03-24T16:00:00-01'), '2026-03-24T15:59:55.000Z');
  assert.equal(correctTimestamp(receivedAt, '2016-12-31T23:59:60+00', undefined), '2016-12-31T23:59:59.999Z');
});

test('a date-time that passed the format check but cannot be read → SIGNAL_INVALID_EVENT naming it, not a RangeError', () => {
  const facts = { receivedAt, ip: '203.0.113.9', browser: false };
  for (const field of ['timestamp', 'originalTimestamp', 'sentAt'] as const) {
    assert.throws(() => normalizeEvent({ event: 'E', userId: 'u', [field]: '2026-12-31T46:59:60+23:00' }, 'track', facts), (error: unknown) => {
      assert.ok(error instanceof SignalError);
      assert.equal(error.code, 'SIGNAL_INVALID_EVENT');
      assert.deepEqual(error.fields.map((f) => f.field), [field]);
      return true;
    });
  }
});

test('normalizeEvent stamps receivedAt, messageId, ip and user agent', () => {
  const event = normalizeEvent({ event: 'Signed Up', userId: 'u-1', writeKey: 'secret' }, 'track', {
    receivedAt, ip: '203.0.113.9', userAgent: 'UA/1', browser: false,
  });
  assert.equal(event.type, 'track');
  assert.equal(event.receivedAt, receivedAt.toISOString());
  assert.equal(event.timestamp, receivedAt.toISOString());
  assert.match(event.messageId, /^[0-9a-f-]{36}$/);
  assert.equal(event.context.ip, '203.0.113.9');
  assert.equal(event.context.userAgent, 'UA/1');
  assert.equal('writeKey' in event, false, 'the key never travels with the event');
});

test('a server SDK may forward its visitor IP; a browser may not', () => {
  const facts = { receivedAt, ip: '198.51.100.1', browser: false };
  assert.equal(normalizeEvent({ userId: 'u', context: { ip: '203.0.113.7' } }, 'page', facts).context.ip, '203.0.113.7');
  assert.equal(normalizeEvent({ userId: 'u', context: { ip: '203.0.113.7' } }, 'page', { ...facts, browser: true }).context.ip, '198.51.100.1');
});

test('the visitor cookie id becomes the anonymousId and the sent one is kept aside', () => {
  const event = normalizeEvent({ anonymousId: 'ajs-1' }, 'page', { receivedAt, ip: '1.1.1.1', browser: true, visitorId: 'df-1' });
  assert.equal(event.anonymousId, 'df-1');
  assert.equal(event.context.clientAnonymousId, 'ajs-1');
});

test('batch context and sentAt apply to events that lack their own', () => {
  const event = normalizeEvent(
    { userId: 'u', timestamp: '2026-03-24T17:00:00.000Z', context: { locale: 'en-GB' } },
    'identify',
    { receivedAt, ip: '1.1.1.1', browser: false, cookies: { FTrack: 'ft' } },
    { context: { locale: 'fr-FR', library: { name: 'analytics-node' } }, sentAt: '2026-03-24T17:00:10.000Z' },
  );
  assert.equal(event.context.locale, 'en-GB');
  assert.deepEqual(event.context.library, { name: 'analytics-node' });
  assert.deepEqual(event.context.cookies, { FTrack: 'ft' });
  assert.equal(event.timestamp, '2026-03-24T15:59:50.000Z');
  assert.equal(event.originalTimestamp, '2026-03-24T17:00:00.000Z');
});

test('Sec-GPC: 1 stamps context.consent.gpc on each event, beside its other consent; the event\'s own gpc wins', () => {
  const facts = { receivedAt, ip: '203.0.113.9', browser: true, gpc: true };
  assert.deepEqual(normalizeEvent({ event: 'A', userId: 'u1' }, 'track', facts).context.consent, { gpc: true });
  assert.deepEqual(normalizeEvent({ event: 'A', userId: 'u1', context: { consent: { advertising: true } } }, 'track', facts).context.consent, { advertising: true, gpc: true });
  assert.equal(normalizeEvent({ event: 'A', userId: 'u1', context: { consent: { gpc: false } } }, 'track', facts).context.consent?.gpc, false, 'the SDK read navigator.globalPrivacyControl');
  // A batch's context holds for its events; the header still reaches each.
  const batch = { context: { consent: { analytics: true } } };
  assert.deepEqual(normalizeEvent({ event: 'A', userId: 'u1' }, 'track', facts, batch).context.consent, { analytics: true, gpc: true });
  const without = normalizeEvent({ event: 'A', userId: 'u1', context: { consent: { advertising: true } } }, 'track', { receivedAt, ip: '203.0.113.9', browser: true });
  assert.deepEqual(without.context.consent, { advertising: true }, 'no header: nothing stamped, not even false');
});

test('null in an optional field is absent: dropped before storage; a null inside properties or traits is data and stays', () => {
  const facts = { receivedAt, ip: '203.0.113.9', userAgent: 'UA/1', browser: false };
  // What analytics-python sends for a page call without a name or category, and what typed clients send for unset fields.
  const event = normalizeEvent({
    userId: 'u1', anonymousId: null, name: null, category: null, properties: null, messageId: null,
    timestamp: null, originalTimestamp: null, sentAt: null, integrations: null, writeKey: null,
    context: { ip: null, userAgent: null, traits: null, page: { url: 'https://shop.example/', referrer: null }, library: null, consent: { analytics: true, marketing: null } },
  } as unknown as IncomingEvent, 'page', facts);
  assert.deepEqual(Object.keys(event).sort(), ['context', 'messageId', 'receivedAt', 'timestamp', 'type', 'userId']);
  assert.match(event.messageId, /^[0-9a-f-]{36}$/, 'a null messageId gets one, like a missing one');
  assert.equal(event.timestamp, receivedAt.toISOString());
  assert.deepEqual(event.context, { page: { url: 'https://shop.example/' }, consent: { analytics: true }, ip: '203.0.113.9', userAgent: 'UA/1' }, 'the server fills ip and userAgent as for absent ones');
  const identify = normalizeEvent({ userId: 'u1', traits: { plan: null, email: 'jane@example.com' }, properties: { coupon: null } }, 'identify', facts);
  assert.deepEqual([identify.traits, identify.properties], [{ plan: null, email: 'jane@example.com' }, { coupon: null }]);
});

test('in a batch, an event\'s null gives way to the batch\'s value, as an absent field does; the batch\'s own nulls are dropped', () => {
  const facts = { receivedAt, ip: '203.0.113.9', browser: false };
  const batch = {
    context: { locale: 'fr-FR', page: { url: 'https://shop.example/', referrer: null }, consent: { analytics: true, marketing: null } },
    integrations: { All: true, Amplitude: null },
    sentAt: '2026-03-24T17:00:10.000Z',
  } as unknown as Parameters<typeof normalizeEvent>[3];
  const event = normalizeEvent({ event: 'E', userId: 'u', timestamp: '2026-03-24T17:00:00.000Z', sentAt: null, integrations: null, context: { locale: null, consent: { analytics: null, advertising: true } } } as unknown as IncomingEvent, 'track', facts, batch);
  assert.equal(event.context.locale, 'fr-FR');
  assert.deepEqual(event.context.page, { url: 'https://shop.example/' });
  assert.deepEqual(event.context.consent, { analytics: true, advertising: true }, 'the event\'s analytics: null does not undo the batch\'s true');
  assert.deepEqual(event.integrations, { All: true });
  assert.equal(event.sentAt, '2026-03-24T17:00:10.000Z');
  assert.equal(event.timestamp, '2026-03-24T15:59:50.000Z', 'the batch\'s sentAt corrects the clock');
  assert.deepEqual((batch as { context: { page: unknown } }).context.page, { url: 'https://shop.example/', referrer: null }, 'the shared batch context is not changed');
});
