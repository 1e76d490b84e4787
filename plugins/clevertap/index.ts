import { definePlugin } from '../../core/sdk/index.ts';
import { classifyCleverTap } from './classify.ts';
import { CONFIG_SCHEMA, validateCleverTapConfig } from './config.ts';
import { fitRecord } from './fit-to-clevertap.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

export default definePlugin({
  id: 'clevertap',
  name: 'CleverTap',
  category: 'cdp',
  description: 'Server-side profiles and events to CleverTap (customer engagement and retention) through its upload API (POST /1/upload, up to 1,000 records a request): identify traits to user profiles (Name, Email, Phone in E.164, Gender, DOB as CleverTap reads them), track events to events with their properties, Order Completed to the Charged event with its Items; users named by the userId as identity; per-record outcomes from CleverTap\'s unprocessed list; the six regions (eu1, in1, sg1, us1, aps3, mec1; Europe also at api.clevertap.com as eu); person deletions through the Delete User Profile API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateCleverTapConfig,
  variants: {
    default: { description: 'Identify traits to profile properties (CleverTap\'s Name, Email, Phone, Gender, DOB and custom ones), track events to events with their properties, Order Completed to Charged with its Items. Page and screen views are not sent.', blueprint: 'clevertap/default.yaml' },
  },
  vendorFields: {
    type: { required: true, description: 'event (a track) or profile (an identify), set by each handler.' },
    identity: { required: true, description: 'The user\'s identity in CleverTap: the userId (an anonymous visitor\'s events are not sent).' },
    ts: { required: false, description: 'When it happened, Unix seconds (else the event\'s timestamp).' },
    evtName: { required: false, description: 'The event\'s name (Charged for an order).' },
    evtData: { required: false, description: 'The event\'s properties (no contact information); Charged: Amount, Currency, Charged ID, Items.' },
    'evtData.Amount': { required: false, description: 'Charged: the order\'s total.' },
    'evtData.Items': { required: false, description: 'Charged: the order\'s products.' },
    profileData: { required: false, description: 'The profile\'s properties (an identify).' },
    'profileData.Name': { required: false },
    'profileData.Email': { required: false },
    'profileData.Phone': { required: false, description: 'E.164.' },
    'profileData.Gender': { required: false, description: 'M or F.' },
    'profileData.DOB': { required: false, description: 'Sent as $D_<Unix seconds>.' },
  },
  // CleverTap messages people (push, email, SMS, WhatsApp) with what it receives.
  consent: ['marketing'],
  // CleverTap limits concurrent requests (15 to the upload API per account; a 429 "Too many
  // concurrent requests" above), not requests per period ("CleverTap does not enforce rate
  // limits based on specific time frames"). 10 requests a second with a burst of 15 keeps
  // Signal's requests, of about a second each, under the 15 in flight.
  rateLimit: { rps: 10, burst: 15, endpoints: { upload: { rps: 10, burst: 15 } } },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyCleverTap,
  // CleverTap's upload answer with every record processed, as it answers it (content type included).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json;charset=utf-8' }, body: { status: 'success', processed: 2, unprocessed: [] } },
  forgetPerson,
});
