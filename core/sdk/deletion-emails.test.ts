import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deletionEmails } from './deletion-emails.ts';

const isEmail = (value: string): boolean => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);

test('deletion emails: an email userId first, then the emails found, each once whatever its case, each one the plugin takes for an address', () => {
  assert.deepEqual(deletionEmails({ userId: ' Jane@Example.com ', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example', 'jane@example'] }, isEmail), ['Jane@Example.com', 'j.doe@work.example']);
  assert.deepEqual(deletionEmails({ userId: 'u-1', anonymousId: 'df_1', emails: ['jane@example.com'] }, isEmail), ['jane@example.com'], 'a userId that is no email is none');
  assert.deepEqual(deletionEmails({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com', 'jane@example.com'] }, isEmail), ['jane@example.com']);
  assert.deepEqual(deletionEmails({ userId: 'u-1', anonymousId: null }, isEmail), [], 'no emails passed (a plugin\'s own tests)');
  assert.deepEqual(deletionEmails({ userId: 'null@', anonymousId: null, emails: [] }, isEmail), []);
  assert.deepEqual(deletionEmails({ userId: 'jane@example.com', anonymousId: null, emails: ['Jane@Example.com'] }, () => false), [], 'the plugin\'s check decides');
});
