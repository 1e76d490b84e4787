// What a Branch event says besides who: `event_data` (the transaction: id, revenue, currency,
// shipping, tax, coupon, affiliation, description, search query), `content_items` (the products,
// as Branch's content item fields: $sku, $product_name, $price, $quantity, …) and `custom_data`
// (the event's other properties), each fitted to the types Branch's Events API documents and
// in the forms Branch's own SDKs send (product categories by name, custom data as text).
import {
  isJsonObject, PermanentError, readDecimal, readText, readWholeNumber, removeContactInfo, type JsonObject, type JsonValue,
} from '../../core/sdk/index.ts';

/** event_data's fields (Branch's event_data_standard), text or number. */
const EVENT_DATA_TEXT = ['transaction_id', 'currency', 'coupon', 'affiliation', 'description', 'search_query'] as const;
const EVENT_DATA_NUMBERS = ['revenue', 'shipping', 'tax'] as const;
/** The order Branch's reference lists them in. */
const EVENT_DATA_ORDER = ['transaction_id', 'revenue', 'currency', 'shipping', 'tax', 'coupon', 'affiliation', 'description', 'search_query'] as const;
/** An ISO 4217 code: three letters, upper case. */
const CURRENCY = /^[A-Z]{3}$/;

/** Branch's $content_schema values. */
export const CONTENT_SCHEMAS = [
  'COMMERCE_AUCTION', 'COMMERCE_BUSINESS', 'COMMERCE_OTHER', 'COMMERCE_PRODUCT', 'COMMERCE_RESTAURANT', 'COMMERCE_SERVICE', 'COMMERCE_TRAVEL_FLIGHT',
  'COMMERCE_TRAVEL_HOTEL', 'COMMERCE_TRAVEL_OTHER', 'GAME_STATE', 'MEDIA_IMAGE', 'MEDIA_MIXED', 'MEDIA_MUSIC', 'MEDIA_OTHER', 'MEDIA_VIDEO', 'OTHER',
  'TEXT_ARTICLE', 'TEXT_BLOG', 'TEXT_OTHER', 'TEXT_RECIPE', 'TEXT_REVIEW', 'TEXT_SEARCH_RESULTS', 'TEXT_STORY', 'TEXT_TECHNICAL_DOC',
] as const;
/**
 * Branch's 21 product categories (the top level of Google's product taxonomy) as its SDKs send
 * `$product_category`: by name ("Apparel & Accessories": BNCProductCategory.m of the iOS SDK,
 * ProductCategory.getName() of the Android SDK, the Web SDK's logEvent example, and the curl
 * examples of Branch's Events API). The API reference lists the same 21 as an enum written
 * APPAREL_AND_ACCESSORIES; both forms are read, the name is sent.
 */
export const PRODUCT_CATEGORIES = [
  'Animals & Pet Supplies', 'Apparel & Accessories', 'Arts & Entertainment', 'Baby & Toddler', 'Business & Industrial', 'Cameras & Optics',
  'Electronics', 'Food, Beverages & Tobacco', 'Furniture', 'Hardware', 'Health & Beauty', 'Home & Garden', 'Luggage & Bags', 'Mature', 'Media',
  'Office Supplies', 'Religious & Ceremonial', 'Software', 'Sporting Goods', 'Toys & Games', 'Vehicles & Parts',
] as const;
/** Branch's $condition values. */
const CONDITIONS = ['OTHER', 'NEW', 'EXCELLENT', 'GOOD', 'FAIR', 'POOR', 'USED', 'REFURBISHED'] as const;

/** A content item's fields by the type Branch documents, in the order its reference lists them. */
const ITEM_FIELDS: ReadonlyArray<[string, 'text' | 'number' | 'integer' | 'boolean' | 'texts' | 'object']> = [
  ['$content_schema', 'text'], ['$og_title', 'text'], ['$og_description', 'text'], ['$og_image_url', 'text'], ['$canonical_identifier', 'text'], ['$publicly_indexable', 'boolean'],
  ['$locally_indexable', 'boolean'], ['$price', 'number'], ['$quantity', 'number'], ['$sku', 'text'], ['$product_name', 'text'], ['$product_brand', 'text'],
  ['$product_category', 'text'], ['$product_variant', 'text'], ['$rating_average', 'number'], ['$rating_count', 'number'], ['$rating_max', 'number'],
  ['$creation_timestamp', 'integer'], ['$exp_date', 'integer'], ['$keywords', 'texts'], ['$address_street', 'text'], ['$address_city', 'text'],
  ['$address_region', 'text'], ['$address_country', 'text'], ['$address_postal_code', 'text'], ['$latitude', 'number'], ['$longitude', 'number'],
  ['$image_captions', 'texts'], ['$condition', 'text'], ['$custom_fields', 'object'],
];
const ITEM_TYPES: ReadonlyMap<string, string> = new Map(ITEM_FIELDS);


