// The integration's config: the SDK Key every S2S event carries (`a`), the app's bundle id or
// package name (`i`) when the events do not say it, whether screen calls are sent, the Singular
// event name of Signal events to rename, and the optional API key forwarding person deletions to
// Singular's GDPR API. Checked by its JSON Schema, and by validateSingularConfig for what a
// schema cannot say in words.
import { configText, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Singular's limit on an event name: 32 ASCII characters. */
export const MAX_EVENT_NAME = 32;
/** An app's bundle id (iOS) or package name (Android): letters, digits, dots, hyphens, underscores. */
export const APP_ID = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;
/** An event name Singular takes: 1 to 32 printable ASCII characters. */
export const EVENT_NAME = /^[\x20-\x7e]{1,32}$/;

/** The config's JSON Schema. The SDK Key and the API key are the secrets. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['sdk_key'],
  properties: {
    sdk_key: {
      type: 'string', title: 'SDK Key', secret: true,
      description: 'Your Singular SDK Key (Developer Tools > SDK Integration > SDK Keys: the SDK Key, not the SDK Secret nor the Reporting API Key, which Singular refuses here). Sent as the parameter a with every event.',
      minLength: 1, maxLength: 200, examples: ['yourcompany_4f2a9c1e'],
    },
    app_id: {
      type: 'string', title: 'App bundle ID / package name',
      description: 'The app\'s bundle id (iOS) or package name (Android), sent as i. Leave empty to send each event\'s context.app.namespace (as Segment\'s mobile SDKs fill it); set it to send this one for every event. An event with neither is not sent.',
      maxLength: 200, examples: ['com.example.shop'],
    },
    send_screens: {
      type: 'boolean', title: 'Send screen calls',
      description: 'On: screen calls are sent as the event "Screen Viewed" (rename it in Event names), the screen\'s name as the attribute screen_name. Off (the default): screen calls are not sent.',
      default: false,
    },
    event_names: eventNamesSchema('Optional: the Singular event name of a Signal event, e.g. {"Order Completed": "sng_ecommerce_purchase", "Signed Up": "sng_complete_registration"}. Events not named here are sent under their own name. Singular takes names of up to 32 ASCII characters.', {
      title: 'Event names',
      examples: [{ 'Order Completed': 'sng_ecommerce_purchase' }],
    }),
    api_key: {
      type: 'string', title: 'API key (for deletions)', secret: true,
      description: 'Optional: your Singular API key (Developer Tools > API Keys: the Reporting API key). With it, person deletions are forwarded to Singular\'s GDPR API as erasure requests by user id (the userId, sent with events as custom_user_id). Leave empty to forward none.',
      maxLength: 500, examples: ['a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6'],
    },
  },
};

/** `config.event_names` as an object (empty when it is not one). */
function namesOf(config: Record<string, JsonValue>): Record<string, JsonValue> {
  const names = config.event_names;
  return names !== null && typeof names === 'object' && !Array.isArray(names) ? names : {};
}

/**
 * The Singular event name `config.event_names` gives a Signal event name (trimmed), or the
 * name itself when the config renames it not.
 *
 * @example
 * singularEventName('Order Completed', { event_names: { 'Order Completed': 'sng_ecommerce_purchase' } }); // 'sng_ecommerce_purchase'
 * singularEventName('Level Up', {}); // 'Level Up'
 */
export function singularEventName(name: string, config: Record<string, JsonValue>): string {
  const names = namesOf(config);
  const renamed = Object.hasOwn(names, name) ? names[name] : undefined;
  return typeof renamed === 'string' && renamed.trim() !== '' ? renamed.trim() : name;
}

const shown = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

/**
 * Config problems the schema cannot say in words: a pasted key with white space or a scheme in
 * it, an app id that is no bundle id or package name, an event name Singular cannot take.
 *
 * @example
 * validateSingularConfig({ sdk_key: 'k', event_names: { 'Order Completed': 'a purchase of the full basket today' } });
 * // [{ field: 'event_names', message: 'gives "a purchase of the full basket today" for "Order Completed": Singular takes event names of 1 to 32 ASCII characters' }]
 */
export function validateSingularConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [field, what] of [['sdk_key', 'SDK Key'], ['api_key', 'API key']] as const) {
    const value = config[field];
    if (typeof value !== 'string' || value === '') continue;
    if (value.trim() === '') {
      problems.push({ field, message: `is blank: paste the ${what} Singular shows` });
      continue;
    }
    const pasted = pastedSecretProblem(field, value.trim(), what, { spaceHint: 'as Singular shows it' });
    if (pasted) problems.push(pasted);
  }
  const appId = configText(config, 'app_id');
  if (appId !== undefined && !APP_ID.test(appId)) {
    problems.push({ field: 'app_id', message: `is ${shown(appId)}: give the app's bundle id (iOS) or package name (Android), such as com.example.shop — not the App Store id nor the app's name` });
  }
  const names = config.event_names;
  if (names !== undefined && names !== null && (typeof names !== 'object' || Array.isArray(names))) {
    problems.push({ field: 'event_names', message: 'must be an object of Signal event name → Singular event name, e.g. {"Order Completed": "sng_ecommerce_purchase"}' });
  } else {
    for (const [from, to] of Object.entries(namesOf(config))) {
      if (from.trim() === '') problems.push({ field: 'event_names', message: 'has an empty event name: name the Signal event (e.g. "Order Completed")' });
      if (typeof to !== 'string' || !EVENT_NAME.test(to.trim())) {
        problems.push({ field: 'event_names', message: `gives ${typeof to === 'string' ? shown(to) : JSON.stringify(to)} for ${shown(from)}: Singular takes event names of 1 to ${MAX_EVENT_NAME} ASCII characters` });
      }
    }
  }
  return problems;
}
