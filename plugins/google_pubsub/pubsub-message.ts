// The Pub/Sub message of one event, from what the blueprint maps: its `data` (the event's JSON,
// shown decoded here and base64-encoded by the request builder), its `attributes` (text a
// subscription can filter on without decoding the data) and, with ordering keys, its
// `orderingKey`. The blueprint's output is the data, except a top-level `attributes` object: its
// entries become attributes of the blueprint's own. The plugin then keeps its promises:
// - ids SDKs write for "no id" ("undefined", "null", "anonymous"…) name no one and are left out
//   of userId, anonymousId, groupId and previousId (a consumer would merge everyone under one);
// - unless config.include_contact_info is on, no contact information (contact-free.ts), in the
//   data, the attributes and the ordering key alike;
// - attributes within Pub/Sub's limits: keys of 1 to 256 bytes not starting with "goog" (Google's
//   reserved prefix), values of at most 1,024 bytes, at most 100 in all; Signal's own attributes
//   (kind, type, event, name, message_id, integration_id) cannot be replaced by the blueprint's;
//   what is left out is said with ctx.warn.
import { isJsonObject, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { includesContactInfo, orderingOf } from './config.ts';
import { isContactInfo } from '../../core/sdk/index.ts';
import { withoutContactInfo } from './contact-free.ts';

/** Pub/Sub's attribute limits: keys up to 256 bytes, values up to 1,024 bytes, 100 a message. */
export const MAX_ATTRIBUTE_KEY_BYTES = 256;
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
export const MAX_ATTRIBUTES = 100;
/** Pub/Sub's ordering key limit: 1 KB. */
export const MAX_ORDERING_KEY_BYTES = 1024;
/** The attribute saying what a message is: an event, or a person deletion notice. */
export const KIND_ATTRIBUTE = 'kind';
/** The event's ids: a placeholder among them names no one and is left out. */
const ID_FIELDS = new Set(['userId', 'anonymousId', 'groupId', 'previousId']);

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * An attribute's value as text: text as it is, numbers and booleans as text, objects and lists as
 * JSON; a lone surrogate (a string cut mid-emoji by a client) replaced by U+FFFD, as the data's
 * UTF-8 encoding does, since Pub/Sub's attributes are UTF-8 and it would refuse the message.
 */
function attributeText(value: JsonValue): string {
  return (typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)).toWellFormed();
}

/** Why an attribute cannot be sent, or undefined when it can. */
function attributeProblem(key: string, value: string): string | undefined {
  if (key === '' || bytes(key) > MAX_ATTRIBUTE_KEY_BYTES) return `its key is ${bytes(key)} bytes (Pub/Sub takes 1 to ${MAX_ATTRIBUTE_KEY_BYTES})`;
  if (/^goog/i.test(key)) return 'keys starting with "goog" are reserved by Google';
  if (bytes(value) > MAX_ATTRIBUTE_VALUE_BYTES) return `its value is ${bytes(value).toLocaleString('en')} bytes (Pub/Sub takes ${MAX_ATTRIBUTE_VALUE_BYTES.toLocaleString('en')})`;
  return undefined;
}

/** The person an ordering key names: the anonymousId (one browser, before and after login), else the userId. */
function personKey(data: JsonObject): string | undefined {
  for (const field of ['anonymousId', 'userId']) {
    const id = data[field];
    if (usableId(id)) return String(id).toWellFormed();
  }
  return undefined;
}

/**
 * The message for one mapped event (see the file's comment).
 *
 * @example
 * pubSubMessage({ type: 'track', event: 'Signed Up', messageId: 'm-1', userId: 'undefined', anonymousId: 'df_1', properties: { plan: 'pro' },
 *                 attributes: { plan: 'pro' } }, event, ctx);
 * // { data: { type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_1', properties: { plan: 'pro' } },
 * //   attributes: { kind: 'event', type: 'track', event: 'Signed Up', message_id: 'm-1', integration_id: 'int_1', plan: 'pro' } }
 */
export function pubSubMessage(payload: JsonObject, event: CanonicalEvent, ctx: Pick<PluginContext, 'config' | 'integrationId' | 'warn'>): JsonObject {
  const { attributes: mappedAttributes, ...mapped } = payload;
  let data: JsonObject = {};
  for (const [key, value] of Object.entries(mapped)) {
    if (ID_FIELDS.has(key)) {
      if (usableId(value)) data[key] = String(value);
    } else if (value !== null) {
      data[key] = value;
    }
  }
  const withContactInfo = includesContactInfo(ctx.config);
  if (!withContactInfo) data = withoutContactInfo(data);

  const attributes: Record<string, string> = {};
  const own: Array<[string, JsonValue | undefined]> = [
    [KIND_ATTRIBUTE, 'event'],
    ['type', event.type],
    ['event', event.type === 'track' ? event.event : undefined],
    ['name', event.type === 'page' || event.type === 'screen' ? event.name : undefined],
    ['message_id', event.messageId],
    ['integration_id', ctx.integrationId],
  ];
  // The blueprint's attributes are checked for contact information by key and value; Signal's
  // event and page names by value alone (a page's `name` is no person's name); its ids and
  // type not at all (a numeric messageId is no phone number).
  const add = (key: string, value: JsonValue | undefined, from: string, check: 'key' | 'value' | 'none') => {
    if (value === undefined || value === null || value === '') return;
    const valueText = attributeText(value);
    if (!withContactInfo && check !== 'none' && isContactInfo(check === 'key' ? key : 'value', valueText)) {
      ctx.warn?.(`${from} left out: it is contact information, and config.include_contact_info is off`);
      return;
    }
    const problem = attributeProblem(key, valueText);
    if (problem !== undefined) { ctx.warn?.(`${from} left out: ${problem}`); return; }
    if (Object.keys(attributes).length >= MAX_ATTRIBUTES) { ctx.warn?.(`${from} left out: a message carries at most ${MAX_ATTRIBUTES} attributes`); return; }
    attributes[key] = valueText;
  };
  for (const [key, value] of own) add(key, value, `attribute ${key}`, key === 'event' || key === 'name' ? 'value' : 'none');
  if (isJsonObject(mappedAttributes)) {
    for (const [key, value] of Object.entries(mappedAttributes)) {
      if (Object.hasOwn(attributes, key) || own.some(([name]) => name === key)) {
        ctx.warn?.(`attributes.${key} left out: ${key} is an attribute Signal sets itself`);
        continue;
      }
      add(key.toWellFormed(), value, `attributes.${key}`, 'key');
    }
  } else if (mappedAttributes !== undefined && mappedAttributes !== null) {
    ctx.warn?.('attributes left out: the blueprint maps it to something other than an object of key and value pairs');
  }

  const message: JsonObject = { data, attributes };
  if (orderingOf(ctx.config) === 'person') {
    const key = personKey(data);
    if (key !== undefined && bytes(key) <= MAX_ORDERING_KEY_BYTES) message.orderingKey = key;
    else if (key !== undefined) ctx.warn?.(`orderingKey left out: the person's id is ${bytes(key)} bytes, more than Pub/Sub's ${MAX_ORDERING_KEY_BYTES}`);
  }
  return message;
}
