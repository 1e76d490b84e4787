import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventRowsOfPerson, PLACEHOLDER_IDS_SKIPPED } from './event-rows-of-person.ts';

test('eventRowsOfPerson: the userId in user_id or previous_id, the anonymousId in anonymous_id or previous_id, as the markers given', () => {
  assert.deepEqual(eventRowsOfPerson({ userId: 'u-1', anonymousId: 'df_1' }, (column) => `@${column}`), {
    condition: 'user_id = @user_id OR previous_id = @user_id OR anonymous_id = @anonymous_id OR previous_id = @anonymous_id',
    ids: [{ name: 'user_id', value: 'u-1' }, { name: 'anonymous_id', value: 'df_1' }],
    positional: ['u-1', 'u-1', 'df_1', 'df_1'],
  });
  assert.deepEqual(eventRowsOfPerson({ userId: null, anonymousId: 'df_1' }, () => '?'), {
    condition: 'anonymous_id = ? OR previous_id = ?', ids: [{ name: 'anonymous_id', value: 'df_1' }], positional: ['df_1', 'df_1'],
  });
  assert.equal(eventRowsOfPerson({ userId: 'u-1', anonymousId: null }, (column) => `{${column}:String}`)?.condition, 'user_id = {user_id:String} OR previous_id = {user_id:String}');
});

test('eventRowsOfPerson: placeholder ids name no one and are left out; none usable is null', () => {
  assert.deepEqual(eventRowsOfPerson({ userId: 'undefined', anonymousId: 'df_1' }, () => '?')?.ids, [{ name: 'anonymous_id', value: 'df_1' }]);
  for (const userId of [null, 'null', ' ', 'anonymous', '0']) assert.equal(eventRowsOfPerson({ userId, anonymousId: 'NONE' }, () => '?'), null, String(userId));
  assert.match(PLACEHOLDER_IDS_SKIPPED, /^the ids named are placeholders SDKs send for "no id"/);
});
