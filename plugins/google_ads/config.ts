// The integration's config as the plugin reads it: the Google Ads account (customer id, and the
// manager account it is reached through), the OAuth 2.0 credential, the conversion action of each
// Signal event, the API version; and the problems of a config the JSON Schema cannot see.
import { conversionActionId, eventMapKeyProblems, googleAdsCustomerId as customerIdOf, googleCredentialProblems, pastedSecretProblem, trimmedText, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';

/**
 * The Google Ads API version the plugin calls unless configured: v26, released October 2026,
 * projected to be served until about November 2027 (Google's release schedule for 2026).
 */
export const DEFAULT_API_VERSION = 'v26';
/** The oldest version Google still served when this plugin was written: v22 was sunset on October 7, 2026. */
export const OLDEST_SERVED_VERSION = 23;
/** `vNN`: a major version (minor versions are not called separately: a call to v25 reaches v25's latest minor). */
export const VERSION_PATTERN = '^v[1-9][0-9]?$';
// Customer ids and conversion actions are read as every Google Ads plugin reads them (the SDK's).
export { googleAdsCustomerId as customerIdOf, conversionActionFor, conversionActionId, conversionActionKeys as actionKeys } from '../../core/sdk/index.ts';

/**
 * The API version of a config (`vNN`): its `api_version`, else the default.
 *
 * @example
 * apiVersionOf({ api_version: ' v25 ' }); // 'v25'
 * apiVersionOf({});                       // 'v26'
 */
export function apiVersionOf(config: Record<string, JsonValue>): string {
  return trimmedText(config.api_version) ?? DEFAULT_API_VERSION;
}

/**
 * Config problems the schema cannot see, each naming its field: a customer id that is not ten
 * digits (dashes allowed, as Google Ads shows it), a manager account id the same as none, the
 * credential's (the SDK's googleCredentialProblems: a refresh token or client secret pasted with
 * `Bearer ` or white space, a client id that is no OAuth client id, the client secret as the
 * refresh token), a developer token pasted with `Bearer ` or white space, no
 * conversion action, an event name that can never match, an action that is not an action id, a
 * version Google no longer serves.
 *
 * @example
 * validateGoogleAdsConfig({ customer_id: '123-456-789', … });
 * // [{ field: 'customer_id', message: 'is "123-456-789": a Google Ads customer id is ten digits, …' }]
 */
export function validateGoogleAdsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [field, what] of [['customer_id', 'the Google Ads account the conversion actions belong to'], ['login_customer_id', 'the manager account Signal reaches that account through']] as const) {
    const value = config[field];
    if (value === undefined || value === null || (field === 'login_customer_id' && trimmedText(value) === undefined)) continue;
    if (customerIdOf(value) === undefined) {
      problems.push({ field, message: `is ${JSON.stringify(value)}: a Google Ads customer id is ten digits, written 1234567890 or as Google Ads shows it, 123-456-7890 (${what}; top right of Google Ads, next to the account's name)` });
    }
  }
  // The OAuth client and its refresh token, as every Google plugin checks them (the SDK's); the legacy developer token pasted alone.
  problems.push(...googleCredentialProblems(config, { serviceAccount: false }));
  const developerToken = trimmedText(config.developer_token);
  const pasted = developerToken === undefined ? undefined : pastedSecretProblem('developer_token', developerToken, 'developer token');
  if (pasted) problems.push(pasted);

  const actions = config.conversion_actions;
  if (actions === null || typeof actions !== 'object' || Array.isArray(actions) || Object.keys(actions).length === 0) {
    problems.push({ field: 'conversion_actions', message: 'name at least one Signal event and the Google Ads conversion action it counts for, e.g. {"Order Completed": "6543210"} (Goals > Conversions > Summary: the action, then the ctId in its address)' });
  } else {
    problems.push(...eventMapKeyProblems(actions, 'conversion_actions'));
    for (const [name, id] of Object.entries(actions)) {
      if (conversionActionId(id) === undefined) problems.push({ field: 'conversion_actions', message: `gives ${JSON.stringify(id)} for "${name.trim()}": a conversion action is its id (digits, e.g. "6543210") or its resource name customers/<customer id>/conversionActions/<id>` });
    }
  }

  const version = trimmedText(config.api_version);
  if (version !== undefined) {
    const major = /^v([1-9][0-9]?)$/.exec(version)?.[1];
    if (major === undefined) {
      problems.push({ field: 'api_version', message: `is ${JSON.stringify(version)}: a Google Ads API version is v and its major number, e.g. ${DEFAULT_API_VERSION}` });
    } else if (Number(major) < OLDEST_SERVED_VERSION) {
      problems.push({ field: 'api_version', message: `is ${version}, which Google no longer serves (v22 was sunset on October 7, 2026; each major version is served about a year): use ${DEFAULT_API_VERSION} or a newer one` });
    }
  }
  return problems;
}

/** When v26, the default, can be expected to go (Google's projected schedule: November 2027). */
const DEFAULT_VERSION_ENDS = Date.UTC(2027, 10, 1);
const VERSION_WARNING_MS = 60 * 86_400_000;

/**
 * Advice about the config as of `now`: an API version older than the default goes before it
 * (Google serves each major version about a year and retires them in order: v20 on June 10,
 * v21 on August 5, v22 on October 7, 2026), and the default itself from 60 days before its
 * projected end. Then Google answers `UNSUPPORTED_VERSION` and every conversion is dead-lettered.
 *
 * @example
 * googleAdsConfigWarnings({ api_version: 'v24' }, Date.now());
 * // [{ field: 'api_version', message: 'is v24, older than v26: Google retires versions in order …' }]
 */
export function googleAdsConfigWarnings(config: Record<string, JsonValue>, now: number): ConfigProblem[] {
  const version = apiVersionOf(config);
  const major = Number(/^v([1-9][0-9]?)$/.exec(version)?.[1]);
  const defaultMajor = Number(DEFAULT_API_VERSION.slice(1));
  if (!Number.isInteger(major)) return []; // validateConfig's to say
  if (major < defaultMajor) {
    return [{ field: 'api_version', message: `is ${version}, older than ${DEFAULT_API_VERSION}: Google serves each major version about a year and retires them in order (v22 on October 7, 2026), so ${version} goes before ${DEFAULT_API_VERSION}, which is projected to be served until about November 2027; then Google answers UNSUPPORTED_VERSION and every conversion is dead-lettered: set api_version to ${DEFAULT_API_VERSION} or newer in a new revision` }];
  }
  if (major === defaultMajor && now >= DEFAULT_VERSION_ENDS - VERSION_WARNING_MS) {
    const which = trimmedText(config.api_version) === undefined ? `${version} (the default, as no api_version is set)` : version;
    return [{ field: 'api_version', message: `is ${which}, which Google's schedule projected to be retired in about November 2027; then Google answers UNSUPPORTED_VERSION and every conversion is dead-lettered: set api_version to a newer version in a new revision (the Google Ads API release notes list them), or update Signal for a newer default` }];
  }
  return [];
}
