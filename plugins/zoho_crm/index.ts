import { definePlugin } from '../../core/sdk/index.ts';
import { readZohoTokenAnswer, zohoTokenRequest } from './access-token.ts';
import { classifyZohoCrm } from './classify.ts';
import { CONFIG_SCHEMA, hasCredentials, validateZohoCrmConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';
import { neverSentReason, toZohoRecord } from './zoho-record.ts';

export { validateZohoCrmConfig };

/**
 * Zoho CRM: identify traits to a Lead or a Contact, upserted by Email through the REST API v8 on
 * the account's data center (`POST /crm/v8/{module}/upsert`, `duplicate_check_fields: ["Email"]`,
 * up to 100 records a request, each record its own outcome), a Self Client's refresh token
 * exchanged for access tokens at the data center's accounts server by the core; Last_Name (which
 * Zoho requires to create a record) given a fallback only when Zoho says a creation lacks it.
 * Person deletions (opt-in): a search by each email, then Delete Records.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/zoho_crm' }
 * // an install's config
 * { data_center: 'eu', client_id: '1000.GMB0…', client_secret: '…', refresh_token: '1000.8ecd…', module: 'Leads', field_map: { plan: 'Plan' } }
 */
export default definePlugin({
  id: 'zoho_crm',
  name: 'Zoho CRM',
  category: 'cdp',
  description: 'Identified people to Zoho CRM through its REST API v8 on the account\'s data center (https://www.zohoapis.<dc>/crm/v8): identify traits to a Lead or a Contact, upserted by Email (Upsert Records with duplicate_check_fields Email, 100 records a request, one record a person, each event its own outcome). Standard fields mapped (name, email, company, phone, mobile, title, website, address), more through a traits → fields map; Last_Name (required by Zoho to create a record) filled from the email\'s local part, or a placeholder, only when Zoho answers that a creation lacks it. A Self Client\'s refresh token exchanged for hour-long access tokens at the data center\'s accounts server by Signal and renewed on a 401. Identifies whose email Signal only remembers, track, page, screen, group and alias calls are not sent. Person deletions (opt-in): the records holding each email searched, then deleted (to the Recycle Bin).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateZohoCrmConfig,
  variants: {
    default: { description: 'Identify traits to the Lead or Contact (config.module) holding the email: email, first and last name (or the full name split), company and website (Leads), phone, mobile, title, address, and the traits config.field_map maps. Track, page, screen, group and alias calls are not sent.', blueprint: 'zoho_crm/default.yaml' },
  },
  vendorFields: {
    email: { required: true, description: 'The email address (traits.email): the Email field, which records are upserted by. An identify without one, or whose email Signal only remembers (context.traits.email), is not sent.' },
    'person.firstName': { required: false, description: 'First_Name.' },
    'person.lastName': { required: false, description: 'Last_Name: Zoho requires it to create a record; config.last_name_fallback when a creation lacks it.' },
    'person.name': { required: false, description: 'A full name, split into First_Name and Last_Name when neither is given.' },
    'person.company': { required: false, description: 'A Lead\'s Company (a Contact has none: its company is an Account).' },
    'person.phone': { required: false, description: 'Phone.' },
    'person.mobilePhone': { required: false, description: 'Mobile.' },
    'person.title': { required: false, description: 'Designation (Leads) or Title (Contacts).' },
    'person.website': { required: false, description: 'A Lead\'s Website.' },
    'person.street': { required: false, description: 'Street (Leads) or Mailing_Street (Contacts); likewise city, state, postalCode (Zip_Code, Mailing_Zip) and country.' },
    traits: { required: false, description: 'The identify\'s traits, whose paths config.field_map maps to fields.' },
    fields: { required: false, description: 'Fields by their API names (fields.Lead_Source), written as they are over the rest.' },
  },
  // A Lead or Contact is for sales and marketing outreach.
  consent: ['marketing'],
  // Zoho CRM counts API credits per rolling 24 hours (by edition and licenses; an upsert costs a
  // credit per 10 records) and limits concurrent requests per edition; it documents no
  // per-second limit. Signal's default: 5 a second.
  rateLimit: { rps: 5, burst: 10 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  accessToken: {
    usedBy: ['delivery', 'forgetPerson'],
    enabled: hasCredentials,
    // Zoho's refresh token answer names no new refresh token; declared so a rotation would be kept.
    rotates: 'refresh_token',
    request: zohoTokenRequest,
    read: readZohoTokenAnswer,
  },
  neverSends: (event) => neverSentReason(event),
  map: (payload, event, ctx) => toZohoRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyZohoCrm,
  // Upsert Records' answer: one entry a record, in order.
  successAnswer: { status: 200, body: { data: [{ code: 'SUCCESS', duplicate_field: null, action: 'insert', details: { Modified_Time: '2026-11-30T16:00:00+00:00', Created_Time: '2026-11-30T16:00:00+00:00', id: '4150868000003194003' }, message: 'record added', status: 'success' }] } },
  forgetPerson,
});
