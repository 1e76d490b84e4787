// The delivery requests of Appcues' Public API v2 (HTTP Basic with the API key and secret, JSON
// bodies), one record a request — the API takes one user's profile update or one event a call:
// PATCH {origin}/v2/accounts/{account}/users/{userId}/profile and
// POST {origin}/v2/accounts/{account}/users/{userId}/events. Built here, performed by the core.
import type { JsonValue, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { recordOf } from './appcues-record.ts';
import { optionsOf, REGION_ORIGINS } from './config.ts';

/** One record a request (see above). */
export const MAX_RECORDS = 1;
/** Bytes of one request body: fitRecord refuses a larger record (see there). */
export { MAX_BODY_BYTES } from './appcues-record.ts';

/**
 * The origin of the account's region.
 *
 * @example
 * originOf({ region: 'eu' }); // 'https://api.eu.appcues.com'
 */
export function originOf(config: Record<string, JsonValue>): string {
  return REGION_ORIGINS[optionsOf(config).region];
}

/**
 * The URL of a user's resource (`profile` or `events`) in the account.
 *
 * @example
 * userUrl({ account_id: '12345' }, 'user 1', 'events'); // 'https://api.appcues.com/v2/accounts/12345/users/user%201/events'
 */
export function userUrl(config: Record<string, JsonValue>, userId: string, resource: 'profile' | 'events'): string {
  return `${originOf(config)}/v2/accounts/${encodeURIComponent(optionsOf(config).accountId)}/users/${encodeURIComponent(userId)}/${resource}`;
}

/**
 * The headers of every request: HTTP Basic with the API key and secret, JSON both ways.
 *
 * @example
 * headersOf({ api_key: 'k', api_secret: 's' }); // { authorization: 'Basic azpz', 'content-type': 'application/json', accept: 'application/json' }
 */
export function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  const { apiKey, apiSecret } = optionsOf(config);
  return { authorization: `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`, 'content-type': 'application/json', accept: 'application/json' };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each in a request of its own, a
 * profile update to PATCH …/profile, an event to POST …/events, in the batch's order.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'PATCH', url: 'https://api.appcues.com/v2/accounts/12345/users/u-1/profile', body: { plan: 'pro' }, eventIds: ['identify'] },
 * //  { method: 'POST', url: 'https://api.appcues.com/v2/accounts/12345/users/u-1/events', body: { name: 'Signed Up', timestamp: '…', attributes: {} }, eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one the core dead-letters the event.
    if (!record) throw new Error(`event ${mapped.id} holds no Appcues record (profile or event) to send`);
    return record.kind === 'profile'
      ? { method: 'PATCH', url: userUrl(ctx.config, record.userId, 'profile'), headers: headersOf(ctx.config), body: record.body, eventIds: [mapped.id] }
      : { method: 'POST', url: userUrl(ctx.config, record.userId, 'events'), headers: headersOf(ctx.config), body: record.body, eventIds: [mapped.id] };
  });
}
