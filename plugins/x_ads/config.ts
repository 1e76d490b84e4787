// The integration's config as the plugin reads it: the pixel, the X event of each Signal event,
// the credential (the pixel's Conversion API access token, or the four of OAuth 1.0a) and the
// Ads API version; and the problems of a config its JSON Schema cannot see, each naming its field.
import { eventMapKeyProblems, eventMapKeys, eventMapOf, pastedSecretProblem, trimmedText } from '../../core/sdk/index.ts';
import type { CanonicalEvent, ConfigProblem, JsonValue } from '../../core/sdk/index.ts';
import type { OAuth1Credentials } from './oauth1.ts';

/**
 * The Ads API version in the URL unless configured: 12, the current one (introduced 2022-10-27,
 * no deprecation announced in X's version table). X retires versions with six months' notice.
 */
export const DEFAULT_API_VERSION = '12';
/** A major version as X's URLs carry it (`/12/`). */
export const API_VERSION_PATTERN = '^[1-9][0-9]?$';
/** X's pixel (base tag) id: base-36, as Events Manager shows it (`o8z6j`). */
export const PIXEL_PATTERN = '^[A-Za-z0-9]{2,32}$';
/**
 * An event's id as X takes it: the base-36 id (`o87ne`) or Events Manager's full form
 * `tw-<pixel id>-<event id>` (`tw-o8z6j-o87ne`); X's reference accepts both. Base 36 in lower
 * case, as X writes its ids, so an event's name (`Purchase`) is not taken for its id.
 */
const EVENT_ID = /^(?:tw-([a-z0-9]+)-)?([a-z0-9]+)$/;
/** The four OAuth 1.0a credentials, by config field. */
export const CREDENTIAL_FIELDS = ['consumer_key', 'consumer_secret', 'access_token', 'access_token_secret'] as const;
/**
 * The Conversion API access token Events Manager generates for a pixel, sent in X's
 * `X-Pixel-Token` header instead of an OAuth 1.0a signature (X's guide to its official Google
 * Tag Manager template documents it; it needs no developer app or Ads API access).
 */
export const PIXEL_TOKEN_FIELD = 'pixel_access_token';

/**
 * An X event id from a config or mapped value (white space around it ignored), as written; or
 * undefined when it is no event id.
 *
 * @example
 * eventIdOf(' tw-o8z6j-o87ne '); // 'tw-o8z6j-o87ne'
 * eventIdOf('Order Completed');  // undefined
 */
export function eventIdOf(value: JsonValue | undefined): string | undefined {
  const written = trimmedText(value);
  return written !== undefined && EVENT_ID.test(written) ? written : undefined;
}

/** The pixel an event id of the full form names (`tw-o8z6j-o87ne` → `o8z6j`), if it names one. */
export function pixelOfEventId(eventId: string): string | undefined {
  return EVENT_ID.exec(eventId)?.[1];
}

/**
 * The X event id configured for a Signal event, or undefined when none is: such an event is no
 * X conversion (not sent).
 *
 * @example
 * eventIdFor(orderCompleted, { conversion_events: { 'Order Completed': 'tw-o8z6j-o87ne' } }); // 'tw-o8z6j-o87ne'
 */
export function eventIdFor(event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  const events = eventMapOf(config.conversion_events);
  for (const key of eventMapKeys(event)) {
    if (Object.hasOwn(events, key)) return eventIdOf(events[key]);
  }
  return undefined;
}

/**
 * The Ads API version of a config: its `api_version`, else the default.
 *
 * @example
 * apiVersionOf({ api_version: ' 13 ' }); // '13'
 * apiVersionOf({});                      // '12'
 */
export function apiVersionOf(config: Record<string, JsonValue>): string {
  return trimmedText(config.api_version) ?? DEFAULT_API_VERSION;
}

/**
 * The pixel's Conversion API access token (`pixel_access_token`), trimmed, or undefined when the
 * config has none (it signs with OAuth 1.0a then).
 *
 * @example
 * pixelTokenOf({ pixel_access_token: ' a1b2c3 ' }); // 'a1b2c3'
 */
