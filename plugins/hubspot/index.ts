import { configText, definePlugin } from '../../core/sdk/index.ts';
import { hubSpotTokenRequest, readHubSpotTokenAnswer } from './access-token.ts';
import { classifyHubSpot } from './classify.ts';
import { CONFIG_SCHEMA, validateHubSpotConfig } from './config.ts';
import { fitRecord } from './fit-to-hubspot.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BYTES, MAX_EVENTS_PER_REQUEST } from './requests.ts';

export { validateHubSpotConfig };

export default definePlugin({
  id: 'hubspot',
  name: 'HubSpot',
  category: 'cdp',
  description: 'Contacts and custom events to HubSpot through its date-based REST API: identify traits to contacts upserted by email (batches of 100, per-contact outcomes from multi-status answers), track events to the custom events the config names (batches of 500) linked to the contact by email or the hubspotutk cookie; a service key, a private app token or an OAuth refresh token renewed by Signal; person deletions through HubSpot\'s GDPR delete.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateHubSpotConfig,
  variants: {
    default: { description: 'Identify traits to contact properties (firstname, lastname, phone, company, website, address, city, state, country, zip, jobtitle, and those config.property_map names), upserted by email; track events named in config.event_names to those custom events with their properties. Page views are not sent (HubSpot\'s tracking code records them).', blueprint: 'hubspot/default.yaml' },
    retail: { description: 'As the default, and Segment\'s and GA4\'s ecommerce events (orders, product views and cart adds, checkouts, searches) with flat properties a custom event can define: order_id, revenue, currency, product_ids, product_names, product_id, price, quantity, …', blueprint: 'hubspot/retail.yaml' },
  },
  vendorFields: {
    email: { required: true, description: 'The contact\'s email: an identify upserts the contact by it; an event is linked to the contact by it (or by utk).' },
    properties: { required: false, description: 'An identify\'s contact properties (internal names), or an event\'s properties (at most 50; names lower-cased; values as text of 256 characters at most).' },
    event: { required: false, description: 'The Signal event\'s name, looked up in config.event_names for the custom event\'s fully qualified name.' },
    eventName: { required: false, description: 'A custom event\'s fully qualified name (pe<HubID>_<name>) given by the blueprint itself, instead of config.event_names.' },
    utk: { required: false, description: 'The hubspotutk cookie: HubSpot\'s visitor token, linking the event to the visitor\'s contact.' },
    objectId: { required: false, description: 'The contact\'s record id, when the site knows it.' },
    occurredAt: { required: false, description: 'When it happened, ISO 8601 (else the event\'s timestamp).' },
    uuid: { required: false, description: 'The occurrence\'s id (a UUID made of the messageId when it is none).' },
  },
  // HubSpot is a marketing platform: contacts and their events feed its emails, lists, workflows and ads audiences.
  consent: ['marketing'],
  // The hubspotutk cookie of HubSpot's tracking code identifies the visitor (its token links
  // the visitor's events to the contact). HubSpot has no ad click id to keep.
  cookies: ['hubspotutk'],
  // A service key or private app shares its account's limits with the account's other keys and
  // private apps: 100 requests per 10 s (Free, Starter), 190 (Professional, Enterprise); daily
  // 250,000 to 1,000,000 (an OAuth app: 110 per 10 s, no daily limit; the custom event send is
  // exempt from both). 5 a second (burst 10) sends at most 60 in any 10 s, leaving the rest of
  // the smallest tier's 100 to the account's other integrations.
  rateLimit: { rps: 5, burst: 10 },
  batch: { maxEvents: MAX_EVENTS_PER_REQUEST, maxBytes: MAX_BYTES },
  accessToken: {
    usedBy: ['delivery', 'forgetPerson'],
    enabled: (config) => configText(config, 'refresh_token') !== undefined,
    request: hubSpotTokenRequest,
    read: readHubSpotTokenAnswer,
    // RFC 6749 §6: should the answer ever name a new refresh token, the core keeps and uses it.
    rotates: 'refresh_token',
  },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyHubSpot,
  // HubSpot's custom event batch send answers 204 No Content (README, Requests; HubSpot's specification, HubSpot/HubSpot-public-api-spec-collection); the contact upsert's 200 with results is in the unit tests.
  successAnswer: { status: 204, body: '' },
  forgetPerson,
});
