// The requests Userpilot's real-time HTTP API documents, built here and performed by the core,
// each with `Authorization: Token <API key>`, `X-API-Version: 2020-09-22` and a JSON body, one
// record a request (the real-time endpoints take one user, event or company a call):
// - `POST {endpoint}/v1/track`             { user_id, event_name, metadata }
// - `POST {endpoint}/v1/identify`          { user_id, metadata, company: { id } }
// - `POST {endpoint}/v1/companies/identify` { company_id, metadata }
import type { MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';
import { recordKind, type RecordKind } from './userpilot-record.ts';

/** Records per delivery batch: each goes in a request of its own. */
export const MAX_EVENTS = 50;
/** Bytes of JSON per request: Userpilot documents no limit; 500 KB keeps well inside common gateways' limits. */
export const MAX_BYTES = 500_000;

/** The API version every documented request names. */
export const API_VERSION = '2020-09-22';

export const PATHS: Record<RecordKind, string> = {
  track: '/v1/track',
  identify: '/v1/identify',
  company: '/v1/companies/identify',
};

/** The rate-limit buckets: Userpilot limits its Identify and its Track Events API apart. */
export const ENDPOINTS = { track: 'track', identify: 'identify' } as const;

/**
 * The headers of every request: JSON, the API key as a Token, the API version.
 *
 * @example
 * headersOf('k3y'); // { 'content-type': 'application/json', accept: 'application/json', authorization: 'Token k3y', 'x-api-version': '2020-09-22' }
 */
export function headersOf(apiKey: string): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', authorization: `Token ${apiKey}`, 'x-api-version': API_VERSION };
}

/**
 * One POST per record, to the endpoint of its kind.
 *
 * @example
 * buildRequests([{ id: 'm-1', event, payload: { user_id: 'u-1', event_name: 'Signed Up', metadata: {} } }], ctx);
 * // [{ method: 'POST', url: 'https://analytex.userpilot.io/v1/track', headers: { …, authorization: 'Token k3y' },
 * //    body: { user_id: 'u-1', event_name: 'Signed Up', metadata: {} }, eventIds: ['m-1'], endpoint: 'track' }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const { apiKey, endpoint } = optionsOf(ctx.config);
  return batch.map((mapped) => {
    const kind = recordKind(mapped.payload);
    return {
      method: 'POST',
      url: `${endpoint}${PATHS[kind]}`,
      headers: headersOf(apiKey),
      body: mapped.payload,
      eventIds: [mapped.id],
      endpoint: kind === 'track' ? ENDPOINTS.track : ENDPOINTS.identify,
    };
  });
}
