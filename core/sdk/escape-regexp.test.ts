import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeRegExp } from './escape-regexp.ts';

test('escapeRegExp: each syntax character gets a backslash; other text stays as it is', () => {
  assert.equal(escapeRegExp('jane+1@example.com'), 'jane\\+1@example\\.com');
  assert.equal(escapeRegExp('.*+?^${}()|[]\\'), '\\.\\*\\+\\?\\^\\$\\{\\}\\(\\)\\|\\[\\]\\\\');
  assert.equal(escapeRegExp('user-7 é 😀 /path'), 'user-7 é 😀 /path', 'hyphens, slashes, letters and emoji need no escape outside a class');
  assert.equal(escapeRegExp(''), '');
});

test('escapeRegExp: the pattern matches the text as written, and nothing it would match as syntax', () => {
  const samples = ['a.b', '(1+1)*2', 'C:\\temp\\x', '[id]', 'x{2}', '^start$', 'a|b', 'what?', '\\d+'];
  for (const text of samples) {
    const exact = new RegExp(`^${escapeRegExp(text)}$`, 'u');
    assert.ok(exact.test(text), text);
  }
  assert.equal(new RegExp(`^${escapeRegExp('a.b')}$`).test('axb'), false);
  assert.equal(new RegExp(`^${escapeRegExp('a|b')}$`).test('a'), false);
  assert.equal(new RegExp(`^${escapeRegExp('\\d+')}$`).test('42'), false);
});

test('escapeRegExp: random text of syntax and other characters is matched as itself (u flag too)', () => {
  const pieces = ['.', '*', '+', '?', '^', '$', '{', '}', '(', ')', '|', '[', ']', '\\', '-', '/', 'a', '1', ' ', 'é', '😀'];
  for (let i = 0; i < 5_000; i++) {
    let text = '';
    for (let n = Math.floor(Math.random() * 10); n > 0; n--) text += pieces[Math.floor(Math.random() * pieces.length)];
    assert.ok(new RegExp(`^${escapeRegExp(text)}$`, 'u').test(text), JSON.stringify(text));
    assert.ok(new RegExp(`^${escapeRegExp(text)}$`).test(text), JSON.stringify(text));
  }
});
