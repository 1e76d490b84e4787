import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type VendorResponse,
} from '../../core/sdk/index.ts';
import branch, { CUSTOM_EVENT_URL, GDPR_URL, STANDARD_EVENT_URL } from './index.ts';
import { toBranchEvent } from './branch-event.ts';
import { BRANCH_MATCH_ID_COOKIE, browserIdOf, landingBrowserId } from './browser-id.ts';
import { branchSaid, classifyBranch } from './classify.ts';
import { validateBranchConfig } from './config.ts';
import { branchContentItems, branchCustomData, branchEventData, PRODUCT_CATEGORIES, productCategoryOf } from './event-data.ts';
import { branchEventName, isStandardEvent, signalEventName, STANDARD_EVENTS } from './event-names.ts';
import { erasureRequest, readErasure } from './forget-person.ts';
import { eventRequest, requestsFor } from './requests.ts';
import { branchOs, branchUserData, hasBranchIdentifier, localeParts } from './user-data.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const KEY = 'key_live_hcnegAumkH7Kv18M8AOHhfgiohpXq5tB';
const BROWSER_ID = '857675855146829999';
const NEWER_ID = '857675855146830001';
const IDFA = '6D92078A-8246-4BA4-AE5B-76104861E7DC';
const IDFV = '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E';
const GAID = 'abcdabcd-0123-0123-00f0-000000000000';

const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { branch_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => {
  let json: unknown;
  try { json = JSON.parse(body); } catch { json = undefined; }
  return { status, body, headers, ...(json === undefined ? {} : { json }) };
};
const whole = (result: ReturnType<typeof classifyBranch>) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number; throttled?: boolean };

