/**
 * `truncate` counts characters as a reader sees them (grapheme clusters): a flag, a family
 * emoji or a letter with a combining accent is one character and is never cut in two, which
 * vendors would display as a lone regional indicator or a dangling joiner.
 */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The first `n` characters of `text`, counting each grapheme cluster once.
 *
 * @example
 * truncateText('🇬🇧 London', 1);  // '🇬🇧'
 * truncateText('café', 3);        // 'caf'
 */
export function truncateText(text: string, n: number): string {
  // Code units first (fast path): a text no longer than n units has at most n characters.
  if (text.length <= n) return text;
  let end = 0;
  let count = 0;
  for (const { index, segment } of graphemes.segment(text)) {
    if (count++ === n) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}
