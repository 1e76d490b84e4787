import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isEmailAddress, isStrictEmailAddress } from './email-address.ts';

const ANY_DOMAIN = { requireDomainDot: false };

test('isEmailAddress: one @ between non-blank parts, a dot inside the domain', () => {
  for (const text of ['jane@example.com', 'a@b.c', 'Jane.Doe+news@Mail.Example.co.uk', 'zoë@exämple.de', 'a@b..c', 'a@.b.c', '"jane"@example.com']) {
    assert.equal(isEmailAddress(text), true, text);
  }
  for (const text of ['', 'user-123', '@example.com', 'jane@', 'jane@localhost', 'jane@example.', 'jane@.com', 'jane@@example.com', 'a@b@c.d', '.@.']) {
    assert.equal(isEmailAddress(text), false, text);
  }
});

test('isEmailAddress: white space anywhere is no address, at the ends too (the caller trims)', () => {
  for (const text of [' jane@example.com', 'jane@example.com ', 'jane@example.com\n', '\tjane@example.com', 'jane doe@example.com', 'jane@exa mple.com', 'jane@example.com\u00a0']) {
    assert.equal(isEmailAddress(text), false, JSON.stringify(text));
    assert.equal(isStrictEmailAddress(text), false, JSON.stringify(text));
  }
});

test('isEmailAddress: list separators and brackets pass, one @ given', () => {
  for (const text of ['jane@example.com;x', 'jane@example.com,', '<jane@example.com>', '(jane)@example.com', 'jane@[example].com']) {
    assert.equal(isEmailAddress(text), true, text);
  }
});

test('isEmailAddress: requireDomainDot false takes any domain', () => {
  for (const text of ['jane@localhost', 'jane@example.com', 'a@b', 'a@b.', 'a@.b', 'a@b;c']) assert.equal(isEmailAddress(text, ANY_DOMAIN), true, text);
  for (const text of ['', 'jane', '@b', 'a@', 'a@@b', 'a@b@c', ' a@b', 'a b@c']) assert.equal(isEmailAddress(text, ANY_DOMAIN), false, text);
  assert.equal(isEmailAddress('jane@localhost', { requireDomainDot: true }), false);
  assert.equal(isEmailAddress('jane@localhost', { requireDomainDot: undefined }), false, 'undefined is the default: a dot needed');
});

test('isStrictEmailAddress: an address isEmailAddress takes, without commas, semicolons or brackets', () => {
  for (const text of ['jane@example.com', 'Jane.Doe+news@Mail.Example.co.uk', 'zoë@exämple.de', 'o\'brien@example.ie']) {
    assert.equal(isStrictEmailAddress(text), true, text);
  }
  for (const text of [
    'jane@example.com,john@example.com', 'jane@example.com;john@example.com', 'jane@example.com;', 'jane,doe@example.com',
    '<jane@example.com>', 'jane@example.com>', '(jane)@example.com', 'jane@example.com(work)', '[jane]@example.com', 'jane@[127.0.0.1].com',
    'jane@localhost', 'jane@example.', '', 'user-123',
  ]) {
    assert.equal(isStrictEmailAddress(text), false, text);
  }
});

test('isStrictEmailAddress: requireDomainDot false takes any domain, still one address', () => {
  for (const text of ['jane@localhost', 'a@b', 'jane@example.com', 'a@b.']) assert.equal(isStrictEmailAddress(text, ANY_DOMAIN), true, text);
  for (const text of ['a@b,c@d', 'a@b;', '<a@b>', 'a@(b)', 'a@[b]', 'a@', '@b', 'a@b@c', ' a@b']) assert.equal(isStrictEmailAddress(text, ANY_DOMAIN), false, text);
});