const WEB = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const order = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'u-1001', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  properties: {
    order_id: 'ORD-1', revenue: 74.97, shipping: 4.99, tax: 6.5, coupon: 'SPRING10', affiliation: 'Web shop', currency: 'eur', discount: 5, email: 'jane@example.com',
    products: [
      { product_id: 'P-1', sku: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 2, brand: 'Stride', category: 'Apparel & Accessories', variant: 'blue', image_url: 'https://cdn.example.com/p1.jpg' },
      { product_id: 'P-2', name: 'Socks', price: 25, category: 'Socks' },
    ],
  },
  context: { ip: '203.0.113.42', userAgent: WEB, locale: 'en-GB', page: { url: 'https://shop.example.com/thanks', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/branch/default.yaml', import.meta.url), 'utf8'));
const retail = compileBlueprint(readFileSync(new URL('../../blueprints/branch/retail.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = {}, compiled = blueprint) => {
  const warnings: string[] = [];
  const mapped = compiled.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  warnings.push(...mapped.warnings);
  const payload = mapped.vendorEvent === null ? null : toBranchEvent(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
  return { payload, warnings };
};

test('config: the Branch Key required and secret; every field titled, described, with examples', () => {
  const validate = createConfigAjv().compile(branch.config);
  assert.equal(validate({ branch_key: KEY }), true);
  assert.equal(validate({}), false, 'branch_key is required');
  assert.equal(validate({ branch_key: KEY, event_names: { 'Order Completed': '' } }), false, 'an empty Branch name');
  assert.equal(validate({ branch_key: KEY, event_names: { 'Order Completed': 3 } }), false);
  assert.equal(validate({ branch_key: KEY, send_event_alias: 'yes' }), false);
  assert.deepEqual(Object.entries(branch.config.properties).filter(([, field]) => field.secret === true).map(([key]) => key), ['branch_key', 'access_token']);
  for (const [key, field] of Object.entries(branch.config.properties)) {
    assert.ok(field.title && field.description && Array.isArray(field.examples), `${key} has a title, description and examples`);
  }
});

test('config: problems name the field and say what was expected', () => {
  assert.deepEqual(validateBranchConfig({ branch_key: KEY }), []);
  assert.deepEqual(validateBranchConfig({ branch_key: 'key_test_abc123' }), []);
  assert.deepEqual(validateBranchConfig({ branch_key: 'secret_live_abc123' }), [{ field: 'branch_key', message: 'holds a Branch Secret or an Access Token: the Events API takes the app\'s Branch Key (key_live_… or key_test_…), from Account Settings > Profile' }]);
  assert.deepEqual(validateBranchConfig({ branch_key: 'key_live_abc 123' }).map((p) => p.field), ['branch_key']);
  assert.match(validateBranchConfig({ branch_key: 'abc' })[0]!.message, /^must be the app's Branch Key: key_live_ or key_test_/);
  assert.deepEqual(validateBranchConfig({ branch_key: KEY, event_names: { 'Order Completed': 'purchase' } }), [
    { field: 'event_names', message: 'gives "purchase" for "Order Completed": write PURCHASE, Branch\'s standard event names are upper case (as written it would be a custom event)' },
  ]);
  assert.deepEqual(validateBranchConfig({ branch_key: KEY, event_names: { 'Order Completed ': 'PURCHASE', ' ': 'x', 'Demo': ' demo ' } }).map((p) => p.message), [
    'has "Order Completed " with white space around it: Signal event names are matched exactly',
    'has an empty Signal event name: name the track event (e.g. "Order Completed"), or page / page:<name> for page calls',
    'gives " demo " for "Demo" with white space around it: Branch takes event names as sent',
  ]);
  assert.match(validateBranchConfig({ branch_key: KEY, event_names: { 'Page:Pricing': 'pricing_viewed' } })[0]!.message, /^has "Page:Pricing": a page call of a name is page:<its name>/);
  assert.deepEqual(validateBranchConfig({ branch_key: KEY, access_token: 'api_app_1' }), [{ field: 'app_id', message: 'is required with access_token: Branch\'s Data Subject Request API names the app by its app ID (Account Settings > Profile)' }]);
  assert.deepEqual(validateBranchConfig({ branch_key: KEY, app_id: '7365' }).map((p) => p.field), ['access_token']);
  assert.deepEqual(validateBranchConfig({ branch_key: KEY, app_id: '73 65', access_token: 'api app' }).map((p) => p.field), ['app_id', 'access_token']);
  assert.deepEqual(validateBranchConfig({ branch_key: KEY, app_id: '7365', access_token: 'api_app_1' }), []);
});

test('event names: Branch\'s 24 standard events exactly; the config\'s name before the blueprint\'s', () => {
  assert.equal(STANDARD_EVENTS.length, 24);
  assert.equal(isStandardEvent('PURCHASE'), true);
  assert.equal(isStandardEvent('purchase'), false);
  assert.equal(isStandardEvent('Order Completed'), false);
  const page = { type: 'page', name: 'Pricing' } as CanonicalEvent;
  assert.equal(branchEventName({}, page, ctx({ event_names: { 'page:Pricing': 'pricing_viewed', page: 'page_viewed' } })), 'pricing_viewed');
  assert.equal(branchEventName({ name: 'PURCHASE' }, order(), ctx({ event_names: { 'Order Completed': 'SUBSCRIBE' } })), 'SUBSCRIBE');
  assert.equal(branchEventName({ name: 'PURCHASE' }, order(), ctx()), 'PURCHASE');
  assert.equal(branchEventName({}, page, ctx()), undefined);
  assert.equal(signalEventName(page), 'page:Pricing');
  assert.equal(signalEventName({ type: 'page' } as CanonicalEvent), 'page');
});

test('mapping: the purchase as Branch\'s PURCHASE — event_data, content items, custom data without contact information, user_data from the context', () => {
  const { payload, warnings } = mapThrough(order());
  assert.deepEqual(payload, {
    name: 'PURCHASE',
    user_data: {
      user_agent: WEB, http_origin: 'https://shop.example.com/thanks', http_referrer: 'https://www.google.com/', developer_identity: 'u-1001', country: 'GB', language: 'en', ip: '203.0.113.42',
    },
    custom_data: { discount: '5' },
    event_data: { transaction_id: 'ORD-1', revenue: 74.97, currency: 'EUR', shipping: 4.99, tax: 6.5, coupon: 'SPRING10', affiliation: 'Web shop' },
    content_items: [
      { $content_schema: 'COMMERCE_PRODUCT', $og_image_url: 'https://cdn.example.com/p1.jpg', $canonical_identifier: 'P-1', $price: 24.99, $quantity: 2, $sku: 'SKU-1', $product_name: 'Trail Shoe', $product_brand: 'Stride', $product_category: 'Apparel & Accessories', $product_variant: 'blue' },
      { $content_schema: 'COMMERCE_PRODUCT', $canonical_identifier: 'P-2', $price: 25, $sku: 'P-2', $product_name: 'Socks', $custom_fields: { category: 'Socks' } },
    ],
  });
  assert.deepEqual(warnings, []);
});

test('mapping: Segment\'s events as Branch\'s standard events, as Branch\'s own Segment integration maps them (and GA4\'s names)', () => {
  const cases: Array<[string, string]> = [
    ['Order Completed', 'PURCHASE'], ['purchase', 'PURCHASE'], ['Checkout Started', 'INITIATE_PURCHASE'], ['begin_checkout', 'INITIATE_PURCHASE'],
    ['Payment Info Entered', 'ADD_PAYMENT_INFO'], ['Product Added', 'ADD_TO_CART'], ['add_to_cart', 'ADD_TO_CART'], ['Product Added to Wishlist', 'ADD_TO_WISHLIST'],
    ['Cart Viewed', 'VIEW_CART'], ['Product Viewed', 'VIEW_ITEM'], ['Product Clicked', 'VIEW_ITEM'], ['view_item', 'VIEW_ITEM'], ['Product List Viewed', 'VIEW_ITEMS'],
    ['Products Searched', 'SEARCH'], ['search', 'SEARCH'], ['Product Reviewed', 'RATE'], ['Product Shared', 'SHARE'], ['Cart Shared', 'SHARE'],
    ['Coupon Applied', 'SPEND_CREDITS'], ['Signed Up', 'COMPLETE_REGISTRATION'], ['Account Created', 'COMPLETE_REGISTRATION'], ['sign_up', 'COMPLETE_REGISTRATION'],
    ['Signed In', 'LOGIN'], ['Trial Started', 'START_TRIAL'], ['Invite Sent', 'INVITE'], ['Video Playback Started', 'INITIATE_STREAM'],
    ['Video Playback Completed', 'COMPLETE_STREAM'], ['tutorial_complete', 'COMPLETE_TUTORIAL'], ['level_up', 'ACHIEVE_LEVEL'], ['unlock_achievement', 'UNLOCK_ACHIEVEMENT'],
  ];
  for (const [segment, name] of cases) assert.equal(mapThrough(order({ event: segment, properties: {} })).payload?.name, name, segment);
  const searched = mapThrough(order({ event: 'Products Searched', properties: { query: 'blue shoes', filters: 'size:42' } })).payload;
  assert.deepEqual(searched?.event_data, { search_query: 'blue shoes' });
  assert.deepEqual(searched?.custom_data, { filters: 'size:42' });
});

test('mapping: a single product\'s event carries it as one content item; GA4\'s items too; its value as revenue', () => {
  const added = mapThrough(order({ event: 'Product Added', properties: { product_id: 'P-1', sku: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 2, currency: 'gbp', value: 49.98, cart_id: 'C-9' } })).payload;
  assert.deepEqual(added?.event_data, { revenue: 49.98, currency: 'GBP' });
  assert.deepEqual(added?.content_items, [{ $content_schema: 'COMMERCE_PRODUCT', $canonical_identifier: 'P-1', $price: 24.99, $quantity: 2, $sku: 'SKU-1', $product_name: 'Trail Shoe' }]);
  assert.deepEqual(added?.custom_data, { cart_id: 'C-9' });
  const ga4 = mapThrough(order({ event: 'add_to_cart', properties: { currency: 'USD', items: [{ item_id: 'I-1', item_name: 'Mug', price: 5, quantity: 3, item_brand: 'Acme', item_category: 'home and garden' }] } })).payload;
  assert.deepEqual(ga4?.content_items, [{ $content_schema: 'COMMERCE_PRODUCT', $canonical_identifier: 'I-1', $price: 5, $quantity: 3, $sku: 'I-1', $product_name: 'Mug', $product_brand: 'Acme', $product_category: 'Home & Garden' }]);
  const bare = mapThrough(order({ event: 'Product Viewed', properties: { currency: 'USD' } })).payload;
  assert.equal(bare?.content_items, undefined, 'an item saying nothing is left out');
});

test('mapping: other track events are custom events with their properties; the config renames any event and names page calls', () => {
  const custom = mapThrough(order({ event: 'Demo Requested', properties: { plan: 'pro', phone: '+44 7700 900123' } }));
  assert.deepEqual(custom.payload, { name: 'Demo Requested', user_data: custom.payload!.user_data!, custom_data: { plan: 'pro' } });
  assert.equal(mapThrough(order({ event: 'Demo Requested', properties: {} }), { event_names: { 'Demo Requested': 'demo_requested' } }).payload?.name, 'demo_requested');
  const page = order({ type: 'page', event: undefined, name: 'Pricing', properties: { path: '/pricing', title: 'Pricing' } } as Partial<CanonicalEvent>);
  const skipped = mapThrough(page);
  assert.equal(skipped.payload, null);
  assert.deepEqual(skipped.warnings, ['"page:Pricing" not sent to Branch: no Branch event name for it (name it in config.event_names, e.g. {"page": "page_viewed"}; page calls are sent only when named there)']);
  assert.deepEqual(mapThrough(page, { event_names: { 'page:Pricing': 'pricing_viewed' } }).payload?.custom_data, { path: '/pricing', title: 'Pricing' });
  assert.equal(mapThrough(page, { event_names: { page: 'VIEW_ITEM' } }).payload?.name, 'VIEW_ITEM');
  for (const type of ['identify', 'group', 'alias', 'screen']) {
    assert.equal(blueprint.mapEvent(order({ type, event: undefined } as Partial<CanonicalEvent>)).vendorEvent, null, `${type} is no Branch event`);
  }
});

test('mapping: a standard event renamed to a custom one keeps event_data, leaves content items out, saying so', () => {
  const { payload, warnings } = mapThrough(order(), { event_names: { 'Order Completed': 'big_order' } });
  assert.equal(payload?.name, 'big_order');
  assert.equal(payload?.content_items, undefined);
  assert.deepEqual(payload?.event_data, { transaction_id: 'ORD-1', revenue: 74.97, currency: 'EUR', shipping: 4.99, tax: 6.5, coupon: 'SPRING10', affiliation: 'Web shop' });
  assert.deepEqual(warnings, ['content_items left out: "big_order" is a custom event, and Branch takes content items with standard events only']);
});

test('mapping: the event alias only with config.send_event_alias, on standard events', () => {
  assert.equal(mapThrough(order()).payload?.customer_event_alias, undefined);
  assert.equal(mapThrough(order(), { send_event_alias: true }).payload?.customer_event_alias, 'Order Completed');
  assert.equal(mapThrough(order({ event: 'Account Created', properties: {} }), { send_event_alias: true }).payload?.customer_event_alias, 'Account Created');
  assert.equal(mapThrough(order({ event: 'Demo Requested', properties: {} }), { send_event_alias: true }).payload?.customer_event_alias, undefined, 'custom events take none');
  const keys = Object.keys(mapThrough(order(), { send_event_alias: true }).payload!);
  assert.deepEqual(keys, ['name', 'customer_event_alias', 'user_data', 'custom_data', 'event_data', 'content_items'], 'the order Branch\'s reference lists');
});

test('mapping: the retail variant sends the ecommerce funnel only, other events when the config names them', () => {
  assert.equal(mapThrough(order(), {}, retail).payload?.name, 'PURCHASE');
  assert.equal(mapThrough(order({ event: 'Product Added', properties: { product_id: 'P-1' } }), {}, retail).payload?.name, 'ADD_TO_CART');
  const other = mapThrough(order({ event: 'Trial Started', properties: {} }), {}, retail);
  assert.equal(other.payload, null);
  assert.match(other.warnings[0]!, /^"Trial Started" not sent to Branch: no Branch event name for it/);
  assert.equal(mapThrough(order({ event: 'Trial Started', properties: {} }), { event_names: { 'Trial Started': 'START_TRIAL' } }, retail).payload?.name, 'START_TRIAL');
});

test('user_data: an iOS app\'s device — idfa and idfv, OS in Branch\'s words, app, device, screen; ad tracking limited leaves the idfa out', () => {
  const app = order({
    context: {
      ip: '203.0.113.77', userAgent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0', locale: 'fr-FR',
      app: { version: '3.2' }, device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: true, manufacturer: 'Apple', model: 'iPhone15,2' },
      os: { name: 'iPadOS', version: '17.4' }, screen: { width: 1179, height: 2556, density: 3 },
    },
  } as Partial<CanonicalEvent>);
  assert.deepEqual(mapThrough(app).payload?.user_data, {
    os: 'iOS', os_version: '17.4', idfa: IDFA, idfv: IDFV, limit_ad_tracking: false, user_agent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0', developer_identity: 'u-1001',
    country: 'FR', language: 'fr', ip: '203.0.113.77', brand: 'Apple', app_version: '3.2', model: 'iPhone15,2', screen_height: 2556, screen_width: 1179,
  });
  const limited = order({ userId: undefined, context: { device: { id: IDFV, advertisingId: IDFA, adTrackingEnabled: false }, os: { name: 'iOS' } } } as Partial<CanonicalEvent>);
  assert.deepEqual(mapThrough(limited).payload?.user_data, { os: 'iOS', idfv: IDFV, limit_ad_tracking: true });
});

test('user_data: an Android device\'s advertising id as aaid (not the device id); an unknown OS leaves the advertising id out, saying so', () => {
  const android = order({ userId: undefined, context: { device: { id: 'device-uuid-1', advertisingId: GAID }, os: { name: 'Android', version: '14' } } } as Partial<CanonicalEvent>);
  assert.deepEqual(mapThrough(android).payload?.user_data, { os: 'Android', os_version: '14', aaid: GAID });
  const zeros = order({ userId: undefined, context: { device: { advertisingId: '00000000-0000-0000-0000-000000000000' }, os: { name: 'Android' } } } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(zeros).payload, null, 'an all-zero advertising id names no one');
  const warnings: string[] = [];
  const user = branchUserData({ user_data: { developer_identity: 'u-1' }, device: { advertising_id: GAID } }, order(), warnings.push.bind(warnings));
  assert.deepEqual(user, { developer_identity: 'u-1' });
  assert.deepEqual(warnings, ['the advertising id left out: context.os.name says no iOS or Android (none), so it is neither Branch\'s idfa nor its aaid']);
  assert.equal(branchOs('Mac OS X'), 'MAC_OS');
  assert.equal(branchOs('Windows'), 'WINDOWS');
  assert.equal(branchOs('Linux'), 'LINUX');
  assert.equal(branchOs('tvOS'), 'tvOS');
  assert.deepEqual(localeParts('en_US'), { language: 'en', country: 'US' });
  assert.deepEqual(localeParts('zh-Hant-TW'), { language: 'zh', country: 'TW' });
  assert.deepEqual(localeParts('de'), { language: 'de' });
  assert.deepEqual(localeParts('not a locale'), {});
});

test('user_data: the browser fingerprint id — the site\'s (Branch\'s Web SDK\'s) first, else the landing URL\'s _branch_match_id, else the kept cookie\'s', () => {
  const anonymous = (context: Record<string, unknown>, integrations?: Record<string, JsonValue>) => order({ userId: undefined, context: context as CanonicalEvent['context'], ...(integrations ? { integrations } : {}) });
  const kept = mapThrough(anonymous({ cookies: { [BRANCH_MATCH_ID_COOKIE]: BROWSER_ID } }));
  assert.deepEqual(kept.payload?.user_data, { browser_fingerprint_id: BROWSER_ID }, 'the cookie Signal keeps');
  const landingUrl = `https://shop.example.com/?_branch_match_id=${NEWER_ID}&utm_source=branch`;
  const landing = anonymous({ page: { url: landingUrl }, cookies: { [BRANCH_MATCH_ID_COOKIE]: BROWSER_ID } });
  assert.equal((mapThrough(landing).payload!.user_data as JsonObject).browser_fingerprint_id, NEWER_ID, 'the newest click before the kept one');
  const site = anonymous({ page: { url: `https://shop.example.com/?_branch_match_id=${BROWSER_ID}` }, cookies: { [BRANCH_MATCH_ID_COOKIE]: BROWSER_ID } }, { Branch: { browser_fingerprint_id: NEWER_ID } });
  assert.equal((mapThrough(site).payload!.user_data as JsonObject).browser_fingerprint_id, NEWER_ID, 'the id Branch\'s Web SDK holds, passed by the site, before the landing URL\'s');
  const junk = mapThrough(anonymous({ page: { url: landingUrl } }, { Branch: { browser_fingerprint_id: 'not-an-id' } }));
  assert.equal((junk.payload!.user_data as JsonObject).browser_fingerprint_id, NEWER_ID, 'a site\'s id that is no id gives way to the landing URL\'s');
  assert.deepEqual(junk.warnings, ['browser_fingerprint_id "not-an-id" left out: Branch\'s browser fingerprint ids are digits']);
  const none = mapThrough(anonymous({}, { Branch: { browser_fingerprint_id: 'not-an-id' } }));
  assert.equal(none.payload, null);
  assert.equal(none.warnings.length, 2, 'the id left out, then the event not sent');
  const stray = mapThrough(order({ userId: undefined, context: { cookies: { [BRANCH_MATCH_ID_COOKIE]: 'abc' } } } as Partial<CanonicalEvent>));
  assert.equal(stray.payload, null, 'a cookie that holds no id names no one');
  assert.equal(browserIdOf(' 857675855146829999 '), BROWSER_ID);
  for (const value of ['undefined', '0', '12345', 'abc123456', '{{_branch_match_id}}', null, true]) assert.equal(browserIdOf(value), undefined, String(value));
  assert.equal(landingBrowserId({ type: 'page', properties: { url: `https://shop.example.com/?_branch_match_id=${BROWSER_ID}` }, context: {} } as unknown as CanonicalEvent), BROWSER_ID, 'a page call\'s url');
});

test('user_data: no identifier Branch requires — not sent, saying why', () => {
  const { payload, warnings } = mapThrough(order({ userId: undefined }));
  assert.equal(payload, null);
  assert.deepEqual(warnings, ['"Order Completed" not sent to Branch: no identifier Branch requires — a userId (developer_identity), a browser fingerprint id (the landing URL\'s _branch_match_id, kept in the _dfbranchmatchid cookie, or integrations.Branch.browser_fingerprint_id), or an iOS or Android device\'s advertising or vendor id with context.os.name']);
  assert.equal(hasBranchIdentifier({ os: 'iOS', idfv: IDFV }), true);
  assert.equal(hasBranchIdentifier({ os: 'Android', idfv: IDFV }), false);
  assert.equal(hasBranchIdentifier({ os: 'Android', android_id: 'a1230000' }), true);
  assert.equal(hasBranchIdentifier({ browser_fingerprint_id: BROWSER_ID }), true);
});

test('user_data: a userId that is contact information or a placeholder is no developer_identity', () => {
  const email = mapThrough(order({ userId: 'jane@example.com', context: { cookies: { [BRANCH_MATCH_ID_COOKIE]: BROWSER_ID } } } as Partial<CanonicalEvent>));
  assert.deepEqual(email.payload?.user_data, { browser_fingerprint_id: BROWSER_ID });
  assert.deepEqual(email.warnings, ['developer_identity left out: the userId is contact information (an email or a phone number), which Signal does not send Branch; use an opaque user id']);
  const placeholder = mapThrough(order({ userId: 'undefined', context: { cookies: { [BRANCH_MATCH_ID_COOKIE]: BROWSER_ID } } } as Partial<CanonicalEvent>));
  assert.deepEqual(placeholder.payload?.user_data, { browser_fingerprint_id: BROWSER_ID });
  assert.deepEqual(placeholder.warnings, []);
});

test('user_data: the DMA signals — gdprApplies as dma_eea, Consent Mode as the two consents, else context.consent.advertising', () => {
  const consent = (value: JsonObject) => (mapThrough(order({ context: { consent: value } } as Partial<CanonicalEvent>)).payload!.user_data as JsonObject);
  assert.deepEqual(consent({ iab: { gdprApplies: true }, google: { ad_personalization: 'denied', ad_user_data: 'granted' } }), { developer_identity: 'u-1001', dma_eea: true, dma_ad_personalization: false, dma_ad_user_data: true });
  assert.deepEqual(consent({ iab: { gdprApplies: true }, advertising: true }), { developer_identity: 'u-1001', dma_eea: true, dma_ad_personalization: true, dma_ad_user_data: true });
  assert.deepEqual(consent({ iab: { gdprApplies: false } }), { developer_identity: 'u-1001', dma_eea: false });
  const unknown = mapThrough(order({ context: { consent: { iab: { gdprApplies: true } } } } as Partial<CanonicalEvent>));
  assert.deepEqual(unknown.warnings, [
    'dma_ad_personalization not sent: dma_eea is true and neither context.consent.google nor context.consent.advertising says whether the visitor consented (Branch requires it for EEA users)',
    'dma_ad_user_data not sent: dma_eea is true and neither context.consent.google nor context.consent.advertising says whether the visitor consented (Branch requires it for EEA users)',
  ]);
});

test('user_data: only Branch\'s fields, with Branch\'s types; others left out, saying so', () => {
  const warnings: string[] = [];
  const user = branchUserData({ user_data: { developer_identity: 'u-1', email: 'jane@example.com', dma_eea: 'yes', screen_width: '1080', screen_height: -1, limit_ad_tracking: true } }, order(), warnings.push.bind(warnings));
  assert.deepEqual(user, { limit_ad_tracking: true, developer_identity: 'u-1', screen_width: 1080 });
  assert.deepEqual(warnings, ['user_data.email left out: not a user_data field of Branch\'s Events API', 'user_data.dma_eea left out: Branch takes it as true or false, the blueprint mapped "yes"']);
});

test('event data: numbers, the currency code, text; a value that is no number dead-letters naming it', () => {
  const warnings: string[] = [];
  assert.deepEqual(branchEventData({ transaction_id: 1234, revenue: '74.97', currency: 'usd', tax: 0, note: 'x' }, warnings.push.bind(warnings)), { transaction_id: '1234', revenue: 74.97, currency: 'USD', tax: 0 });
  assert.deepEqual(warnings, ['event_data.note left out: not an event_data field of Branch\'s Events API (put it in custom_data)']);
  warnings.length = 0;
  assert.deepEqual(branchEventData({ revenue: 10, currency: 'EURO' }, warnings.push.bind(warnings)), { revenue: 10 });
  assert.deepEqual(warnings, ['event_data.currency "EURO" left out: not a three-letter ISO 4217 code']);
  assert.equal(branchEventData({}, () => {}), undefined);
  assert.throws(() => branchEventData({ revenue: '12,50' }, () => {}), (error: unknown) => error instanceof PermanentError && /Branch takes event_data\.revenue as a number/.test(error.message));
});

test('content items: Branch\'s fields and types, categories in Branch\'s words or kept as a custom field; custom data without contact information', () => {
  // Sent by name, as Branch's SDKs and its Events API examples send it; the reference's enum form read too.
  assert.equal(productCategoryOf('FOOD_BEVERAGES_AND_TOBACCO'), 'Food, Beverages & Tobacco');
  assert.equal(productCategoryOf('apparel_and_accessories'), 'Apparel & Accessories');
  assert.equal(productCategoryOf(' sporting goods '), 'Sporting Goods');
  assert.equal(productCategoryOf('Food, Beverages & Tobacco'), 'Food, Beverages & Tobacco');
  assert.equal(PRODUCT_CATEGORIES.length, 21);
  assert.equal(productCategoryOf('Shoes'), undefined);
  const warnings: string[] = [];
  const items = branchContentItems([
    { $sku: 'S-1', $quantity: '2', $keywords: 'shoes', $condition: 'new', $publicly_indexable: true, colour: 'red', $og_description: 'Light trail shoe', $custom_fields: { size: 42, buyer_email: 'jane@example.com' } },
    { $content_schema: 'COMMERCE_PRODUCT' },
    'SKU-9',
    { $content_schema: 'recipe', $product_name: 'Soup' },
  ], warnings.push.bind(warnings));
  assert.deepEqual(items, [
    { $og_description: 'Light trail shoe', $publicly_indexable: true, $quantity: 2, $sku: 'S-1', $keywords: ['shoes'], $condition: 'NEW', $custom_fields: { size: 42 } },
    { $product_name: 'Soup' },
  ]);
  assert.deepEqual(warnings, ['content_items[0].colour left out: not a content item field of Branch\'s Events API (put it under $custom_fields)', 'content_items[3].$content_schema "recipe" left out: not one of Branch\'s content schemas (COMMERCE_PRODUCT, MEDIA_VIDEO, …)']);
  assert.equal(branchContentItems([{ $content_schema: 'COMMERCE_PRODUCT' }], () => {}), undefined);
  // Values as text, as Branch's SDKs send them (the Web SDK: "values must be converted to string").
  assert.deepEqual(branchCustomData({ plan: 'pro', name: 'Jane Doe', nested: { phone: '+44 7700 900123', size: 'M' } }), { plan: 'pro', nested: '{"size":"M"}' });
  assert.deepEqual(branchCustomData({ seats: 5, trial: false, tags: ['a', 'b'], gone: null }), { seats: '5', trial: 'false', tags: '["a","b"]' });
  assert.equal(branchCustomData({ email: 'jane@example.com' }), undefined);
  assert.throws(() => branchCustomData('text'), PermanentError);
});

test('mapping: an event past 64 KB dead-letters, naming its size', () => {
  assert.throws(() => toBranchEvent({ name: 'x', user_data: { developer_identity: 'u-1' }, custom_data: { blob: 'x'.repeat(70_000) } }, order(), ctx()), (error: unknown) => error instanceof PermanentError && /^the Branch event is 70\d{3} bytes, more than the 65280 Signal sends in one request/.test(error.message));
});

const mapped = (id: string, payload: JsonObject): MappedEvent => ({ id, event: order(), payload });

test('requests: one POST an event — standard to /v2/event/standard, custom to /v2/event/custom — the Branch Key first in the body', () => {
  const requests = branch.send([
    mapped('m-1', { name: 'PURCHASE', user_data: { developer_identity: 'u-1', ip: '203.0.113.42' }, event_data: { revenue: 1 } }),
    mapped('m-1#2', { name: 'Demo Requested', user_data: { developer_identity: 'u-1' }, custom_data: { plan: 'pro' } }),
  ], ctx());
  assert.deepEqual(requests, [
    {
      method: 'POST', url: 'https://api2.branch.io/v2/event/standard', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: { branch_key: KEY, name: 'PURCHASE', user_data: { developer_identity: 'u-1', ip: '203.0.113.42' }, event_data: { revenue: 1 } }, eventIds: ['m-1'],
    },
    {
      method: 'POST', url: 'https://api2.branch.io/v2/event/custom', headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: { branch_key: KEY, name: 'Demo Requested', user_data: { developer_identity: 'u-1' }, custom_data: { plan: 'pro' } }, eventIds: ['m-1#2'],
    },
  ]);
  assert.equal(STANDARD_EVENT_URL, 'https://api2.branch.io/v2/event/standard');
  assert.equal(CUSTOM_EVENT_URL, 'https://api2.branch.io/v2/event/custom');
  const many = Array.from({ length: 10 }, (_, n) => mapped(`m-${n}`, { name: 'LOGIN', user_data: { developer_identity: 'u-1' } }));
  assert.deepEqual(requestsFor(many, ctx()).map((r) => r.eventIds), many.map((m) => [m.id]), 'every event once, in order');
});

test('requests: X-IP-Override only with config.ip_override and an IP in user_data', () => {
  const withIp = mapped('m-1', { name: 'PURCHASE', user_data: { developer_identity: 'u-1', ip: '203.0.113.42' } });
  assert.equal(eventRequest(withIp, ctx()).headers?.['x-ip-override'], undefined);
  assert.equal(eventRequest(withIp, ctx({ ip_override: true })).headers?.['x-ip-override'], '203.0.113.42');
  assert.equal(eventRequest(mapped('m-2', { name: 'PURCHASE', user_data: { developer_identity: 'u-1' } }), ctx({ ip_override: true })).headers?.['x-ip-override'], undefined);
});

test('classify: Branch\'s 200 delivered; a 2xx web page retried; 429 throttled after Retry-After; 5xx and 408 retried', () => {
  assert.deepEqual(classifyBranch(answer(200, '{"branch_view_enabled":false}')), { status: 'delivered' });
  assert.deepEqual(classifyBranch(answer(200, '{"ascending_only":false,"coarse_key":"high","locked":false,"update_conversion_value":3}')), { status: 'delivered' });
  assert.deepEqual(classifyBranch(answer(200)), { status: 'delivered' });
  assert.equal(whole(classifyBranch(answer(200, '<!DOCTYPE html><html>portal</html>'))).status, 'retry');
  assert.deepEqual(classifyBranch(answer(429, '{"error":{"code":429,"message":"Rate limit reached."}}', { 'Retry-After': '7' })), { status: 'retry', reason: 'Branch rate limit reached (HTTP 429: Rate limit reached.)', retryAfterMs: 7000, throttled: true });
  assert.deepEqual(classifyBranch(answer(429)), { status: 'retry', reason: 'Branch rate limit reached (HTTP 429: (no body))', throttled: true });
  assert.deepEqual(classifyBranch(answer(503, 'Service Unavailable', { 'retry-after': '2' })), { status: 'retry', reason: 'Branch HTTP 503: Service Unavailable', retryAfterMs: 2000 });
  assert.equal(whole(classifyBranch(answer(500, '{"error":{"message":"Internal","code":500}}'))).reason, 'Branch HTTP 500: Internal');
  assert.equal(whole(classifyBranch(answer(408))).status, 'retry');
});

test('classify: a refused Branch Key dead-lettered naming config.branch_key; other 4xx with Branch\'s message', () => {
  const auth = whole(classifyBranch(answer(400, '{\n    "error": {\n        "message": "Authentication failed !",\n        "code": 400\n    }\n}')));
  assert.equal(auth.status, 'dead_letter');
  assert.equal(auth.reason, 'Branch refused the Branch Key (HTTP 400: Authentication failed !): config.branch_key must be the app\'s Branch Key (key_live_… or key_test_…, Account Settings > Profile), then replay the dead letters');
  for (const status of [401, 403]) assert.match(whole(classifyBranch(answer(status, 'nope'))).reason!, /^Branch refused the Branch Key/);
  assert.deepEqual(classifyBranch(answer(400, '{"error":{"message":"Invalid event name","code":400}}')), { status: 'dead_letter', reason: 'Branch refused the event (HTTP 400): Invalid event name' });
  assert.match(whole(classifyBranch(answer(404, '<html>404 Not Found</html>'))).reason!, /^Branch answered 404 \(<html>404 Not Found<\/html>\): not Branch's Events API/);
  assert.equal(whole(classifyBranch(answer(422, 'bad'))).reason, 'Branch refused the event (HTTP 422): bad');
  assert.equal(branchSaid(answer(400, '{"message":"top level"}')), 'top level');
});

const person = (userId: string | null, anonymousId: string | null = null) => ({ userId, anonymousId });

test('deletions: an erasure request by developer identity to the Data Subject Request API, with the app ID and the Access Token', () => {
  const config = { app_id: '736583253452335134', access_token: 'api_app_0123' };
  assert.equal(branch.forgetPerson?.enabled(ctx(config).config), true);
  assert.equal(branch.forgetPerson?.enabled(ctx().config), false);
  assert.equal(branch.forgetPerson?.enabled(ctx({ app_id: '7365' }).config), false);
  assert.deepEqual(erasureRequest(person(' u-1001 ', 'df_visitor1'), ctx(config)), {
    method: 'POST', url: 'https://api2.branch.io/v1/gdpr', query: [['app_id', '736583253452335134']],
    headers: { 'access-token': 'api_app_0123', 'content-type': 'application/json', accept: 'application/json' },
    body: { subject_request_type: 'erasure', subject_identities: [{ identity_type: 'DEVELOPER_ID', identity_value: 'u-1001', identity_format: 'raw' }] },
    eventIds: [],
  });
  assert.equal(GDPR_URL, 'https://api2.branch.io/v1/gdpr');
  assert.deepEqual(erasureRequest(person(null, 'df_visitor1'), ctx(config)), { skipped: 'Branch\'s erasure is asked by the identities Branch holds: Signal sends Branch the userId as developer_identity, and the deletion names no userId (an anonymousId is never sent to Branch)' });
  assert.ok('skipped' in erasureRequest(person('undefined'), ctx(config)));
});

test('deletions: Branch\'s answers — accepted with its request id, refused credentials naming the fields, 404, 429 and 5xx retried', () => {
  assert.deepEqual(readErasure(answer(200, '{"request_id":"XXXX-0000-xxxx","request_status":"PENDING"}')), { done: true, message: 'Branch accepted the erasure request XXXX-0000-xxxx (PENDING)' });
  assert.deepEqual(readErasure(answer(200)), { done: true, message: 'Branch accepted the erasure request' });
  const refused = readErasure(answer(400, '{"error":{"message":"Authentication failed !","code":400}}'));
  assert.ok('failed' in refused && /^Branch refused the credentials \(HTTP 400: Authentication failed !\): config\.access_token .*config\.app_id/.test(refused.failed));
  assert.ok('failed' in readErasure(answer(403, 'Forbidden')));
  const notFound = readErasure(answer(404, '<html><head><title>404 Not Found</title></head></html>'));
  assert.ok('failed' in notFound && /not the Data Subject Request API's URL/.test(notFound.failed));
  assert.deepEqual(readErasure(answer(400, '{"error":{"message":"subject_identities missing","code":400}}')), { failed: 'Branch refused the erasure request (HTTP 400: subject_identities missing)' });
  assert.deepEqual(readErasure(answer(429, '{"error":{"code":429,"message":"Rate limit reached."}}', { 'retry-after': '60' })), { retry: 'Branch\'s Data Subject Request API did not take the request now (HTTP 429: Rate limit reached.)', afterSeconds: 60 });
  assert.ok('retry' in readErasure(answer(502, 'Bad Gateway')));
  assert.deepEqual(readErasure({ status: 200, headers: {}, body: '', json: branch.forgetPerson?.successAnswer?.body }), { done: true, message: 'Branch accepted the erasure request 7a1c2e9f-0000-4b1d-9c3e-12ab34cd56ef (PENDING)' });
});

test('definition: attribution, advertising consent, the _branch_match_id kept 90 days in _dfbranchmatchid, one event a request', () => {
  assert.equal(branch.id, 'branch');
  assert.equal(branch.category, 'attribution');
  assert.deepEqual(branch.consent, ['advertising']);
  assert.deepEqual(branch.cookies, ['_dfbranchmatchid']);
  assert.deepEqual(branch.clickIds?.map(({ value: _value, ...declared }) => declared), [{ param: '_branch_match_id', cookie: '_dfbranchmatchid', days: 90 }]);
  assert.equal(branch.clickIds?.[0]?.value?.(BROWSER_ID, NOW), BROWSER_ID);
  for (const junk of ['abc', 'undefined', '12']) assert.equal(branch.clickIds?.[0]?.value?.(junk, NOW), '', `${junk} keeps no cookie`);
  assert.deepEqual(branch.batch, { maxEvents: 10, maxBytes: 65_536 });
  assert.deepEqual(branch.rateLimit, { rps: 50, burst: 100 });
  assert.deepEqual(branch.successAnswer, { status: 200, body: { branch_view_enabled: false } });
  assert.deepEqual(Object.keys(branch.variants), ['default', 'retail']);
});
