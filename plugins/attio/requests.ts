// The delivery requests of Attio's REST API v2 (`Authorization: Bearer <access token>`, JSON
// bodies `{ "data": { "values": { … } } }`): a person to PUT /v2/objects/people/records with
// `matching_attribute=email_addresses`, a company to PUT /v2/objects/companies/records with
// `matching_attribute=domains` (Attio's Assert endpoints: update the record holding that value,
// or create one), one record a request: Attio has no batch write endpoint. Built here,
// performed by the core.
import { type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { configApiKeyOf } from './config.ts';
import { MAX_BODY_BYTES, recordOf, type Kind } from './fit-to-attio.ts';

export const API_BASE = 'https://api.attio.com/v2';
/** One record a request (see above). */
export const MAX_RECORDS = 1;
export { MAX_BODY_BYTES };

/** Each kind's object and the unique attribute Attio matches it by. */
export const ASSERTED: Readonly<Record<Kind, { object: string; matchingAttribute: string }>> = {
  person: { object: 'people', matchingAttribute: 'email_addresses' },
  company: { object: 'companies', matchingAttribute: 'domains' },
};

/**
 * The headers of every request: JSON both ways, and the access token as the Bearer token.
 *
 * @example
 * headersOf({ access_token: '7f3b…' }); // { authorization: 'Bearer 7f3b…', 'content-type': 'application/json', accept: 'application/json' }
 */
export function headersOf(config: PluginContext['config']): Record<string, string> {
  return { authorization: `Bearer ${configApiKeyOf(config)}`, 'content-type': 'application/json', accept: 'application/json' };
}

/**
 * The requests for a batch of mapped records (see fitRecord): each in a request of its own, to
 * its object's Assert endpoint, in the batch's order.
 *
 * @example
 * buildRequests([identify], ctx);
 * // [{ method: 'PUT', url: 'https://api.attio.com/v2/objects/people/records', query: [['matching_attribute', 'email_addresses']],
 * //    body: { data: { values: { email_addresses: ['jane@example.com'] } } }, eventIds: ['identify'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (!record) throw new Error(`event ${mapped.id} holds no Attio record (person or company) to send`);
    const { object, matchingAttribute } = ASSERTED[record.kind];
    return {
      method: 'PUT', url: `${API_BASE}/objects/${object}/records`, query: [['matching_attribute', matchingAttribute]],
      headers: headersOf(ctx.config), body: { data: { values: record.values } }, eventIds: [mapped.id],
    };
  });
}
