// The integration's config: the brand account's API credentials (Account SID and Auth Token, HTTP
// Basic), the program (Campaign Id) conversions are reported to, the impact.com Event Type each
// Signal event counts as, and whether to follow each submission's processing; with the problems
// a JSON Schema cannot see, each naming its field.
import { eventMapKeyProblems, eventMapName, eventMapOf, eventNamesSchema, trimmedText, type CanonicalEvent, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** An Event Type Id (`EventTypeId`, "integer (10)" in impact.com's conversion object): digits. */
export const EVENT_TYPE_ID = /^[0-9]{1,10}$/;
/**
 * The longest Event Type Code: the action and conversion data references give "STRING (128)",
 * the conversion object "string (64)"; the longer is taken, so that no code impact.com shows is
 * refused at install (its answer decides).
 */
export const MAX_EVENT_TYPE_CODE = 128;
/** The largest Campaign (program) Id: "integer (10)" in the conversion object. */
const MAX_CAMPAIGN_ID = 9_999_999_999;
/** An Account SID as impact.com shows it (`IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1`): letters and digits. */
const ACCOUNT_SID = /^[A-Za-z0-9]+$/;

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['account_sid', 'auth_token', 'campaign_id', 'event_types'],
  properties: {
    account_sid: {
      type: 'string', title: 'Account SID',
      description: 'The brand account\'s Account SID (impact.com: Settings > API, or Technical Settings > API Access): the HTTP Basic user name, and part of the endpoint\'s path (/Advertisers/{AccountSID}/Conversions). Use the Account SID that comes with the Auth Token, not the Read-Only one.',
      minLength: 1, maxLength: 100, examples: ['IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1'],
    },
    auth_token: {
      type: 'string', title: 'Auth Token', secret: true,
      description: 'The Auth Token shown beside the Account SID (not the Read-Only Auth Token: conversions are written): the HTTP Basic password.',
      minLength: 1, maxLength: 200, examples: ['t0k5Lr3GciUAqR0JNj1CzxKE2XTEmK5i'],
    },
    campaign_id: {
      type: 'integer', title: 'Campaign (Program) Id',
      description: 'The program conversions are reported to (CampaignId): the number in grey under Programs when you select your account name in impact.com\'s top-left corner.',
      minimum: 1, maximum: MAX_CAMPAIGN_ID, examples: [1000],
    },
    event_types: eventNamesSchema('The impact.com Event Type (action tracker) each Signal event is reported as: keys are track event names (Order Completed), or page / page:<name> for page calls; values the Event Type Id (digits, sent as EventTypeId) or its Event Type Code (any other text, sent as EventTypeCode; Settings > Event Types > View/Edit > Codes). An event not named here is not sent.', {
      title: 'Event Types', minLength: 1, maxLength: MAX_EVENT_TYPE_CODE,
      examples: [{ 'Order Completed': '12345', 'Signed Up': 'SIGNUP' }],
    }),
    check_submissions: {
      type: 'boolean', title: 'Check Each Submission',
      description: 'Ask impact.com, a few minutes after it queued each conversion, how it processed it (GET /Advertisers/{AccountSID}/APISubmissions/{BatchId}): a conversion it found an error in (a validation or contract error) is counted as failed in processing, with impact.com\'s ErrorType in the delivery log. One more request a conversion, counted against the account\'s API rate limit (1,000 requests an hour by default).',
      default: false, examples: [true],
    },
  },
};

/**
 * The Account SID of a config, trimmed (undefined when missing).
 *
 * @example
 * accountSidOf({ account_sid: ' IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1 ' }); // 'IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1'
 */
export function accountSidOf(config: Record<string, JsonValue>): string | undefined {
  return trimmedText(config.account_sid);
}

/**
 * The `Authorization` header of a config: HTTP Basic with the Account SID as user name and the
 * Auth Token as password ("Use your AccountSID as the username and AuthToken as the password").
 *
 * @example
 * authorizationOf({ account_sid: 'IRabc', auth_token: 'tok' }); // 'Basic SVJhYmM6dG9r'
 */
export function authorizationOf(config: Record<string, JsonValue>): string {
  return `Basic ${Buffer.from(`${accountSidOf(config) ?? ''}:${trimmedText(config.auth_token) ?? ''}`, 'utf8').toString('base64')}`;
}

/** The Event Type of an event: its Id (`EventTypeId`) or its Code (`EventTypeCode`). */
export type EventType = { EventTypeId: string } | { EventTypeCode: string };

/**
 * A config or mapped value as an Event Type: digits (above 0) are an Event Type Id, other text
 * (trimmed, up to 128 characters) an Event Type Code; anything else none.
 *
 * @example
 * eventTypeOf('12345'); // { EventTypeId: '12345' }
 * eventTypeOf('SALE');  // { EventTypeCode: 'SALE' }
 */
export function eventTypeOf(value: JsonValue | undefined): EventType | undefined {
  const written = typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? String(value) : trimmedText(value);
  if (written === undefined) return undefined;
  if (EVENT_TYPE_ID.test(written)) return Number(written) > 0 ? { EventTypeId: written } : undefined;
  return written.length <= MAX_EVENT_TYPE_CODE ? { EventTypeCode: written } : undefined;
}

/**
 * The Event Type the config names for an event (a track event by its name, a page call by
 * `page:<name>` then `page`), or undefined: such an event is no impact.com conversion.
 *
 * @example
 * eventTypeFor(orderCompleted, { event_types: { 'Order Completed': '12345' } }); // { EventTypeId: '12345' }
 */
export function eventTypeFor(event: CanonicalEvent, config: Record<string, JsonValue>): EventType | undefined {
  return eventTypeOf(eventMapName(event, config.event_types));
}

/**
 * Whether the config asks for each submission's processing report.
 *
 * @example
 * checksSubmissions({ check_submissions: true }); // true
 */
export function checksSubmissions(config: Record<string, JsonValue>): boolean {
  return config.check_submissions === true;
}

/**
 * Config problems the schema cannot see, each naming its field: an Account SID with white space
 * or other characters in it, an Auth Token pasted with `Basic ` or white space, or equal to the
 * Account SID; no event named; an event name that can never match (empty, padded, a `page:` key
 * written otherwise); an Event Type that is neither an Id nor a Code.
 *
 * @example
 * validateImpactConfig({ account_sid: 'IRabc', auth_token: 't', campaign_id: 1000, event_types: {} });
 * // [{ field: 'event_types', message: 'name at least one Signal event and the impact.com Event Type it is reported as, e.g. {"Order Completed": "12345"} …' }]
 */
export function validateImpactConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const sid = typeof config.account_sid === 'string' ? config.account_sid.trim() : undefined;
  if (sid !== undefined && sid !== '' && !ACCOUNT_SID.test(sid)) {
    problems.push({ field: 'account_sid', message: `is ${JSON.stringify(config.account_sid)}: an Account SID is letters and digits only, as impact.com shows it under Settings > API (e.g. IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1)` });
  }
  const token = typeof config.auth_token === 'string' ? config.auth_token : undefined;
  if (token !== undefined && token.trim() !== '') {
    if (/^basic\s/i.test(token.trim())) problems.push({ field: 'auth_token', message: 'starts with "Basic ": give the Auth Token alone, Signal builds the HTTP Basic header with the Account SID' });
    else if (/\s/.test(token.trim())) problems.push({ field: 'auth_token', message: 'holds white space (copied with a line break or a space?): give the Auth Token alone, as impact.com showed it' });
    else if (sid !== undefined && token.trim() === sid) problems.push({ field: 'auth_token', message: 'is the Account SID again: the Auth Token is the second value impact.com shows under Settings > API' });
  }
  const types = config.event_types;
  if (types !== null && typeof types === 'object' && !Array.isArray(types)) {
    const entries = Object.entries(eventMapOf(types));
    if (entries.length === 0) {
      problems.push({ field: 'event_types', message: 'name at least one Signal event and the impact.com Event Type it is reported as, e.g. {"Order Completed": "12345"} (Settings > Event Types: the Event Type\'s Id, or its Code)' });
    }
    problems.push(...eventMapKeyProblems(types, 'event_types'));
    for (const [key, value] of entries) {
      if (typeof value === 'string' && value.trim() !== '' && eventTypeOf(value) === undefined) {
        problems.push({ field: 'event_types', message: `gives ${JSON.stringify(value)} for "${key.trim()}": an Event Type is its Id (digits above 0, e.g. 12345) or its Code (text, e.g. SALE), as impact.com shows them under Settings > Event Types` });
      }
    }
  }
  return problems;
}
