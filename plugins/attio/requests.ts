// The delivery requests of Attio's REST API v2 (`Authorization: Bearer <access token>`, JSON
// bodies `{ "data": { "values": { … } } }`): a person to PUT /v2/objects/people/records with
// `matching_attribute=email_addresses`, a company to PUT /v2/objects/companies/records with
// `matching_attribute=domains` (Attio's Assert endpoints: update the record holding that value,
// or create one), one record a request: Attio has no batch write endpoint. A person's phone
// goes in a second request, a PATCH of the asserted person (see ADDED_BY_PATCH and classify.ts).
// Built here, performed by the core.
import { type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
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
 * Attributes of a record that the assert leaves out and a PATCH of the asserted record adds:
 * Attio's assert makes every multiselect attribute other than the matching one hold exactly the
 * values given ("all values will be either created or deleted as necessary to match the list of
 * supplied values"), so a person's phone in an identify would delete the other numbers the
 * person holds in Attio; its PATCH "prepends" them instead. (The matching attribute itself —
 * `email_addresses`, `domains` — keeps its other values.)
 */
export const ADDED_BY_PATCH: Readonly<Record<Kind, readonly string[]>> = { person: ['phone_numbers'], company: [] };

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
 * its object's Assert endpoint, in the batch's order; the values ADDED_BY_PATCH names left out
 * of it and kept in its memo for the PATCH that follows its answer, with a person's partial name
 * (merged there with the name Attio holds).
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
    const asserted: JsonObject = {};
    const added: JsonObject = {};
    for (const [slug, value] of Object.entries(record.values)) {
      if (ADDED_BY_PATCH[record.kind].includes(slug)) added[slug] = value;
      else asserted[slug] = value;
    }
    const memo: JsonObject = { ...(Object.keys(added).length > 0 ? { added } : {}), ...(record.partial_name ? { name: record.partial_name } : {}) };
    return {
      method: 'PUT', url: `${API_BASE}/objects/${object}/records`, query: [['matching_attribute', matchingAttribute]],
      headers: headersOf(ctx.config), body: { data: { values: asserted } }, eventIds: [mapped.id],
      ...(Object.keys(memo).length > 0 ? { memo } : {}),
    };
  });
}
