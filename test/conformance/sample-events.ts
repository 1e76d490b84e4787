import type { CanonicalEvent } from '../../core/collect/canonical-event.ts';

const context = {
  ip: '203.0.113.42',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  page: { url: 'https://shop.example.com/checkout?step=2', path: '/checkout', title: 'Checkout', referrer: 'https://www.google.com/', search: '?step=2' },
  locale: 'en-GB',
  library: { name: 'datafly.js', version: '2.4.0' },
  consent: { analytics: true, marketing: true, advertising: true, functional: true },
  cookies: { FTrack: 'ft-cookie-123' },
};

/** Canonical events every plugin is checked on: a page, an identify, a purchase, a custom event. */
export const conformanceEvents: CanonicalEvent[] = [
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
];
