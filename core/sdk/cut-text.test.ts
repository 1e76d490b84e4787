import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutText } from './cut-text.ts';

test('cutText: at most max UTF-16 units, never through a surrogate pair; text within max as it is', () => {
  assert.equal(cutText('abcdef', 3), 'abc');
  assert.equal(cutText('ab😀', 3), 'ab', 'the pair\'s first half goes too');
  assert.equal(cutText('ab😀', 4), 'ab😀');
  assert.equal(cutText('ab😀c', 4), 'ab😀');
  assert.equal(cutText('abc', 0), '');
  assert.equal(cutText('a\ud83d', 5), 'a\ud83d', 'text within max is not touched, a lone half included');
});

/** The plain reading of "at most max units, whole characters": characters added while they fit. */
function wholeCharactersWithin(text: string, max: number): string {
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > max) break;
    kept += char;
  }
  return kept;
}

const PIECES = ['a', ' ', 'é', '中', '😀', '𝄞', '\u{10FFFF}'];
const LONE_HALVES = ['\ud83d', '\ude00'];

function randomText(pieces: string[]): string {
  let text = '';
  for (let n = Math.floor(Math.random() * 12); n > 0; n--) text += pieces[Math.floor(Math.random() * pieces.length)];
  return text;
}

test('cutText on random text with astral characters: the longest run of whole characters within max', () => {
  for (let i = 0; i < 20_000; i++) {
    const text = randomText(PIECES);
    const max = Math.floor(Math.random() * (text.length + 3));
    assert.equal(cutText(text, max), wholeCharactersWithin(text, max), JSON.stringify({ text, max }));
  }
});

test('cutText on random text with lone surrogates: the first max units, less a first half standing last (lone or not)', () => {
  for (let i = 0; i < 20_000; i++) {
    const text = randomText([...PIECES, ...LONE_HALVES]);
    const max = Math.floor(Math.random() * (text.length + 3));
    const cut = cutText(text, max);
    const about = JSON.stringify({ text, max, cut });
    assert.ok(text.startsWith(cut) && cut.length <= max, about);
    if (text.length <= max) assert.equal(cut, text, about);
    else {
      const last = text.charCodeAt(max - 1);
      assert.equal(cut.length, last >= 0xd800 && last <= 0xdbff ? max - 1 : max, about);
    }
  }
});
