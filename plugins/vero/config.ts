// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateVeroConfig), and the settings the mapping, the requests and the deletions
// read from it. Vero's Track API v2.0 takes one credential, the account's Authentication Token
// (Vero: Settings > API credentials), as a parameter called `auth_token` with each request
// (Vero: "Requests are authenticated by providing a parameter called auth_token with each
// request"); the plugin sends it in the JSON body, as Vero's own Ruby library does.
import { configApiKey, configText, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Vero: an identity's id and email, and an event name, "must be less than 255 characters". */
export const MAX_ID_CHARS = 254;
/** A data property name the plugin adds the messageId under: a plain key. */
export const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** The default name of the data property holding the messageId (see `messageIdPropertyOf`). */
export const DEFAULT_MESSAGE_ID_PROPERTY = 'message_id';

/** The integration's config as the catalog shows it; `validateVeroConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['auth_token'],
  properties: {
    auth_token: {
      type: 'string', title: 'Authentication Token', secret: true,
      description: 'The Authentication Token of your Vero account (Settings > API credentials; not the API Key nor the API Secret of the JavaScript library), sent as the auth_token parameter of every request. It can write any data to the account: keep it secret.',
      minLength: 8, maxLength: 256, examples: ['ZmQwMzM2ZDc4NjI5NTFkODZjMDljNTY5YzNlMTlkZjQ6'],
    },
    source: {
      type: 'string', title: 'Event Source',
      description: 'The reserved source of each event (extras.source), e.g. "Signal". Leave empty to send none.',
      maxLength: MAX_ID_CHARS, examples: ['Signal'],
    },
    message_id_property: {
      type: 'string', title: 'Message ID Property',
      description: 'Vero drops an event with the same name, the same data and the same user as one it received in the last five minutes. The plugin adds the event\'s messageId to its data under this name (and sends it as check_id), so a retry of one event is still dropped while two real events with equal properties both count. Empty: nothing added — Vero\'s own deduplication applies, and two equal events of a person within five minutes count once.',
      default: DEFAULT_MESSAGE_ID_PROPERTY, maxLength: 64, examples: ['message_id'],
    },
    page_event_name: {
      type: 'string', title: 'Page View Event Name',
      description: 'Send page calls as Vero events under this name (e.g. "Viewed Page"), their properties (url, path, title, referrer, name) as the event\'s data. Empty (the default): page calls are not sent, since Vero\'s events start its campaigns.',
      maxLength: MAX_ID_CHARS, examples: ['Viewed Page'],
    },
    unsubscribe_on_denial: {
      type: 'boolean', title: 'Unsubscribe When Marketing Consent Is Denied',
      description: 'After an identify whose own consent denies marketing (context.consent.marketing false, in any of its forms), unsubscribe the user in Vero (POST /users/unsubscribe by id). Only an install that does not gate on marketing consent receives such identify calls. Off (the default): nobody is unsubscribed by Signal.',
      default: false,
    },
    resubscribe_with_consent: {
      type: 'boolean', title: 'Re-subscribe With Marketing Consent',
      description: 'After an identify that grants marketing consent and gives the email in its own traits, re-subscribe the user in Vero (POST /users/resubscribe by id). This undoes an unsubscribe made through Vero\'s own links: turn it on only when the site\'s consent is the authority over Vero\'s unsubscribes. An identify whose email is only the one Signal remembers from an earlier call never re-subscribes anyone. Off (the default): Vero keeps each user\'s own state.',
      default: false,
    },
    reidentify_on_alias: {
      type: 'boolean', title: 'Alias Calls Re-identify Users',
      description: 'Send alias calls (previousId → userId) to Vero\'s Alias (PUT /users/reidentify: the user whose id is the previousId gets the userId as id). Off (the default): alias calls are not sent. A previousId equal to the call\'s anonymousId is never sent: Vero holds nobody under an anonymous visitor\'s id.',
      default: false,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Vero\'s Delete user (POST /users/delete by id): the user whose id is the userId named.',
      default: true,
    },
  },
};

/**
 * The configured Authentication Token, trimmed ('' when none).
 *
 * @example
 * authTokenOf({ auth_token: ' ZmQw… ' }); // 'ZmQw…'
 */
export function authTokenOf(config: Record<string, JsonValue>): string {
  return configApiKey(config, 'auth_token');
}

/**
 * The data property the messageId goes under, or undefined when the config turned it off (an
 * empty text). Absent: `message_id`.
 *
 * @example
 * messageIdPropertyOf({});                          // 'message_id'
 * messageIdPropertyOf({ message_id_property: '' }); // undefined
 */
export function messageIdPropertyOf(config: Record<string, JsonValue>): string | undefined {
  if (config.message_id_property === undefined || config.message_id_property === null) return DEFAULT_MESSAGE_ID_PROPERTY;
  const name = configText(config, 'message_id_property');
  return name !== undefined && PROPERTY_NAME.test(name) ? name : undefined;
}

/**
 * Checks beyond the schema, each naming its field: a token pasted with an authorization scheme
 * or with white space, a message id property that is no plain key. Messages never repeat the token.
 *
 * @example
 * validateVeroConfig({ auth_token: 'Bearer ZmQwMzM2ZDc4' });
 * // [{ field: 'auth_token', message: 'starts with "Bearer ": give the Vero Authentication Token alone, …' }]
 */
export function validateVeroConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.auth_token === 'string') {
    const pasted = pastedSecretProblem('auth_token', config.auth_token.trim(), 'Vero Authentication Token', {
      schemeHint: 'Signal sends it as the auth_token parameter itself', spaceHint: 'as Settings > API credentials shows it',
    });
    if (pasted) problems.push(pasted);
  }
  const property = config.message_id_property;
  if (typeof property === 'string' && property.trim() !== '' && !PROPERTY_NAME.test(property.trim())) {
    problems.push({ field: 'message_id_property', message: `${JSON.stringify(property)} is no property name Signal adds: a letter or underscore, then letters, digits or underscores (e.g. "message_id"), or empty to add none` });
  }
  return problems;
}