export function pixelTokenOf(config: Record<string, JsonValue>): string | undefined {
  return trimmedText(config[PIXEL_TOKEN_FIELD]);
}

/**
 * The OAuth 1.0a credentials of a config (as given: X's keys and tokens hold no white space),
 * or undefined when one is missing.
 *
 * @example
 * credentialsOf({ consumer_key: 'ck', consumer_secret: 'cs', access_token: '1-at', access_token_secret: 'ats' });
 * // { consumerKey: 'ck', consumerSecret: 'cs', token: '1-at', tokenSecret: 'ats' }
 */
export function credentialsOf(config: Record<string, JsonValue>): OAuth1Credentials | undefined {
  const [consumerKey, consumerSecret, token, tokenSecret] = CREDENTIAL_FIELDS.map((field) => trimmedText(config[field]));
  if (consumerKey === undefined || consumerSecret === undefined || token === undefined || tokenSecret === undefined) return undefined;
  return { consumerKey, consumerSecret, token, tokenSecret };
}

type CredentialField = (typeof CREDENTIAL_FIELDS)[number] | typeof PIXEL_TOKEN_FIELD;

/** What each credential is called where X shows it (the Developer Console, Events Manager), for messages. */
const CREDENTIAL_NAMES: Record<CredentialField, string> = {
  consumer_key: 'API Key (consumer key)',
  consumer_secret: 'API Key Secret (consumer secret)',
  access_token: 'Access Token',
  access_token_secret: 'Access Token Secret',
  pixel_access_token: 'Conversion API access token of Events Manager',
};

/**
 * Config problems the schema cannot see, each naming its field: no credential (neither the
 * pixel's `pixel_access_token` nor all four OAuth 1.0a ones), a credential pasted with white
 * space or an `OAuth `/`Bearer ` prefix, a Bearer token given for OAuth 1.0a, an access token
 * that is not of X's `<user id>-<token>` form, two credentials that are the same value; a pixel
 * given as an event id; no conversion event, an event name that can never match, an X event id
 * that is none, or one of another pixel; a version that is not a major number.
 *
 * @example
 * validateXAdsConfig({ pixel_id: 'o8z6j', conversion_events: { 'Order Completed': 'tw-abc12-o87ne' }, … });
 * // [{ field: 'conversion_events', message: 'gives "tw-abc12-o87ne" for "Order Completed": that event belongs to pixel abc12, not to config.pixel_id (o8z6j) …' }]
 */
