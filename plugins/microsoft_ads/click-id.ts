// Microsoft's click id (MSCLKID): auto-tagging appends `msclkid` to an ad's landing page URL.
// Microsoft asks a CAPI sender to keep the latest one per visitor (90 days) and send it with
// every later event, as a UUID. The UET tag keeps it in its `_uetmsclkid` cookie prefixed with
// `_uet` (`_uetb1240587f865192a03586c5b000314f5`); Signal keeps it in its own `_dfmsclkid`; the
// tag's beacons carry it with a `-0`/`-1` suffix (a new click or not). All read the same here.
import { pageUrlParamOf, namesNoOne, type CanonicalEvent, type JsonValue } from '../../core/sdk/index.ts';

/** The landing URL parameter Microsoft Advertising's auto-tagging appends. */
export const MSCLKID_PARAM = 'msclkid';
/** Signal's own first-party cookie for the click id: the msclkid as it came. */
export const MSCLKID_COOKIE = '_dfmsclkid';
/** The UET tag's cookie for the click id (`_uet` + the msclkid), read, never written. */
export const UET_MSCLKID_COOKIE = '_uetmsclkid';
/** Microsoft's suggested retention of a click id ("Suggested retention/expiration: 90 days"). */
export const MSCLKID_DAYS = 90;

/** A click id as written: 32 hex digits or a hyphenated UUID, after the UET cookie's `_uet` and before the beacon's `-0`/`-1`. */
const WRITTEN = /^(?:_uet)?([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:-[01])?$/i;

/**
 * The msclkid of a value — the URL parameter, Signal's `_dfmsclkid`, the UET tag's
 * `_uetmsclkid`, a beacon's `<id>-1` — as the hyphenated, lower-case UUID Microsoft documents
 * ("Must be a valid UUID", its example `dd4afccc-b1c9-4a4c-ad95-44dd7e5006ab`): the same GUID,
 * whichever way it was written. Undefined for anything else (a placeholder such as
 * `undefined`, a zero id, text no click id is).
 *
 * @example
 * msclkidOf('_uetb1240587f865192a03586c5b000314f5'); // 'b1240587-f865-192a-0358-6c5b000314f5'
 * msclkidOf('cdd4afcccb1c9a4cad9544dd7e5006d5-1');   // 'cdd4afcc-cb1c-9a4c-ad95-44dd7e5006d5'
 * msclkidOf('undefined');                             // undefined
 */
export function msclkidOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string' || namesNoOne(value)) return undefined;
  const match = WRITTEN.exec(value.trim());
  if (!match) return undefined;
  const hex = match[1]!.replace(/-/g, '').toLowerCase();
  if (/^0+$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The msclkid of the event's page URL (`context.page.url`, `context.page.search`, or a page
 * call's `properties.url`): the landing page of an ad click, the newest click there is.
 *
 * @example
 * msclkidFromPage({ context: { page: { url: 'https://shop.example/?msclkid=b1240587f865192a03586c5b000314f5' } } } as CanonicalEvent);
 * // 'b1240587-f865-192a-0358-6c5b000314f5'
 */
export function msclkidFromPage(event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, MSCLKID_PARAM, { accept: msclkidOf });
}
