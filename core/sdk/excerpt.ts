/**
 * A vendor's words, fit for a reason or a message: runs of white space folded to one space,
 * trimmed, and cut at `maxChars` with an ellipsis (a proxy's whole HTML error page must not
 * fill a dead letter's reason).
 *
 * @example
 * excerpt('  Invalid\n   API key '); // 'Invalid API key'
 * excerpt('x'.repeat(500)).length;   // 301 (300 characters and '…')
 */
export function excerpt(text: string, maxChars = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat;
}
