// The integration's config: the Campaign Manager 360 user profile the API is called as, the
// Floodlight configuration the conversions belong to, the Floodlight activity of each Signal
// event, the credential (an OAuth client's refresh token, or a service account's key whose email
// is a CM360 user), the API version; and the problems of a config the JSON Schema cannot see,
// each naming its field.
import { eventMapKeyProblems, eventMapOf, eventNamesSchema, googleCredentialProblems, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The API version called unless configured: v5, the only version Google serves since v4's sunset (February 26, 2026). */
export const DEFAULT_API_VERSION = 'v5';
/** The oldest major version Google still serves: v4 was sunset on February 26, 2026 (HTTP 403, then 404). */
export const OLDEST_SERVED_MAJOR = 5;
/** `vN` or `vN.M` (v3.5 was one), as the API's path writes it. */
const VERSION = /^v([1-9][0-9]?)(?:\.([0-9]))?$/;
/** A CM360 id (user profile, Floodlight configuration, Floodlight activity): an int64, written as digits. */
const ID = /^[1-9][0-9]{0,18}$/;

/**
 * A CM360 id as the API takes it: digits (a number is read as its digits); undefined for
 * anything else.
 *
 * @example
 * idOf(' 2345678 '); // '2345678'
 * idOf(2345678);     // '2345678'
 * idOf('DC-123');    // undefined
 */
export function idOf(value: JsonValue | undefined): string | undefined {
  const written = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : trimmedText(value);
  return written !== undefined && ID.test(written) ? written : undefined;
}

/**
 * The API version of a config: its `api_version`, else v5.
 *
 * @example
 * apiVersionOf({});                  // 'v5'
 * apiVersionOf({ api_version: 'v6' }); // 'v6'
 */
export function apiVersionOf(config: Record<string, JsonValue>): string {
  return trimmedText(config.api_version) ?? DEFAULT_API_VERSION;
}

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['profile_id', 'floodlight_configuration_id', 'floodlight_activities'],
  properties: {
    profile_id: {
      type: 'string', title: 'User Profile ID',
      description: 'The Campaign Manager 360 user profile the API is called as (the {profileId} of the request): a profile of the Google account that authorised Signal, or of the service account, with access to the Floodlight configuration. CM360 shows it under the account\'s user profiles (Admin > User profiles); the API lists yours with userProfiles.list.',
      minLength: 1, examples: ['1234567'],
    },
    floodlight_configuration_id: {
      type: 'string', title: 'Floodlight Configuration ID',
      description: 'The Floodlight configuration the conversions belong to (floodlightConfigurationId): in CM360, the advertiser > Floodlight > Configuration, usually the advertiser\'s own id.',
      minLength: 1, examples: ['2345678'],
    },
    floodlight_activities: eventNamesSchema('Which Signal events are conversions, and of which Floodlight activity: the track event\'s name (or page, or page:<name> for a named page) → the activity\'s ID (digits; Floodlight > Activities). Events named nowhere are not sent.', {
      title: 'Floodlight Activities',
      examples: [{ 'Order Completed': '12345678', 'Signed Up': '12345679' }],
    }),
    client_id: {
      type: 'string', title: 'OAuth Client ID',
      description: 'With a refresh token: the client id of the OAuth client (Web application or Desktop app) of your Google Cloud project with the Campaign Manager 360 API enabled. Ends with .apps.googleusercontent.com.',
      examples: ['123456789012-abc123def456.apps.googleusercontent.com'],
    },
    client_secret: {
      type: 'string', title: 'OAuth Client Secret',
      description: 'With a refresh token: the secret of that OAuth client.',
      secret: true,
    },
    refresh_token: {
      type: 'string', title: 'Refresh Token',
      description: 'One of the two credentials: the refresh token Google gave when the Google account of the user profile authorised the OAuth client with the https://www.googleapis.com/auth/ddmconversions scope (see the plugin README). Signal exchanges it for access tokens and renews them.',
      secret: true,
    },
    service_account_key: {
      type: 'string', title: 'Service Account Key',
      description: 'The other credential: the JSON key file of a Google Cloud service account, pasted whole, whose email has a CM360 user profile (config.profile_id) in the account. Signal signs its token requests with it, for the ddmconversions scope.',
      secret: true, maxLength: 10_000,
    },
    match_id_from_user_id: {
      type: 'boolean', title: 'Match ID from the userId',
      description: 'Sends the event\'s userId as matchId when it has no click id: only when your Floodlight tags pass the same id as their match ID (the match_id parameter), so CM360 knows it. Off by default.',
      default: false,
    },
    enhanced_conversions: {
      type: 'boolean', title: 'Enhanced Conversions',
      description: 'Sends the hashed email, phone and name with address (userIdentifiers) beside the click id or match ID. Needs the Enhanced Conversions terms accepted for the Floodlight configuration. On by default; never sent when the visitor denied ad_user_data.',
      default: true,
    },
    default_country_code: {
      type: 'string', title: 'Default Country Code',
      description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: CM360 matches phones in E.164.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
    },
    currency: {
      type: 'string', title: 'Advertiser Currency',
      description: 'Optional: the currency of the Floodlight configuration\'s advertiser (ISO 4217, e.g. EUR). CM360 reads every value in that currency and takes none with the conversion: a conversion whose event names another currency is sent with value 0, saying why, rather than a value counted wrong. Without it, values are sent as they come.',
      pattern: '^[A-Za-z]{3}$', examples: ['EUR'],
    },
    child_directed_treatment: {
      type: 'boolean', title: 'Child-Directed Treatment',
      description: 'Sends childDirectedTreatment: true with every conversion, for a site directed at children under 13 (COPPA). Off by default (not sent).',
      default: false,
    },
    treatment_for_underage: {
      type: 'boolean', title: 'Treatment for Underage',
      description: 'Sends treatmentForUnderage: true with every conversion, for visitors who may be under the age of consent (16 in most of the EU, GDPR). Off by default (not sent).',
      default: false,
    },
    api_version: {
      type: 'string', title: 'API Version',
      description: `The Campaign Manager 360 API version called (vN). Google serves about three versions at once and retires each about 7 months after its successor comes (v4 on February 26, 2026). Default ${DEFAULT_API_VERSION}.`,
      default: DEFAULT_API_VERSION, examples: [DEFAULT_API_VERSION],
    },
  },
};

function idProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ids = [
    ['profile_id', 'the CM360 user profile the API is called as (Admin > User profiles, or the API\'s userProfiles.list)'],
    ['floodlight_configuration_id', 'the advertiser\'s Floodlight configuration (Floodlight > Configuration)'],
  ] as const;
  for (const [field, what] of ids) {
    const value = config[field];
    if (value !== undefined && value !== null && idOf(value) === undefined) problems.push({ field, message: `is ${JSON.stringify(value)}: a CM360 id is digits only, e.g. "2345678" (${what})` });
  }
  return problems;
}

function activityProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const field = 'floodlight_activities';
  const activities = eventMapOf(config.floodlight_activities);
  if (Object.keys(activities).length === 0) {
    return [{ field, message: 'name at least one Signal event and the Floodlight activity it counts for, e.g. {"Order Completed": "12345678"} (Floodlight > Activities: the activity\'s ID)' }];
  }
  // The keys as every event map's are checked (the SDK's); the values are Floodlight activity IDs.
  const problems = eventMapKeyProblems(config.floodlight_activities, field);
  for (const [name, id] of Object.entries(activities)) {
    if (idOf(id) === undefined) problems.push({ field, message: `gives ${JSON.stringify(id)} for "${name.trim()}": a Floodlight activity is its ID, digits only (Floodlight > Activities; the cat= string of its tag is not the ID)` });
  }
  return problems;
}

function versionProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const version = trimmedText(config.api_version);
  if (version === undefined) return [];
  const major = VERSION.exec(version)?.[1];
  if (major === undefined) return [{ field: 'api_version', message: `is ${JSON.stringify(version)}: an API version is v and its number, e.g. ${DEFAULT_API_VERSION}` }];
  if (Number(major) < OLDEST_SERVED_MAJOR) {
    return [{ field: 'api_version', message: `is ${version}, which Google no longer serves (v4 was sunset on February 26, 2026: its requests are refused with HTTP 403): use ${DEFAULT_API_VERSION} or a newer version` }];
  }
  return [];
}

/**
 * Config problems the schema cannot see, each naming its field: an id that is not digits; the
 * credential's, as every Google plugin checks it (the SDK's googleCredentialProblems: no
 * credential, or two; a refresh token without its OAuth client; a credential pasted with
 * `Bearer ` or white space; a client id that is no OAuth client id; the client secret as the
 * refresh token; a service account key that cannot be read); no Floodlight activity, an event name that can never match, an activity that
 * is no activity id; an API version Google no longer serves.
 *
 * @example
 * validateCm360Config({ profile_id: 'abc', … });
 * // [{ field: 'profile_id', message: 'is "abc": a CM360 id is digits only, e.g. "2345678" (…)' }]
 */
export function validateCm360Config(config: Record<string, JsonValue>): ConfigProblem[] {
  return [...idProblems(config), ...googleCredentialProblems(config), ...activityProblems(config), ...versionProblems(config)];
}
