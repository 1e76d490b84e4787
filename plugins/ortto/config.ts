// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateOrttoConfig), and the settings the mapping, the requests and the
// deletions read from it.
//
// Ortto's REST API (help.ortto.com, developer API reference) lives on one host per instance
// region — "https://api.ap3api.com/" by default, "https://api.au.ap3api.com/" for Australia,
// "https://api.eu.ap3api.com/" for Europe — and takes the API key of a Custom API data source in
// the `X-Api-Key` header. People are keyed by the fields the request's `merge_by` names (up to
// three; the plugin offers the email, the External ID `str::ei`, or both in either order), and
// custom fields and custom activities must exist in Ortto before the API can write them: the
// config maps Signal's names onto their Ortto ids.
import {
  configText, eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue,
} from '../../core/sdk/index.ts';

/** Ortto's API host of each instance region (every API reference page's NOTE on regions). */
export const REGION_ORIGINS = {
  global: 'https://api.ap3api.com',
  au: 'https://api.au.ap3api.com',
  eu: 'https://api.eu.ap3api.com',
} as const;
export type Region = keyof typeof REGION_ORIGINS;

/** The person fields each `merge_by` choice names, in order (Ortto: "the first … determines the main merge_by person field"). */
export const MERGE_KEYS = {
  email: ['str::email'],
  external_id: ['str::ei'],
  email_then_external_id: ['str::email', 'str::ei'],
  external_id_then_email: ['str::ei', 'str::email'],
} as const;
export type MergeBy = keyof typeof MERGE_KEYS;

/**
 * A custom person field or activity attribute id the plugin can fill: a type Ortto documents
 * (`str` text, `int` whole number, `bol` boolean, `dtz` date), the custom namespace `cm`, and
 * the field's name in kebab-case ("The field-name for custom fields is typically based on their
 * configured names converted to kebab-case"): `str:cm:job-title`.
 */
export const CUSTOM_FIELD_ID = /^(str|int|bol|dtz):cm:[a-z0-9][a-z0-9-]{0,99}$/;
/** A country calling code: 1 to 3 digits, no leading 0. */
export const COUNTRY_CODE = /^[1-9][0-9]{0,2}$/;
/** A custom activity's id: `act:cm:<name>` (Create a custom activity event: `"activity_id": "act:cm:flight-booked"`). */
export const ACTIVITY_ID = /^act:cm:[a-z0-9][a-z0-9-]{0,99}$/;

