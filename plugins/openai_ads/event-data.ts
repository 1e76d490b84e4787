// The event's `data` object, whose shape OpenAI fixes by the event's type ("Supported events"):
// `contents` for the commerce funnel, `customer_action` for leads and registrations,
// `plan_enrollment` for subscriptions and trials, `custom` for custom events. Money goes as
// whole numbers of the currency's minor unit, always with its currency. The blueprint maps
// amounts as the site writes them (129.99); they are converted here.
import { isJsonObject, PermanentError, readDecimal, readText, readWholeNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { minorUnitDigits, minorUnits } from './minor-units.ts';

/** OpenAI's standard event types with the data type each takes, and `custom`. */
export const EVENT_DATA_TYPES = {
  page_viewed: 'contents',
  contents_viewed: 'contents',
  items_added: 'contents',
  checkout_started: 'contents',
  order_created: 'contents',
  lead_created: 'customer_action',
  registration_completed: 'customer_action',
  appointment_scheduled: 'customer_action',
  app_installed: 'customer_action',
  app_opened: 'customer_action',
  subscription_created: 'plan_enrollment',
  trial_started: 'plan_enrollment',
  custom: 'custom',
} as const;

export type EventType = keyof typeof EVENT_DATA_TYPES;
type DataType = (typeof EVENT_DATA_TYPES)[EventType];

/** Which data types carry items (`contents`) and a plan (`plan_id`); customer_action carries neither. */
const CARRIES_CONTENTS: ReadonlySet<DataType> = new Set(['contents', 'plan_enrollment', 'custom']);
const CARRIES_PLAN: ReadonlySet<DataType> = new Set(['plan_enrollment', 'custom']);

/** One item as the blueprint mapped it, as OpenAI's Content takes it; undefined when nothing of it is usable. */
function contentOf(raw: JsonValue, index: number, currency: () => string | undefined, warn: (message: string) => void): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const content: JsonObject = {};
  const id = readText(raw.id);
  if (id !== undefined) content.id = id;
  const name = readText(raw.name);
  if (name !== undefined) content.name = name;
  const contentType = readText(raw.content_type);
  if (contentType !== undefined) content.content_type = contentType;
  // A quantity is a whole number of at least one; anything else is left out rather than refused.
  const quantity = readWholeNumber(raw.quantity, { min: 1 });
  if (quantity !== undefined) content.quantity = quantity;
  const amount = readDecimal(raw.amount, { vendor: 'OpenAI', field: `data.contents[${index}].amount` });
  if (amount !== undefined) {
    // An item's price without any currency (a product view) is left out, not the whole event.
    const code = currency();
    if (code === undefined) warn(`data.contents[${index}].amount left out: no currency (map properties.currency, or set config.default_currency)`);
    else {
      content.amount = minorUnits(amount, code, `data.contents[${index}].amount`);
      content.currency = code;
    }
  }
  return Object.keys(content).length > 0 ? content : undefined;
}

/**
 * The `data` object of an event of `eventType` from what the blueprint mapped under `data`:
 * `type` the event's data type; `amount` (the mapped amount, else the items' amounts × their
 * quantities) in the currency's minor unit with `currency` (the mapped one, else
 * `defaultCurrency`); `contents` (id, name, content_type, quantity, amount) and `plan_id` for
 * the data types that carry them; an item's amount without any currency is left out, said
 * through `warn`. Throws a PermanentError (the event is dead-lettered alone, before it could
 * make OpenAI refuse a whole batch) for an event amount without any currency, a currency that
 * is no ISO 4217 code, an amount that is no number.
 *
 * @example
 * eventData('order_created', { amount: 129.99, currency: 'usd', contents: [{ id: 'SKU-1', quantity: 1, amount: 129.99 }] }, undefined);
 * // { type: 'contents', amount: 12999, currency: 'USD', contents: [{ id: 'SKU-1', quantity: 1, amount: 12999, currency: 'USD' }] }
 */
export function eventData(eventType: EventType, mapped: JsonValue | undefined, defaultCurrency: string | undefined, warn: (message: string) => void = () => {}): JsonObject {
  const dataType = EVENT_DATA_TYPES[eventType];
  const raw = isJsonObject(mapped) ? mapped : {};
  const data: JsonObject = { type: dataType };
  const mappedCurrency = readText(raw.currency);
  // The currency is asked for only when there is money to send: an unknown one with no amount is no error.
  const currencyOrNone = (): string | undefined => {
    const code = (mappedCurrency ?? defaultCurrency)?.toUpperCase();
    if (code !== undefined && minorUnitDigits(code) === undefined) throw new PermanentError(`OpenAI takes data.currency as an ISO 4217 code; ${JSON.stringify(mappedCurrency ?? defaultCurrency)} is none`);
    return code;
  };
  const currency = (): string => {
    const code = currencyOrNone();
    if (code === undefined) throw new PermanentError('OpenAI refuses an amount without a currency: map properties.currency, or set config.default_currency');
    return code;
  };
  // One product (Product Added) is mapped as an object, an order's products as a list.
  const items = Array.isArray(raw.contents) ? raw.contents : isJsonObject(raw.contents) ? [raw.contents] : [];
  const contents = CARRIES_CONTENTS.has(dataType)
    ? items.map((item, index) => contentOf(item, index, currencyOrNone, warn)).filter((item): item is JsonObject => item !== undefined)
    : [];
  const amount = readDecimal(raw.amount, { vendor: 'OpenAI', field: 'data.amount' });
  if (amount === undefined && contents.length > 0 && contents.every((item) => typeof item.amount === 'number')) {
    // No event value mapped (an item added to the cart): its items' worth, price × quantity, already in minor units.
    const worth = contents.reduce((sum, item) => sum + (item.amount as number) * (typeof item.quantity === 'number' ? item.quantity : 1), 0);
    data.amount = worth;
    data.currency = currency();
  } else if (amount !== undefined) {
    data.amount = minorUnits(amount, currency(), 'data.amount');
    data.currency = currency();
  }
  if (contents.length > 0) data.contents = contents;
  const planId = CARRIES_PLAN.has(dataType) ? readText(raw.plan_id) : undefined;
  if (planId !== undefined) data.plan_id = planId;
  return data;
}
