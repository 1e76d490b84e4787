import { definePlugin } from '../../core/sdk/index.ts';
import { classifyInsert } from './classify.ts';
import { CONFIG_SCHEMA, validateSupabaseConfig } from './config.ts';
import { supabaseForgetPerson } from './forget-person.ts';
import { insertRequests, MAX_BYTES, MAX_ROWS } from './insert-request.ts';
import { tableRow, WITHOUT_CONTACT_INFO } from './table-row.ts';

export { validateSupabaseConfig } from './config.ts';
export { classifyInsert } from './classify.ts';
export { insertRequests } from './insert-request.ts';
export { tableRow } from './table-row.ts';

/**
 * Supabase (or any PostgREST): every event inserted as one row into a table of the customer's
 * own Postgres through the project's Data API — `POST /rest/v1/<table>`, the rows of a batch as
 * one JSON array, `ON CONFLICT (message_id) DO NOTHING` so a re-sent row is never inserted twice;
 * refusals classified by Postgres's SQLSTATE or PostgREST's code (a row Postgres refuses found by
 * splitting the request, a missing column traced to the rows that hold it); person deletions
 * forwarded as one DELETE filtered by the person's ids. See README.md, which holds the table's
 * CREATE TABLE and its grants.
 *
 * @example
 * // config: { url: 'https://abcdefghijklmnopqrst.supabase.co', table: 'events', api_key: 'sb_secret_…' }
 * supabase.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://abcdefghijklmnopqrst.supabase.co/rest/v1/events',
 * //    query: [['columns', '"message_id","type","event",…'], ['on_conflict', 'message_id']],
 * //    headers: { apikey: 'sb_secret_…', 'content-profile': 'public', prefer: 'return=minimal,resolution=ignore-duplicates,missing=default', 'content-type': 'application/json' },
 * //    body: [{ message_id: 'm-1', type: 'track', …, properties: { plan: 'pro' } }], eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'supabase',
  name: 'Supabase',
  category: 'cloud_storage',
  description: 'Inserts every event as one row into a table of your Supabase project (or any PostgREST) through its Data API: ids and times as columns, properties, traits and context as jsonb; the rows of a batch in one request, a row sent twice skipped by its message_id, refusals classified by Postgres\'s SQLSTATE (a bad row found by splitting the request, a missing column named), and person deletions forwarded as one DELETE by the person\'s ids.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSupabaseConfig,
  variants: {
    default: { description: 'Every event as one row: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, and properties, traits and context as jsonb — personal data included (the table is yours; person deletions are forwarded to it).', blueprint: 'supabase/default.yaml' },
    [WITHOUT_CONTACT_INFO]: { description: 'The default row without contact information: no email, phone, names, addresses or birth dates in properties, traits or context (at any depth), no IP address, URLs without their query strings, no id column holding an email or phone.', blueprint: 'supabase/without_contact_info.yaml' },
  },
  vendorFields: {
    message_id: { required: true, description: 'text primary key: the event\'s messageId (a row sent again is skipped by it).' },
    type: { required: true, description: 'text not null: track, page, screen, identify, group or alias.' },
    event: { required: false, description: 'text: a track event\'s name.' },
    name: { required: false, description: 'text: a page\'s or screen\'s name.' },
    user_id: { required: false, description: 'text: the userId (placeholders such as "undefined" left out).' },
    anonymous_id: { required: false, description: 'text: the anonymousId (the _dfdid visitor id from browsers).' },
    group_id: { required: false, description: 'text: a group call\'s groupId.' },
    previous_id: { required: false, description: 'text: an alias call\'s previousId.' },
    timestamp: { required: true, description: 'timestamptz not null: when the event happened (corrected for the client\'s clock).' },
    received_at: { required: true, description: 'timestamptz not null: when Signal received it.' },
    sent_at: { required: false, description: 'timestamptz: when the client sent it.' },
    properties: { required: false, description: 'jsonb: the event\'s properties.' },
    traits: { required: false, description: 'jsonb: an identify\'s (or group\'s) traits.' },
    context: { required: false, description: 'jsonb: the event\'s context (page, campaign, user agent, IP, locale, library, consent, cookies…).' },
  },
  // The table is the customer's own database, like the other warehouse plugins': no third party
  // receives the events, so no consent category is recommended (see the README: gate it by
  // consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not a Supabase limit: the Data API publishes none for a secret key; a 429 from
  // its gateway is honoured (Retry-After), and the pool of database connections is the real bound.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_ROWS, maxBytes: MAX_BYTES },
  map: (payload, _event, ctx) => tableRow(payload, ctx),
  send: insertRequests,
  classify: (response, request, ctx) => classifyInsert(response, request, ctx),
  // PostgREST's answer to an insert with Prefer: return=minimal: 201 Created, no body.
  successAnswer: { status: 201, headers: { 'content-range': '*/*', 'preference-applied': 'return=minimal, resolution=ignore-duplicates, missing=default' }, body: '' },
  forgetPerson: supabaseForgetPerson,
});
