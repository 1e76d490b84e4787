import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namesNoOne, usableId } from './placeholder-ids.ts';

test('placeholders SDKs write for an empty variable name no one, in any case and spacing', () => {
  assert.deepEqual(['null', ' NULL ', 'undefined', 'None', 'nil', 'anonymous', 'unknown', 'N/A', 'na', '0', '-1', '[object Object]'].map(namesNoOne), Array(12).fill(true));
  assert.deepEqual(['user-123', 'df_abc123', 'nullable', '00'].map(namesNoOne), [false, false, false, false]);
});

test('a usable id: non-blank text or a finite number, no placeholder, none of the vendor\'s own', () => {
  assert.deepEqual(['user-123', 42, ' NULL ', 0, -1, '', '  ', Number.NaN, null, undefined, {}].map((v) => usableId(v)), [true, true, false, false, false, false, false, false, false, false, false]);
  const mixpanel = new Set(['true', '[]', '00000000-0000-0000-0000-000000000000']);
  assert.deepEqual(['TRUE', '[]', '00000000-0000-0000-0000-000000000000', 'user-123'].map((v) => usableId(v, mixpanel)), [false, false, false, true]);
});
