import type { JsonValue } from './types.ts';

/**
 * The config's text value of `field`, trimmed; undefined when absent, blank or not text — the
 * reading of an optional credential or id (a blank field means "not set", so a deletion API is
 * off rather than called with an empty token).
 *
 * @example
 * configText({ app_id: ' 7365 ' }, 'app_id');        // '7365'
 * configText({ access_token: '' }, 'access_token'); // undefined
 */
export function configText(config: Record<string, JsonValue>, field: string): string | undefined {
  const value = config[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
