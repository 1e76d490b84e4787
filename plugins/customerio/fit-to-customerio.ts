// What the blueprint mapped, fitted to one item of Customer.io's Track API v2 batch: a `person`
// entity with an `action` — `identify` (attributes), `event`, `page` or `screen` — naming the
// person by `identifiers`, the time as Unix seconds and, for events, a ULID `id` that
// deduplicates them. Identity, time and the dedup id come from the canonical event and the
// blueprint's top-level fields, never from the site's properties or traits. What Customer.io
// would refuse for good is dead-lettered here, each event on its own, saying why.
import { configText, isJsonObject, PermanentError, readInstantMs, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { anonymousIdOf, dedupIdFor, dedupKeyOf, identifiersOf } from './identity.ts';
import { personAttributes } from './person-attributes.ts';

/** The actions a mapped event may be (Track API v2 person actions Signal sends). */
export const ACTIONS = ['identify', 'event', 'page', 'screen'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Customer.io: "Each of the requests within a batch must also be 32kb or smaller" (Track API
 * reference, v2 limits): kept under both readings of KB.
 */
export const MAX_ITEM_BYTES = 32_000;
/** Customer.io: an event name is at most 100 bytes (Invalid API requests). */
export const MAX_EVENT_NAME_BYTES = 100;
/** Customer.io: "event name must be less than 500 characters" — applied to page and screen names (a page's is its URL). */
export const MAX_VIEW_NAME_CHARS = 499;
/**
 * Event data keys that override a campaign's email settings when the event triggers it
 * (Track API: reserved properties): never taken from a page, or a browser could choose who a
 * triggered email goes to or comes from.
 */
export const RESERVED_EVENT_KEYS: ReadonlySet<string> = new Set(['recipient', 'from_address', 'reply_to']);

export interface FitOptions {
  defaultCountryCode?: string | undefined;
}

/**
 * The options of an integration's config.
 *
 * @example
 * fitOptionsOf({ site_id: 's', api_key: 'k', default_country_code: ' 44 ' }); // { defaultCountryCode: '44' }
 */
export function fitOptionsOf(config: PluginContext['config']): FitOptions {
  const code = configText(config, 'default_country_code');
  return { defaultCountryCode: code };
}

/** The time in ms: the blueprint's `timestamp` (Unix seconds or ms, or ISO 8601), else the event's. */
function timeMsOf(mapped: JsonValue | undefined, event: CanonicalEvent): number {
  const source = mapped === undefined || mapped === null ? event.timestamp : mapped;
  const ms = readInstantMs(source) ?? Number.NaN;
  if (!Number.isFinite(ms)) throw new PermanentError(`Customer.io needs the time as Unix seconds; ${mapped === undefined || mapped === null ? 'this event has no timestamp' : `the blueprint mapped ${JSON.stringify(mapped)} to timestamp`}`);
  return ms;
}

function actionOf(payload: JsonObject): Action {
  const action = payload.action;
  if (typeof action === 'string' && (ACTIONS as readonly string[]).includes(action)) return action as Action;
  throw new PermanentError(`the blueprint mapped ${action === undefined ? 'no action' : `the action ${JSON.stringify(action)}`}: Signal sends Customer.io the person actions ${ACTIONS.join(', ')}`);
}

/** The name of an event, page (its URL) or screen, within Customer.io's limits. */
function nameOf(payload: JsonObject, action: Exclude<Action, 'identify'>): string {
  const raw = typeof payload.name === 'number' ? String(payload.name) : payload.name;
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (name === '') {
    throw new PermanentError(action === 'page' ? 'Customer.io names a page view by its URL and this page call has none (context.page.url or properties.url)' : `Customer.io needs the ${action === 'event' ? 'event' : 'screen'}'s name and the blueprint mapped none`);
  }
  if (action === 'event' && Buffer.byteLength(name) > MAX_EVENT_NAME_BYTES) throw new PermanentError(`the event name has ${Buffer.byteLength(name)} bytes and Customer.io takes at most ${MAX_EVENT_NAME_BYTES}: rename it with a pipeline transformation or the blueprint's event_name`);
  if (action !== 'event' && [...name].length > MAX_VIEW_NAME_CHARS) throw new PermanentError(`the ${action} name has ${[...name].length} characters and Customer.io takes fewer than 500`);
  return name;
}

/** The messageId the dedup id is derived from: the blueprint's `id` (text or a number), else the event's. */
function messageIdOf(payload: JsonObject, event: CanonicalEvent): string {
  for (const value of [payload.id, event.messageId as JsonValue | undefined]) {
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  throw new PermanentError(`Customer.io deduplicates events by an id the plugin derives from the messageId, and this event has none (the blueprint mapped ${JSON.stringify(payload.id ?? null)} to id, messageId ${JSON.stringify(event.messageId ?? null)})`);
}

/**
 * An event's data as Customer.io takes it: contact information removed at any depth (SDK
 * removeContactInfo — the person's contact attributes come from identify only), and the
 * reserved keys that would redirect a triggered email (`recipient`, `from_address`,
 * `reply_to`) left out whatever else they hold.
 *
 * @example
 * eventData({ plan: 'pro', recipient: 'someone', email: 'jane@example.com' }); // { plan: 'pro' }
 */
export function eventData(attributes: JsonValue | undefined): JsonObject | undefined {
  if (attributes === undefined || attributes === null) return undefined;
  if (!isJsonObject(attributes)) throw new PermanentError('Customer.io takes event data as an object; the blueprint mapped another value to attributes');
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(removeContactInfo(attributes))) if (!RESERVED_EVENT_KEYS.has(key)) kept[key] = value;
  return kept;
}

/**
 * The plugin's `map` hook: the blueprint's vendor event as one Track API v2 batch item.
 * `identify` → `{ type, action, identifiers: { id }, timestamp, attributes }` (the visitor's
 * anonymous_id among the attributes, so Customer.io merges its anonymous events); `event`,
 * `page`, `screen` → `{ type, action, identifiers, id, name, timestamp, attributes? }`, the
 * person's `id` or, for a visitor, `anonymous_id`, `id` the ULID of dedupIdFor. An item over
 * 32 KB is refused.
 *
 * @example
 * fitItem({ action: 'event', name: 'Signed Up', user_id: 'u-1', timestamp: 1711296000, id: 'm-1', attributes: { plan: 'pro' } }, event, {});
 * // { type: 'person', action: 'event', identifiers: { id: 'u-1' }, id: '01HSRK1C00…', name: 'Signed Up', timestamp: 1711296000, attributes: { plan: 'pro' } }
 */
export function fitItem(payload: JsonObject, event: CanonicalEvent, options: FitOptions): JsonObject {
  const action = actionOf(payload);
  const timeMs = timeMsOf(payload.timestamp, event);
  const timestamp = Math.floor(timeMs / 1000);
  let item: JsonObject;
  if (action === 'identify') {
    const identifiers = identifiersOf(payload, event, false);
    if (payload.attributes !== undefined && payload.attributes !== null && !isJsonObject(payload.attributes)) throw new PermanentError('Customer.io takes a person\'s attributes as an object; the blueprint mapped another value to attributes');
    const { attributes, problems } = personAttributes(isJsonObject(payload.attributes) ? payload.attributes : {}, options, anonymousIdOf(payload, event));
    if (problems.length > 0) {
      const named = problems.map((p) => `attributes.${p.key} ${p.reason}`).join('; ');
      throw new PermanentError(`the identify was not sent: ${named}. Fix the value at the source, or leave it out with a pipeline transformation or the blueprint's exclude, then replay`);
    }
    item = { type: 'person', action, identifiers, timestamp, attributes };
  } else {
    const identifiers = identifiersOf(payload, event, true);
    const name = nameOf(payload, action);
    item = { type: 'person', action, identifiers, id: dedupIdFor(dedupKeyOf(messageIdOf(payload, event), action, name, identifiers), timeMs), name, timestamp };
    const data = eventData(payload.attributes);
    if (data && Object.keys(data).length > 0) item.attributes = data;
  }
  const bytes = Buffer.byteLength(JSON.stringify(item));
  if (bytes > MAX_ITEM_BYTES) throw new PermanentError(`this ${action === 'identify' ? 'identify' : action} is ${bytes} bytes as Customer.io would receive it, over its 32 KB for one item: leave its largest ${action === 'identify' ? 'traits' : 'properties'} out with a pipeline transformation or the blueprint's exclude`);
  return item;
}
