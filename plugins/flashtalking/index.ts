import { createHash } from 'node:crypto';
import { definePlugin, type JsonObject, type RequestDescriptor } from '../../core/sdk/index.ts';

export const CONTAINER_ORIGIN = 'https://servedby.flashtalking.com';
/** The parameters a Spotlight takes, in the order they are sent after the cachebuster. */
export const SPOTLIGHT_PARAMETERS = ['ftXRef', 'ftXValue', 'ftXCurrency', 'ftXType', ...Array.from({ length: 20 }, (_, i) => `U${i + 1}`)];

/**
 * A fresh cachebuster per request, derived from the event and the delivery time so the request
 * builder stays pure: a retry gets a new one, a preview shows the one that would be sent.
 */
export function cachebuster(eventId: string, now: number): string {
  const digest = createHash('sha256').update(`${eventId}:${now}`).digest();
  return String(digest.readUInt32BE(0) % 10_000_000).padStart(7, '0');
}

function queryOf(payload: JsonObject): Array<[string, string]> {
  const query: Array<[string, string]> = [];
  for (const name of SPOTLIGHT_PARAMETERS) {
    const value = payload[name];
    if (value !== undefined && value !== null && value !== '') query.push([name, typeof value === 'object' ? JSON.stringify(value) : String(value)]);
  }
  return query;
}

export default definePlugin({
  id: 'flashtalking',
  name: 'Flashtalking',
  category: 'advertising',
  description: 'Server-side Spotlight conversion tags for Flashtalking (Mediaocean / Innovid), unaffected by ad blockers and browser tracking prevention.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['advertiser_id', 'spotlight_id', 'spotlight_group_id'],
    properties: {
      advertiser_id: { type: 'string', title: 'Advertiser ID', description: 'The numeric Advertiser ID — the number immediately after /container/.', pattern: '^[0-9]+$', examples: ['1234567'] },
      spotlight_id: { type: 'string', title: 'Spotlight ID', description: 'The numeric Spotlight ID — the number after the Advertiser ID.', pattern: '^[0-9]+$', examples: ['987654'] },
      spotlight_group_id: { type: 'string', title: 'Spotlight Group ID', description: 'The numeric Spotlight Group ID — the number after the Spotlight ID.', pattern: '^[0-9]+$', examples: ['5'] },
    },
  },
  variants: {
    default: { description: 'page → Counter (U1 = path); Order Completed → Sales; Signed Up → Counter (U1 = method); Lead Generated → Counter.', blueprint: 'flashtalking/default.yaml' },
  },
  vendorFields: {
    spotlight_type: { required: true, description: 'Counter or Sales.' },
    ftXRef: { required: false, description: 'Order / transaction reference.' },
    ftXValue: { required: false, description: 'Transaction amount / conversion value.' },
    ftXCurrency: { required: false, description: 'ISO currency code.' },
    ftXType: { required: false, description: 'Conversion / order type classification.' },
    ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`U${i + 1}`, { required: false, description: 'Advertiser-defined custom variable.' }])),
  },
  consent: ['advertising'],
  rateLimit: { rps: 50 },
  batch: { maxEvents: 1, maxBytes: 8_000 },
  cookies: ['FTrack'],
  send: (batch, ctx) =>
    batch.map((mapped): RequestDescriptor => {
      const { advertiser_id: advertiser, spotlight_id: spotlight, spotlight_group_id: group } = ctx.config;
      const headers: Record<string, string> = {};
      const context = mapped.event.context;
      // Flashtalking attributes the conversion to the visitor, not to Signal's server.
      if (context.ip) headers['x-forwarded-for'] = context.ip;
      if (context.userAgent) headers['user-agent'] = context.userAgent;
      const ftrack = context.cookies?.FTrack;
      if (ftrack) headers.cookie = `FTrack=${ftrack}`;
      return {
        method: 'GET',
        url: `${CONTAINER_ORIGIN}/container/${String(advertiser)};${String(spotlight)};${String(group)};num/`,
        query: [['cachebuster', cachebuster(mapped.id, ctx.now)], ...queryOf(mapped.payload)],
        headers,
        eventIds: [mapped.id],
      };
    }),
});
