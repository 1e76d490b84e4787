import { definePlugin } from '../../core/sdk/index.ts';
import { classifyAttio } from './classify.ts';
import { CONFIG_SCHEMA, validateAttioConfig } from './config.ts';
import { fitRecord, neverSentReason } from './fit-to-attio.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Attio (attio.com, the CRM): identify traits to People records asserted by email (PUT
 * /v2/objects/people/records?matching_attribute=email_addresses: email_addresses, name,
 * job_title, the userId in a configured attribute, the traits the config maps to attribute
 * slugs; the phone then added by PATCH, so the person's other numbers stay), group calls to Companies records asserted by domain (PUT
 * /v2/objects/companies/records?matching_attribute=domains: domains, name, mapped traits);
 * person deletions forwarded as a query of People by email (and userId) then DELETE of the
 * record found. Track, page, screen and alias calls are not sent: Attio's API has no events.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/attio' }
 * // an install's config
 * { access_token: '7f3b9c2e…', person_attributes: { plan: 'plan_tier' }, user_id_attribute: 'app_user_id' }
 */
export default definePlugin({
  id: 'attio',
  name: 'Attio',
  category: 'cdp',
  description: 'Server-side people and companies to Attio (the CRM), its REST API v2 with a Bearer access token, one record a request at 25 a second (Attio\'s write limit): identify traits to People records asserted by email (PUT /v2/objects/people/records?matching_attribute=email_addresses: email_addresses, name, job_title, the userId in a configured attribute, the traits the config maps to attribute slugs; the phone then added by PATCH /v2/objects/people/records/{record_id}, so the person\'s other numbers stay), group calls to Companies records asserted by domain (PUT /v2/objects/companies/records?matching_attribute=domains: domains, name, mapped traits); a 400 naming an attribute dead-lettered with Attio\'s message, a 409 write race retried; person deletions forwarded as a query of People by email (and userId) then DELETE /v2/objects/people/records/{record_id}. Track, page, screen and alias calls are not sent: Attio\'s API has no events of a person.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAttioConfig,
  variants: {
    default: { description: 'Identify traits to People records (by email), group calls to Companies records (by domain), the traits the config maps to attributes. Track, page, screen and alias calls are not sent.', blueprint: 'attio/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'person (an identify: Assert a person record) or company (a group call: Assert a company record), set by each handler.' },
    email: { required: false, description: 'The person\'s email (traits.email, else context.traits.email): the People record is matched by it. An identify without one is not sent.' },
    userId: { required: false, description: 'The site\'s userId, written to config.user_id_attribute when set.' },
    firstName: { required: false, description: 'A person\'s first name (name.first_name).' },
    lastName: { required: false, description: 'A person\'s last name (name.last_name).' },
    name: { required: false, description: 'A person\'s full name (name.full_name; else first and last joined).' },
    phone: { required: false, description: 'A person\'s phone number, sent in E.164 (phone_numbers).' },
    jobTitle: { required: false, description: 'A person\'s job title (job_title).' },
    domain: { required: false, description: 'A company\'s domain (traits.domain): the Companies record is matched by it.' },
    website: { required: false, description: 'A company\'s website, whose host is its domain when traits.domain is not given.' },
    companyName: { required: false, description: 'A company\'s name.' },
    traits: { required: false, description: 'The call\'s traits: those config.person_attributes or config.company_attributes name are sent to their attribute slugs; the others are not sent.' },
  },
  // People written to a CRM are worked by sales and marketing: as HubSpot's and Salesforce's plugins.
  consent: ['marketing'],
  // Attio: "100 requests per second for read requests, 25 requests per second for write requests".
  rateLimit: { rps: 25, burst: 25 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  neverSends: (event) => neverSentReason(event),
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyAttio,
  // Attio's Assert a person record: 200 with the record.
  successAnswer: { status: 200, body: { data: { id: { workspace_id: '14beef7a-99f7-4534-a87e-70b564330a4c', object_id: '97052eb9-e65e-443f-a297-f2d9a4a7f795', record_id: 'bf071e1f-6035-429d-b874-d83ea64ea13b' }, created_at: '2022-11-21T13:22:49.061281000Z', web_url: 'https://app.attio.com/salarya/person/bf071e1f-6035-429d-b874-d83ea64ea13b', values: {} } } },
  forgetPerson,
});
