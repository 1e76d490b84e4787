// A config refused by its plugin's JSON Schema only for `pattern`s says "must match pattern
// "^[1-9][0-9]{0,2}$"", a regular expression where the plugin's `validateConfig` has words
// ("is "+33": expected a country calling code …"). Patterns change no types, so the plugin's
// check can run on such a config, and its words win for the fields it speaks of.
import type { ErrorObject } from 'ajv';
import type { ErrorField } from '../errors.ts';

/** Whether every schema error is a `pattern` mismatch (and there is at least one). */
export function onlyPatternErrors(errors: readonly ErrorObject[]): boolean {
  return errors.length > 0 && errors.every((error) => error.keyword === 'pattern');
}

/** Whether `field` is `parent` or below it (`config.lists[0]`, `config.fields.plan` under `config.lists`, `config.fields`). */
function isAtOrBelow(field: string, parent: string): boolean {
  return field === parent || field.startsWith(`${parent}.`) || field.startsWith(`${parent}[`);
}

/**
 * The problems to report for a config that failed only on patterns: the plugin's, then the
 * schema's for fields the plugin said nothing of (at or above them).
 *
 * @example
 * withPluginWords(
 *   [{ field: 'config.default_country_code', message: 'must match pattern "^[1-9][0-9]{0,2}$"' }],
 *   [{ field: 'config.default_country_code', message: 'is "+33": expected a country calling code, 1 to 3 digits without "+"' }],
 * ); // [{ field: 'config.default_country_code', message: 'is "+33": expected …' }]
 */
export function withPluginWords(schemaFields: readonly ErrorField[], pluginFields: readonly ErrorField[]): ErrorField[] {
  return [...pluginFields, ...schemaFields.filter((f) => !pluginFields.some((p) => isAtOrBelow(f.field, p.field)))];
}
