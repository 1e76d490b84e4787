// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateOneSignalConfig), and the settings the mapping, the requests and the
// deletions read from it. Every request of OneSignal's REST API goes to https://api.onesignal.com
// with the app's App API key as `Authorization: Key <key>` (OneSignal: Keys & IDs; legacy
// `Basic` REST API keys are being retired) and the App ID, a UUID, in the path.
import { configApiKey, configText, eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** OneSignal's REST API origin (OneSignal: Quick start API guide; `api.onesignal.com`, not the old `onesignal.com/api/v1`). */
export const ONESIGNAL_API = 'https://api.onesignal.com';
/** An App ID: a UUID in its text form (OneSignal: "Your OneSignal App ID in UUID v4 format"). */
const APP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A custom event's name: at most 128 characters (OneSignal: Custom events, `name`). */
export const MAX_EVENT_NAME_CHARS = 128;
/** Property updates one user request may carry (OneSignal: Rate limits, "Up to 100 property updates per request"). */
export const MAX_PROPERTY_UPDATES = 100;

/** The integration's config as the catalog shows it; `validateOneSignalConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['app_id', 'api_key'],
  properties: {
    app_id: {
      type: 'string', title: 'App ID',
      description: 'The OneSignal App ID (Settings > Keys & IDs): a UUID such as 202d4f61-1ca9-42df-9d36-bb17d8123abc. It names the app in every request\'s path.',
      minLength: 1, maxLength: 64, examples: ['202d4f61-1ca9-42df-9d36-bb17d8123abc'],
    },
    api_key: {
      type: 'string', title: 'App API Key', secret: true,
      description: 'An App API key of that app (Settings > Keys & IDs > Add Key; shown once), sent as Authorization: Key <key>. Not the Organization API key. Give the key alone, without "Key " before it. With an IP allowlist on the key, allow Signal\'s egress addresses.',
      minLength: 8, maxLength: 512,
    },
    event_names: eventNamesSchema('Signal event → the OneSignal custom event name it is sent as (1 to 128 characters; Journeys trigger on the name exactly). Keys are track event names (Order Completed), or page / page:<name> for page calls. Track events not named here are sent under their own name; page calls are sent only when named here.', {
      title: 'Custom Event Names', minLength: 1, maxLength: MAX_EVENT_NAME_CHARS,
      examples: [{ 'Order Completed': 'purchase', 'page:Pricing': 'viewed_pricing' }],
    }),
    max_tags: {
      type: 'integer', title: 'Tags per Update',
      description: 'The most data tags one identify sets (traits beyond it are left out, with a warning): your plan\'s tag limit per user, at most 100 (OneSignal takes up to 100 property updates a request). Tags set by OneSignal\'s SDKs on the same user count toward the plan\'s limit too.',
      minimum: 1, maximum: MAX_PROPERTY_UPDATES, default: MAX_PROPERTY_UPDATES, examples: [MAX_PROPERTY_UPDATES],
    },
    dates_as_timestamps: {
      type: 'boolean', title: 'Date Traits as Unix Timestamps',
      description: 'Send a trait holding an ISO 8601 date-time (2024-03-24T16:00:00Z) as the Unix timestamp in seconds OneSignal\'s time operators compare ("1711296000"), rather than the text as sent.',
      default: true,
    },
    email_subscriptions: {
      type: 'boolean', title: 'Email Subscriptions',
      description: 'Add the identify\'s own email (traits.email; never the one Signal remembers from an earlier identify) to the user as an Email subscription, so OneSignal can email them; only for events whose context grants marketing consent. An Email subscription the user already has is left as it is, so one turned off stays off. Off: the email is not sent at all. An email already subscribed under another user is moved to this one (OneSignal\'s rule).',
      default: false,
    },
    sms_subscriptions: {
      type: 'boolean', title: 'SMS Subscriptions',
      description: 'Add the identify\'s own phone (traits.phone, with its country code: +44 7700 900123; never the one Signal remembers from an earlier identify) to the user as an SMS subscription, so OneSignal can text them; only for events whose context grants marketing consent. An SMS subscription the user already has is left as it is. Off: the phone is not sent at all.',
      default: false,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to OneSignal\'s Delete user by External ID (the userId): the user, every subscription (push, email, SMS) and alias, and all properties, deleted asynchronously.',
      default: true,
    },
  },
};

/**
 * The app's base URL of the REST API: `https://api.onesignal.com/apps/<app_id>` (lower-cased id).
 *
 * @example
 * appUrl({ app_id: '202D4F61-1CA9-42DF-9D36-BB17D8123ABC' }); // 'https://api.onesignal.com/apps/202d4f61-1ca9-42df-9d36-bb17d8123abc'
 */
export function appUrl(config: Record<string, JsonValue>): string {
  return `${ONESIGNAL_API}/apps/${encodeURIComponent((configText(config, 'app_id') ?? '').toLowerCase())}`;
}

/**
 * The headers of every request: JSON both ways and the App API key with OneSignal's `Key` scheme.
 *
 * @example
 * headersOf({ api_key: 'k' }); // { 'content-type': 'application/json', accept: 'application/json', authorization: 'Key k' }
 */
export function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', authorization: `Key ${configApiKey(config)}` };
}

/**
 * The most tags one update sets: config.max_tags when it is a whole number from 1 to 100, else 100.
 *
 * @example
 * maxTagsOf({ max_tags: 10 }); // 10
 * maxTagsOf({});               // 100
 */
export function maxTagsOf(config: Record<string, JsonValue>): number {
  const value = config.max_tags;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_PROPERTY_UPDATES ? value : MAX_PROPERTY_UPDATES;
}

/**
 * Checks beyond the schema, each naming its field: an App ID that is no UUID, an API key pasted
 * with its scheme (`Key `, `Basic `) or with white space inside, the App ID given as the key,
 * and event names that could never match (the SDK's checks of a map's keys; white space around
 * a name).
 * Messages never repeat the key.
 *
 * @example
 * validateOneSignalConfig({ app_id: 'my-app', api_key: 'Key abc' });
 * // [{ field: 'app_id', message: 'is not a OneSignal App ID: …' }, { field: 'api_key', message: 'starts with "Key ": …' }]
 */
export function validateOneSignalConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const appId = configText(config, 'app_id') ?? '';
  const key = configApiKey(config);
  if (typeof config.app_id === 'string' && !APP_ID.test(appId)) {
    problems.push({ field: 'app_id', message: 'is not a OneSignal App ID: give the UUID shown under Settings > Keys & IDs (e.g. 202d4f61-1ca9-42df-9d36-bb17d8123abc)' });
  }
  const pasted = pastedSecretProblem('api_key', key, 'App API key', { schemes: ['Key', 'Basic', 'Bearer'], schemeHint: 'Signal sends it as Authorization: Key <key>' });
  if (pasted) problems.push(pasted);
  if (key !== '' && key.toLowerCase() === appId.toLowerCase()) {
    problems.push({ field: 'api_key', message: 'is the App ID again: give an App API key (Settings > Keys & IDs > Add Key)' });
  }
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [name, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value === 'string' && value !== value.trim()) {
      problems.push({ field: 'event_names', message: `gives ${JSON.stringify(value)} for "${name.trim()}" with white space around it: Journeys trigger on custom event names exactly` });
    }
  }
  return problems;
}
