import { definePlugin } from '../../core/sdk/index.ts';
import { readSalesforceTokenAnswer, salesforceTokenRequest } from './access-token.ts';
import { classifySalesforce } from './classify.ts';
import { CONFIG_SCHEMA, hasCredentials, validateSalesforceConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { toSalesforceRecord } from './person-record.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

export { validateSalesforceConfig };

/**
 * Salesforce Sales Cloud: identify traits to a Lead or a Contact through the org's REST API on
 * its My Domain — upserted by a custom External ID field (the userId, or the email) with the
 * sObject Collections upsert, 200 a request, one result per record; or matched by Email (a SOQL
 * lookup, then the update of the record found or its creation, as delivery follow-ups). A
 * connected app's refresh token (or its client credentials) exchanged for access tokens by the
 * core; person deletions (opt-in) by a lookup, then the sObject Collections delete.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/salesforce' }
 * // an install's config
 * { my_domain: 'acme.my.salesforce.com', client_id: '3MVG9…', client_secret: '…', refresh_token: '5Aep…', object: 'Lead', external_id_field: 'Signal_User_Id__c', field_map: { plan: 'Plan__c' } }
 */
export default definePlugin({
  id: 'salesforce',
  name: 'Salesforce Sales Cloud',
  category: 'cdp',
  description: 'Identified people to Salesforce Sales Cloud (CRM) through the REST API on the org\'s My Domain: identify traits to a Lead or a Contact — upserted by a custom External ID field holding the userId (or the email) with the sObject Collections upsert, 200 records a request, each event its own outcome; or matched by Email (a SOQL lookup, then an update of the record found or a creation, as delivery follow-ups). Standard fields mapped (name, email, company, phone, title, address), more through a traits → fields map; LastName and Company given a placeholder only when a record is created without them; a lead sales owns is never handed on by an update (the Assignment Rule header), new leads routed by a configured assignment rule. A connected app\'s refresh token or client credentials exchanged for access tokens by Signal and renewed on a 401. Track, page and screen calls are not sent. Person deletions (opt-in): the records looked up, then deleted.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSalesforceConfig,
  variants: {
    default: { description: 'Identify traits to the Lead or Contact (config.object): email, first and last name (or the full name split), company (Lead), phone, mobile phone, title, website (Lead), address, and the traits config.field_map maps. Track, page, screen, group and alias calls are not sent.', blueprint: 'salesforce/default.yaml' },
  },
  vendorFields: {
    userId: { required: false, description: 'The userId: the External ID field\'s value (config.external_id_field with config.external_id_source userId). Without it such an identify is not sent.' },
    email: { required: false, description: 'The email address (traits.email, else the remembered context.traits.email): the Email field, and the person\'s key when people are matched by Email (or config.external_id_source is email).' },
    'person.firstName': { required: false, description: 'FirstName (40 characters).' },
    'person.lastName': { required: false, description: 'LastName (80 characters): Salesforce requires it to create a record; config.required_field_placeholder when a creation lacks it.' },
    'person.name': { required: false, description: 'A full name, split into FirstName and LastName when neither is given.' },
    'person.company': { required: false, description: 'A Lead\'s Company (255 characters): Salesforce requires it to create a Lead; config.required_field_placeholder when a creation lacks it. A Contact has none.' },
    'person.phone': { required: false, description: 'Phone.' },
    'person.mobilePhone': { required: false, description: 'MobilePhone.' },
    'person.title': { required: false, description: 'Title.' },
    'person.website': { required: false, description: 'A Lead\'s Website.' },
    'person.street': { required: false, description: 'Street (Lead) or MailingStreet (Contact); likewise city, state, postalCode and country.' },
    traits: { required: false, description: 'The identify\'s traits, whose paths config.field_map maps to fields.' },
    fields: { required: false, description: 'Fields by their API names (fields.LeadSource), written as they are over the rest.' },
  },
  // A Lead or Contact is for sales and marketing outreach.
  consent: ['marketing'],
  // Salesforce limits an org's API requests per rolling 24 hours (by edition and licenses),
  // shared by every integration of the org, and counts each sObject Collections request (200
  // records) as one; it documents no per-second limit. Signal's default: 10 a second.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  accessToken: {
    usedBy: ['delivery', 'forgetPerson'],
    enabled: hasCredentials,
    request: salesforceTokenRequest,
    read: readSalesforceTokenAnswer,
    // Salesforce may rotate refresh tokens (the app's "refresh token rotation"): the core keeps the new one.
    rotates: 'refresh_token',
  },
  map: (payload, event, ctx) => toSalesforceRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifySalesforce,
  // The sObject Collections upsert's answer: one UpsertResult a record, in order.
  successAnswer: { status: 200, body: [{ id: '00Q5e00000AbCdEAAV', success: true, errors: [], created: true }] },
  forgetPerson,
});
