// Whether a mapped value came only from what Signal remembers of the person. Identify calls get
// the traits of the person's earlier identify calls as `context.traits` (README: Remembered
// traits), so a blueprint reading `[traits.email, context.traits.email]` maps an email the call
// itself never gave. Matching people by it is the point; subscribing them by it is not: a
// subscription, or a re-subscription, must come from what the call itself says.
import { isJsonObject } from './json-object.ts';
import type { CanonicalEvent, JsonValue } from './types.ts';
import { readText } from './value-readers.ts';

/** Text compared as people write it: trimmed, case aside (Jane@Example.com is jane@example.com). */
function comparable(value: JsonValue | undefined): string | undefined {
  return readText(value)?.toLowerCase();
}

/**
 * Whether `value` (an email or phone a blueprint mapped) is only the remembered
 * `context.traits[trait]`: the event's own `traits` give no `trait`, and the remembered one is
 * that value (trimmed, case aside). False for a value of the event's own traits, and for one the
 * blueprint took from elsewhere.
 *
 * @example
 * isRememberedOnly('jane@example.com', 'email', { traits: { plan: 'pro' }, context: { traits: { email: 'Jane@Example.com' } } } as CanonicalEvent); // true
 * isRememberedOnly('jane@example.com', 'email', { traits: { email: 'jane@example.com' }, context: {} } as CanonicalEvent);                          // false
 * isRememberedOnly('work@example.com', 'email', { traits: { work_email: 'work@example.com' }, context: { traits: { email: 'jane@example.com' } } } as CanonicalEvent); // false
 */
export function isRememberedOnly(value: JsonValue | undefined, trait: string, event: CanonicalEvent): boolean {
  const mapped = comparable(value);
  if (mapped === undefined) return false;
  const own = isJsonObject(event.traits) ? comparable(event.traits[trait]) : undefined;
  const remembered = isJsonObject(event.context?.traits) ? comparable(event.context.traits[trait]) : undefined;
  return own === undefined && remembered === mapped;
}
