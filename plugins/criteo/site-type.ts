// Criteo's site_type: which version of the site the visitor saw, `d` (desktop), `m` (mobile)
// or `t` (tablet), as the OneTag's setSiteType takes it. A site with one responsive version
// reads it from the browser, as Criteo's own OneTag snippet does with its `deviceType` line.
import { readText, type JsonValue } from '../../core/sdk/index.ts';
import type { SiteTypeSetting } from './config.ts';

export type SiteType = 'd' | 'm' | 't';

/** Criteo's OneTag snippet's test for a tablet: an iPad. */
const TABLET = /iPad/;
/** Criteo's OneTag snippet's test for a mobile browser. */
const MOBILE = /Mobile|iP(hone|od)|Android|BlackBerry|IEMobile|Silk/;

/**
 * The site type of an event: the config's when it sets one, else read from the visitor's user
 * agent as Criteo's OneTag snippet reads `navigator.userAgent` (an iPad is a tablet; a phone,
 * Android, BlackBerry or Silk browser mobile; anything else, and no user agent, desktop).
 *
 * @example
 * siteTypeOf('auto', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) … Mobile/15E148 Safari/604.1'); // 'm'
 * siteTypeOf('auto', 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) …'); // 't'
 * siteTypeOf('d', 'Mozilla/5.0 (iPhone; …)'); // 'd'
 */
export function siteTypeOf(setting: SiteTypeSetting, userAgent: JsonValue | undefined): SiteType {
  if (setting !== 'auto') return setting;
  const ua = readText(userAgent) ?? '';
  if (TABLET.test(ua)) return 't';
  if (MOBILE.test(ua)) return 'm';
  return 'd';
}
