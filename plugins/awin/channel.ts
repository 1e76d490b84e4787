// The channel of an order, Awin's deduplication parameter: "please ensure that the value of the
// Channel parameter is aw if Awin is deemed as the last-click referrer … If source info is not
// available, aw should always be the fallback value" (Channel (Deduplication)). Awin then
// processes or ignores the order by the rules set for the program.
import { readText, type CanonicalEvent, type JsonValue } from '../../core/sdk/index.ts';
import { AWIN_CLICK, OTHER_CLICK, lastPaidClick } from './click-id.ts';
import { channelModeOf, otherChannelOf } from './config.ts';

/** A channel value a custom blueprint may map: one word of letters, digits, `_ . -`. */
const CHANNEL_VALUE = /^[A-Za-z0-9_.-]{1,50}$/;

/**
 * The channel sent with an order:
 *
 * - a `channel` a custom blueprint mapped (the site's own deduplication decided it);
 * - with `channel_mode: aw`: `aw`;
 * - else (`last_paid_click`): the configured other channel when the newest paid click Signal
 *   saw for the visitor was another network's, `aw` when it was Awin's or Signal saw none.
 *
 * @example
 * channelOf(order, undefined, { channel_mode: 'last_paid_click' }); // 'other' after a gclid landing that followed the Awin click
 * channelOf(order, undefined, { channel_mode: 'aw' });              // 'aw'
 */
export function channelOf(event: CanonicalEvent, mapped: JsonValue | undefined, config: Record<string, JsonValue>): string {
  const own = readText(mapped);
  if (own !== undefined && CHANNEL_VALUE.test(own)) return own;
  if (channelModeOf(config) === 'aw') return AWIN_CLICK;
  return lastPaidClick(event) === OTHER_CLICK ? otherChannelOf(config) : AWIN_CLICK;
}