/** The integration's config as the catalog shows it; `validateOrttoConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'The private API key of a Custom API data source (Ortto: Data sources > New data source > Custom API), sent as the X-Api-Key header.',
      minLength: 8, maxLength: 256, examples: ['a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'],
    },
    region: {
      type: 'string', title: 'Instance Region',
      description: 'The region of the Ortto instance (Settings > General): Global uses https://api.ap3api.com, Australia https://api.au.ap3api.com, Europe https://api.eu.ap3api.com. A key used against another region\'s host is refused.',
      enum: ['global', 'au', 'eu'], enumLabels: ['Global (api.ap3api.com)', 'Australia (api.au.ap3api.com)', 'Europe (api.eu.ap3api.com)'], default: 'global',
    },
    merge_by: {
      type: 'string', title: 'Merge People By',
      description: 'The person fields Ortto finds an existing person by (merge_by): the email (str::email), the External ID (str::ei, which receives the userId), or both, the first one tried first. An event without any of them is not sent.',
      enum: ['email', 'external_id', 'email_then_external_id', 'external_id_then_email'],
      enumLabels: ['Email', 'External ID (the userId)', 'Email, then External ID', 'External ID, then email'], default: 'email',
    },
    find_strategy: {
      type: 'integer', title: 'Find Strategy',
      description: 'With two merge fields, how Ortto uses them (find_strategy): 0 any — the first, then the second; 1 next only if previous empty — the second only for people without a value in the first; 2 all. Ignored with one merge field.',
      enum: [0, 1, 2], enumLabels: ['Any (0)', 'Next only if previous empty (1)', 'All (2)'], default: 0,
    },
    merge_strategy: {
      type: 'integer', title: 'Merge Strategy',
      description: 'How an identify updates a person Ortto has (merge_strategy): 1 append only (fills empty fields), 2 overwrite existing (the fields sent replace theirs), 3 ignore (existing people untouched, new ones created).',
      enum: [1, 2, 3], enumLabels: ['Append only (1)', 'Overwrite existing (2)', 'Ignore existing (3)'], default: 2,
    },
    async: {
      type: 'boolean', title: 'Asynchronous Ingestion',
      description: 'Ask Ortto to queue the people and activities (async: true) and answer at once. Ortto recommends it for many updates by email (synchronous merges by a key can meet a concurrency limit), but a queued answer says nothing of each record: off, Ortto\'s answer settles each event on its own (a suppressed email dead-lettered).',
      default: false,
    },
    trait_fields: {
      type: 'object', title: 'Trait → Custom Field',
      description: 'Identify traits sent as custom person fields: trait name → the field\'s id in Ortto (str:cm:…, int:cm:…, bol:cm:…, dtz:cm:…; the field must exist in Ortto). Traits not listed are not sent; a value the field\'s type cannot hold is left out with a warning.',
      // No pattern in these maps: validateOrttoConfig says what is wrong with an id in words,
      // naming the field and the name mapped; a pattern's error would stop it with the bare expression.
      additionalProperties: { type: 'string' },
      examples: [{ plan: 'str:cm:plan', seats: 'int:cm:seats', vip: 'bol:cm:vip', signed_up_at: 'dtz:cm:signed-up' }],
    },
    activities: eventNamesSchema('The custom activity each Signal event creates: track event name (Order Completed), or page / page:<name> for page calls → the activity id in Ortto (act:cm:<name>; the activity must exist, with the attributes below). Events not named here are not sent.', {
      title: 'Event → Custom Activity',
      examples: [{ 'Order Completed': 'act:cm:order-completed', 'page:Pricing': 'act:cm:viewed-pricing' }],
    }),
    attribute_fields: {
      type: 'object', title: 'Property → Activity Attribute',
      description: 'Event properties sent as activity attributes: property name → the attribute\'s id (str:cm:…, int:cm:…, bol:cm:…, dtz:cm:…), the same for every activity; map only attributes the activities define. At most 15 attributes an activity (Ortto\'s limit): the rest are left out with a warning.',
      additionalProperties: { type: 'string' },
      examples: [{ order_id: 'str:cm:order-id', total: 'int:cm:total' }],
    },
    send_value: {
      type: 'boolean', title: 'Send Conversion Value',
      description: 'Send an activity\'s revenue (properties.revenue, else value, else total) as its conversion value int::v, multiplied by 1,000 as Ortto stores decimals. Turn on Conversion value on the activity in Ortto.',
      default: true,
    },
    email_permission: {
      type: 'string', title: 'Email Subscription',
      description: 'Whether identify sets the email permission bol::p: not sent (Ortto\'s own default applies), or from marketing consent — true when the identify grants marketing consent (context.consent.marketing), false when it denies it. Ortto overwrites: with consent, someone who unsubscribed is subscribed again; use it only when your marketing consent is the email opt-in. True is sent only when the identify gives an email of its own, never for one named by the email Signal remembers from an earlier identify.',
      enum: ['not_sent', 'marketing_consent'], enumLabels: ['Not sent', 'From marketing consent'], default: 'not_sent',
    },
    default_country_code: {
      type: 'string', title: 'Default Country Calling Code',
      description: 'The country calling code (digits, e.g. 1 or 44) of phone traits written without one, so the phone goes to Ortto with its country code. Without it such a number is left out, with a warning.',
      // No pattern: validateOrttoConfig says what is expected in words.
      maxLength: 8, examples: ['61'],
    },
    send_ip: {
      type: 'boolean', title: 'Send the Visitor\'s IP',
      description: 'Send context.ip as location.source_ip, from which Ortto sets the person\'s city, region and country. Turn off when events come from your servers without the visitor\'s IP (Ortto would place people at your data centre).',
      default: true,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Ortto: the people with the person\'s emails or userId (as External ID) are looked up (POST /v1/person/get), archived (PUT /v1/person/archive), then deleted (DELETE /v1/person/delete) — Ortto deletes only archived people.',
      default: true,
    },
  },
};

/**
 * The API origin of the config's region (the default region without one).
 *
 * @example
 * apiOriginOf({ region: 'eu' }); // 'https://api.eu.ap3api.com'
 * apiOriginOf({});               // 'https://api.ap3api.com'
 */
export function apiOriginOf(config: Record<string, JsonValue>): string {
  const region = config.region;
  return typeof region === 'string' && Object.hasOwn(REGION_ORIGINS, region) ? REGION_ORIGINS[region as Region] : REGION_ORIGINS.global;
}

/**
 * The person fields people are merged by, in order.
 *
 * @example
 * mergeKeysOf({ merge_by: 'external_id_then_email' }); // ['str::ei', 'str::email']
 * mergeKeysOf({});                                     // ['str::email']
 */
export function mergeKeysOf(config: Record<string, JsonValue>): readonly string[] {
  const choice = config.merge_by;
  return typeof choice === 'string' && Object.hasOwn(MERGE_KEYS, choice) ? MERGE_KEYS[choice as MergeBy] : MERGE_KEYS.email;
}

/**
 * A small whole-number setting among its allowed values, else its default.
 *
 * @example
 * choiceOf({ merge_strategy: 1 }, 'merge_strategy', [1, 2, 3], 2); // 1
 */
