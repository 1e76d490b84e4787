import type { CanonicalEvent } from '../collect/canonical-event.ts';

const context = {
  ip: '203.0.113.42',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  page: { url: 'https://shop.example.com/checkout?step=2', path: '/checkout', title: 'Checkout', referrer: 'https://www.google.com/', search: '?step=2' },
  locale: 'en-GB',
  library: { name: 'datafly.js', version: '2.4.0' },
  consent: { analytics: true, marketing: true, advertising: true, functional: true },
  cookies: { FTrack: 'ft-cookie-123' },
};

/**
 * Sample canonical events for previews and the conformance suite: the common canonical events
 * with realistic context (page, ip, user agent, consent, cookies).
 */
export const SAMPLE_EVENTS: CanonicalEvent[] = [
  {
    type: 'page', messageId: 'conf-page-1', anonymousId: 'df_abc123def456', name: 'Checkout',
    properties: { title: 'Checkout', url: 'https://shop.example.com/checkout?step=2', path: '/checkout' },
    timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.120Z', context,
  },
  {
    type: 'identify', messageId: 'conf-identify-1', anonymousId: 'df_abc123def456', userId: 'user-123',
    traits: { email: ' Jane.Doe@Example.com ', phone: '+44 7700 900123', plan: 'premium', company: 'Acme Inc' },
    timestamp: '2024-03-24T16:00:05.000Z', receivedAt: '2024-03-24T16:00:05.100Z', context,
  },
  {
    type: 'track', event: 'Order Completed', messageId: 'conf-order-1', anonymousId: 'df_abc123def456', userId: 'user-123',
    properties: {
      order_id: 'ORD-5521', total: 89.99, revenue: 89.99, currency: 'GBP', email: 'jane.doe@example.com',
      products: [
        { product_id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1 },
        { product_id: 'SKU-205', name: 'Sport Socks', price: 15.0, quantity: 2 },
      ],
    },
    timestamp: '2024-03-24T16:01:00.000Z', receivedAt: '2024-03-24T16:01:00.090Z', context,
  },
  {
    type: 'track', event: 'Feature Activated', messageId: 'conf-custom-1', anonymousId: 'df_abc123def456', userId: 'user-123',
    properties: { feature_name: 'dark_mode', source: 'settings_page' },
    timestamp: '2024-03-24T16:02:00.000Z', receivedAt: '2024-03-24T16:02:00.080Z', context,
  },
  {
    type: 'track', event: 'Product Viewed', messageId: 'conf-product-viewed-1', anonymousId: 'df_abc123def456',
    properties: { product_id: 'SKU-100', name: 'Running Shoes', price: 59.99, currency: 'GBP', category: 'Footwear' },
    timestamp: '2024-03-24T15:58:00.000Z', receivedAt: '2024-03-24T15:58:00.070Z', context,
  },
  {
    type: 'track', event: 'Product Added', messageId: 'conf-product-added-1', anonymousId: 'df_abc123def456',
    properties: { product_id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1, currency: 'GBP' },
    timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T15:59:00.060Z', context,
  },
  {
    type: 'track', event: 'Products Searched', messageId: 'conf-search-1', anonymousId: 'df_abc123def456',
    properties: { query: 'running shoes' }, timestamp: '2024-03-24T15:57:00.000Z', receivedAt: '2024-03-24T15:57:00.050Z', context,
  },
  {
    type: 'track', event: 'Signed Up', messageId: 'conf-signup-1', anonymousId: 'df_abc123def456', userId: 'user-123',
    properties: { method: 'email' }, traits: { email: 'jane.doe@example.com' },
    timestamp: '2024-03-24T16:03:00.000Z', receivedAt: '2024-03-24T16:03:00.050Z', context,
  },
  {
    type: 'track', event: 'Lead Generated', messageId: 'conf-lead-1', anonymousId: 'df_abc123def456',
    properties: { value: 25, currency: 'GBP', email: 'lead@example.com', phone: '+44 7700 900456' },
    timestamp: '2024-03-24T16:04:00.000Z', receivedAt: '2024-03-24T16:04:00.050Z', context,
  },
];

/** Sample events by name (the event for track calls, else the type). */
export function sampleEvent(name: string): CanonicalEvent | undefined {
  return SAMPLE_EVENTS.find((e) => (e.type === 'track' ? e.event : e.type) === name);
}
