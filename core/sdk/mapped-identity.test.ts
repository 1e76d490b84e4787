import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError } from './errors.ts';
import type { JsonValue } from './types.ts';
import { isSendableEmail, mappedEmail, mappedEmailOrLeftOut, mappedUserId, MAX_EMAIL_ADDRESS_CHARS } from './mapped-identity.ts';

const LOOPS_IDS = { maxChars: 500, limit: 'Loops takes text of at most 500' };

test('isSendableEmail: one address once trimmed, at most 254 characters; strict refuses lists and bracketed names', () => {
  assert.equal(isSendableEmail(' jane@example.com '), true);
  assert.equal(isSendableEmail('user-123'), false);
  assert.equal(isSendableEmail(''), false);
  const longest = `${'a'.repeat(MAX_EMAIL_ADDRESS_CHARS - '@example.com'.length)}@example.com`;
  assert.equal(isSendableEmail(longest), true);
  assert.equal(isSendableEmail(`a${longest}`), false, 'over RFC 5321\'s 254 characters');
  assert.equal(isSendableEmail('jane@example.com;x'), true, 'one @ is enough for the loose check');
  assert.equal(isSendableEmail('jane@example.com;x', { strict: true }), false);
  assert.equal(isSendableEmail('Jane <jane@example.com>', { strict: true }), false);
  assert.equal(isSendableEmail(' jane@example.com ', { strict: true }), true);
});

test('mappedEmail: none for absent, null or blank; the address trimmed; anything else a PermanentError naming the vendor and where the email came from', () => {
  assert.equal(mappedEmail(undefined, 'Loops'), undefined);
  assert.equal(mappedEmail(null, 'Loops'), undefined);
  assert.equal(mappedEmail('  ', 'Loops'), undefined);
  assert.equal(mappedEmail(' Jane@Example.com ', 'Loops'), 'Jane@Example.com', 'letter case kept: the vendor compares addresses itself');
  const refused: Array<[JsonValue, string]> = [['jane@', '"jane@"'], [42, '42'], [['jane@example.com'], '["jane@example.com"]'], [{ email: 'x' }, '{"email":"x"}']];
  for (const [value, said] of refused) {
    assert.throws(() => mappedEmail(value, 'Brevo'), (error: unknown) => error instanceof PermanentError
      && error.message === `the email ${said} (traits.email, or context.traits.email) is not an email address Brevo accepts: fix it at the source, or leave it out with a pipeline transformation`);
  }
  assert.equal(mappedEmail('jane@example.com;x', 'Loops'), 'jane@example.com;x');
  assert.throws(() => mappedEmail('jane@example.com;x', 'Ortto', { strict: true }), /is not an email address Ortto accepts/);
});

test('mappedUserId: text trimmed, numbers as text, placeholders none; over the vendor\'s limit a PermanentError saying both lengths', () => {
  assert.equal(mappedUserId(' user-123 ', LOOPS_IDS), 'user-123');
  assert.equal(mappedUserId(42, LOOPS_IDS), '42');
  const none: Array<JsonValue | undefined> = [undefined, null, '', '  ', 'undefined', 'null', 'anonymous', true, { id: 1 }];
  for (const value of none) assert.equal(mappedUserId(value, LOOPS_IDS), undefined, JSON.stringify(value));
  assert.equal(mappedUserId('x'.repeat(500), LOOPS_IDS), 'x'.repeat(500));
  assert.throws(() => mappedUserId('x'.repeat(501), LOOPS_IDS), (error: unknown) => error instanceof PermanentError
    && error.message === 'the userId is 501 characters long; Loops takes text of at most 500: shorten it at the source');
});

test('mappedEmailOrLeftOut: a malformed email left out with a warning when the record is named otherwise, else mappedEmail\'s refusal', () => {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  assert.equal(mappedEmailOrLeftOut(' jane@example.com ', 'Loops', { namedOtherwise: true, warn }), 'jane@example.com');
  assert.equal(mappedEmailOrLeftOut(undefined, 'Loops', { namedOtherwise: false, warn }), undefined);
  assert.equal(mappedEmailOrLeftOut('jane@', 'Loops', { namedOtherwise: true, warn }), undefined);
  assert.deepEqual(warnings, ['email left out: "jane@" (traits.email, or context.traits.email) is not an email address']);
  assert.throws(() => mappedEmailOrLeftOut('jane@', 'SendGrid', { namedOtherwise: false, warn }), /^PermanentError: the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address SendGrid accepts/);
  assert.equal(mappedEmailOrLeftOut('jane@', 'Loops', { namedOtherwise: true, warn: undefined }), undefined, 'no warn: left out all the same');
});
