// The integration's config: the app (its Adjust app token), the Adjust event token of each
// Signal event, the S2S Security token, the environment, whether the app's anonymousId is
// Adjust's device id (adid), and whether person deletions are forwarded. Checked by its JSON
// Schema, and by validateAdjustConfig for what a schema cannot say in words.
import { eventNamesSchema, pastedSecretProblem, type CanonicalEvent, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Adjust's app token: 12 letters and digits (`4w565xzmb54d`), as the dashboard shows it. */
export const APP_TOKEN = /^[a-z0-9]{12}$/;
/** An event token as the dashboard shows it (`f0ob4r`): letters and digits. */
export const EVENT_TOKEN = /^[a-z0-9]{1,32}$/;
/** The environments Adjust records S2S events in (`environment`). */
export const ENVIRONMENTS = ['production', 'sandbox'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The config's JSON Schema. The S2S Security token is the only secret. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['app_token', 'event_tokens'],
  properties: {
    app_token: {
      type: 'string', title: 'App token',
      description: 'Your app\'s Adjust app token, 12 letters and digits (AppView > All apps > your app: the app token). Sent as app_token with every event and deletion.',
      minLength: 12, maxLength: 12, examples: ['4w565xzmb54d'],
    },
    event_tokens: eventNamesSchema('Which Signal events are sent, and as which Adjust event: the Signal event name (a track event\'s name, e.g. "Order Completed"; screen:<name> or screen for screen calls, page:<name> or page for page calls) and the Adjust event token of the event you created for it in AppView (e.g. "f0ob4r"). Events not named here are not sent (the delivery log says so).', {
      title: 'Event tokens',
      examples: [{ 'Order Completed': 'f0ob4r', 'Signed Up': 'abc123' }],
    }),
    s2s_token: {
      type: 'string', title: 'S2S Security token', secret: true,
      description: 'The token of Adjust\'s S2S Security (AppView > your app > Protection > S2S Security: a token with the Events scope; the GDPR scope too for forwarded deletions once authentication covers that endpoint). Sent as Authorization: Bearer <token>. Leave empty while S2S authentication is off.',
      examples: ['v8s5opi0zs45607l8h8c48wak2vxb5oe'],
    },
    environment: {
      type: 'string', title: 'Environment',
      description: 'Where Adjust records the events: production, or sandbox while you test (sent as environment).',
      enum: [...ENVIRONMENTS], enumLabels: ['Production', 'Sandbox (testing)'], default: 'production',
    },
    anonymous_id_is_adid: {
      type: 'boolean', title: 'The anonymousId is the Adjust device ID (adid)',
      description: 'On when your app sets Segment\'s anonymousId to the Adjust SDK\'s adid (a 32-character hexadecimal id): the anonymousId is then sent as adid with events, and a person deletion naming it is forwarded to Adjust\'s GDPR forget device endpoint. Off (the default): the anonymousId is never sent to Adjust.',
      default: false,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward person deletions',
      description: 'On (the default): a person deletion naming an Adjust device (an anonymousId that is the adid, with the setting above) is sent to Adjust\'s GDPR forget device endpoint, which permanently deletes the device\'s data for this app and stops recording it. Off: deletions stay in Signal.',
      default: true,
    },
  },
};

/** The environment the config sets (production unless sandbox). */
export function environmentOf(config: Record<string, JsonValue>): Environment {
  return config.environment === 'sandbox' ? 'sandbox' : 'production';
}

/** `config.event_tokens` as an object (empty when it is not one). */
function tokensOf(config: Record<string, JsonValue>): Record<string, JsonValue> {
  const tokens = config.event_tokens;
  return tokens !== null && typeof tokens === 'object' && !Array.isArray(tokens) ? tokens : {};
}

/**
 * The names an event is looked up by in `config.event_tokens`, most precise first: a track
 * event's name; `screen:<name>` then `screen` for a screen call; `page:<name>` then `page`.
 *
 * @example
 * eventKeys({ type: 'screen', name: 'Checkout', … }); // ['screen:Checkout', 'screen']
 * eventKeys({ type: 'track', event: 'Order Completed', … }); // ['Order Completed']
 */
export function eventKeys(event: CanonicalEvent): string[] {
  if (event.type === 'track') return typeof event.event === 'string' && event.event !== '' ? [event.event] : [];
  if (event.type === 'screen' || event.type === 'page') {
    const name = typeof event.name === 'string' && event.name !== '' ? event.name : undefined;
    return name === undefined ? [event.type] : [`${event.type}:${name}`, event.type];
  }
  return [];
}

/**
 * The Adjust event token `config.event_tokens` gives the event (trimmed), or undefined when it
 * names none (the event is not sent).
 *
 * @example
 * eventTokenFor(orderCompleted, { event_tokens: { 'Order Completed': 'f0ob4r' } }); // 'f0ob4r'
 */
export function eventTokenFor(event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  const tokens = tokensOf(config);
  for (const key of eventKeys(event)) {
    if (!Object.hasOwn(tokens, key)) continue;
    const token = tokens[key];
    return typeof token === 'string' && EVENT_TOKEN.test(token.trim()) ? token.trim() : undefined;
  }
  return undefined;
}

const shown = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);

