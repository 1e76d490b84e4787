import { definePlugin } from '../../core/sdk/index.ts';
import { airtableRecord } from './airtable-record.ts';
import { classifyAirtable } from './classify.ts';
import { airtableConfigWarnings, CONFIG_SCHEMA, validateAirtableConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

export { airtableRecord, fieldValue, MAX_TEXT_CHARACTERS } from './airtable-record.ts';
export { airtableError, airtableSaid, classifyAirtable, fieldEntry, namedField, RATE_LIMIT_WAIT_MS, rateLimitWaitMs, TOKEN_ADVICE } from './classify.ts';
export {
  accessTokenOf, airtableConfigWarnings, BASE_ID, baseIdOf, CONFIG_SCHEMA, forwardsDeletions, includesContactInfo, MAX_MERGE_FIELDS, mergeOnOf, TABLE_ID, tableOf, typecastOf,
  userIdFieldOf, validateAirtableConfig,
} from './config.ts';
export { DEFAULT_FIELDS, fieldProblems, fieldsOf, fieldWarnings, type FieldMapping } from './fields.ts';
export { equalsFormula, formulaText } from './formula.ts';
export { forgetPerson, matchedRecordIds, MAX_DELETED, ROUNDS } from './forget-person.ts';
export { API_BASE, buildRequests, headersOf, MAX_BODY_BYTES, MAX_RECORDS, tableUrl } from './requests.ts';

/**
 * Airtable: every event a record of a table of the customer's base through the Web API —
 * created (`POST /v0/{baseId}/{table}`) or, with merge_on, upserted (`PATCH` with
 * `performUpsert.fieldsToMergeOn`), 10 records a request, the configured fields read from the
 * event (objects as JSON text; contact information left out unless enabled), typecast as
 * configured, a personal access token as the Bearer token. Person deletions, with
 * forward_deletions and user_id_field: the records holding the userId looked up with
 * filterByFormula and deleted, 10 a request, up to 50 a deletion. See README.md.
 *
 * @example
 * // config: { access_token: 'patAbC…', base_id: 'appA1b2C3d4E5f6G7', table: 'Web events' }
 * airtable.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://api.airtable.com/v0/appA1b2C3d4E5f6G7/Web%20events',
 * //    headers: { authorization: 'Bearer patAbC…', 'content-type': 'application/json' },
 * //    body: { records: [{ fields: { Timestamp: '2026-11-30T11:59:58.250Z', Type: 'track', Event: 'Order Completed', … } }], typecast: false }, eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'airtable',
  name: 'Airtable',
  category: 'cloud_storage',
  description: 'Log every event as a record of a table in your own Airtable base: records created through the Web API (10 a request), or upserted on the fields you choose to merge on, with the fields you choose — timestamp, type, event, ids, page, properties and traits as JSON by default, or any path into the event; typecast optional; contact information left out unless you include it. A personal access token. Person deletions optionally forwarded: the records whose user id field holds the userId found and deleted, up to 50 a deletion.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAirtableConfig,
  configWarnings: (config) => airtableConfigWarnings(config),
  variants: {
    default: {
      description: 'One record an event: the configured fields (default Timestamp, Type, Event, User ID, Anonymous ID, Page URL, Referrer, Properties, Traits, Message ID, Received At; Email and Phone too with include_contact_info), read from the event without contact information unless it is included; a field without a value left out.',
      map: airtableRecord,
    },
  },
  vendorFields: {
    fields: { required: true, description: 'The record\'s fields: the configured field names, each with its value — text, numbers and booleans as they are, objects and lists as JSON text, at most 100,000 characters; fields without a value left out.' },
  },
  // The customer's own base, like the storage plugins and Google Sheets: nothing gated by default.
  // Contact information is left out unless include_contact_info is on; the README recommends
  // consent_categories at install when it is.
  consent: [],
  // Airtable: "The API is limited to 5 requests per second per base", then a 429 and 30 seconds' wait.
  rateLimit: { rps: 5, burst: 5 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  send: buildRequests,
  classify: (response, request, ctx) => classifyAirtable(response, request, ctx),
  // Airtable's Create records answer for the two records of the conformance suite's request.
  successAnswer: {
    status: 200,
    body: {
      records: [
        { id: 'recA1b2C3d4E5f6G7', createdTime: '2026-11-30T11:59:58.000Z', fields: { Event: 'Order Completed' } },
        { id: 'recB2c3D4e5F6g7H8', createdTime: '2026-11-30T11:59:58.000Z', fields: { Event: 'Signed Up' } },
      ],
    },
  },
  forgetPerson,
});
