import { definePlugin } from '../../core/sdk/index.ts';
import { classifyQuora } from './classify.ts';
import { PIXEL_QCLID_COOKIE, QCLID_COOKIE, QCLID_DAYS, QCLID_PARAM, STAPE_QCLID_COOKIE } from './click-id.ts';
import { CONFIG_SCHEMA, validateQuoraConfig } from './config.ts';
import { toQuoraConversion } from './conversion.ts';
import { requestsFor } from './requests.ts';

export { CONVERSION_URL, QUORA_ORIGIN } from './requests.ts';

/**
 * Quora Ads Conversion API: server-to-server conversions for Quora Ads, one
 * `POST https://api.quora.com/ads/v0/conversion` a conversion.
 *
 * @example
 * import quora from './plugins/quora/index.ts';
 * quora.id; // 'quora'
 */
export default definePlugin({
  id: 'quora',
  name: 'Quora Ads Conversion API',
  category: 'advertising',
  description: 'Server-to-server conversions to Quora Ads through its Conversion API: Segment\'s ecommerce, lead, sign-up and app-install events as Quora\'s standard events, any event (page calls too) as one through the config; the email normalised and SHA-256 hashed by the plugin, the IP address, location and browser, the click id of the Quora ad click (the landing URL\'s qclid, kept 28 days in a first-party cookie), the conversion value, deduplication with the Quora Pixel by event id.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateQuoraConfig,
  variants: {
    default: { description: 'Products Searched as Search, Product Added as AddToCart, Product Added to Wishlist as AddToWishlist, Checkout Started as InitiateCheckout, Payment Info Entered as AddPaymentInfo, Order Completed as Purchase (with its value), Signed Up as CompleteRegistration, Lead Generated as GenerateLead, Application Installed as AppInstall; page calls and other track events only when config.event_names names them.', blueprint: 'quora/default.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'Generic, AppInstall, Purchase, GenerateLead, CompleteRegistration, AddPaymentInfo, AddToCart, AddToWishlist, InitiateCheckout, Search or ViewContent; config.event_names overrides it.' },
    event_id: { required: false, description: 'Deduplicates with the Quora Pixel: the messageId unless mapped (send the same id from the Pixel).' },
    event_time: { required: false, description: 'The event time; sent as conversion.timestamp (epoch microseconds).' },
    click_id: { required: false, description: 'The landing URL\'s qclid, else the _dfqclid cookie Signal keeps, else the Quora Pixel\'s quora_qclid, else Stape\'s qclid; Quora attributes by it.' },
    value: { required: false, description: 'The conversion value (a number; Quora takes no currency); when none is mapped, the products\' price × quantity.' },
    products: { required: false, description: 'The products ({price, quantity}, one or a list): only their price × quantity is sent, as the value when none is mapped.' },
    currency: { required: false, description: 'The value\'s currency: checked against config.account_currency, never sent.' },
    user: { required: false, description: 'email (normalised and SHA-256 hashed by the plugin), ip, country, region, city, postal_code, company_name, job_title in clear; phone_number, name and date_of_birth never sent.' },
    'user.email': { required: false },
    'user.ip': { required: false },
    device: { required: false, description: 'user_agent, referer, language, mobile_device_id.' },
  },
  consent: ['advertising'],
  // Signal's own click-id cookie; the Quora Pixel's and Stape's Quora tag's (read, never written).
  cookies: [QCLID_COOKIE, PIXEL_QCLID_COOKIE, STAPE_QCLID_COOKIE],
  // Signal keeps a landing URL's qclid in _dfqclid for 28 days, Quora's default click-through window.
  clickIds: [{ param: QCLID_PARAM, cookie: QCLID_COOKIE, days: QCLID_DAYS }],
  // Quora allows 1,000 events a minute an account: 15 a second with a burst of 10 stays inside it
  // (910 a minute at most), one conversion a request; a 429 slows the integration further.
  rateLimit: { rps: 15, burst: 10 },
  // One conversion a request (see requests.ts); 16 kB (Signal's choice) holds any conversion.
  batch: { maxEvents: 1, maxBytes: 16_000 },
  map: (payload, event, ctx) => toQuoraConversion(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response) => classifyQuora(response),
});
