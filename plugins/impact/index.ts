import { definePlugin } from '../../core/sdk/index.ts';
import { classifyImpact } from './classify.ts';
import { CLICK_ID_COOKIE, CLICK_ID_DAYS, CLICK_ID_PARAM, cookieValue } from './click-id.ts';
import { CONFIG_SCHEMA, validateImpactConfig } from './config.ts';
import { toImpactConversion } from './conversion.ts';
import { MAX_JOB_BYTES, MAX_JOB_EVENTS, requestsFor } from './requests.ts';
import { SUBMISSION_REPORT } from './submission-report.ts';

export { IMPACT_ORIGIN, conversionsUrl } from './requests.ts';

export default definePlugin({
  id: 'impact',
  name: 'impact.com',
  category: 'advertising',
  description: 'Partnership (affiliate) conversions to impact.com through its Conversions API: one POST /Advertisers/{AccountSID}/Conversions a conversion (HTTP Basic with the Account SID and Auth Token, form-encoded), under the Event Type the config names for each Signal event, in the configured program; matched by the click id of the partner\'s tracking link (the landing URL\'s irclickid, kept in a first-party cookie), the userId as CustomerId and the promo code, with the SHA-1 of the email, the order id, event date, currency and the order\'s items. Optionally each queued submission\'s processing report. No deletion API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateImpactConfig,
  variants: {
    default: { description: 'The events config.event_types names, as impact.com conversions: Segment\'s Order Completed with its order id, items (SKU, name, category, unit price, quantity), currency, promo code, discount, shipping and tax; other track events and page calls with their order id (else the messageId), value and currency.', blueprint: 'impact/default.yaml' },
  },
  vendorFields: {
    EventTypeId: { required: false, description: 'The Event Type (action tracker), set from the config, not the blueprint: config.event_types for the event — its Id as EventTypeId, or its Code as EventTypeCode. An event the config does not name is not sent.' },
    OrderId: { required: true, description: 'The order id (unique within the Event Type): the mapped order id, else the event\'s messageId.' },
    EventDate: { required: true, description: 'When the conversion happened (ISO 8601, UTC, to the second): the event\'s timestamp.' },
    ClickId: { required: false, description: 'impact.com\'s click id: the landing URL\'s irclickid, else the _dfirclickid cookie Signal keeps, else this mapped value. An attribution key: an event needs it, a CustomerId or a promo code.' },
    CustomerId: { required: false, description: 'The userId (never an email address or phone number): an attribution key.' },
    CustomerEmail: { required: false, description: 'The customer\'s email, sent only as its SHA-1 hex digest (trimmed, lower-cased).' },
    OrderPromoCode: { required: false, description: 'The order\'s promo code: attributes the conversion to the partner it is assigned to.' },
    CurrencyCode: { required: false, description: 'ISO 4217 code; without one impact.com uses the account\'s default currency.' },
    Amount: { required: false, description: 'The sale amount (pre-tax, pre-shipping, after discounts), sent only for a conversion without items.' },
    items: { required: false, description: 'The order\'s products: sku, name, category, price (unit) and quantity, sent as ItemSku1, ItemName1, ItemCategory1, ItemPrice1, ItemQuantity1, …' },
  },
  consent: ['advertising'],
  cookies: [CLICK_ID_COOKIE],
  // A landing URL's irclickid is kept in Signal's own _dfirclickid for 30 days; a value impact.com
  // would not take as a ClickId (over 64 characters) keeps no cookie (cookieValue gives '').
  clickIds: [{ param: CLICK_ID_PARAM, cookie: CLICK_ID_COOKIE, days: CLICK_ID_DAYS, value: cookieValue }],
  // impact.com's rate-limit page, in one version: "Certain resources like Conversions are not
  // limited" (others 1,000 requests an hour); in a later one, 1,000 an hour for all but Catalogs.
  // 10 requests a second (burst 20) by default, and a 429 slows the integration down.
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_JOB_EVENTS, maxBytes: MAX_JOB_BYTES },
  map: (payload, event, ctx) => toImpactConversion(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request, ctx) => classifyImpact(response, request, ctx),
  // impact.com's documented answer to a queued request ("Queued Response").
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { Status: 'QUEUED', QueuedUri: '/Advertisers/IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1/APISubmissions/A-1234bcd5-6789-0123-e45f-6g789hijklm0' } },
  processingReport: SUBMISSION_REPORT,
});
