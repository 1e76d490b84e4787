import { definePlugin } from '../../core/sdk/index.ts';
import { classifyUmami } from './classify.ts';
import { CONFIG_SCHEMA, umamiConfigWarnings, validateUmamiConfig } from './config.ts';
import { toUmamiEvent } from './umami-event.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';

export { classifyUmami, said } from './classify.ts';
export { CONFIG_SCHEMA, DEFAULT_BASE_URL, sendUrlOf, umamiConfigWarnings, validateUmamiConfig } from './config.ts';
export { dataFor, MAX_DATA_KEY_LENGTH, MAX_DATA_NUMBER, MAX_DATA_TEXT_LENGTH } from './event-data.ts';
export { headersOf, MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';
export { MAX_DISTINCT_ID_LENGTH, toUmamiEvent } from './umami-event.ts';

/**
 * Umami Analytics (Umami Cloud, or self-hosted) through its collection endpoint POST /api/send:
 * page calls as page views, screen calls as page views of /<screen>, track events as custom
 * events with their properties as event data (fitted to what Umami stores, never contact
 * information), identify calls as Umami identify calls (traits as session data; the userId as
 * distinct ID only when config.send_user_ids is on), one request an event with the event's own
 * time and the visitor's IP and User-Agent; events Umami takes for a bot's ({"beep":"boop"})
 * dead-lettered saying so. No person deletions: Umami has no API to delete one person's data.
 * See README.md.
 *
 * @example
 * // config: { website_id: '94db1cb1-74f4-4a40-ad6c-962362670409' }
 * umami.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://cloud.umami.is/api/send',
 * //    headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 …', 'x-forwarded-for': '203.0.113.42' },
 * //    body: { type: 'event', payload: { website: '94db1cb1-…', url: 'https://shop.example.com/shoes', referrer: 'https://www.google.com/',
 * //            title: 'Shoes', timestamp: 1711295940, ip: '203.0.113.42', userAgent: 'Mozilla/5.0 …' } },
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'umami',
  name: 'Umami Analytics',
  category: 'analytics',
  description: 'Open-source, cookieless web analytics (Umami Cloud or self-hosted) through its collection endpoint /api/send: page calls as page views with their URL, referrer and title, screen calls as page views of /<screen>, track events (all, or the ones you list) as custom events with their properties as event data (fitted to what Umami stores, never contact information), identify calls as Umami identify calls with the traits as session data (the userId as distinct ID only if you turn it on); one request an event, with its own time and the visitor\'s User-Agent and IP, which Umami counts sessions by. Events Umami takes for a bot\'s are dead-lettered saying so. No deletion API: Umami cannot delete one person\'s data.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateUmamiConfig,
  configWarnings: (config) => umamiConfigWarnings(config),
  variants: {
    default: { description: 'Page calls as page views (URL, referrer, title), screen calls as page views of /<screen>, track events as custom events under their own names with their properties as event data, identify calls as identify calls with the traits as session data; group and alias calls are not sent.', blueprint: 'umami/default.yaml' },
  },
  vendorFields: {
    website: { required: true, description: 'The website\'s id in Umami (config.website_id).' },
    url: { required: false, description: 'The page\'s URL (context.page.url): its path is the page in the dashboard, its UTM tags and click ids the campaign; a screen call\'s is /<screen name>.' },
    referrer: { required: false, description: 'The referring page (context.page.referrer).' },
    title: { required: false, description: 'The page\'s title (context.page.title); a screen call\'s name.' },
    hostname: { required: false, description: 'config.hostname; without it Umami takes the hostname from the URL.' },
    language: { required: false, description: 'The visitor\'s language (context.locale, at most 35 characters).' },
    screen: { required: false, description: 'The screen size, <width>x<height> (context.screen).' },
    name: { required: false, description: 'A track event\'s name (at most 50 characters); page views carry none.' },
    data: { required: false, description: 'A track event\'s properties, or an identify call\'s traits: without contact information, values of at most 500 characters.' },
    id: { required: false, description: 'The userId as Umami\'s distinct ID (at most 50 characters), only with config.send_user_ids on.' },
    timestamp: { required: false, description: 'When the event happened, in seconds (the event\'s timestamp).' },
    ip: { required: true, description: 'The visitor\'s IP address (context.ip), in the payload and as X-Forwarded-For: Umami counts sessions and locates visitors by it. An event without one is not sent.' },
    user_agent: { required: true, description: 'The visitor\'s User-Agent (context.userAgent), in the payload (userAgent) and as the User-Agent header: Umami counts sessions, reads browser and device and filters bots by it. An event without one is not sent.' },
  },
  consent: ['analytics'],
  // Umami documents no rate limit for /api/send: Signal's pace of one event a request, which an
  // admin can raise for a busy site; a 429 slows the integration down.
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toUmamiEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"cache":"eyJhbGciOiJIUzI1NiJ9.e30.sim","sessionId":"5b0a1f62-2f4b-5c3c-9a57-0d3c8a9e1b11","visitId":"0e7c4d2a-7d5b-5f3e-8c1a-2b9f6e4d3c22"}' },
  classify: (response, request) => classifyUmami(response, request),
});
