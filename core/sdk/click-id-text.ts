import { namesNoOne } from './placeholder-ids.ts';
import type { JsonValue } from './types.ts';

/**
 * A reader of an ad network's click id as a value arrives (a mapped property, a cookie, a
 * landing URL's parameter): the trimmed text when it has the network's format (`format`), is no
 * placeholder an empty variable left (`undefined`, `null`: `namesNoOne`) and, with `param`, is
 * not the parameter's own name (a tracking template whose macro went unexpanded); else undefined.
 *
 * @example
 * const qclidOf = clickIdText(/^[A-Za-z0-9._~:|%-]{1,500}$/, 'qclid');
 * qclidOf(' 0|212106239366182|0 '); // '0|212106239366182|0'
 * qclidOf('undefined');             // undefined
 * qclidOf('QCLID');                 // undefined
 */
export function clickIdText(format: RegExp, param?: string): (value: JsonValue | undefined) => string | undefined {
  const name = param?.toLowerCase();
  return (value) => {
    if (typeof value !== 'string') return undefined;
    const text = value.trim();
    return format.test(text) && !namesNoOne(text) && text.toLowerCase() !== name ? text : undefined;
  };
}
