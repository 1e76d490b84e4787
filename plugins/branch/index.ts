import { definePlugin } from '../../core/sdk/index.ts';
import { toBranchEvent, MAX_BODY_BYTES } from './branch-event.ts';
import { BRANCH_MATCH_ID_COOKIE, BRANCH_MATCH_ID_DAYS, BRANCH_MATCH_ID_PARAM, cookieValue } from './browser-id.ts';
import { classifyBranch } from './classify.ts';
import { CONFIG_SCHEMA, validateBranchConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { requestsFor } from './requests.ts';

export { BRANCH_ORIGIN, CUSTOM_EVENT_URL, STANDARD_EVENT_URL } from './requests.ts';
export { GDPR_URL } from './forget-person.ts';

/**
 * Events a delivery job hands `send`: Branch's Events API takes one event a request, so a job of
 * 10 becomes 10 requests, each answered (and retried or dead-lettered) on its own.
 */
const MAX_JOB_EVENTS = 10;

export default definePlugin({
  id: 'branch',
  name: 'Branch',
  category: 'attribution',
  description: 'Events to Branch\'s Events API (api2.branch.io/v2/event/standard and /v2/event/custom), one a request with the app\'s Branch Key: Segment\'s ecommerce, content and lifecycle events as Branch\'s standard events (PURCHASE, ADD_TO_CART, INITIATE_PURCHASE, VIEW_ITEM, SEARCH, COMPLETE_REGISTRATION …) with event_data (transaction id, revenue, currency, shipping, tax, coupon) and the products as content_items; other track events as custom events; page calls when the config names them. user_data: the userId as developer_identity, the web visitor\'s browser fingerprint id (the landing URL\'s _branch_match_id, kept in a first-party cookie), the app\'s device ids, OS, IP, user agent and DMA consent. Person deletions as Data Subject Request API erasures with an optional app ID and Access Token.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateBranchConfig,
  variants: {
    default: { description: 'Segment\'s ecommerce, content and lifecycle events (and GA4\'s names) as Branch\'s standard events, with event_data and content_items; any other track event as a custom event under its own name, its properties as custom_data; page calls only when config.event_names names them; screen, identify, group and alias calls not sent.', blueprint: 'branch/default.yaml' },
    retail: { description: 'The ecommerce funnel only, as Branch\'s commerce and content standard events (VIEW_ITEMS, VIEW_ITEM, SEARCH, ADD_TO_WISHLIST, ADD_TO_CART, VIEW_CART, INITIATE_PURCHASE, ADD_PAYMENT_INFO, PURCHASE) and COMPLETE_REGISTRATION; other events only when config.event_names names them.', blueprint: 'branch/retail.yaml' },
  },
  vendorFields: {
    name: { required: true, description: 'The Branch event: a standard event (PURCHASE, ADD_TO_CART, … sent to /v2/event/standard) or any other name (a custom event, /v2/event/custom); config.event_names overrides the blueprint\'s.' },
    user_data: { required: true, description: 'Who and which device. Branch requires developer_identity, browser_fingerprint_id, or an iOS device\'s idfa / idfv or an Android device\'s aaid / android_id with os: an event with none is not sent.' },
    'user_data.developer_identity': { required: false, description: 'The userId (not sent when it is an email or a phone number).' },
    'user_data.browser_fingerprint_id': { required: false, description: 'The web visitor\'s Branch browser id: integrations.Branch.browser_fingerprint_id when the site passes it (branch.getBrowserFingerprintId() of Branch\'s Web SDK), else the landing URL\'s _branch_match_id, else the one Signal kept in _dfbranchmatchid (90 days). That Branch attributes an event by the _branch_match_id is unconfirmed (see the README).' },
    'user_data.os': { required: false, description: 'context.os.name in Branch\'s words (iOS, Android, MAC_OS, WINDOWS, LINUX); with it the advertising id goes as idfa (iOS) or aaid (Android) and context.device.id as idfv (iOS).' },
    'user_data.os_version': { required: false, description: 'context.os.version (Branch requires it for Facebook campaigns on iOS).' },
    'user_data.ip': { required: false, description: 'context.ip: what Branch persists for attribution (and, with config.ip_override, the X-IP-Override header).' },
    'user_data.user_agent': { required: false, description: 'context.userAgent.' },
    event_data: { required: false, description: 'transaction_id, revenue, currency, shipping, tax, coupon, affiliation, description, search_query.' },
    content_items: { required: false, description: 'The products: $sku, $product_name, $price, $quantity, $product_brand, $product_category (one of Branch\'s 21, by name: Apparel & Accessories), $product_variant, $canonical_identifier, $og_image_url; standard events only.' },
    custom_data: { required: false, description: 'The event\'s other properties, without contact information, each value as text (as Branch\'s SDKs send them).' },
    customer_event_alias: { required: false, description: 'With config.send_event_alias, the Signal event name of a standard event.' },
  },
  consent: ['advertising'],
  cookies: [BRANCH_MATCH_ID_COOKIE],
  // A Branch link's redirect appends _branch_match_id (the visitor's browser fingerprint id) to
  // the landing URL: Signal keeps it in its own first-party cookie for 90 days, digits only.
  clickIds: [{ param: BRANCH_MATCH_ID_PARAM, cookie: BRANCH_MATCH_ID_COOKIE, days: BRANCH_MATCH_ID_DAYS, value: cookieValue }],
  // Branch enforces its Events API's rate limit per app and publishes no number ("contact your
  // account manager"): 50 requests a second (burst 100) by default, and a 429 slows it down.
  rateLimit: { rps: 50, burst: 100 },
  batch: { maxEvents: MAX_JOB_EVENTS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => toBranchEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response) => classifyBranch(response),
  successAnswer: { status: 200, body: { branch_view_enabled: false } },
  forgetPerson,
});
