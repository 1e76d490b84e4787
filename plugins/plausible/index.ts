import { definePlugin } from '../../core/sdk/index.ts';
import { classifyPlausible } from './classify.ts';
import { CONFIG_SCHEMA, plausibleConfigWarnings, validatePlausibleConfig } from './config.ts';
import { toPlausibleEvent } from './plausible-event.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';

export { classifyPlausible, droppedCount, said } from './classify.ts';
export { CONFIG_SCHEMA, DEFAULT_BASE_URL, domainOf, eventUrlOf, plausibleConfigWarnings, validatePlausibleConfig } from './config.ts';
export { MAX_URL_BYTES, toPlausibleEvent } from './plausible-event.ts';
export { cutToBytes, MAX_PROP_NAME_BYTES, MAX_PROP_VALUE_BYTES, MAX_PROPS, propsFor } from './props.ts';
export { headersOf, MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';

/**
 * Plausible Analytics (Cloud, or a self-hosted Community Edition) through its Events API: page
 * calls as pageviews, screen calls as app pageviews and track events as custom events, one
 * `POST /api/event` each with the visitor's User-Agent and X-Forwarded-For (which Plausible
 * counts unique visitors by), props fitted to Plausible's limits without contact information,
 * revenue for goals with revenue tracking; events Plausible drops (bots, data-centre IPs,
 * unknown domain — `x-plausible-dropped`) dead-lettered saying so. Identify, group and alias
 * calls are not sent; no person deletions: Plausible stores no personal data and has no API for
 * them. See README.md.
 *
 * @example
 * // config: { domain: 'shop.example.com' }
 * plausible.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://plausible.io/api/event',
 * //    headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 …', 'x-forwarded-for': '203.0.113.42' },
 * //    body: { name: 'pageview', url: 'https://shop.example.com/shoes', domain: 'shop.example.com', referrer: 'https://www.google.com/' },
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'plausible',
  name: 'Plausible Analytics',
  category: 'analytics',
  description: 'Privacy-friendly, cookieless web analytics (plausible.io or self-hosted Community Edition) through its Events API: page calls as pageviews with their URL and referrer, screen calls as app pageviews, track events (all, or the ones you list) as custom events with their properties as custom properties (flattened, within Plausible\'s limits, never contact information) and revenue for revenue goals; one request an event with the visitor\'s User-Agent and IP, which Plausible counts unique visitors by. Events Plausible drops (bots, data-centre IPs, an unknown domain) are dead-lettered saying so. Identify calls are not sent: Plausible has no users. No deletion API: Plausible stores no personal data.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validatePlausibleConfig,
  configWarnings: (config) => plausibleConfigWarnings(config),
  variants: {
    default: { description: 'Page calls as pageviews (URL, referrer, page properties as props), screen calls as pageviews of app://localhost/<screen>, track events as custom events under their own names with their properties as props and revenue (revenue, else total, with the currency); identify, group and alias calls are not sent.', blueprint: 'plausible/default.yaml' },
  },
  vendorFields: {
    name: { required: true, description: 'The event name: pageview for page and screen calls, the track event\'s own name for a custom event (at most 120 characters; a goal of the same name counts it).' },
    url: { required: true, description: 'The page\'s full URL (context.page.url): its path is the page in the dashboard, its UTM tags the campaign. An event without one goes with https://<domain><path>; a screen with app://localhost/<screen name>. At most 2,000 bytes.' },
    domain: { required: true, description: 'The site\'s domain as added to Plausible (config.domain).' },
    referrer: { required: false, description: 'The referring page (context.page.referrer): Plausible\'s source and referrer.' },
    props: { required: false, description: 'Custom properties: the event\'s properties as text, flattened, without contact information, at most 30 (config.props chooses which).' },
    'revenue.amount': { required: false, description: 'A track event\'s revenue (properties.revenue, else total) for a goal with revenue tracking.' },
    'revenue.currency': { required: false, description: 'Its ISO 4217 currency (properties.currency, else config.default_currency).' },
    ip: { required: true, description: 'The visitor\'s IP address (context.ip), sent as the X-Forwarded-For header, not in the body: Plausible counts unique visitors by it. An event without one is not sent.' },
    user_agent: { required: true, description: 'The visitor\'s User-Agent (context.userAgent), sent as the User-Agent header: Plausible counts unique visitors by it and filters bots with it. An event without one is not sent.' },
  },
  consent: ['analytics'],
  // Plausible documents no rate limit for the Events API (each site may have an ingest limit,
  // over which it drops events with x-plausible-dropped): Signal's pace of one event a request,
  // which an admin can raise for a busy site; a 429 slows the integration down.
  rateLimit: { rps: 100 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toPlausibleEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  // Plausible's answer to a recorded event (its ingestion answers "ok"; the reference shows {}).
  successAnswer: { status: 202, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ok' },
  classify: (response, request) => classifyPlausible(response, request),
});
