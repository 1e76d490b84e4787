import { configText, definePlugin } from '../../core/sdk/index.ts';
import { marketingCloudTokenRequest, readMarketingCloudTokenAnswer } from './access-token.ts';
import { classifyMarketingCloud } from './classify.ts';
import { CONFIG_SCHEMA, marketingCloudConfigWarnings, subdomainOf, validateMarketingCloudConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitRecord } from './records.ts';
import { buildRequests, MAX_BYTES } from './requests.ts';

export { validateMarketingCloudConfig };

/**
 * Salesforce Marketing Cloud Engagement: identify traits and track events as data extension
 * rows upserted through the synchronous rowset API (`POST /hub/v1/dataevents/key:{key}/rowset`,
 * 50 rows a request), track events the config names as Journey Builder entry events (`POST
 * /interaction/v1/events`), keyed by the Contact Key (the userId, or the email); an installed
 * package's Server-to-Server API integration exchanged for access tokens by the core; person
 * deletions through the Contacts API's delete by contact key.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/salesforce_marketing_cloud' }
 * // an install's config
 * { subdomain: 'mc563885gzs27c5t9-63k636ttgm', client_id: '…', client_secret: '…', traits_data_extension: 'Signal_Profiles', trait_columns: { email: 'EmailAddress' } }
 */
export default definePlugin({
  id: 'salesforce_marketing_cloud',
  name: 'Salesforce Marketing Cloud Engagement',
  category: 'cdp',
  description: 'Contacts\' data to Salesforce Marketing Cloud Engagement through its REST API: identify traits and track events as data extension rows upserted in bulk (POST /hub/v1/dataevents/key:{key}/rowset, 50 rows a request, columns mapped in the config, keyed by the Contact Key: the userId or the email), track events the config names as Journey Builder entry events (POST /interaction/v1/events); an installed package\'s Server-to-Server API integration whose access tokens Signal obtains and renews; person deletions through the Contacts API\'s delete by contact key.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateMarketingCloudConfig,
  configWarnings: (config) => marketingCloudConfigWarnings(config),
  variants: {
    default: { description: 'Identify traits to a row of the identify data extension (the traits config.trait_columns maps), track events named in config.event_data_extensions to rows of those data extensions (the properties config.property_columns maps, the event\'s time and messageId), those named in config.journey_events to Journey Builder entry events. Page, screen, group and alias calls are not sent; anonymous visitors are not sent.', blueprint: 'salesforce_marketing_cloud/default.yaml' },
  },
  vendorFields: {
    userId: { required: false, description: 'The userId: the Contact Key (unless config.contact_key_source is email). Without a usable one the event is not sent.' },
    email: { required: false, description: 'The person\'s email (traits.email, else the remembered context.traits.email): the Contact Key when config.contact_key_source is email.' },
    traits: { required: false, description: 'An identify\'s traits, whose paths config.trait_columns maps to columns.' },
    event: { required: false, description: 'A track event\'s name, looked up in config.event_data_extensions and config.journey_events.' },
    properties: { required: false, description: 'A track event\'s properties, whose paths config.property_columns maps to columns or Data fields.' },
    timestamp: { required: false, description: 'When it happened (else the event\'s timestamp): the event time column, ISO 8601 in UTC.' },
  },
  // Marketing Cloud sends these people email, SMS and push campaigns and journeys: its data is marketing's.
  consent: ['marketing'],
  // Salesforce publishes no per-second limit for these REST routes (its guidance: reuse tokens,
  // batch rows; a 429 is honoured with its Retry-After). 10 requests a second of 50 rows each
  // is 500 rows a second, well within what integrators report the rowset API sustains.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: 500, maxBytes: MAX_BYTES },
  accessToken: {
    usedBy: ['delivery', 'forgetPerson'],
    enabled: (config) => subdomainOf(config) !== undefined && configText(config, 'client_id') !== undefined && typeof config.client_secret === 'string' && config.client_secret !== '',
    request: marketingCloudTokenRequest,
    read: readMarketingCloudTokenAnswer,
  },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyMarketingCloud,
  // The rowset's answer: the rows written, as sent (Salesforce's example response of POST /hub/v1/dataevents/key:{key}/rowset);
  // the entry event's 201 { eventInstanceId } is in the unit tests.
  successAnswer: { status: 200, body: [{ keys: { ContactKey: 'user-123' }, values: { EmailAddress: 'jane.doe@example.com', FirstName: 'Jane' } }] },
  forgetPerson,
});
