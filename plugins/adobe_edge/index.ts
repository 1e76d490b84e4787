import { definePlugin } from '../../core/sdk/index.ts';
import { adobeAccessToken } from './access-token.ts';
import { classifyAdobeEdge } from './classify.ts';
import { CONFIG_SCHEMA, validateAdobeEdgeConfig } from './config.ts';
import { toExperienceEvent } from './experience-event.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';

export { TOKEN_URL } from './access-token.ts';
export { collectUrlOf, EDGE_HOST, SERVER_HOST } from './requests.ts';

/**
 * Adobe Experience Platform Edge Network Server API: events as XDM ExperienceEvents to a
 * datastream (Adobe Analytics, Experience Platform, Target, Customer Journey Analytics), up to
 * 100 a `POST /ee/v2/collect`, unauthenticated or with an OAuth Server-to-Server credential.
 *
 * @example
 * import adobeEdge from './plugins/adobe_edge/index.ts';
 * adobeEdge.id; // 'adobe_edge'
 */
export default definePlugin({
  id: 'adobe_edge',
  name: 'Adobe Experience Platform Edge Network',
  category: 'analytics',
  description: 'Events to an Adobe Experience Platform datastream through the Edge Network Server API (Adobe Analytics, Experience Platform, Target, Customer Journey Analytics): page views and Segment\'s ecommerce events as XDM ExperienceEvents (web.webPageDetails; commerce.* with productListItems, order value, currency and id), other track events by their name or config.event_types; the identity map (the site\'s ECID, the anonymousId as FPID or in a custom namespace, the userId in a custom namespace, one primary); Adobe Analytics variables from the config; consent as Adobe\'s Consent standard; batched to the non-interactive collect endpoint, unauthenticated or with an OAuth Server-to-Server credential.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAdobeEdgeConfig,
  variants: {
    default: { description: 'Page calls as web.webpagedetails.pageViews; Product Viewed as commerce.productViews, Product List Viewed as commerce.productListViews, Product Added as commerce.productListAdds, Product Removed as commerce.productListRemovals, Cart Viewed as commerce.productListOpens, Checkout Started as commerce.checkouts, Order Completed as commerce.purchases (order id, value, currency, products); other track events with their name as eventType unless config.event_types names one; identify, group, alias and screen not sent.', blueprint: 'adobe_edge/default.yaml' },
  },
  vendorFields: {
    'xdm.eventType': { required: true, description: 'The XDM eventType; config.event_types overrides it.' },
    'xdm._id': { required: true, description: 'The event\'s unique id (Experience Platform deduplicates by it): the messageId unless mapped.' },
    'xdm.timestamp': { required: true, description: 'The event time, ISO 8601.' },
    'xdm.identityMap': { required: true, description: 'Built by the plugin: ECID (mapped ecid), the anonymousId (config.anonymous_id_namespace, FPID by default), the userId (config.user_id_namespace); one primary.' },
    ecid: { required: false, description: 'The visitor\'s ECID (38 digits), as the site passes it: context.adobe.ecid.' },
    'xdm.web.webPageDetails': { required: false, description: 'URL, name, pageViews.value (1 for page views).' },
    'xdm.web.webReferrer.URL': { required: false },
    'xdm.commerce': { required: false, description: 'The commerce measure of the event (purchases, productListAdds, … value 1) and order (purchaseID, priceTotal, currencyCode).' },
    'xdm.productListItems': { required: false, description: 'The products: SKU, name, quantity, priceTotal, currencyCode.' },
    product: { required: false, description: 'A one-product event\'s product (SKU, name, quantity, priceTotal, currencyCode): sent as productListItems[0].' },
    'xdm.environment.browserDetails.userAgent': { required: false },
    'xdm.environment.ipV4': { required: false, description: 'The visitor\'s IP (an IPv6 one goes to ipV6).' },
    data: { required: false, description: 'Free-form data; config.analytics_variables adds data.__adobe.analytics.' },
  },
  consent: ['analytics'],
  // Adobe's guardrail is 6,000 request units a second for /v2/collect (a unit: 8 KB for one
  // upstream service). 50 requests a second of up to 60 KB (8 units) to up to 3 services stays
  // well inside it; a 429 slows the integration further.
  rateLimit: { rps: 50, burst: 100 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  accessToken: adobeAccessToken,
  map: (payload, event, ctx) => toExperienceEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request) => classifyAdobeEdge(response, request),
  // The collect endpoint's answer to an accepted request.
  successAnswer: { status: 202, headers: { 'content-type': 'application/json' }, body: { requestId: 'f567a988-4b3c-45a6-9ed8-f283188a445e' } },
});
