import { definePlugin, neverSentTypes } from '../../core/sdk/index.ts';
import { classifyMParticle } from './classify.ts';
import { CONFIG_SCHEMA, validateMParticleConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { toBatchPart } from './mparticle-event.ts';
import { bulkRequests, MAX_BATCHES, MAX_REQUEST_BYTES } from './requests.ts';

export { validateMParticleConfig, basicAuthorization, EVENTS_API_ORIGINS } from './config.ts';
export { classifyMParticle } from './classify.ts';
export { bulkRequests, bulkEventsUrl, personBatches } from './requests.ts';
export { toBatchPart, consentState } from './mparticle-event.ts';
export { DSR_REQUESTS_URL, erasureRequests, readErasureAnswer } from './forget-person.ts';

/** Calls mParticle's Events API has no place for: group (no accounts in a batch) and alias (IDSync's own API). */
const neverSent = neverSentTypes('mParticle', {
  group: 'an Events API batch has no group (account) call',
  alias: 'aliasing is IDSync\'s own API, not the Events API',
});

/**
 * mParticle (Events API): every event sent server to server into an mParticle input as event
 * batches, one per person, to /v2/bulkevents on the account's pod — track as custom events,
 * page and screen as screen views, Segment's ecommerce events as commerce events with their
 * product action and products, identify as user attributes — with the person's user identities,
 * device info, IP and consent state. Person deletions forwarded to the Data Subject Request API.
 * See README.md.
 *
 * @example
 * // config: { api_key: 'us1-abc…', api_secret: '…', pod: 'us1' }
 * mparticle.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://s2s.mparticle.com/v2/bulkevents', headers: { authorization: 'Basic …' },
 * //    body: [{ source_request_id: '…', environment: 'production', user_identities: { customer_id: 'u-1', other: 'df_1' },
 * //             events: [{ event_type: 'custom_event', data: { event_name: 'Signed Up', custom_event_type: 'other', … } }] }], eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'mparticle',
  name: 'mParticle',
  category: 'cdp',
  description: 'Events sent server to server into an mParticle input through the Events API (/v2/bulkevents on the US1, US2, EU1 or AU1 pod, the input\'s key and secret): one batch per person with their user identities (customer_id, email, the visitor id as an "other" identity), user attributes, device info, IP and consent state (GDPR purposes from your consent categories, CCPA data sale opt-out from GPC or an advertising refusal); track calls as custom events, page and screen calls as screen views, Segment\'s ecommerce events as commerce events (purchase, add_to_cart, checkout, view_detail, refund …) with their products, identify calls as user attributes. Person deletions forwarded as erasure requests to the Data Subject Request API (v3) with optional workspace credentials.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateMParticleConfig,
  variants: {
    default: { description: 'Track calls as custom events with their properties as custom attributes; page and screen calls as screen views; Segment\'s ecommerce events (Order Completed, Product Added, Product Removed, Product Viewed, Product Clicked, Checkout Started, Order Refunded, Product Added to Wishlist …) as commerce events with their product action, products, totals and currency; identify calls as user attributes (traits) of a batch without events. Group and alias calls are not sent.', blueprint: 'mparticle/default.yaml' },
  },
  vendorFields: {
    event_type: { required: false, description: 'custom_event, screen_view, commerce_event, or identify (user attributes only); by default from the call: page and screen → screen_view, identify, a product_action → commerce_event, else custom_event.' },
    event_name: { required: false, description: 'Custom events: the event\'s name (the track event\'s name unless mapped).' },
    custom_event_type: { required: false, description: 'Custom events: navigation, location, search, transaction, user_content, user_preference, social, media, attribution or other (config.custom_event_type unless mapped).' },
    screen_name: { required: false, description: 'Screen views: the page or screen name (the page path when there is none).' },
    custom_attributes: { required: false, description: 'The event\'s attributes (the properties): text, numbers and booleans; anything else as its JSON text.' },
    'product_action.action': { required: false, description: 'Commerce events: purchase, add_to_cart, remove_from_cart, checkout, checkout_option, click, view_detail, refund, add_to_wishlist or remove_from_wish_list.' },
    'product_action.products': { required: false, description: 'Commerce events: the products (id, name, brand, category, variant, price, quantity, position, coupon_code).' },
    'product_action.transaction_id': { required: false, description: 'Commerce events: the order id.' },
    'product_action.total_amount': { required: false, description: 'Commerce events: the order\'s total (also tax_amount, shipping_amount, coupon_code).' },
    currency_code: { required: false, description: 'Commerce events: ISO 4217 code.' },
    source_message_id: { required: false, description: 'The event\'s id (the messageId).' },
    timestamp_unixtime_ms: { required: false, description: 'When it happened (ms since the epoch); the event\'s timestamp unless mapped.' },
    'user_identities.customer_id': { required: false, description: 'The known user\'s id (userId). A batch needs a user identity or a device id.' },
    'user_identities.email': { required: false, description: 'The user\'s email address (traits.email).' },
    anonymous_id: { required: false, description: 'Signal\'s visitor id, sent as the user identity config.anonymous_id_identity names (other by default).' },
    user_attributes: { required: false, description: 'The user\'s attributes (identify traits): text, numbers, booleans or lists of them.' },
    'device_info.http_header_user_agent': { required: false, description: 'The device\'s user agent (also ios_advertising_id, ios_idfv, android_advertising_id, limit_ad_tracking, platform, os_version …).' },
    ip: { required: false, description: 'The device\'s IP address.' },
  },
  // A relay into the customer's own CDP, which applies its own consent rules to its outputs (the
  // consent state is sent with every batch); gate it at install when your policy requires one.
  consent: [],
  // mParticle's default service limits for the Events API are per account and not published
  // as one number here: stay modest, a job of up to 100 events a request.
  rateLimit: { rps: 50, burst: 100 },
  batch: { maxEvents: MAX_BATCHES, maxBytes: MAX_REQUEST_BYTES },
  map: (payload, event, ctx) => {
    const why = neverSent(event);
    if (why !== undefined) {
      ctx.warn?.(why);
      return null;
    }
    return toBatchPart(payload, event, ctx);
  },
  send: bulkRequests,
  classify: (response, request) => classifyMParticle(response, request),
  // The Events API answers 202 Accepted to a request it takes, with no body documented.
  successAnswer: { status: 202, body: '' },
  forgetPerson,
});
