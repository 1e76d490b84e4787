// What the blueprint mapped, fitted to the Tracking API's batch commands
// (documentation.bloomreach.com/engagement/reference/batch-commands-2): a mapped event becomes
// its commands — `customers` (Update customer properties: customer_ids, properties,
// update_timestamp) for an identify, or `customers/events` (Add event: customer_ids,
// event_type, timestamp, properties) for the rest, a purchase followed by a purchase_item per
// product. "Commands in the input JSON array aren't executed sequentially in the order they
// appear … use the timestamp field for events and the update_timestamp field for customer
// properties": both are always set, from the event's time, in Unix seconds ("The value should
// be in seconds as there is no automatic recognition of milliseconds"). What Bloomreach would
// refuse is dead-lettered here, each event on its own and saying why, rather than refused
// inside a batch.
import { isJsonObject, PermanentError, readInstantMs, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { optionsOf, type BloomreachOptions } from './config.ts';
import { customerIdsOf } from './customer-ids.ts';
import { customerProperties, flattenProperties } from './properties.ts';
import { PURCHASE_ITEM, purchaseItemProperties, totalQuantityOf } from './purchase-items.ts';
import { fillAmounts } from './reference-currency.ts';

/** The key of a mapped event's commands in its fitted payload. */
export const COMMANDS = 'commands';
/** The commands' route names. */
export const CUSTOMERS = 'customers';
export const CUSTOMER_EVENTS = 'customers/events';
/** Bloomreach (Update customer properties, Limitations): "An update message must be less than 800 KBytes". */
export const MAX_UPDATE_BYTES = 800_000;

/** What the event is, for reasons. */
function what(payload: JsonObject): string {
  return payload.event_type === undefined || payload.event_type === null ? 'customer update' : 'event';
}

/** The event's time in Unix seconds (to the millisecond): the mapped timestamp, else the event's. */
function secondsOf(mapped: JsonValue | undefined, event: CanonicalEvent): number {
  const source = mapped === undefined || mapped === null ? event.timestamp : mapped;
  const ms = readInstantMs(source);
  if (ms === undefined) throw new PermanentError(`Bloomreach needs the event's time in Unix seconds; ${mapped === undefined || mapped === null ? 'this event has no timestamp' : `the blueprint mapped ${JSON.stringify(mapped)} to timestamp, which is no date`}`);
  return Math.round(ms) / 1000;
}

/** Why no customer ID was found, in the config's words. */
function noIdReason(payload: JsonObject, options: BloomreachOptions): string {
  const soft = options.softId === undefined ? ' (config.soft_id is blank, so the anonymousId is not sent)' : ` nor an anonymousId for the soft ID "${options.softId}"`;
  return `Bloomreach needs a customer ID and this ${what(payload)} has none usable: no userId for the hard ID "${options.hardId}"${soft}; placeholders such as "null" or "anonymous" identify nobody`;
}

/** The mapped properties: an object, or none. */
function propertiesOf(payload: JsonObject): JsonObject {
  if (payload.properties === undefined || payload.properties === null) return {};
  if (!isJsonObject(payload.properties)) throw new PermanentError(`Bloomreach takes properties as an object; the blueprint mapped ${JSON.stringify(payload.properties).slice(0, 100)} to properties`);
  return payload.properties;
}

/** The `customers/events` commands of an event: the event, then a purchase's purchase_item events. */
function eventCommands(payload: JsonObject, customerIds: JsonObject, timestamp: number, options: BloomreachOptions, warn?: (message: string) => void): JsonObject[] {
  const name = typeof payload.event_type === 'number' ? String(payload.event_type) : payload.event_type;
  if (typeof name !== 'string' || name.trim() === '') throw new PermanentError('Bloomreach needs an event_type and the blueprint mapped none (event_name_target: event_type)');
  const eventType = name.trim();
  // Reference-currency amounts filled in from their local twins (or left out, said once).
  const leftOut = new Set<string>();
  const withAmounts = (props: JsonObject): JsonObject => {
    const filled = fillAmounts(props, options.referenceCurrency);
    for (const field of filled.leftOut) leftOut.add(field);
    return filled.properties;
  };
  // Contact information stays out of event properties at any depth: the customer's properties
  // carry it, where Bloomreach's PII settings apply.
  const properties = withAmounts(flattenProperties(removeContactInfo(propertiesOf(payload)), warn));
  const items = options.purchaseItemEvents && Array.isArray(payload.purchase_items) ? purchaseItemProperties(properties, payload.purchase_items, warn).map((line) => withAmounts(flattenProperties(line, warn))) : [];
  if (properties.total_quantity === undefined && (Array.isArray(properties.product_list) || items.length > 0)) {
    const quantity = totalQuantityOf(properties.product_list) ?? totalQuantityOf(items);
    if (quantity !== undefined) properties.total_quantity = quantity;
  }
  if (leftOut.size > 0) {
    warn?.(`${[...leftOut].join(' and ')} left out: the event's currency (${String(properties.local_currency)}) is not config.reference_currency (${options.referenceCurrency ?? ''}), the one Bloomreach takes ${leftOut.size === 1 ? 'it' : 'them'} in, and Signal does not convert; the amounts went as ${[...leftOut].map((field) => `${field}_local_currency`).join(' and ')}`);
  }
  const command = (type: string, props: JsonObject): JsonObject => ({ name: CUSTOMER_EVENTS, data: { customer_ids: customerIds, event_type: type, timestamp, properties: props } });
  return [command(eventType, properties), ...items.map((line) => command(PURCHASE_ITEM, line))];
}

/** The `customers` command of an identify, or null when no property is left to update. */
function customerCommand(payload: JsonObject, customerIds: JsonObject, timestamp: number, warn?: (message: string) => void): JsonObject | null {
  if (payload.properties === undefined || payload.properties === null) {
    throw new PermanentError('the blueprint mapped nothing Bloomreach records: map event_type (an event) or properties (a customer update)');
  }
  const properties = customerProperties(flattenProperties(propertiesOf(payload), warn), warn);
  if (Object.keys(properties).length === 0) {
    warn?.('not sent: no customer property to update (Bloomreach\'s customer update requires at least one); later events carrying the same ids still merge the visitor into the customer');
    return null;
  }
  const command: JsonObject = { name: CUSTOMERS, data: { customer_ids: customerIds, properties, update_timestamp: timestamp } };
  const bytes = Buffer.byteLength(JSON.stringify(command.data));
  if (bytes >= MAX_UPDATE_BYTES) throw new PermanentError(`this customer update is ${bytes} bytes and Bloomreach takes updates under 800 KB: leave its largest traits out with a pipeline transformation or the blueprint's exclude`);
  return command;
}

/**
 * The plugin's `map` hook: the blueprint's vendor event as the batch commands that record it —
 * `{ commands: [{ name, data }, …] }`: a `customers/events` command when it mapped an
 * `event_type` (and a purchase_item command per entry of `purchase_items`, with
 * config.purchase_item_events), else a `customers` command of what it mapped under
 * `properties`. customer_ids come from `ids` (see customerIdsOf); the time from `timestamp`,
 * else the event's. An identify with no property left to update is not sent (null), with a
 * warning.
 *
 * @example
 * fitCommands({ event_type: 'Signed Up', properties: { plan: 'pro' } }, event, ctx);
 * // { commands: [{ name: 'customers/events', data: { customer_ids: { registered: 'u-1', cookie: 'df_abc' }, event_type: 'Signed Up', timestamp: 1711296000, properties: { plan: 'pro' } } }] }
 */
export function fitCommands(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const options = optionsOf(ctx.config);
  const customerIds = customerIdsOf(payload.ids, event, options);
  if (Object.keys(customerIds).length === 0) throw new PermanentError(noIdReason(payload, options));
  const timestamp = secondsOf(payload.timestamp, event);
  if (payload.event_type !== undefined && payload.event_type !== null) return { [COMMANDS]: eventCommands(payload, customerIds, timestamp, options, ctx.warn) };
  const command = customerCommand(payload, customerIds, timestamp, ctx.warn);
  return command === null ? null : { [COMMANDS]: [command] };
}

/**
 * The commands of a fitted payload (an empty list for one that holds none).
 *
 * @example
 * commandsOf({ commands: [{ name: 'customers', data: {} }] }); // [{ name: 'customers', data: {} }]
 */
export function commandsOf(payload: JsonObject): JsonObject[] {
  const commands = payload[COMMANDS];
  return Array.isArray(commands) ? commands.filter(isJsonObject) : [];
}
