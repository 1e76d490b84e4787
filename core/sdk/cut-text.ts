// Text cut to a vendor's limit of characters counted in UTF-16 units (JavaScript's length), never
// through a surrogate pair: half an emoji is no character, and a vendor refuses or mangles it.

/**
 * Text cut to at most `max` UTF-16 units, never through a surrogate pair (the pair's first half
 * goes too); text within `max` is returned as it is.
 *
 * @example
 * cutText('abcdef', 3); // 'abc'
 * cutText('ab😀', 3);   // 'ab'
 * cutText('ab😀', 4);   // 'ab😀'
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
