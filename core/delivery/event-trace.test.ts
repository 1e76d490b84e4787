import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setGpcRule } from '../pipeline/gpc-rule.ts';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { LoggedExchange } from './delivery-log.ts';
import { statusOf, storedCopiesStatement } from './event-trace.ts';

const event = { type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'u', context: { consent: { analytics: true } } } as unknown as CanonicalEvent;
const stored = [{ id: 7, receivedAt: '2026-12-02T10:00:00.000Z', duplicate: false, dispatched: true }];
const base = { exchanges: [], deadLetters: [], jobs: [], enabled: true, event, routingNames: ['Hook', 'Webhook', 'webhook'], consentCategories: [], stored, trackingPlan: null, inIngest: false };
const exchange = (outcome: string, createdAt: string, extra: Partial<LoggedExchange> = {}): LoggedExchange => ({
  id: 1, pipelineIntegrationId: 'i', revisionId: null, eventIds: ['m-1'], attempt: 1, request: null, responseStatus: 200, responseBody: null,
  error: null, outcome, durationMs: 5, createdAt, ...extra,
});

test('an event the vendor declined reads dropped with its words; another event of the same exchange keeps its own verdict', () => {
  const declined = exchange('partial: 1 delivered, 0 retry, 0 dead_letter, 1 declined', 'x', { eventIds: ['m-0', 'm-1'], warnings: { 'm-1': ['declined: x-plausible-dropped: a bot'] } });
  assert.deepEqual(statusOf({ ...base, messageId: 'm-1', exchanges: [declined] }), { status: 'dropped', reason: 'declined: x-plausible-dropped: a bot' });
  assert.equal(statusOf({ ...base, messageId: 'm-0', exchanges: [declined] }).status, 'delivered');
  assert.deepEqual(statusOf({ ...base, messageId: 'm-1', exchanges: [exchange('declined', 'x')] }), { status: 'dropped', reason: 'declined by the vendor' });
});

test('a job holding the event comes first: sending, a retry waiting, or queued', () => {
  assert.equal(statusOf({ ...base, jobs: [{ state: 'active', attempt: 2, startAfter: 'x' }] }).status, 'delivering');
  assert.deepEqual(statusOf({ ...base, jobs: [{ state: 'created', attempt: 3, startAfter: '2026-12-02T10:05:00.000Z' }] }), { status: 'retrying', reason: 'waiting for try 3, not before 2026-12-02T10:05:00.000Z' });
  assert.equal(statusOf({ ...base, jobs: [{ state: 'created', attempt: 1, startAfter: 'x' }], exchanges: [exchange('delivered', '2026-12-02T10:00:01.000Z')] }).status, 'queued', 'a job beats an older exchange (a replay)');
});

test("then the last exchange that settled it, with its dead letter's reason", () => {
  const delivered = exchange('delivered', '2026-12-02T10:00:01.000Z');
  assert.deepEqual(statusOf({ ...base, exchanges: [delivered] }), { status: 'delivered', reason: 'answered 200 at 2026-12-02T10:00:01.000Z' });
  const letter = { reason: 'gave up after 6 tries: 503', createdAt: '2026-12-02T10:09:00.000Z' };
  // The log is written after the dead letter (gathered a second): its time is later, its word the same.
  assert.deepEqual(statusOf({ ...base, exchanges: [exchange('dead_letter', '2026-12-02T10:09:01.000Z', { responseStatus: 503 })], deadLetters: [letter] }), { status: 'dead_lettered', reason: 'gave up after 6 tries: 503' });
  assert.deepEqual(statusOf({ ...base, exchanges: [exchange('partial: 1 delivered, 0 retry, 1 dead_letter', 'x')], deadLetters: [letter] }).status, 'dead_lettered');
  assert.deepEqual(statusOf({ ...base, exchanges: [exchange('partial: 1 delivered, 0 retry, 1 dead_letter', 'x')] }).status, 'delivered', 'no dead letter: this event was the delivered one');
  assert.equal(statusOf({ ...base, exchanges: [delivered], deadLetters: [letter] }).status, 'delivered', 'sent again by a replay of stored events, and delivered');
  assert.equal(statusOf({ ...base, deadLetters: [letter] }).status, 'dead_lettered', 'its exchange gone from the log');
  assert.equal(statusOf({ ...base, exchanges: [exchange('split', 'y'), delivered] }).status, 'delivered', 'a split only led on');
  const dropped = exchange('dropped', '2026-12-02T10:00:01.000Z', { request: null, responseStatus: null, warnings: { 'm-1': ['dropped: blueprint: the "page" handler\'s filter did not match: userId exists'] } });
  assert.deepEqual(statusOf({ ...base, exchanges: [dropped] }), { status: 'dropped', reason: 'dropped: blueprint: the "page" handler\'s filter did not match: userId exists' });
  assert.equal(statusOf({ ...base, exchanges: [exchange('retry', '2026-12-02T10:00:01.000Z', { error: 'timeout: no answer' })] }).reason, 'its last exchange reads retry: timeout: no answer, and no job or dead letter holds it');
});

test('without a record: waiting, a repeat, the tracking plan, routing, consent, a disabled integration, unknown', () => {
  assert.equal(statusOf({ ...base, stored: [] }).status, 'unknown');
  assert.equal(statusOf({ ...base, inIngest: true }).status, 'waiting');
  assert.equal(statusOf({ ...base, stored: [{ ...stored[0]!, duplicate: true }] }).reason, 'held back as a repeat of an event already fanned out (deduplication)');
  assert.match(statusOf({ ...base, trackingPlan: { kind: 'unplanned', blocked: true, planVersion: 3, seenAt: 'x' } }).reason, /tracking plan \(v3, unplanned\)/);
  assert.equal(statusOf({ ...base, event: { ...event, integrations: { All: false } } }).reason, "the event's integrations object turns this integration off");
  assert.equal(statusOf({ ...base, consentCategories: ['marketing'] }).reason, 'no consent: the integration requires marketing');
  const gpcEvent = { ...base.event!, context: { ...base.event!.context, consent: { advertising: true, gpc: true } } };
  try {
    setGpcRule('opt_out');
    assert.equal(statusOf({ ...base, event: gpcEvent, consentCategories: ['advertising'] }).reason, 'no consent: the integration requires advertising (granted, but the visitor sent Global Privacy Control, a refusal of advertising under SIGNAL_GPC=opt_out)');
  } finally {
    setGpcRule('restrict');
  }
  assert.equal(statusOf({ ...base, enabled: false }).reason, 'the integration is disabled');
  assert.equal(statusOf(base).status, 'unknown');
});

test('the stored copies are searched from a row id on, values as parameters', () => {
  const { text, values } = storedCopiesStatement('p', "m'1", 42);
  assert.deepEqual(values, ['p', "m'1", 42]);
  assert.ok(!text.includes("m'1"));
});
