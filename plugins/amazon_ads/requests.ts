// The requests carrying events to Amazon's Events API: `POST {region host}/adsApi/v1/create/events`
// with `{ events: [...] }`, at most 500 events (the API's limit) and 1 MB (Signal's choice: Amazon
// documents no byte limit) a request, the Login with Amazon access token as `Authorization:
// Bearer`, the advertiser account as `Amazon-Ads-AccountId` and the app's client id as
// `Amazon-Ads-ClientId` (and, as older Amazon Ads API calls take it, `Amazon-Advertising-API-ClientId`).
import { configText, PermanentError, splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { REGION_HOSTS, regionOf } from './config.ts';

/** The Events API's path ("CreateEvent", Amazon Ads API v1). */
export const EVENTS_PATH = '/adsApi/v1/create/events';
/** Events a request: the API's maxItems. */
export const MAX_EVENTS = 500;
/** Bytes a request (Signal's choice). */
export const MAX_BYTES = 1_000_000;

/** The Events API URL of the config's region. */
export function eventsUrlOf(config: PluginContext['config']): string {
  return `${REGION_HOSTS[regionOf(config)]}${EVENTS_PATH}`;
}

/**
 * The requests of a batch: its events in requests of at most 500 events and 1 MB, in order.
 *
 * @example
 * requestsFor([{ id: 'm-1', event, payload: { eventDescription: { … }, … } }], { ...ctx, accessToken: 'Atza|tok' });
 * // [{ method: 'POST', url: 'https://advertising-api.amazon.com/adsApi/v1/create/events',
 * //    headers: { authorization: 'Bearer Atza|tok', 'amazon-ads-accountid': 'amzn1.ads-account.g.…', 'amazon-ads-clientid': 'amzn1.application-oa2-client.…', … },
 * //    body: { events: [{ eventDescription: { … }, … }] }, eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const token = ctx.accessToken;
  if (token === undefined || token === '') {
    throw new PermanentError('no access token was obtained for config.refresh_token (this Signal core does not exchange refresh tokens): upgrade Signal');
  }
  const clientId = configText(ctx.config, 'client_id') ?? '';
  const headers = {
    authorization: `Bearer ${token}`,
    'amazon-ads-accountid': configText(ctx.config, 'account_id') ?? '',
    'amazon-ads-clientid': clientId,
    'amazon-advertising-api-clientid': clientId,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  const url = eventsUrlOf(ctx.config);
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes: 16 }).map((part) => ({
    method: 'POST',
    url,
    headers,
    body: { events: part.map((mapped) => mapped.payload) },
    eventIds: part.map((mapped) => mapped.id),
  }));
}
