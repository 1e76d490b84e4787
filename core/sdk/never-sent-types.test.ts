import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neverSentTypes } from './never-sent-types.ts';

test('neverSentTypes: the reason of a type never sent, naming the vendor; undefined for the others (whatever the prototype holds)', () => {
  const neverSent = neverSentTypes('Loops', { page: 'Loops has no page views', alias: 'Loops has no alias call' });
  assert.equal(neverSent({ type: 'page' }), 'not sent to Loops: Loops has no page views');
  assert.equal(neverSent({ type: 'alias' }), 'not sent to Loops: Loops has no alias call');
  assert.equal(neverSent({ type: 'track' }), undefined);
  assert.equal(neverSent({ type: 'constructor' as 'track' }), undefined);
});
