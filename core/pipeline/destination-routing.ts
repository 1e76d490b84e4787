import type { CanonicalEvent } from '../collect/canonical-event.ts';

/**
 * Segment's destination selection: an event's `integrations` object can turn destinations on
 * and off, e.g. `{ "All": false, "Amplitude": true }` or `{ "Google Analytics": false }`. An
 * integration answers to its own name (the template's, as the admin named it), its plugin's
 * name and its plugin's id, matched without regard to case, most specific first. A key set to
 * `false` turns it off; `true` or an object of options turns it on; otherwise `All` decides,
 * and without `All` every destination is on. An event without the object goes everywhere.
 *
 * @example
 * isRoutedTo({ integrations: { All: false, Amplitude: true } } as CanonicalEvent, ['Amplitude EU', 'Amplitude', 'amplitude']); // true
 * isRoutedTo({ integrations: { 'Custom Webhook': false } } as CanonicalEvent, ['Orders hook', 'Custom Webhook', 'webhook']); // false
 */
export function isRoutedTo(event: CanonicalEvent, names: readonly string[]): boolean {
  const flags = event.integrations;
  if (!flags || typeof flags !== 'object') return true;
  const lowered = new Map<string, unknown>();
  for (const [key, value] of Object.entries(flags)) {
    const name = key.toLowerCase();
    if (!lowered.has(name)) lowered.set(name, value);
  }
  for (const name of names) {
    const value = lowered.get(name.toLowerCase());
    if (value !== undefined) return value !== false;
  }
  return lowered.get('all') !== false;
}
