import { definePlugin } from '../../core/sdk/index.ts';
import { classifyZendesk } from './classify.ts';
import { CONFIG_SCHEMA, validateZendeskConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { JOB_STATUS_REPORT } from './job-status.ts';
import { fitRecord } from './records.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_EVENTS } from './requests.ts';

/**
 * Zendesk Support: identify traits to end users (Create Or Update Many Users, by external_id,
 * up to 100 a request, followed through its job status), track events to the Events API,
 * person deletions by a user search, then a deletion and a permanent deletion. See README.md.
 *
 * @example
 * // config: { subdomain: 'acme', email: 'admin@acme.example', api_token: '…' }
 * zendesk.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://acme.zendesk.com/api/v2/users/create_or_update_many',
 * //    headers: { authorization: 'Basic …', accept: 'application/json', 'content-type': 'application/json' },
 * //    body: { users: [{ external_id: 'u-1', email: 'ann@example.com', name: 'Ann Lee' }] }, eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'zendesk',
  name: 'Zendesk',
  category: 'cdp',
  description: 'Server-side end users and events to Zendesk Support: identify traits to end users created or updated by external_id (name, email, phone, the user fields the config lists; Create Or Update Many Users, 100 a request, each job followed up and its failed users counted; or one Create Or Update User a request where bulk user imports are not enabled), track events to the Events API (a profile of your source naming the user by external_id and email; Suite Team and above); person deletions by a user search, then a deletion and a permanent deletion (GDPR).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateZendeskConfig,
  variants: {
    default: { description: 'Identify traits to the end user (name, email, phone, the user fields config.user_fields lists), track events to the Events API with their properties. Page, screen, alias and group calls are not sent.', blueprint: 'zendesk/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'user (an identify: Create Or Update Many Users) or event (a track: the Events API), set by each handler.' },
    user_id: { required: false, description: 'Your id of the user (the userId): the user\'s external_id, the profile\'s external_id identifier.' },
    email: { required: false, description: 'The user\'s email (traits.email, else context.traits.email): names the user when there is no userId; an identifier of the profile.' },
    name: { required: false, description: 'The user\'s name (Zendesk needs one to create a user); the profile\'s name.' },
    first_name: { required: false, description: 'With last_name, the name when no name is given.' },
    last_name: { required: false },
    phone: { required: false, description: 'The user\'s phone, as written.' },
    traits: { required: false, description: 'The traits config.user_fields picks the user fields from.' },
    event_type: { required: false, description: 'The event\'s type: the track event\'s name (at most 40 characters).' },
    created_at: { required: false, description: 'When the event happened (ISO 8601).' },
    properties: { required: false, description: 'The event\'s properties (a JSON object).' },
  },
  // Zendesk is a support tool: agents see the users and their events to help them. An install
  // that also messages people from Zendesk may pass ['marketing'] instead.
  consent: ['functional'],
  // Zendesk Support API limits by plan, per minute (API reference: "Rate limits"): Team 200,
  // Growth and Professional 400, Enterprise 700, the High Volume API add-on 2,500. 3 a second
  // (180 a minute) stays under the smallest, leaving room for the job status checks and agents'
  // apps; an admin raises it for a larger plan.
  rateLimit: { rps: 3, burst: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyZendesk,
  // Create Or Update Many Users: 200 with the job's status (API reference, Users).
  successAnswer: { status: 200, body: { job_status: { id: '82de0b044094f0c67893ac9fe64f1a99', status: 'queued', url: 'https://acme.zendesk.com/api/v2/job_statuses/82de0b044094f0c67893ac9fe64f1a99.json', total: 1, progress: null, message: null, results: null } } },
  processingReport: JOB_STATUS_REPORT,
  forgetPerson,
});
