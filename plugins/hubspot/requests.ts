// The requests HubSpot's API documents for what the plugin sends: contacts in batch upserts
// (POST /crm/objects/<version>/contacts/batch/upsert, at most 100 inputs), custom event
// occurrences in batches (POST /events/<version>/send/batch, "supports batches of 500"). Built
// here, performed by the core.
import { isJsonObject, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiVersionOf, headersOf, urlOf } from './api.ts';
import { CONTACT } from './contact.ts';
import { OCCURRENCE } from './event-occurrence.ts';

/** HubSpot's CRM batch endpoints take at most 100 inputs a request. */
export const MAX_CONTACTS_PER_REQUEST = 100;
/** HubSpot: "The custom event occurrence batch endpoint supports batches of 500." */
export const MAX_EVENTS_PER_REQUEST = 500;
/**
 * HubSpot documents no byte limit for these endpoints; 1,000,000 bytes keeps a full batch of
 * ordinary occurrences (50 properties of 256 characters at most) in a few requests, and a 413
 * splits the batch anyway.
 */
export const MAX_BYTES = 1_000_000;
/** The JSON around the inputs (`{"inputs":[]}`) and slack. */
const ENVELOPE_BYTES = 64;

interface Draft {
  inputs: JsonObject[];
  ids: string[];
  bytes: number;
}

const bytesOf = (input: JsonObject) => Buffer.byteLength(JSON.stringify(input)) + 1; // + the comma between inputs

function request(url: string, draft: Draft, ctx: PluginContext): RequestDescriptor {
  return { method: 'POST', url, headers: headersOf(ctx), body: { inputs: draft.inputs }, eventIds: draft.ids };
}

/**
 * The batch upsert requests of contact inputs, in order: at most 100 inputs and MAX_BYTES a
 * request, never one email twice in a request (HubSpot refuses a batch naming one record twice,
 * as integrators report: "Duplicate IDs found in batch input")
 * and a later identify of an email always in a later request than the earlier one, so its
 * traits win. Each input carries `objectWriteTraceId`, the event's id, which HubSpot's
 * multi-status answer names the inputs it refused by.
 */
function contactRequests(contacts: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const drafts: Array<Draft & { emails: Set<string> }> = [];
  /** The last draft holding each email: its next identify goes to a later one. */
  const lastDraft = new Map<string, number>();
  for (const mapped of contacts) {
    const input: JsonObject = { ...(mapped.payload[CONTACT] as JsonObject), objectWriteTraceId: mapped.id };
    const email = String(input.id);
    const bytes = bytesOf(input);
    let index = (lastDraft.get(email) ?? -1) + 1;
    while (index < drafts.length) {
      const d = drafts[index]!;
      if (d.inputs.length < MAX_CONTACTS_PER_REQUEST && d.bytes + bytes <= MAX_BYTES && !d.emails.has(email)) break;
      index++;
    }
    if (index === drafts.length) drafts.push({ inputs: [], ids: [], bytes: ENVELOPE_BYTES, emails: new Set() });
    const draft = drafts[index]!;
    draft.inputs.push(input);
    draft.ids.push(mapped.id);
    draft.bytes += bytes;
    draft.emails.add(email);
    lastDraft.set(email, index);
  }
  const url = urlOf('contactsUpsert', apiVersionOf(ctx.config));
  return drafts.map((d) => request(url, d, ctx));
}

/**
 * The batch send requests of occurrences: grouped by custom event (a name HubSpot refuses fails
 * only its own events), each group in requests of at most 500 occurrences and MAX_BYTES, in
 * order. An occurrence too large for a request of its own still gets one.
 */
function occurrenceRequests(occurrences: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const byName = new Map<string, Draft[]>();
  for (const mapped of occurrences) {
    const input = mapped.payload[OCCURRENCE] as JsonObject;
    const name = String(input.eventName);
    const bytes = bytesOf(input);
    const drafts = byName.get(name) ?? [];
    byName.set(name, drafts);
    let draft = drafts.at(-1);
    if (!draft || draft.inputs.length >= MAX_EVENTS_PER_REQUEST || draft.bytes + bytes > MAX_BYTES) {
      draft = { inputs: [], ids: [], bytes: ENVELOPE_BYTES };
      drafts.push(draft);
    }
    draft.inputs.push(input);
    draft.ids.push(mapped.id);
    draft.bytes += bytes;
  }
  const url = urlOf('eventsBatch', apiVersionOf(ctx.config));
  return [...byName.values()].flat().map((d) => request(url, d, ctx));
}

/**
 * The requests for a batch of mapped records (see fitRecord): the contact upserts first (so a
 * batch's identify creates the contact before its events name it by email), then the custom
 * event occurrences; every event in exactly one request.
 *
 * @example
 * buildRequests([identify, orderCompleted, signedUp], ctx);
 * // [POST …/crm/objects/2026-09/contacts/batch/upsert { inputs: [identify] },
 * //  POST …/events/2026-09/send/batch { inputs: [orderCompleted] }, POST …/events/2026-09/send/batch { inputs: [signedUp] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const contacts: MappedEvent[] = [];
  const occurrences: MappedEvent[] = [];
  for (const mapped of batch) {
    if (isJsonObject(mapped.payload[CONTACT])) contacts.push(mapped);
    else if (isJsonObject(mapped.payload[OCCURRENCE])) occurrences.push(mapped);
    // The map hook gives every event one record; without one there is nothing to send, and the
    // core dead-letters the event this names (it builds halves until one event is left).
    else throw new Error(`event ${mapped.id} holds no HubSpot record (contact or occurrence) to send`);
  }
  return [...contactRequests(contacts, ctx), ...occurrenceRequests(occurrences, ctx)];
}
