import { definePlugin } from '../../core/sdk/index.ts';
import { classifyPipedrive } from './classify.ts';
import { CONFIG_SCHEMA, validatePipedriveConfig } from './config.ts';
import { fitPerson, neverSentReason } from './fit-to-pipedrive.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS, SEARCH_ENDPOINT } from './requests.ts';

/**
 * Pipedrive (the sales CRM): identify traits to persons through API v2 with a personal API
 * token (x-api-token), on the company's host: the persons holding the email searched (GET
 * /api/v2/persons/search, exact match on email), then the oldest updated (PATCH
 * /api/v2/persons/{id}: name, custom fields, a new phone added to those it holds — never its
 * emails) or, when none holds it, one created (POST /api/v2/persons: name, emails, phones,
 * custom fields) — not for an email Signal only remembers. Person deletions: a search by email,
 * then DELETE /api/v2/persons/{id}. Track, page, screen, alias and group calls are not sent.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/pipedrive' }
 * // an install's config
 * { api_token: '659c9fdd…', company_domain: 'acme', custom_fields: { plan: 'd4de1c1518b4531717c676029a45911c340390a6' } }
 */
export default definePlugin({
  id: 'pipedrive',
  name: 'Pipedrive',
  category: 'cdp',
  description: 'Server-side persons to Pipedrive (the sales CRM), its API v2 with a personal API token in the x-api-token header, on the company\'s host (https://<company>.pipedrive.com): each identify\'s email searched among persons (GET /api/v2/persons/search with fields=email and exact_match=true), then the oldest person holding it updated (PATCH /api/v2/persons/{id}: name, the custom fields the config maps from traits, a new phone added to the phones it holds — its emails never sent, so none is lost) or, when none holds it, a person created (POST /api/v2/persons: name, emails, phones, custom_fields) — never for an email Signal only remembers; searches kept within the Search API\'s own burst limit (10 in 2 seconds); a 429 of the 2-second burst window retried after its reset, the company\'s daily token budget spent waited out until its reset (asked again each hour); Pipedrive\'s edge blocking the token (a 403 page) waited out 15 minutes; person deletions forwarded as a search by email then DELETE /api/v2/persons/{id} (Pipedrive deletes for good after 30 days). Track, page, screen, alias and group calls are not sent: Pipedrive keeps no events of a person.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validatePipedriveConfig,
  variants: {
    default: { description: 'Identify traits to persons found by email (created when none holds it): name, phone, the traits the config maps to custom fields. Track, page, screen, alias and group calls are not sent.', blueprint: 'pipedrive/default.yaml' },
  },
  vendorFields: {
    email: { required: true, description: 'The person\'s email (traits.email, else context.traits.email): persons are found by it, and a new one is created with it (not when only remembered). An identify without one is not sent.' },
    firstName: { required: false, description: 'The person\'s first name, joined with the last into the name when no full name is given.' },
    lastName: { required: false, description: 'The person\'s last name.' },
    name: { required: false, description: 'The person\'s full name (name). A new person without one is named by their email.' },
    phone: { required: false, description: 'A phone number, added to the person\'s phones when they do not hold it (phones).' },
    traits: { required: false, description: 'The call\'s traits: those config.custom_fields names are sent to their custom fields; the others are not sent.' },
  },
  // Persons in a CRM are worked by sales: as HubSpot's, Salesforce's and Attio's plugins.
  consent: ['marketing'],
  // Pipedrive's burst limits are per token in rolling 2-second windows: 20 requests for the
  // smallest plan's API token, and 10 for the Search API whatever the plan. An identify takes 2
  // or 3 requests, the first a search. 5 a second with a burst of 10 stays within 20 in any 2
  // seconds; searches have a bucket of their own, 4 a second with a burst of 2 (10 in any 2
  // seconds). The daily token budget is the company's, read from 429s (classify.ts).
  rateLimit: { rps: 5, burst: 10, endpoints: { [SEARCH_ENDPOINT]: { rps: 4, burst: 2 } } },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  neverSends: (event) => neverSentReason(event),
  map: (payload, event, ctx) => fitPerson(payload, event, ctx),
  send: buildRequests,
  classify: classifyPipedrive,
  // Pipedrive's Update a person (PATCH /api/v2/persons/{id}): 200 with the person.
  successAnswer: { status: 200, body: { success: true, data: { id: 4, name: 'Jane Doe', owner_id: 1, org_id: null, add_time: '2025-01-01T10:20:00Z', update_time: '2025-01-02T10:20:00Z', emails: [{ value: 'jane@example.com', primary: true, label: 'work' }], phones: [], is_deleted: false, visible_to: 3, custom_fields: {} } } },
  forgetPerson,
});
