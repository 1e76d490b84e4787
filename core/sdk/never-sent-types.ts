import type { CanonicalEvent } from './types.ts';

/**
 * The reasons a plugin never sends the calls of some types (page, screen, group, alias …), as
 * its `neverSends` and map hook say them: `not sent to <vendor>: <why>`, undefined for the
 * types it may send.
 *
 * @example
 * const neverSent = neverSentTypes('Loops', { page: 'Loops has no page views (its events trigger emails)' });
 * neverSent({ type: 'page' });  // 'not sent to Loops: Loops has no page views (its events trigger emails)'
 * neverSent({ type: 'track' }); // undefined
 */
export function neverSentTypes(vendor: string, reasons: Readonly<Partial<Record<CanonicalEvent['type'], string>>>): (event: Pick<CanonicalEvent, 'type'>) => string | undefined {
  const table: Readonly<Record<string, string | undefined>> = Object.freeze({ ...reasons });
  return (event) => {
    const why = Object.hasOwn(table, event.type) ? table[event.type] : undefined;
    return why === undefined ? undefined : `not sent to ${vendor}: ${why}`;
  };
}
