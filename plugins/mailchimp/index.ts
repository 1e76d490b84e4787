import { definePlugin } from '../../core/sdk/index.ts';
import { classifyMailchimp } from './classify.ts';
import { CONFIG_SCHEMA, validateMailchimpConfig } from './config.ts';
import { fitRecord } from './fit-to-mailchimp.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_MEMBERS } from './requests.ts';

export default definePlugin({
  id: 'mailchimp',
  name: 'Mailchimp',
  // Email marketing: none of the catalog's other categories fits.
  category: 'other',
  description: 'Server-side audience members and member events to Mailchimp (Marketing API 3.0): identify traits to members added or updated in batches of 500 (POST /lists/{list_id}: email, FNAME, LNAME, PHONE, ADDRESS and merge fields mapped in the config; new members transactional, or subscribed/pending only with marketing consent; existing members\' status never changed), track events to member events (POST /lists/{list_id}/members/{hash}/events); per-member outcomes from the batch answer\'s errors; person deletions forwarded to the permanent delete (by the email, or contact_id, the userId is).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateMailchimpConfig,
  variants: {
    default: { description: 'Identify traits to audience members (merge fields), track events to member events with their properties as text. Page and screen views are not sent.', blueprint: 'mailchimp/default.yaml' },
    members_only: { description: 'Identify traits to audience members only: no events (for audiences used for campaigns, without customer journeys).', blueprint: 'mailchimp/members_only.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'member (an identify: batch subscribe/update) or event (a member event), set by each handler.' },
    email: { required: true, description: 'The member\'s email address (traits.email, else context.traits.email): the member\'s identity; its MD5 is the subscriber hash. Events without one are not sent.' },
    'merge_fields.FNAME': { required: false, description: 'First name.' },
    'merge_fields.LNAME': { required: false, description: 'Last name.' },
    'merge_fields.PHONE': { required: false, description: 'Phone number, as text.' },
    'merge_fields.ADDRESS': { required: false, description: 'Address: addr1, city, state and zip (all required by Mailchimp), addr2, country.' },
    name: { required: false, description: 'A member event\'s name: 2–30 letters, digits, underscores or dashes (fitted by the plugin).' },
    properties: { required: false, description: 'A member event\'s properties, values as text.' },
    occurred_at: { required: false, description: 'When the event occurred (ISO 8601; else the event\'s timestamp).' },
  },
  // Mailchimp sends these people marketing email.
  consent: ['marketing'],
  // Mailchimp limits an account to 10 simultaneous connections (429 beyond), not to a rate:
  // 10 requests a second keeps well under it at its usual answer times; a 429 halves the rate.
  rateLimit: { rps: 10, burst: 10 },
  batch: { maxEvents: MAX_MEMBERS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyMailchimp,
  // Mailchimp's Batch subscribe or unsubscribe, 200 (mailchimp.com/developer/marketing/api/lists/batch-subscribe-or-unsubscribe/): the members added and updated, errors empty.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { new_members: [{ id: '2f9a1d5e4c3b2a1f0e9d8c7b6a5f4e3d', email_address: 'a@example.com', status: 'subscribed' }], updated_members: [{ id: '8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b', email_address: 'b@example.com', status: 'subscribed' }], errors: [], total_created: 1, total_updated: 1, error_count: 0 } },
  forgetPerson,
});
