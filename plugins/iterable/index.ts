import { definePlugin } from '../../core/sdk/index.ts';
import { classifyIterable } from './classify.ts';
import { CONFIG_SCHEMA, validateIterableConfig } from './config.ts';
import { fitOptionsOf, fitRecord, MAX_BODY_BYTES } from './fit-to-iterable.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_RECORDS } from './requests.ts';

/**
 * The cookies Iterable's link tracking domain sets when a visitor clicks a link of an email
 * campaign (a subdomain of the site, so they are the site's): the campaign and template the
 * click came from, which events and purchases carry as `campaignId` and `templateId` so
 * Iterable attributes them (Iterable: Tracking Conversions, Purchases, and Revenue). Iterable
 * sets them; Signal only reads them.
 */
export const ATTRIBUTION_COOKIES = ['iterableEmailCampaignId', 'iterableTemplateId'] as const;

export default definePlugin({
  id: 'iterable',
  name: 'Iterable',
  category: 'other',
  description: 'Server-side users, events and purchases to Iterable (marketing automation): identify traits to user profiles (POST /api/users/bulkUpdate), track events to custom events (POST /api/events/trackBulk, deduplicated by messageId), Order Completed to purchases (POST /api/commerce/trackPurchase); users named as the project type requires (userId, email or either); per-event outcomes from Iterable\'s failure lists; email campaign attribution from Iterable\'s cookies; US and EU data centers; person deletions through Iterable\'s GDPR forget (or a deletion).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateIterableConfig,
  variants: {
    default: { description: 'Identify traits to user profile fields, track events to custom events with their properties, Order Completed to purchases with their items (revenue attributed to the email campaign a visitor came from). Page and screen views are not sent.', blueprint: 'iterable/default.yaml' },
    with_page_views: { description: 'As the default, and page and screen calls as custom events (Page Viewed, Screen Viewed) with the page\'s URL, path, title and referrer, for journeys triggered by visits.', blueprint: 'iterable/with_page_views.yaml' },
  },
  vendorFields: {
    // Identity, time and ids: the plugin sets the identifier the project takes, createdAt and id
    // from these, never from the site's properties or traits.
    kind: { required: true, description: 'user (an identify: bulkUpdate), event (trackBulk) or purchase (trackPurchase), set by each handler.' },
    userId: { required: false, description: 'The user\'s id (else the userId): the identifier of userID-based projects, the first of hybrid ones.' },
    email: { required: false, description: 'The user\'s email (traits.email, else context.traits.email): the identifier of email-based projects, hybrid ones\' without a userId.' },
    eventName: { required: false, description: 'The custom event\'s name.' },
    id: { required: false, description: 'The event\'s id (the messageId) or the purchase\'s (the order id): Iterable updates what it has under it instead of recording it twice.' },
    createdAt: { required: false, description: 'When it happened, Unix seconds (else the event\'s timestamp).' },
    dataFields: { required: false, description: 'The user\'s profile fields (identify), or the event\'s or purchase\'s data.' },
    'dataFields.firstName': { required: false },
    'dataFields.lastName': { required: false },
    'dataFields.phoneNumber': { required: false, description: 'E.164, for SMS.' },
    items: { required: false, description: 'A purchase\'s items: id, sku, name, price, quantity, categories, url, imageUrl.' },
    total: { required: false, description: 'A purchase\'s total.' },
    campaignId: { required: false, description: 'The email campaign the visitor came from (Iterable\'s iterableEmailCampaignId cookie).' },
    templateId: { required: false, description: 'Its template (iterableTemplateId cookie).' },
  },
  // Iterable messages people with what it receives.
  consent: ['marketing'],
  // Iterable's rate limits are per project and per endpoint: bulkUpdate 5 requests a second,
  // trackBulk 10; trackPurchase's is not documented (5, as the lowest). The integration's own
  // rate is their sum: it holds nothing back by itself, and an admin's rate scales them all.
  rateLimit: { rps: 20, burst: 20, endpoints: { bulkUpdate: { rps: 5, burst: 5 }, trackBulk: { rps: 10, burst: 10 }, trackPurchase: { rps: 5, burst: 5 } } },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  cookies: [...ATTRIBUTION_COOKIES],
  map: (payload, event, ctx) => fitRecord(payload, event, fitOptionsOf(ctx.config)),
  send: buildRequests,
  classify: classifyIterable,
  // Iterable's POST /api/events/trackBulk, 200 BulkResponse (api.iterable.com/api/docs#events_trackBulk).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { successCount: 2, failCount: 0, invalidEmails: [], invalidUserIds: [], disallowedEventNames: [], filteredOutFields: [], createdFields: [], failedUpdates: { invalidEmails: [], invalidUserIds: [], notFoundEmails: [], notFoundUserIds: [], forgottenEmails: [], forgottenUserIds: [], conflictEmails: [], conflictUserIds: [], invalidDataEmails: [], invalidDataUserIds: [] } } },
  forgetPerson,
});