/**
 * A number Branch takes as a JSON number; nothing for no value; a PermanentError naming the
 * field for anything that is no number (a revenue read wrong is worse than none).
 */
function numberOf(value: JsonValue | undefined, field: string): number | undefined {
  return readDecimal(value, { vendor: 'Branch', field });
}

/** A category in one spelling: upper case, `&` as AND, other runs of signs as one underscore. */
const categoryKey = (name: string) => name.trim().toUpperCase().replace(/&/g, ' AND ').replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
const CATEGORY_BY_KEY: ReadonlyMap<string, string> = new Map(PRODUCT_CATEGORIES.map((name) => [categoryKey(name), name]));

/**
 * Branch's product category of a category name, as Branch's SDKs send it, read in any of the
 * forms it is written (`Apparel & Accessories`, `apparel_and_accessories`,
 * `APPAREL_AND_ACCESSORIES`); undefined for a category that is not one of Branch's 21.
 *
 * @example
 * productCategoryOf('FOOD_BEVERAGES_AND_TOBACCO'); // 'Food, Beverages & Tobacco'
 * productCategoryOf('home and garden');            // 'Home & Garden'
 * productCategoryOf('Shoes');                      // undefined
 */
export function productCategoryOf(name: string): string | undefined {
  return CATEGORY_BY_KEY.get(categoryKey(name));
}

/**
 * The event's `event_data`: the documented fields only (others left out, warned), revenue,
 * shipping and tax as numbers, the currency as an upper-case ISO 4217 code (another one left
 * out, warned), the rest as text; undefined when nothing is left.
 *
 * @example
 * branchEventData({ transaction_id: 'ORD-1', revenue: '74.97', currency: 'eur', tax: 5 }, warn);
 * // { transaction_id: 'ORD-1', revenue: 74.97, currency: 'EUR', tax: 5 }
 */
export function branchEventData(mapped: JsonValue | undefined, warn: (message: string) => void): JsonObject | undefined {
  if (!isJsonObject(mapped)) return undefined;
  const data: JsonObject = {};
  for (const [key, value] of Object.entries(mapped)) {
    if ((EVENT_DATA_NUMBERS as readonly string[]).includes(key)) {
      const number = numberOf(value, `event_data.${key}`);
      if (number !== undefined) data[key] = number;
    } else if ((EVENT_DATA_TEXT as readonly string[]).includes(key)) {
      const text = readText(value);
      if (text !== undefined) data[key] = text;
    } else if (value !== null && value !== undefined) {
      warn(`event_data.${key} left out: not an event_data field of Branch's Events API (put it in custom_data)`);
    }
  }
  if (typeof data.currency === 'string') {
    const code = data.currency.toUpperCase();
    if (CURRENCY.test(code)) data.currency = code;
    else {
      warn(`event_data.currency ${JSON.stringify(data.currency)} left out: not a three-letter ISO 4217 code`);
      delete data.currency;
    }
  }
  const ordered: JsonObject = {};
  for (const field of EVENT_DATA_ORDER) if (data[field] !== undefined) ordered[field] = data[field]!;
  return Object.keys(ordered).length === 0 ? undefined : ordered;
}

/** One content item's field as Branch types it; undefined when it has no such value. */
function itemValue(key: string, value: JsonValue, at: string, warn: (message: string) => void): JsonValue | undefined {
  switch (ITEM_TYPES.get(key)) {
    case 'number': return numberOf(value, `${at}.${key}`);
    case 'integer': return readWholeNumber(value);
    case 'boolean': return typeof value === 'boolean' ? value : undefined;
    case 'texts': {
      const list = (Array.isArray(value) ? value : [value]).map(readText).filter((text): text is string => text !== undefined);
      return list.length === 0 ? undefined : list;
    }
    case 'object': return isJsonObject(value) ? removeContactInfo(value) : undefined;
    case 'text': return readText(value);
    default:
      warn(`${at}.${key} left out: not a content item field of Branch's Events API (put it under $custom_fields)`);
      return undefined;
  }
}

