import type { CanonicalEvent, EventContext } from '../collect/canonical-event.ts';

const SHOP = 'https://shop.example.com';

/** One visitor's browser on one page of the shop: what collect stamps on every event. */
function browserContext(path: string, title: string, extra: Partial<EventContext> = {}): EventContext {
  const [pathname, search = ''] = path.split('?');
  return {
    ip: '203.0.113.42',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    page: { url: `${SHOP}${path}`, path: pathname!, title, referrer: 'https://www.google.com/', search: search ? `?${search}` : '' },
    locale: 'en-GB',
    library: { name: 'datafly.js', version: '2.4.0' },
    consent: { analytics: true, marketing: true, advertising: true, functional: true, google: { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' } },
    cookies: { FTrack: 'ft-cookie-123' },
    ...extra,
  };
}

const visitor = { anonymousId: 'df_abc123def456' };
const known = { ...visitor, userId: 'user-123' };
const campaign = { name: 'spring_sale', source: 'google', medium: 'cpc', term: 'running shoes', content: 'ad_variant_b' };

/**
 * Realistic canonical events for previews, tests, the conformance suite and bench:map: one
 * visitor's journey through a shop (page, product viewed and added, search, sign-up, identify,
 * order, lead) and a custom track event, as collect stores them — messageId, timestamps, ip,
 * user agent, page, consent, cookies. The messageIds are stable (`conf-…`): tests find events
 * by them.
 *
 * @example
 * previewBlueprint(compiled, SAMPLE_EVENTS);
 */
export const SAMPLE_EVENTS: CanonicalEvent[] = [
  {
    type: 'page', messageId: 'conf-page-1', ...visitor, name: 'Checkout',
    properties: { title: 'Checkout', url: `${SHOP}/checkout?step=2`, path: '/checkout', referrer: 'https://www.google.com/', search: '?step=2' },
    timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.120Z', sentAt: '2024-03-24T16:00:00.050Z',
    context: browserContext('/checkout?step=2', 'Checkout', { campaign }),
  },
  {
    type: 'identify', messageId: 'conf-identify-1', ...known,
    traits: { email: ' Jane.Doe@Example.com ', phone: '+44 7700 900123', first_name: 'Jane', last_name: 'Doe', plan: 'premium', company: 'Acme Inc', created_at: '2023-11-02T09:14:00.000Z' },
    timestamp: '2024-03-24T16:00:05.000Z', receivedAt: '2024-03-24T16:00:05.100Z',
    context: browserContext('/account', 'Your account'),
  },
  {
    type: 'track', event: 'Order Completed', messageId: 'conf-order-1', ...known,
    properties: {
      order_id: 'ORD-5521', total: 89.99, revenue: 89.99, shipping: 4.99, tax: 15.0, currency: 'GBP', coupon: 'SPRING10', email: 'jane.doe@example.com',
      products: [
        { product_id: 'SKU-100', sku: 'RS-42-BLU', name: 'Running Shoes', category: 'Footwear', brand: 'Stride', price: 59.99, quantity: 1 },
        { product_id: 'SKU-205', sku: 'SS-M-WHT', name: 'Sport Socks', category: 'Accessories', brand: 'Stride', price: 15.0, quantity: 2 },
      ],
    },
    timestamp: '2024-03-24T16:01:00.000Z', receivedAt: '2024-03-24T16:01:00.090Z',
    // The visitor came from ads — Taboola's, Outbrain's, an impact.com partner's, a Branch link's, a
    // Campaign Manager 360 display ad's, a Nextdoor ad's, an Awin publisher's (the last paid click):
    // the click-id cookies Signal set on their landing pages (Taboola's sample click id;
    // impact.com's from its implementation guide).
    context: browserContext('/checkout/confirmation', 'Thank you for your order', { cookies: {
      FTrack: 'ft-cookie-123', _dftblci: 'GiDxLZcEVjwEqkGfKQMQndUYMIeZXFHmZ0DrHIJhGS6kKiDzkGUos9GzkpqG-YHQATCwxlQ', _dfobclid: '00f1e2d3c4b5a6978812345678abcdef0a1b2c3d4e',
      _dfirclickid: 'Q2fRbtVKcxyPWOTxAa1Fy3a9UkG0nFSgYVXFRE0', _dfbranchmatchid: '1237289749193742712', _dfdclid: 'CJjR2sHXs4sDFQ0nBgAdSo4L7A',
      _dfndclid: '0f8d2c1e-7b4a-4c3e-9d2f-1a2b3c4d5e6f',
      _dfawc: '1001_1711296000_3c0a8eb6c2b73b1cea9e1e6d4c5dd5a4', _dfawchannel: 'aw',
    } }),
    partner_attrs: { amperity: { Persona: 'Loyalist', LifetimeTier: 'Gold', FavoriteBrand: 'Stride' } },
  },
  {
    type: 'track', event: 'Feature Activated', messageId: 'conf-custom-1', ...known,
    properties: { feature_name: 'dark_mode', source: 'settings_page' },
    timestamp: '2024-03-24T16:02:00.000Z', receivedAt: '2024-03-24T16:02:00.080Z',
    context: browserContext('/account/settings', 'Settings'),
  },
  {
    type: 'track', event: 'Product Viewed', messageId: 'conf-product-viewed-1', ...visitor,
    properties: { product_id: 'SKU-100', sku: 'RS-42-BLU', name: 'Running Shoes', brand: 'Stride', variant: 'Blue / 42', price: 59.99, currency: 'GBP', category: 'Footwear', url: `${SHOP}/p/running-shoes` },
    timestamp: '2024-03-24T15:58:00.000Z', receivedAt: '2024-03-24T15:58:00.070Z',
    context: browserContext('/p/running-shoes', 'Running Shoes | Shop', { campaign }),
  },
  {
    type: 'track', event: 'Product Added', messageId: 'conf-product-added-1', ...visitor,
    properties: { cart_id: 'cart-77', product_id: 'SKU-100', sku: 'RS-42-BLU', name: 'Running Shoes', category: 'Footwear', price: 59.99, quantity: 1, currency: 'GBP' },
    timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T15:59:00.060Z',
    context: browserContext('/p/running-shoes', 'Running Shoes | Shop'),
  },
  {
    type: 'track', event: 'Products Searched', messageId: 'conf-search-1', ...visitor,
    properties: { query: 'running shoes' },
    timestamp: '2024-03-24T15:57:00.000Z', receivedAt: '2024-03-24T15:57:00.050Z',
    context: browserContext('/search?q=running+shoes', 'Search: running shoes', { campaign }),
  },
  {
    type: 'track', event: 'Signed Up', messageId: 'conf-signup-1', ...known,
    properties: { method: 'email', plan: 'premium' }, traits: { email: 'jane.doe@example.com' },
    timestamp: '2024-03-24T16:03:00.000Z', receivedAt: '2024-03-24T16:03:00.050Z',
    context: browserContext('/signup', 'Create your account'),
  },
  {
    type: 'track', event: 'Lead Generated', messageId: 'conf-lead-1', anonymousId: 'df_9f8e7d6c5b4a',
    properties: { lead_id: 'LEAD-3310', form_id: 'newsletter-footer', value: 25, currency: 'GBP', email: 'lead@example.com', phone: '+44 7700 900456' },
    timestamp: '2024-03-24T16:04:00.000Z', receivedAt: '2024-03-24T16:04:00.050Z',
    context: browserContext('/contact', 'Contact us'),
  },
];

/**
 * A sample event by the name handlers match on (a track call's event, else the type).
 *
 * @example
 * sampleEvent('Order Completed')?.properties?.order_id; // 'ORD-5521'
 */
export function sampleEvent(name: string): CanonicalEvent | undefined {
  return SAMPLE_EVENTS.find((e) => (e.type === 'track' ? e.event : e.type) === name);
}
