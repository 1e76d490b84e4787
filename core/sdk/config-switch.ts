import type { JsonValue } from './types.ts';

/**
 * Why a config switch's value will not do, or undefined when it will: a switch (a boolean field
 * such as include_contact_info or deletion_notices) is true, false or left out. The schema says
 * the same; this is the wording of the plugins' `validateConfig`, which names the field.
 *
 * @example
 * configSwitchProblem(true);      // undefined
 * configSwitchProblem(undefined); // undefined
 * configSwitchProblem('yes');     // 'must be true or false'
 */
export function configSwitchProblem(value: JsonValue | undefined): string | undefined {
  return value === undefined || typeof value === 'boolean' ? undefined : 'must be true or false';
}
