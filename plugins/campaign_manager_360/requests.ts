// The requests carrying conversions to Campaign Manager 360: conversions.batchinsert,
// `POST https://dfareporting.googleapis.com/dfareporting/{version}/userprofiles/{profileId}/conversions/batchinsert`
// with the access token as a Bearer, a ConversionsBatchInsertRequest body (`conversions`, up to
// 1,000 a request); CM360 answers a status per conversion, in the order sent.
import { PermanentError, splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiVersionOf, idOf } from './config.ts';

/** The Campaign Manager 360 API's origin. */
export const DFAREPORTING_ORIGIN = 'https://dfareporting.googleapis.com';
/** "Individual batchinsert and batchupdate requests are limited to 1,000 conversions." */
export const MAX_EVENTS = 1000;
/**
 * Google documents no byte limit for these requests; 4 MB holds a full batch of conversions with
 * their user identifiers (about 1 KB each), and a 413 splits the batch anyway.
 */
export const MAX_BYTES = 4_000_000;

/**
 * The batchinsert URL of a config: its API version and user profile.
 *
 * @example
 * batchInsertUrl({ profile_id: '1234567' }); // 'https://dfareporting.googleapis.com/dfareporting/v5/userprofiles/1234567/conversions/batchinsert'
 */
export function batchInsertUrl(config: PluginContext['config']): string {
  const profileId = idOf(config.profile_id);
  if (profileId === undefined) throw new PermanentError(`config.profile_id ${JSON.stringify(config.profile_id)} is no CM360 user profile id (digits): fix it in a new revision`);
  return `${DFAREPORTING_ORIGIN}/dfareporting/${encodeURIComponent(apiVersionOf(config))}/userprofiles/${profileId}/conversions/batchinsert`;
}

/**
 * The batchinsert request of up to 1,000 conversions.
 *
 * @example
 * batchInsertRequest([{ id: 'm-1', event, payload }], ctx);
 * // { method: 'POST', url: 'https://dfareporting.googleapis.com/dfareporting/v5/userprofiles/1234567/conversions/batchinsert',
 * //   headers: { authorization: 'Bearer ya29…', 'content-type': 'application/json' }, body: { conversions: [payload] }, eventIds: ['m-1'] }
 */
export function batchInsertRequest(part: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  if (typeof ctx.accessToken !== 'string' || ctx.accessToken === '') {
    throw new PermanentError('no access token was obtained for the config\'s credential (this Signal core does not exchange refresh tokens or service account keys): upgrade Signal');
  }
  return {
    method: 'POST',
    url: batchInsertUrl(ctx.config),
    headers: { authorization: `Bearer ${ctx.accessToken}`, 'content-type': 'application/json' },
    body: { conversions: part.map((e) => e.payload) },
    eventIds: part.map((e) => e.id),
  };
}

/**
 * The requests of a batch: up to 1,000 conversions and 4 MB each, in the batch's order.
 *
 * @example
 * sendConversions(batch, ctx); // one request per 1,000 conversions
 */
export function sendConversions(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const envelope = JSON.stringify({ conversions: [] }).length;
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => batchInsertRequest(part, ctx));
}