/** One content item fitted to Branch's fields; undefined when it says nothing beyond its schema. */
function contentItem(mapped: JsonObject, at: string, warn: (message: string) => void): JsonObject | undefined {
  const item: JsonObject = {};
  for (const [key, value] of Object.entries(mapped)) {
    if (value === null) continue;
    const fitted = itemValue(key, value, at, warn);
    if (fitted !== undefined) item[key] = fitted;
  }
  if (typeof item.$product_category === 'string') {
    const category = productCategoryOf(item.$product_category);
    if (category !== undefined) item.$product_category = category;
    else {
      // Not one of Branch's 21 categories: kept with the item's custom fields rather than refused.
      item.$custom_fields = { ...(isJsonObject(item.$custom_fields) ? item.$custom_fields : {}), category: item.$product_category };
      delete item.$product_category;
    }
  }
  if (typeof item.$content_schema === 'string' && !(CONTENT_SCHEMAS as readonly string[]).includes(item.$content_schema.toUpperCase())) {
    warn(`${at}.$content_schema ${JSON.stringify(item.$content_schema)} left out: not one of Branch's content schemas (COMMERCE_PRODUCT, MEDIA_VIDEO, …)`);
    delete item.$content_schema;
  } else if (typeof item.$content_schema === 'string') item.$content_schema = item.$content_schema.toUpperCase();
  if (typeof item.$condition === 'string' && !(CONDITIONS as readonly string[]).includes(item.$condition.toUpperCase())) {
    warn(`${at}.$condition ${JSON.stringify(item.$condition)} left out: not one of Branch's conditions (NEW, USED, REFURBISHED, …)`);
    delete item.$condition;
  } else if (typeof item.$condition === 'string') item.$condition = item.$condition.toUpperCase();
  if (Object.keys(item).every((key) => key === '$content_schema')) return undefined;
  const ordered: JsonObject = {};
  for (const [field] of ITEM_FIELDS) if (item[field] !== undefined) ordered[field] = item[field]!;
  return ordered;
}

/**
 * The event's `content_items`: each mapped item fitted to Branch's content item fields (numbers,
 * Branch's category and schema values, a category Branch does not list kept as
 * `$custom_fields.category`), items saying nothing left out; undefined when none is left.
 *
 * @example
 * branchContentItems([{ $content_schema: 'COMMERCE_PRODUCT', $sku: 'SKU-1', $price: '24.99', $quantity: 2, $product_category: 'apparel_and_accessories' }], warn);
 * // [{ $content_schema: 'COMMERCE_PRODUCT', $price: 24.99, $quantity: 2, $sku: 'SKU-1', $product_category: 'Apparel & Accessories' }]
 */
export function branchContentItems(mapped: JsonValue | undefined, warn: (message: string) => void): JsonObject[] | undefined {
  if (mapped === undefined || mapped === null) return undefined;
  const list = Array.isArray(mapped) ? mapped : [mapped];
  const items: JsonObject[] = [];
  list.forEach((entry, index) => {
    if (!isJsonObject(entry)) return;
    const item = contentItem(entry, `content_items[${index}]`, warn);
    if (item !== undefined) items.push(item);
  });
  return items.length === 0 ? undefined : items;
}

/** A custom data value as text: text as it is, a number or true/false in words, a list or an object as JSON. */
function customText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The event's `custom_data`: the mapped properties without contact information, each value as
 * text — as Branch's SDKs send them (the Web SDK converts every value to a string, "required for
 * logEvent()'s custom_data object"; the Android SDK takes text only), which the reference's "any
 * JSON type" also allows; null values left out; undefined when nothing is left. Branch attaches
 * them to exports and webhooks.
 *
 * @example
 * branchCustomData({ plan: 'pro', seats: 5, trial: false, tags: ['a'], email: 'jane@example.com' });
 * // { plan: 'pro', seats: '5', trial: 'false', tags: '["a"]' }
 */
export function branchCustomData(mapped: JsonValue | undefined): Record<string, string> | undefined {
  if (!isJsonObject(mapped)) {
    if (mapped !== undefined && mapped !== null) throw new PermanentError(`Branch takes custom_data as an object; the blueprint mapped ${JSON.stringify(mapped).slice(0, 100)}`);
    return undefined;
  }
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(removeContactInfo(mapped))) if (value !== null && value !== undefined) data[key] = customText(value);
  return Object.keys(data).length === 0 ? undefined : data;
}
