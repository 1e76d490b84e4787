// The requests carrying events to Branch's Events API: one event a request (Branch documents no
// batch form), a standard event to `POST https://api2.branch.io/v2/event/standard` and any other
// to `POST https://api2.branch.io/v2/event/custom`, as JSON with the app's Branch Key as
// `branch_key` in the body. With config.ip_override the visitor's IP also goes in the
// X-IP-Override header, which Branch honours for allowlisted apps when the body's
// user_data.ip holds the same address.
import { configText, isJsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { isStandardEvent } from './event-names.ts';

export const BRANCH_ORIGIN = 'https://api2.branch.io';
/** Commerce, Content and User Lifecycle events. */
export const STANDARD_EVENT_URL = `${BRANCH_ORIGIN}/v2/event/standard`;
/** Any other event. */
export const CUSTOM_EVENT_URL = `${BRANCH_ORIGIN}/v2/event/custom`;


/**
 * The request carrying one Branch event: to the standard or the custom endpoint by its name,
 * the body `{ branch_key, …the event }` in the order Branch's reference lists the fields.
 *
 * @example
 * eventRequest({ id: 'm-1', event, payload: { name: 'PURCHASE', user_data: { developer_identity: 'u-1' } } }, ctx);
 * // { method: 'POST', url: 'https://api2.branch.io/v2/event/standard',
 * //   headers: { 'content-type': 'application/json', accept: 'application/json' },
 * //   body: { branch_key: 'key_live_…', name: 'PURCHASE', user_data: { developer_identity: 'u-1' } }, eventIds: ['m-1'] }
 */
export function eventRequest(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  const name = typeof mapped.payload.name === 'string' ? mapped.payload.name : '';
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const ip = isJsonObject(mapped.payload.user_data) ? mapped.payload.user_data.ip : undefined;
  if (ctx.config.ip_override === true && typeof ip === 'string' && ip !== '') headers['x-ip-override'] = ip;
  return {
    method: 'POST',
    url: isStandardEvent(name) ? STANDARD_EVENT_URL : CUSTOM_EVENT_URL,
    headers,
    body: { branch_key: configText(ctx.config, 'branch_key') ?? '', ...mapped.payload },
    eventIds: [mapped.id],
  };
}

/**
 * The requests of a delivery job: one request an event, in order.
 *
 * @example
 * requestsFor([first, second], ctx); // [{ …, eventIds: ['m-1'] }, { …, eventIds: ['m-2'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => eventRequest(mapped, ctx));
}