export function choiceOf(config: Record<string, JsonValue>, field: string, allowed: readonly number[], fallback: number): number {
  const value = config[field];
  return typeof value === 'number' && allowed.includes(value) ? value : fallback;
}

/**
 * A config map of names to Ortto field ids, the well-formed pairs only, ids trimmed.
 *
 * @example
 * fieldMapOf({ plan: 'str:cm:plan', bad: 'plan' }); // [['plan', 'str:cm:plan']]
 */
export function fieldMapOf(value: JsonValue | undefined): Array<[string, string]> {
  return Object.entries(eventMapOf(value))
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && CUSTOM_FIELD_ID.test(entry[1].trim()))
    .map(([name, id]) => [name, id.trim()]);
}

/**
 * The default country calling code, or undefined.
 *
 * @example
 * defaultCountryCodeOf({ default_country_code: ' 61 ' }); // '61'
 */
export function defaultCountryCodeOf(config: Record<string, JsonValue>): string | undefined {
  const code = configText(config, 'default_country_code');
  return code !== undefined && COUNTRY_CODE.test(code) ? code : undefined;
}

/** Problems of a name → Ortto id map: keys blank or padded, ids not of the form the field takes. */
function mapProblems(value: JsonValue | undefined, field: string, idForm: RegExp, expected: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, id] of Object.entries(eventMapOf(value))) {
    if (name.trim() === '') problems.push({ field, message: 'has an empty name: name the trait or property the id is for' });
    else if (name !== name.trim()) problems.push({ field, message: `has "${name}" with white space around it: names are matched exactly` });
    if (typeof id !== 'string' || !idForm.test(id.trim())) problems.push({ field, message: `maps "${name}" to ${JSON.stringify(id)}: expected ${expected}` });
  }
  return problems;
}

const FIELD_EXPECTED = 'an Ortto custom field id, type:cm:name in lower case (str:cm:plan, int:cm:seats, bol:cm:vip, dtz:cm:signed-up), as Ortto shows it under the field\'s details';

/**
 * Checks beyond the schema, each naming its field: the API key pasted with more than itself,
 * map keys blank or padded, ids not in Ortto's form, a page key not written page:<name>, a
 * country calling code that is not 1 to 3 digits.
 *
 * @example
 * validateOrttoConfig({ api_key: 'X-Api-Key: abc…' });
 * // [{ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone, …' }]
 */
export function validateOrttoConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = configText(config, 'api_key');
  if (key === undefined) problems.push({ field: 'api_key', message: 'is required: the private API key of a Custom API data source in Ortto' });
  else {
    const pasted = pastedSecretProblem('api_key', key, 'API key', { schemes: ['Bearer', 'X-Api-Key:'], schemeHint: 'Signal sends it as the X-Api-Key header', spaceHint: 'as the Custom API data source shows it' });
    if (pasted) problems.push(pasted);
  }
  problems.push(...mapProblems(config.trait_fields, 'trait_fields', CUSTOM_FIELD_ID, FIELD_EXPECTED));
  problems.push(...mapProblems(config.attribute_fields, 'attribute_fields', CUSTOM_FIELD_ID, FIELD_EXPECTED));
  problems.push(...eventMapKeyProblems(config.activities, 'activities'));
  for (const [name, id] of Object.entries(eventMapOf(config.activities))) {
    if (typeof id !== 'string' || !ACTIVITY_ID.test(id.trim())) problems.push({ field: 'activities', message: `maps "${name}" to ${JSON.stringify(id)}: expected an Ortto custom activity id, act:cm:name in lower case (act:cm:order-completed)` });
  }
  const countryCode = config.default_country_code;
  if (typeof countryCode === 'string' && countryCode.trim() !== '' && !COUNTRY_CODE.test(countryCode.trim())) {
    problems.push({ field: 'default_country_code', message: `is ${JSON.stringify(countryCode)}: expected a country calling code, 1 to 3 digits without "+" or a leading 0 (61 for Australia, 44 for the United Kingdom, 1 for the United States)` });
  }
  return problems;
}

/**
 * Advice about a valid config: no custom activity named (only identify calls are sent), a find
 * strategy set with one merge field (Ortto ignores it).
 *
 * @example
 * orttoConfigWarnings({ api_key: '…' });
 * // [{ field: 'activities', message: 'names no custom activity: only identify calls are sent to Ortto …' }]
 */
export function orttoConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  if (Object.keys(eventMapOf(config.activities)).length === 0) {
    warnings.push({ field: 'activities', message: 'names no custom activity: only identify calls are sent to Ortto; map track events (or page / page:<name>) to activity ids such as act:cm:order-completed to send them' });
  }
  if (mergeKeysOf(config).length === 1 && typeof config.find_strategy === 'number' && config.find_strategy !== 0) {
    warnings.push({ field: 'find_strategy', message: 'has no effect with one merge field: Ortto uses the find strategy only when merge_by names two (email_then_external_id, external_id_then_email)' });
  }
  return warnings;
}
