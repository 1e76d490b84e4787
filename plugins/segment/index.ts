import { definePlugin } from '../../core/sdk/index.ts';
import { batchRequests, MAX_BYTES, MAX_EVENTS } from './batch-request.ts';
import { classifySegment } from './classify.ts';
import { CONFIG_SCHEMA, validateSegmentConfig } from './config.ts';
import { WITHOUT_CONTACT_INFO } from './contact-free.ts';
import { forgetPerson } from './forget-person.ts';
import { segmentMessage } from './segment-message.ts';

export { validateSegmentConfig } from './config.ts';
export { classifySegment } from './classify.ts';
export { batchRequests, basicAuthorization } from './batch-request.ts';
export { segmentMessage } from './segment-message.ts';

/**
 * Segment (forward to Segment): every event forwarded to a Segment source through the HTTP
 * Tracking API's batch endpoint, as the Segment message it was (Signal's canonical event is
 * Segment's spec), so a team moving to Signal keeps its Segment destinations, or runs both.
 * Person deletions forwarded as Public API regulations. See README.md.
 *
 * @example
 * // config: { write_key: 'DmBXIN4JnwqBnTqXccTF0wBnLXNQmFtk', region: 'us' }
 * segment.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://api.segment.io/v1/batch', headers: { authorization: 'Basic RG1CWElO…Og==', 'content-type': 'application/json' },
 * //    body: { batch: [{ type: 'track', event: 'Signed Up', messageId: 'm-1', timestamp: '…', anonymousId: 'df_…', properties: {…}, context: {…} }], sentAt: '…', writeKey: 'DmBX…' }, eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'segment',
  name: 'Segment (forward to Segment)',
  category: 'cdp',
  description: 'Forwards every event to a Segment source through the HTTP Tracking API (/v1/batch, US or EU workspace) as the Segment message it was — messageId, timestamp, properties, traits, context and integrations — so your Segment destinations keep receiving them; Signal\'s own fields and placeholder ids left out; person deletions forwarded as Public API regulations with an optional token.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSegmentConfig,
  variants: {
    default: { description: 'Every call (track, page, screen, identify, group, alias) as its Segment message, personal data included: type, event or name, userId, anonymousId, groupId, previousId, messageId, timestamp, properties, traits, context (ip, userAgent, page, campaign, library, consent…) and integrations.', blueprint: 'segment/default.yaml' },
    [WITHOUT_CONTACT_INFO]: { description: 'The default messages without contact information: no email, phone, names, addresses or birth dates in properties, traits or context (at any depth), no IP address, URLs without their query strings, no id that is an email address or phone number.', blueprint: 'segment/without_contact_info.yaml' },
  },
  vendorFields: {
    type: { required: true, description: 'track, page, screen, identify, group or alias.' },
    messageId: { required: false, description: 'The event\'s id: Segment deduplicates on it (less than 100 characters).' },
    timestamp: { required: false, description: 'When it happened, ISO 8601 (Segment corrects it by the batch\'s sentAt).' },
    userId: { required: false, description: 'The known user\'s id; a message needs a userId or an anonymousId.' },
    anonymousId: { required: false, description: 'The visitor\'s id (Signal\'s _dfdid, or the SDK\'s with anonymous_id: sdk).' },
    event: { required: false, description: 'Track: the event\'s name (Segment drops a track without one).' },
    name: { required: false, description: 'Page and screen: the name of the page or screen.' },
    groupId: { required: false, description: 'Group: the account\'s id.' },
    previousId: { required: false, description: 'Alias: the id the user had before.' },
    properties: { required: false, description: 'Track, page and screen properties.' },
    traits: { required: false, description: 'Identify: the user\'s traits; group: the group\'s.' },
    context: { required: false, description: 'ip, userAgent, page, campaign, locale, library, consent, device, os…' },
    integrations: { required: false, description: 'Segment\'s destination selection ({ "All": false, "Mixpanel": true }).' },
  },
  // A relay to the customer's own CDP: each Segment destination applies its own consent (Segment's
  // consent management reads context.consent.categoryPreferences, passed on as sent). Gate it at
  // install when your policy requires one (see the README).
  consent: [],
  // Segment asks each workspace to stay under 1,000 requests a second on the HTTP API; the
  // workspace's other sources share that, so Signal keeps to a tenth of it.
  rateLimit: { rps: 100, burst: 200 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => segmentMessage(payload, event, ctx),
  send: batchRequests,
  classify: (response, request, ctx) => classifySegment(response, request, ctx.now),
  // Segment's HTTP Tracking API: a 200 to every request it takes (segment.com/docs/connections/sources/catalog/libraries/server/http-api/),
  // whose body { "success": true } is as seen answering (segmentio/analytics-go#205); the docs leave the body out.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { success: true } },
  forgetPerson,
});
