// Text put into a RegExp to be matched as itself (an id, an email address, a vendor's echo of
// it), not read as a pattern. Node 24 has RegExp.escape, but it escapes more (a leading digit
// or letter as \x.., spaces, commas…), which reads badly in a pattern shown in a message.

/**
 * `text` with every character a RegExp reads as syntax (`. * + ? ^ $ { } ( ) | [ ] \`)
 * escaped with a backslash, so that `new RegExp(escapeRegExp(text))` matches `text` as
 * written. Not for a character class's inside (`-` is left as it is).
 *
 * @example
 * escapeRegExp('jane+1@example.com'); // 'jane\\+1@example\\.com'
 * new RegExp(`^${escapeRegExp('a.b')}$`).test('axb'); // false
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
