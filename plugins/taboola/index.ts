import { definePlugin } from '../../core/sdk/index.ts';
import { classifyTaboola } from './classify.ts';
import { TBLCI_COOKIE, TBLCI_DAYS, TBLCI_PARAM } from './click-id.ts';
import { CONFIG_SCHEMA, validateTaboolaConfig } from './config.ts';
import { toTaboolaConversion } from './conversion.ts';
import { MAX_BULK_BYTES, MAX_BULK_EVENTS, requestsFor } from './requests.ts';

export { bulkUrl, POSTBACK_URL, TABOOLA_ORIGIN } from './requests.ts';

export default definePlugin({
  id: 'taboola',
  name: 'Taboola (S2S conversions)',
  category: 'advertising',
  description: 'Server-to-server conversions to Taboola Ads: Segment\'s ecommerce events (and any event the config names) reported under Taboola event names with revenue, currency, order id and quantity, by the click id of the Taboola ad click (the landing URL\'s tblci, kept in a first-party cookie); one postback call (GET trc.taboola.com/actions-handler/log/3/s2s-action) a conversion, or, with the account id configured, batches of up to 1,000 with their event time to the bulk endpoint. Events without a click id are not sent.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateTaboolaConfig,
  variants: {
    default: { description: 'Segment\'s ecommerce events as Taboola\'s standard event names (make_purchase, add_to_cart, start_checkout, add_payment_info, view_content, search, add_to_wishlist, complete_registration, lead), overridable in config.event_names; other track events and page calls only when config.event_names names them.', blueprint: 'taboola/default.yaml' },
  },
  vendorFields: {
    name: { required: true, description: 'The Taboola event name: config.event_names for the event, else the blueprint\'s (the Event Name of a conversion set up in Taboola Ads; case-sensitive).' },
    click_id: { required: true, description: 'The Taboola click id: the landing URL\'s tblci, else the _dftblci cookie Signal keeps, else this mapped value. Without one the event is not sent.' },
    timestamp: { required: false, description: 'The event time (the call\'s timestamp), sent as milliseconds to the bulk endpoint only: a postback is recorded when Taboola receives it.' },
    revenue: { required: false, description: 'The revenue, 0 or more.' },
    currency: { required: false, description: 'ISO 4217 code of the revenue, one Taboola lists (AUD, BRL, CAD, CNY, EUR, GBP, HKD, ILS, INR, JPY, KRW, MXN, NZD, RUB, SGD, THB, TRY, USD, ZAR); another leaves the revenue out. Without one Taboola uses the account\'s.' },
    orderid: { required: false, description: 'The order id.' },
    quantity: { required: false, description: 'The number of items, else the products\' quantities summed.' },
    products: { required: false, description: 'The products, for their quantities (not sent).' },
  },
  consent: ['advertising'],
  cookies: [TBLCI_COOKIE],
  // Signal keeps a landing URL's tblci in its own _dftblci for 30 days, Taboola's default
  // click-through conversion window.
  clickIds: [{ param: TBLCI_PARAM, cookie: TBLCI_COOKIE, days: TBLCI_DAYS }],
  // Taboola documents no rate limit for its S2S endpoints (built for postbacks from trackers at
  // ad-network volume): 20 requests a second (burst 40), and a 429 slows the integration down.
  rateLimit: { rps: 20 },
  batch: { maxEvents: MAX_BULK_EVENTS, maxBytes: MAX_BULK_BYTES },
  map: (payload, event, ctx) => toTaboolaConversion(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request) => classifyTaboola(response, request),
  // "S2S Error Codes": "A successful submission returns 204."
  successAnswer: { status: 204, body: '' },
});
