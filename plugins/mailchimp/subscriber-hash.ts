// Mailchimp names a member in URLs by its subscriber hash: "the MD5 hash of the lowercase
// version of the list member's email address" (Marketing API reference, List members).
import { createHash } from 'node:crypto';

/**
 * The subscriber hash of an email address: MD5 (hex) of the trimmed, lower-cased address.
 *
 * @example
 * subscriberHash('Urist.McVankab@freddiesjokes.com'); // '62eeb292278cc15f5817cb78f7790b08' (Mailchimp's own example)
 */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}
