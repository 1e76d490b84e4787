import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DELETION_NOTICE_TYPE, deletionNotice, deletionNoticeOutcome, NOTICE_NAMES_NO_ONE, noticedPerson, withoutReplayAdvice } from './deletion-notice.ts';
import { sha256Hex } from './aws-signature-v4.ts';
import type { Classification, RequestDescriptor } from './types.ts';

const NOW = Date.parse('2026-11-30T12:00:00Z');

test('deletionNotice: the ids named (null when not) and when it was asked; contact information hashed only when the options leave it out', () => {
  assert.deepEqual(deletionNotice({ userId: 'u-42', anonymousId: null }, NOW), { type: DELETION_NOTICE_TYPE, user_id: 'u-42', anonymous_id: null, requested_at: '2026-11-30T12:00:00.000Z' });
  const person = { userId: 'jane@example.com', anonymousId: 'df_1' };
  assert.equal(deletionNotice(person, NOW).user_id, 'jane@example.com', 'no options: the ids as given');
  assert.deepEqual(deletionNotice(person, NOW, { includeContactInfo: false }), { type: 'person_deletion', user_id: `sha256:${sha256Hex('jane@example.com')}`, anonymous_id: 'df_1', requested_at: '2026-11-30T12:00:00.000Z' });
  assert.equal(deletionNotice(person, NOW, { includeContactInfo: true }).user_id, 'jane@example.com');
});

test('noticedPerson: placeholder ids become null; a person named only by placeholders is skipped', () => {
  assert.deepEqual(noticedPerson({ userId: 'u-42', anonymousId: 'undefined' }), { userId: 'u-42', anonymousId: null });
  assert.deepEqual(noticedPerson({ userId: ' NULL ', anonymousId: 'df_1' }), { userId: null, anonymousId: 'df_1' });
  assert.deepEqual(noticedPerson({ userId: 'null', anonymousId: null }), { skipped: NOTICE_NAMES_NO_ONE });
  assert.deepEqual(noticedPerson({ userId: null, anonymousId: null }), { skipped: NOTICE_NAMES_NO_ONE });
});

test('withoutReplayAdvice: the replay advice that ends a dead letter\'s reason taken off, whatever joins it; other reasons untouched', () => {
  assert.equal(withoutReplayAdvice('denied (HTTP 403): allow it, then replay the dead letters'), 'denied (HTTP 403): allow it');
  assert.equal(withoutReplayAdvice('no key (HTTP 400): grant it; then replay the dead letters'), 'no key (HTTP 400): grant it');
  assert.equal(withoutReplayAdvice('a Signal bug, please report it; then replay the dead letters once fixed'), 'a Signal bug, please report it');
  assert.equal(withoutReplayAdvice('not sent again as it is; then replay the dead letters once the cause is fixed'), 'not sent again as it is');
  assert.equal(withoutReplayAdvice('check the key — then replay the dead letters'), 'check the key —');
  assert.equal(withoutReplayAdvice('refused: then replay the dead letters, and more'), 'refused: then replay the dead letters, and more', 'only at the end');
});

test('deletionNoticeOutcome: the classifier is asked with the one event id "notice"; delivered is done, retry keeps its wait, anything else fails without the replay advice', () => {
  const request: RequestDescriptor = { method: 'POST', url: 'https://vendor.example/', body: { notice: true }, eventIds: [] };
  const asked: RequestDescriptor[] = [];
  const outcomeOf = (classified: Classification, given: RequestDescriptor | undefined) => deletionNoticeOutcome((notice) => {
    asked.push(notice);
    return classified;
  }, given, 'deletion notice sent: your consumers erase the person\'s data');
  assert.deepEqual(outcomeOf({ status: 'delivered' }, request), { done: true, message: 'deletion notice sent: your consumers erase the person\'s data' });
  assert.deepEqual(asked[0], { ...request, eventIds: ['notice'] });
  assert.deepEqual(outcomeOf({ perEvent: {} }, request), { done: true, message: 'deletion notice sent: your consumers erase the person\'s data' }, 'not named per event: delivered');
  assert.deepEqual(outcomeOf({ status: 'retry', reason: 'throttled', retryAfterMs: 1500, throttled: true }, request), { retry: 'throttled', afterSeconds: 2 });
  assert.deepEqual(outcomeOf({ perEvent: { notice: { status: 'retry', reason: 'InternalError' } } }, request), { retry: 'InternalError' });
  assert.deepEqual(outcomeOf({ status: 'dead_letter', reason: 'no queue (HTTP 400): check config.queue_url, then replay the dead letters' }, request), { failed: 'no queue (HTTP 400): check config.queue_url' });
  assert.deepEqual(outcomeOf({ perEvent: { notice: { status: 'dead_letter', reason: 'refused; then replay the dead letters once the cause is fixed' } } }, request), { failed: 'refused' });
  assert.deepEqual(outcomeOf({ status: 'split', reason: 'too large' }, request), { failed: 'too large' }, 'a split of one notice fails saying why');
  outcomeOf({ status: 'delivered' }, undefined);
  assert.deepEqual(asked.at(-1), { method: 'POST', url: '', eventIds: ['notice'] }, 'without the request (a plugin\'s own tests): a bare one');
});
