/**
 * Algolia Insights: click, view and conversion events (Segment's ecommerce events) to Algolia's
 * Insights API, for Algolia's Analytics, Recommend, Personalization and Dynamic Re-Ranking; and
 * person deletions through its user token deletion.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/algolia_insights' }
 * // install config
 * { "app_id": "LATENCY123", "api_key": "…", "region": "us", "default_index": "products" }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyAlgolia } from './classify.ts';
import { CONFIG_SCHEMA, optionsOf, validateAlgoliaConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitEvent } from './insights-event.ts';
import { buildRequests, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validateAlgoliaConfig };

export default definePlugin({
  id: 'algolia_insights',
  name: 'Algolia Insights',
  category: 'analytics',
  description: 'Segment\'s ecommerce events to Algolia\'s Insights API (POST /1/events, up to 1,000 events a request), as Algolia\'s Segment destination maps them: Product Clicked as a click (with its position after a search), Product Viewed as a view, Product Added and Order Completed as conversions (addToCart, purchase, with prices, quantities, revenue and currency), Product List Filtered as a click on facet filters, Product List Viewed as a view of the listed products; the index from properties.search_index or the config\'s default, the query from properties.query_id; configurable event names; automatic, US or DE region; person deletions by user token.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAlgoliaConfig,
  variants: {
    default: { description: 'Product Clicked (click), Product Viewed (view), Product Added (conversion, addToCart), Order Completed (conversion, purchase), Product List Filtered (click with filters) and Product List Viewed (view of up to 20 products), with GA4\'s select_item, view_item, add_to_cart, purchase and view_item_list; other events are not sent.', blueprint: 'algolia_insights/default.yaml' },
  },
  vendorFields: {
    eventType: { required: true, description: 'click, view or conversion.' },
    eventName: { required: true, description: 'The event\'s name, 1 to 64 visible ASCII characters: the configured name of its kind (config.*_name).' },
    index: { required: true, description: 'The Algolia index the event\'s objects belong to (properties.search_index, else config.default_index).' },
    userToken: { required: true, description: 'The visitor\'s anonymous id (else the userId): 1 to 128 of [a-zA-Z0-9_=/+-], other ids sent as their SHA-256.' },
    authenticatedUserToken: { required: false, description: 'The known user\'s id (userId), in the same form as userToken.' },
    eventSubtype: { required: false, description: 'Conversions: addToCart (Product Added) or purchase (Order Completed).' },
    timestamp: { required: false, description: 'When it happened, in ms since the epoch; Algolia takes the last 30 days only.' },
    queryID: { required: false, description: 'The search the event follows (properties.query_id): 32 hexadecimal digits.' },
    kind: { required: false, description: 'Signal\'s own: which configured event name the event takes; not sent.' },
    product: { required: false, description: 'Signal\'s own: one product (objectID, price, quantity, discount), sent as objectIDs and objectData.' },
    products: { required: false, description: 'Signal\'s own: the order\'s or the list\'s products (objectID; an order\'s price, quantity, discount, queryID), sent as objectIDs (and objectData on conversions), at most 20.' },
    position: { required: false, description: 'Click after a search: the product\'s position (1 for the first result), sent as positions.' },
    filters: { required: false, description: 'Product List Filtered: the facet filters, sent as attribute:value (the value URL-encoded), at most 20.' },
    value: { required: false, description: 'Conversions: the total value, with currency.' },
    currency: { required: false, description: 'ISO 4217 code of value and prices.' },
  },
  // Algolia's events feed search analytics and personalization: how people use the site.
  consent: ['analytics'],
  // Algolia documents no rate for POST /1/events (its API reference gives x-ratelimit-* headers
  // on the user token deletion only); 10 requests a second of up to 1,000 events is far above
  // a site's event flow and well below what a shared service should take at once.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // The API reference's answer to events it took.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 200, message: 'OK' } },
  map: (payload, event, ctx) => fitEvent(payload, event, optionsOf(ctx.config), ctx.now, ctx.warn),
  send: buildRequests,
  classify: classifyAlgolia,
  forgetPerson,
});
