/**
 * `truncate` counts characters as a reader sees them (grapheme clusters): a flag, a family
 * emoji or a letter with a combining accent is one character and is never cut in two, which
 * vendors would display as a lone regional indicator or a dangling joiner.
 */

// Made at the first text that needs it: making one loads ICU's break rules, some 30 ms of CPU
// that every process importing the blueprint compiler (every test file's) paid at start.
let graphemes: Intl.Segmenter | undefined;

/**
 * The longest a kept character may be, in UTF-16 units. Real ones are short (a family emoji
 * is 11, a flag 4, a letter with two accents 3); a letter carrying thousands of combining marks
 * is one grapheme too, and must not carry them past a field's limit: it is cut to its first
 * code point.
 */
const MAX_GRAPHEME_UNITS = 32;

/**
 * The first `n` characters of `text`, counting each grapheme cluster once; at most
 * `32 × n` UTF-16 units whatever the text (see `MAX_GRAPHEME_UNITS`).
 *
 * @example
 * truncateText('🇬🇧 London', 1);  // '🇬🇧'
 * truncateText('café', 3);        // 'caf'
 */
export function truncateText(text: string, n: number): string {
  // Code units first (fast path): a text no longer than n units has at most n characters.
  if (text.length <= n) return text;
  let out = '';
  let count = 0;
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(text)) {
    if (count++ === n) break;
    out += segment.length <= MAX_GRAPHEME_UNITS ? segment : String.fromCodePoint(segment.codePointAt(0)!);
  }
  return out;
}
