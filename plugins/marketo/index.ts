import { definePlugin } from '../../core/sdk/index.ts';
import { marketoTokenRequest, readMarketoTokenAnswer, tokenRefused } from './access-token.ts';
import { classifyMarketo } from './classify.ts';
import { CONFIG_SCHEMA, hasCredentials, validateMarketoConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitRecord } from './records.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

export { validateMarketoConfig };

/**
 * Adobe Marketo Engage: identify traits to leads through Sync Leads (createOrUpdate, keyed by
 * email or by a custom field holding the userId, 300 a request), track events the config names
 * to custom activities (the lead looked up by the same key, then Add Custom Activities); a
 * LaunchPoint custom service's client id and secret exchanged for access tokens by the core
 * (a token Marketo refuses inside its HTTP 200, 601/602, renewed through `accessToken.refused`);
 * person deletions through a lead lookup, then Delete Leads.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/marketo' }
 * // an install's config
 * { munchkin_id: '123-ABC-456', client_id: '…', client_secret: '…', field_map: { plan: 'signalPlan' }, activity_types: { 'Order Completed': { id: 100001, primary_attribute: 'order_id' } } }
 */
export default definePlugin({
  id: 'marketo',
  name: 'Adobe Marketo Engage',
  category: 'cdp',
  description: 'People and their activity to Adobe Marketo Engage through its REST API: identify traits to leads (Sync Leads, createOrUpdate keyed by email or by a custom field holding the userId, 300 leads a request, traits mapped to lead fields in the config), track events the config names to custom activities (the lead looked up by the same key, then Add Custom Activities, 300 a request); a LaunchPoint custom service whose access tokens Signal obtains and renews (also when Marketo refuses one inside an HTTP 200: 601, 602); Marketo\'s rate limit (100 calls in 20 s), concurrency limit and daily quota honoured; person deletions by a lead lookup, then Delete Leads.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateMarketoConfig,
  variants: {
    default: { description: 'Identify traits to the lead (the standard fields, and the traits config.field_map maps), track events named in config.activity_types to custom activities of the lead (their properties as the primary and secondary attributes the config names). Page, screen, group and alias calls and anonymous visitors are not sent.', blueprint: 'marketo/default.yaml' },
  },
  vendorFields: {
    userId: { required: false, description: 'The userId: the lead\'s key when config.lookup_field names a custom userId field, else written to config.user_id_field.' },
    email: { required: false, description: 'The person\'s email (traits.email, else the remembered context.traits.email): the lead\'s key with config.lookup_field email (the default).' },
    lead: { required: false, description: 'Standard lead fields by their REST API names (firstName, lastName, phone, mobilePhone, company, title, website, address, city, state, postalCode, country, …).' },
    traits: { required: false, description: 'An identify\'s traits, whose paths config.field_map maps to lead fields.' },
    event: { required: false, description: 'A track event\'s name, looked up in config.activity_types.' },
    properties: { required: false, description: 'A track event\'s properties: the primary attribute\'s value and the secondary attributes config.activity_types names.' },
    timestamp: { required: false, description: 'When it happened: the custom activity\'s activityDate (ISO 8601).' },
  },
  // Marketo is a marketing automation platform: it emails, scores and nurtures the people it holds.
  consent: ['marketing'],
  // Marketo: 100 calls in 20 seconds per instance (606), 10 at once (615), 50,000 calls a day
  // for most subscriptions (607), shared by every integration of the instance.
  rateLimit: { rps: 5, burst: 10, daily: 50_000 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  accessToken: {
    usedBy: ['delivery', 'forgetPerson'],
    enabled: hasCredentials,
    request: marketoTokenRequest,
    read: readMarketoTokenAnswer,
    refused: tokenRefused,
  },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyMarketo,
  // Sync Leads' answer (Marketo's Leads page): one result per lead, in the order sent.
  successAnswer: { status: 200, body: { requestId: 'e42b#14272d07d78', success: true, result: [{ id: 50, status: 'created' }, { id: 51, status: 'updated' }] } },
  forgetPerson,
});
