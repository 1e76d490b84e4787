import type { JsonValue } from './types.ts';

/**
 * A value's text, trimmed; undefined when it is not text or is blank — the reading of an
 * optional config field, a mapped id or a vendor answer's message, where blank means "none".
 * Numbers are not text here (readText takes them as their digits).
 *
 * @example
 * trimmedText(' us-east-1 '); // 'us-east-1'
 * trimmedText(' \t ');        // undefined
 * trimmedText(42);            // undefined
 */
export function trimmedText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

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
  return trimmedText(config[field]);
}

/**
 * The config's API key (`api_key`, or `field`), trimmed — a header value cannot end in a line
 * break —, or `''` when absent or not text: what a plugin puts in its authorization header, and
 * what its `forgetPerson.enabled` checks is set.
 *
 * @example
 * configApiKey({ api_key: ' d2d561f5ff80 ' }); // 'd2d561f5ff80'
 * configApiKey({});                            // ''
 */
export function configApiKey(config: Record<string, JsonValue>, field = 'api_key'): string {
  return configText(config, field) ?? '';
}