/**
 * Config problems the schema cannot say in words: an app token that is not one, no event
 * named, an event name or token Adjust cannot take, a token with a line break.
 *
 * @example
 * validateAdjustConfig({ app_token: '4w565xzmb54d', event_tokens: { 'Order Completed': 'Purchase' } });
 * // [{ field: 'event_tokens', message: 'gives "Purchase" for "Order Completed": an Adjust event token is the token AppView shows for the event, lower-case letters and digits (e.g. f0ob4r)' }]
 */
export function validateAdjustConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const app = config.app_token;
  if (typeof app === 'string' && !APP_TOKEN.test(app.trim())) {
    problems.push({ field: 'app_token', message: `is ${shown(app)}: an Adjust app token is 12 lower-case letters and digits (e.g. 4w565xzmb54d), as AppView shows it for your app` });
  }
  const tokens = config.event_tokens;
  if (tokens === null || typeof tokens !== 'object' || Array.isArray(tokens) || Object.keys(tokens).length === 0) {
    problems.push({ field: 'event_tokens', message: 'name at least one Signal event and the Adjust event token it is sent as, e.g. {"Order Completed": "f0ob4r"} (AppView > your app > Events: the event\'s token)' });
  } else {
    for (const [name, token] of Object.entries(tokens)) {
      if (name.trim() === '') problems.push({ field: 'event_tokens', message: 'has an empty event name: name the track event (e.g. "Order Completed"), or screen / screen:<name>, page / page:<name>' });
      else if (name !== name.trim()) problems.push({ field: 'event_tokens', message: `has ${shown(name)} with white space around it: event names are matched exactly` });
      else if (/^(screen|page)\s*:/i.test(name) && !/^(screen|page):\S/.test(name)) problems.push({ field: 'event_tokens', message: `has ${shown(name)}: a screen or page call of a name is screen:<its name> or page:<its name>, in lower case, with nothing between the colon and the name` });
      if (typeof token !== 'string' || !EVENT_TOKEN.test(token.trim())) {
        problems.push({ field: 'event_tokens', message: `gives ${typeof token === 'string' ? shown(token) : JSON.stringify(token)} for ${shown(name.trim())}: an Adjust event token is the token AppView shows for the event, lower-case letters and digits (e.g. f0ob4r)` });
      }
    }
  }
  const secret = config.s2s_token;
  const pasted = typeof secret === 'string' ? pastedSecretProblem('s2s_token', secret.trim(), 'S2S Security token', { schemeHint: 'Signal adds the prefix', spaceHint: 'as AppView copies it' }) : undefined;
  if (pasted) problems.push(pasted);
  return problems;
}
