import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventMapKeyProblems, eventMapKeys, eventMapName, eventMapOf } from './event-maps.ts';
import type { CanonicalEvent } from './types.ts';

test('eventMapKeys: a track event by its name, a page call by page:<name> then page, other calls by none', () => {
  assert.deepEqual(eventMapKeys({ type: 'track', event: 'Order Completed' } as CanonicalEvent), ['Order Completed']);
  assert.deepEqual(eventMapKeys({ type: 'page', name: 'Pricing' } as CanonicalEvent), ['page:Pricing', 'page']);
  assert.deepEqual(eventMapKeys({ type: 'page' } as CanonicalEvent), ['page']);
  assert.deepEqual(eventMapKeys({ type: 'identify' } as CanonicalEvent), []);
  assert.deepEqual(eventMapKeys({ type: 'screen', name: 'Home' } as CanonicalEvent), []);
});

test('eventMapOf: the object, or an empty one for anything else', () => {
  assert.deepEqual(eventMapOf({ page: 'PageView' }), { page: 'PageView' });
  for (const value of [undefined, null, 'a', 1, ['a']]) assert.deepEqual(eventMapOf(value as never), {});
});

test('eventMapName: the most precise key\'s text, trimmed; a key without text gives way to the next; own keys only', () => {
  const names = { 'page:Pricing': '  ', page: ' page_view ', 'Order Completed': 'purchase' };
  assert.equal(eventMapName({ type: 'page', name: 'Pricing' } as CanonicalEvent, names), 'page_view');
  assert.equal(eventMapName({ type: 'track', event: 'Order Completed' } as CanonicalEvent, names), 'purchase');
  assert.equal(eventMapName({ type: 'track', event: 'toString' } as CanonicalEvent, names), undefined);
  assert.equal(eventMapName({ type: 'identify' } as CanonicalEvent, names), undefined);
  assert.equal(eventMapName({ type: 'page' } as CanonicalEvent, undefined), undefined);
});

test('eventMapKeyProblems: empty keys, keys with white space around them, a page: naming no page; values left to the vendor', () => {
  assert.deepEqual(eventMapKeyProblems({ 'Order Completed': ' x ', ' Signed Up': 'y', '': 'z', 'page:': 'v', 'page: ': 'w', page: 'p', 'page:Pricing': 'q', 'Page:Pricing': 'r' }, 'event_names'), [
    { field: 'event_names', message: 'has " Signed Up" with white space around it: Signal event names are matched exactly' },
    { field: 'event_names', message: 'has an empty Signal event name: name the track event (e.g. "Order Completed"), or page / page:<name> for page calls' },
    { field: 'event_names', message: 'has "page:": a page call of a name is page:<its name>, in lower case, with nothing between the colon and the name (e.g. page:Pricing); page alone counts every page call' },
    { field: 'event_names', message: 'has "page: " with white space around it: Signal event names are matched exactly' },
    { field: 'event_names', message: 'has "Page:Pricing": a page call of a name is page:<its name>, in lower case, with nothing between the colon and the name (e.g. page:Pricing); page alone counts every page call' },
  ]);
  assert.deepEqual(eventMapKeyProblems(undefined, 'event_names'), []);
  assert.deepEqual(eventMapKeyProblems(['a'], 'event_names'), [], 'not a map: the schema says so');
});
