import type { CanonicalEvent } from '../../core/sdk/index.ts';

/**
 * The conformance suite's own sample events: one of each shape a plugin must cope with, kept
 * deliberately lean — only what collect always stamps (`messageId`, `timestamp`,
 * `receivedAt`, `context.ip`, `context.userAgent`) plus the fields that define the shape — so
 * a mapper that assumes an optional field (a page URL, a userId, consent, cookies) fails here
 * instead of in production. The suite also runs the realistic journey of
 * `core/blueprint/sample-events.ts`.
 *
 * - a page view by an anonymous visitor;
 * - an identify with an email trait;
 * - a track "Order Completed" with products (the e-commerce spec);
 * - a custom track with nested, non-ASCII properties and no user id;
 * - an iOS app's purchase as Segment's mobile SDKs send it: no page, an app, device and OS in
 *   the context (the advertising id), and the id a mobile attribution SDK gave the device in
 *   `integrations` (AppsFlyer's, as Segment's AppsFlyer destination reads it).
 *
 * @example
 * import { CONFORMANCE_EVENTS } from './sample-events.ts';
 * for (const event of CONFORMANCE_EVENTS) plugin.variants.default.map?.(event, ctx);
 */
export const CONFORMANCE_EVENTS: readonly CanonicalEvent[] = [
  {
    type: 'page',
    messageId: 'conformance-page-1',
    anonymousId: 'anon-7f3c9a',
    name: 'Pricing',
    properties: { url: 'https://www.example.com/pricing?plan=pro', path: '/pricing', title: 'Pricing', referrer: '' },
    timestamp: '2024-05-02T09:30:00.000Z',
    receivedAt: '2024-05-02T09:30:00.210Z',
    context: { ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' },
  },
  {
    type: 'identify',
    messageId: 'conformance-identify-1',
    userId: 'u-1001',
    anonymousId: 'anon-7f3c9a',
    traits: { email: 'alex.martin@example.org', name: 'Alex Martin' },
    timestamp: '2024-05-02T09:31:10.000Z',
    receivedAt: '2024-05-02T09:31:10.150Z',
    context: { ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' },
  },
  {
    type: 'track',
    event: 'Order Completed',
    messageId: 'conformance-order-1',
    userId: 'u-1001',
    anonymousId: 'anon-7f3c9a',
    properties: {
      order_id: 'SO-20240502-17',
      revenue: 124.5,
      total: 131.0,
      currency: 'EUR',
      products: [
        { product_id: 'P-1', sku: 'MUG-BLK', name: 'Mug', price: 12.5, quantity: 2 },
        { product_id: 'P-2', sku: 'TEE-L', name: 'T-shirt', price: 99.5, quantity: 1 },
      ],
    },
    timestamp: '2024-05-02T09:35:42.000Z',
    receivedAt: '2024-05-02T09:35:42.080Z',
    context: { ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' },
  },
  {
    type: 'track',
    event: 'Wishlist Shared',
    messageId: 'conformance-custom-1',
    anonymousId: 'anon-0b21d4',
    properties: { channel: 'e-mail', list: { name: 'Été 2024 ☀️', items: 3 }, public: false, tags: ['gift', 'summer'] },
    timestamp: '2024-05-02T10:02:03.000Z',
    receivedAt: '2024-05-02T10:02:03.400Z',
    context: { ip: '2001:db8::42', userAgent: 'curl/8.5.0' },
  },
  {
    type: 'track',
    event: 'Order Completed',
    messageId: 'conformance-app-order-1',
    userId: 'u-1002',
    anonymousId: 'F2A6C0DE-1B7E-4D39-9A51-3C1E7B0D5A10',
    properties: { order_id: 'APP-5521', revenue: 19.99, currency: 'USD', products: [{ product_id: 'P-9', name: 'Gift card', price: 19.99, quantity: 1 }] },
    integrations: { AppsFlyer: { appsFlyerId: '1715160000000-1234567' } },
    timestamp: '2024-05-02T11:15:00.000Z',
    receivedAt: '2024-05-02T11:15:00.900Z',
    context: {
      ip: '203.0.113.77', userAgent: 'Shop/3.2 CFNetwork/1490.0.4 Darwin/23.2.0',
      app: { name: 'Shop', version: '3.2', build: '321', namespace: 'com.example.shop' },
      device: { id: '8E0E4C0A-5E8B-4C6B-9F7E-2D3A1B4C5D6E', advertisingId: '6D92078A-8246-4BA4-AE5B-76104861E7DC', adTrackingEnabled: true, manufacturer: 'Apple', model: 'iPhone15,2', type: 'ios' },
      os: { name: 'iOS', version: '17.4' },
      library: { name: 'analytics-ios', version: '4.1.8' },
    },
  },
];
