// One event of the Events API's `data` list, from what the blueprint mapped: customer
// information hashed, the click id from the landing page, contents as a list, Limited Data Use.
import { gpcRestrictsProcessing, isJsonObject, PermanentError, removeContactInfo, trimmedText, urlParamOf, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { normalizeUser } from './user-data.ts';

function hasText(value: JsonValue | undefined): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

/** The `ttclid` query parameter of the page URL (or its search string): the visitor came from a TikTok ad. */
export function clickIdFromPage(...sources: Array<JsonValue | undefined>): string | undefined {
  for (const source of sources) {
    const ttclid = urlParamOf(source, 'ttclid');
    if (ttclid) return ttclid;
  }
  return undefined;
}

/**
 * `properties` as TikTok takes them: `contents` as a list (a single-product blueprint maps one
 * entry as an object) of entries naming a product, `value` from the contents' prices ×
 * quantities when none was mapped and every entry has a price, and no contact information in
 * clear at any depth (`removeContactInfo`: keys naming it, a person's name, email addresses and
 * phone numbers as values — a pass-through event's properties may hold any of them).
 */
function eventProperties(input: JsonObject): JsonObject {
  const properties = removeContactInfo(input);
  if (properties.contents !== undefined) {
    // An entry naming no product (neither content_id nor content_name) tells TikTok nothing.
    const contents = (Array.isArray(properties.contents) ? properties.contents : [properties.contents])
      .filter((entry): entry is JsonObject => isJsonObject(entry) && (hasText(entry.content_id) || hasText(entry.content_name)));
    if (contents.length > 0) properties.contents = contents;
    else delete properties.contents;
  }
  const contents = Array.isArray(properties.contents) ? (properties.contents as JsonObject[]) : [];
  if (properties.value === undefined && contents.length > 0 && contents.every((c) => typeof c.price === 'number')) {
    const total = contents.reduce((sum, c) => sum + (c.price as number) * (typeof c.quantity === 'number' ? c.quantity : 1), 0);
    // Rounded to a millionth: 0.1 × 3 is 0.3, not 0.30000000000000004.
    properties.value = Math.round(total * 1e6) / 1e6;
  }
  return properties;
}

/**
 * The event as TikTok's Events API takes it in `data`, from the blueprint's mapping: `user`
 * normalised and hashed (email, phone, external_id), `ttclid` from the page URL when none was
 * mapped, else from a first-party `ttclid` cookie (the one TikTok's server-side GTM tag keeps
 * for 30 days: a fresh click in the URL wins over it, as in that tag), `properties` cleaned, an empty `page` left out, `limited_data_use` from the config
 * unless mapped. An event TikTok cannot take is dead-lettered here, saying why: no event name,
 * or no `event_time` in Unix seconds.
 *
 * @example
 * toServerEvent({ event: 'Pageview', event_time: 1711296000, event_id: 'm-1', user: { email: 'Jane@Example.com' } }, event, ctx);
 * // { event: 'Pageview', event_time: 1711296000, event_id: 'm-1', user: { email: sha256('jane@example.com') } }
 */
export function toServerEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const out: JsonObject = { ...payload };
  if (typeof out.event !== 'string' || out.event.trim() === '') {
    throw new PermanentError('TikTok needs an event name: the blueprint mapped none to `event` (give the handler an event_name)');
  }
  const eventTime = out.event_time;
  if (typeof eventTime !== 'number' || !Number.isFinite(eventTime) || eventTime <= 0) {
    throw new PermanentError('TikTok needs event_time in Unix seconds: the blueprint mapped none; map timestamp with to_unix_seconds');
  }
  out.event_time = Math.floor(eventTime);

  const page: JsonObject = isJsonObject(out.page) ? { ...out.page } : {};
  for (const key of ['url', 'referrer']) if (page[key] === '' || page[key] === null) delete page[key];
  if (Object.keys(page).length > 0) out.page = page;
  else delete out.page;

  const country = typeof ctx.config.default_country_code === 'string' ? ctx.config.default_country_code : undefined;
  const { user } = normalizeUser(out.user, { defaultCountryCode: country });
  if (user.ttclid === undefined) {
    const context = isJsonObject(event.context) ? event.context : {};
    const contextPage = isJsonObject(context.page) ? context.page : {};
    const cookies = isJsonObject(context.cookies) ? context.cookies : {};
    const cookie = trimmedText(cookies.ttclid);
    const ttclid = clickIdFromPage(page.url, contextPage.url, contextPage.search) ?? cookie;
    if (ttclid) user.ttclid = ttclid;
  }
  if (Object.keys(user).length > 0) out.user = user;
  else delete out.user;

  if (isJsonObject(out.properties)) {
    const properties = eventProperties(out.properties);
    if (Object.keys(properties).length > 0) out.properties = properties;
    else delete out.properties;
  } else delete out.properties;

  // A visitor's Global Privacy Control (SIGNAL_GPC=restrict) flags their event whatever was mapped.
  if (gpcRestrictsProcessing(event)) out.limited_data_use = true;
  else if (typeof out.limited_data_use !== 'boolean') {
    if (ctx.config.limited_data_use === true) out.limited_data_use = true;
    else delete out.limited_data_use;
  }
  return out;
}