export function validateXAdsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const allFields: readonly CredentialField[] = [PIXEL_TOKEN_FIELD, ...CREDENTIAL_FIELDS];
  for (const field of allFields) {
    const value = config[field];
    if (typeof value !== 'string') continue;
    const pixel = field === PIXEL_TOKEN_FIELD;
    const pasted = pastedSecretProblem(field, value, CREDENTIAL_NAMES[field], {
      schemes: ['OAuth', 'Bearer'],
      schemeHint: `Signal ${pixel ? 'puts it in X\'s X-Pixel-Token header' : 'signs each request'} itself`,
      spaceHint: `as ${pixel ? 'Events Manager' : 'the X Developer Console'} shows it`,
    });
    if (pasted) problems.push(pasted);
  }
  // Either credential: the pixel's token, or the four of OAuth 1.0a (all four: one signs nothing).
  const oauthGiven = CREDENTIAL_FIELDS.filter((field) => trimmedText(config[field]) !== undefined);
  if (pixelTokenOf(config) === undefined) {
    if (oauthGiven.length === 0) {
      problems.push({ field: PIXEL_TOKEN_FIELD, message: 'give the pixel\'s Conversion API access token (Events Manager > Install Pixel > Manual > Conversions API > Generate access token), or the four OAuth 1.0a credentials of an X app with Ads API access (consumer_key, consumer_secret, access_token, access_token_secret): there is neither' });
    } else {
      for (const field of CREDENTIAL_FIELDS.filter((f) => !oauthGiven.includes(f))) {
        problems.push({ field, message: `is needed with ${oauthGiven.join(', ')}: OAuth 1.0a signs with all four (the ${CREDENTIAL_NAMES[field]}, X Developer Console > Projects & Apps > the app > Keys and tokens); or give pixel_access_token instead` });
      }
    }
  }
  const token = trimmedText(config.access_token);
  if (token !== undefined && !/\s/.test(token)) {
    // X's user access tokens are `<numeric user id>-<token>`; an app-only Bearer token (AAAA…)
    // cannot sign OAuth 1.0a requests, and the Ads API takes user context only.
    if (/^AAAA/.test(token) && token.length > 60) problems.push({ field: 'access_token', message: 'is an app-only Bearer Token: the Ads API needs a user\'s OAuth 1.0a Access Token (it starts with the user\'s numeric id and a dash, e.g. 1234567890-AbC…), generated for a user with the AD_MANAGER or ACCOUNT_ADMIN role on the ad account' });
    else if (!/^\d+-\S+$/.test(token)) problems.push({ field: 'access_token', message: 'is not an X user Access Token, which starts with the user\'s numeric id and a dash (1234567890-AbC…): copy the Access Token, not its secret or the API Key, from the X Developer Console (Keys and tokens)' });
  }
  const given = allFields.map((field) => [field, trimmedText(config[field])] as const).filter((entry): entry is readonly [CredentialField, string] => entry[1] !== undefined);
  for (const [index, [field, value]] of given.entries()) {
    const same = given.slice(0, index).find(([, other]) => other === value);
    if (same === undefined) continue;
    const where = field === PIXEL_TOKEN_FIELD || same[0] === PIXEL_TOKEN_FIELD ? '' : ' in the X Developer Console';
    problems.push({ field, message: `is the same value as ${same[0]}: the ${CREDENTIAL_NAMES[field]} and the ${CREDENTIAL_NAMES[same[0]]} are two different values${where}` });
  }

  const pixel = trimmedText(config.pixel_id);
  if (pixel !== undefined && /^tw-/i.test(pixel)) {
    problems.push({ field: 'pixel_id', message: `is an event id (${pixel}): the pixel id is the part after "tw-" (Events Manager shows it as the X Pixel's ID, e.g. o8z6j)` });
  }

  const events = config.conversion_events;
  if (events === null || typeof events !== 'object' || Array.isArray(events) || Object.keys(events).length === 0) {
    problems.push({ field: 'conversion_events', message: 'name at least one Signal event and the X event it counts as, e.g. {"Order Completed": "tw-o8z6j-o87ne"} (X Ads Manager > Tools > Events Manager: the event\'s ID)' });
  } else {
    problems.push(...eventMapKeyProblems(events, 'conversion_events'));
    for (const [name, id] of Object.entries(events)) {
      const eventId = eventIdOf(id);
      if (eventId === undefined) {
        problems.push({ field: 'conversion_events', message: `gives ${JSON.stringify(id)} for "${name.trim()}": an X event id is the event's ID in Events Manager, tw-<pixel id>-<event id> (tw-o8z6j-o87ne) or its last part (o87ne)` });
        continue;
      }
      const owner = pixelOfEventId(eventId);
      if (owner !== undefined && pixel !== undefined && owner.toLowerCase() !== pixel.toLowerCase()) {
        problems.push({ field: 'conversion_events', message: `gives "${eventId}" for "${name.trim()}": that event belongs to pixel ${owner}, not to config.pixel_id (${pixel}); X refuses events of another pixel` });
      }
    }
  }
  const version = trimmedText(config.api_version);
  if (version !== undefined && !new RegExp(API_VERSION_PATTERN).test(version)) {
    problems.push({ field: 'api_version', message: `is ${JSON.stringify(version)}: an Ads API version is its major number as X's URLs carry it (e.g. ${DEFAULT_API_VERSION}), one X still serves` });
  }
  return problems;
}
