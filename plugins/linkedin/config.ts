// The integration's config as the plugin reads it: the credential (a refresh token with the
// app's client id and secret, or a pasted access token), the conversion rule of each Signal
// event, and the Marketing API version; and the problems of a config the JSON Schema cannot see.
import { eventMapKeyProblems, eventMapKeys, eventMapOf, pastedSecretProblem, type PastedSecretOptions } from '../../core/sdk/index.ts';
import type { CanonicalEvent, ConfigProblem, JsonValue } from '../../core/sdk/index.ts';

/** The Marketing API version sent as `LinkedIn-Version` unless configured: March 2026. */
export const DEFAULT_VERSION = '202603';
/** `YYYYMM`, or `YYYYMM.RR` for a revision, from June 2022 (LinkedIn's first versioned release). */
export const VERSION_PATTERN = '^20[2-9][0-9](0[1-9]|1[0-2])(\\.[0-9]{2})?$';
/** A conversion rule id as Campaign Manager shows it (a positive number), or its URN. */
export const RULE_PATTERN = '^(urn:lla:llaPartnerConversion:)?[1-9][0-9]{0,18}$';
const RULE_URN = 'urn:lla:llaPartnerConversion:';
const FIRST_VERSION = 202206;

const text = (value: JsonValue | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * The conversion rule id of a config value: digits, or `urn:lla:llaPartnerConversion:<digits>`
 * (white space around it ignored); undefined for anything else.
 *
 * @example
 * ruleId('urn:lla:llaPartnerConversion:104012'); // '104012'
 * ruleId(104012);                                 // '104012'
 */
export function ruleId(value: JsonValue | undefined): string | undefined {
  const written = typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? String(value) : typeof value === 'string' ? value.trim() : '';
  return new RegExp(RULE_PATTERN).test(written) ? written.replace(RULE_URN, '') : undefined;
}

/**
 * The conversion rule id configured for an event (`config.conversion_rules`), or undefined
 * when none is: such an event is not a LinkedIn conversion.
 *
 * @example
 * conversionRuleFor(orderCompleted, { conversion_rules: { 'Order Completed': '104012' } }); // '104012'
 */
export function conversionRuleFor(event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  const rules = eventMapOf(config.conversion_rules);
  for (const key of eventMapKeys(event)) {
    if (Object.hasOwn(rules, key)) return ruleId(rules[key]);
  }
  return undefined;
}

/**
 * Whether the config authorises through a refresh token (the core then exchanges it for access tokens).
 *
 * @example
 * usesRefreshToken({ refresh_token: 'AQW…', client_id: 'id', client_secret: 's' }); // true
 * usesRefreshToken({ access_token: 'AQV…' });                                        // false
 */
export function usesRefreshToken(config: Record<string, JsonValue>): boolean {
  return text(config.refresh_token) !== undefined;
}

/**
 * The `LinkedIn-Version` header of a config: its `linkedin_version`, else the default.
 *
 * @example
 * versionOf({ linkedin_version: ' 202607 ' }); // '202607'
 * versionOf({});                              // '202603'
 */
export function versionOf(config: Record<string, JsonValue>): string {
  return text(config.linkedin_version)?.trim() ?? DEFAULT_VERSION;
}

/** How a token pasted with more than itself is said. */
const PASTED_TOKEN: PastedSecretOptions = { schemeHint: 'Signal adds the prefix', spaceHint: 'as LinkedIn showed it' };

/**
 * Config problems the schema cannot see, each naming its field: no credential at all (a
 * `refresh_token` or an `access_token` is needed), a refresh token without the `client_id` and
 * `client_secret` of the app that issued it, a token pasted with `Bearer ` or white space, no
 * conversion rule, an event name that can never match (padded, empty, a `page:` key written
 * otherwise), a rule that is not a rule id (a placeholder, 0), a version before LinkedIn's first.
 *
 * @example
 * validateLinkedInConfig({ conversion_rules: { 'Order Completed': '104012' } });
 * // [{ field: 'refresh_token', message: 'give a refresh_token (with client_id and client_secret) or an access_token: …' }]
 */
export function validateLinkedInConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const refreshToken = text(config.refresh_token);
  const accessToken = text(config.access_token);
  if (refreshToken === undefined && accessToken === undefined) {
    problems.push({ field: 'refresh_token', message: 'give a refresh_token (with client_id and client_secret: Signal renews access tokens itself) or an access_token (valid 60 days, then replaced by hand): there is neither' });
  }
  if (refreshToken !== undefined) {
    for (const field of ['client_id', 'client_secret'] as const) {
      if (text(config[field]) === undefined) problems.push({ field, message: `is needed with a refresh_token: the ${field === 'client_id' ? 'Client ID' : 'Primary Client Secret'} of the LinkedIn app that issued it (Developer Portal > My apps > Auth)` });
    }
    const problem = pastedSecretProblem('refresh_token', refreshToken, 'refresh token', PASTED_TOKEN);
    if (problem) problems.push(problem);
    if (accessToken !== undefined && refreshToken.trim() === accessToken.trim()) {
      problems.push({ field: 'refresh_token', message: 'is the access token again: the refresh token is the refresh_token of the token answer, not its access_token' });
    }
  }
  if (accessToken !== undefined) {
    const problem = pastedSecretProblem('access_token', accessToken, 'access token', PASTED_TOKEN);
    if (problem) problems.push(problem);
  }
  const clientId = text(config.client_id);
  if (clientId !== undefined && /\s/.test(clientId.trim())) problems.push({ field: 'client_id', message: 'holds white space: give the Client ID alone' });

  const rules = config.conversion_rules;
  if (rules === null || typeof rules !== 'object' || Array.isArray(rules) || Object.keys(rules).length === 0) {
    problems.push({ field: 'conversion_rules', message: 'name at least one Signal event and the LinkedIn conversion rule it counts for, e.g. {"Order Completed": "104012"} (Campaign Manager > Analyze > Conversion tracking: the rule\'s ID)' });
  } else {
    problems.push(...eventMapKeyProblems(rules, 'conversion_rules'));
    for (const [name, id] of Object.entries(rules)) {
      if (ruleId(id) === undefined) problems.push({ field: 'conversion_rules', message: `gives ${JSON.stringify(id)} for "${name.trim()}": a conversion rule id is its digits as Campaign Manager shows them (104012) or urn:lla:llaPartnerConversion:104012` });
    }
  }
  const version = text(config.linkedin_version);
  if (version !== undefined && (!new RegExp(VERSION_PATTERN).test(version.trim()) || Number(version.trim().slice(0, 6)) < FIRST_VERSION)) {
    problems.push({ field: 'linkedin_version', message: `is ${JSON.stringify(version)}: a Marketing API version is YYYYMM (e.g. ${DEFAULT_VERSION}), one LinkedIn still serves (each is served for at least a year)` });
  }
  return problems;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** How long before a version's expected end the warning starts. */
const VERSION_WARNING_MS = 60 * 86_400_000;

/**
 * Advice about the config as of `now`: the Marketing API version when its year is nearly up.
 * LinkedIn serves each monthly version for about a year from its month (202510 was sunset on
 * October 15, 2026, 202511 on November 16), then answers 426 and every conversion is
 * dead-lettered. Warns from 60 days before the middle of the month a year on; the default
 * version too, since an install that never set one ends with it.
 *
 * @example
 * linkedInConfigWarnings({}, Date.UTC(2027, 1, 1));
 * // [{ field: 'linkedin_version', message: 'is 202603 (the default), which LinkedIn can be expected to stop serving in March 2027 …' }]
 */
export function linkedInConfigWarnings(config: Record<string, JsonValue>, now: number): ConfigProblem[] {
  const version = versionOf(config);
  if (!new RegExp(VERSION_PATTERN).test(version)) return []; // validateConfig's to say
  const year = Number(version.slice(0, 4));
  const month = Number(version.slice(4, 6)) - 1;
  const ends = Date.UTC(year + 1, month, 15);
  if (now < ends - VERSION_WARNING_MS) return [];
  const which = text(config.linkedin_version) === undefined ? `${version} (the default, as no linkedin_version is set)` : version;
  const when = `${MONTHS[month]} ${year + 1}`;
  const fix = 'set linkedin_version to a newer version in a new revision (LinkedIn\'s Marketing API versioning page lists them; check the plugin README for the request shape), or update Signal for a newer default';
  return [{
    field: 'linkedin_version',
    message: now < ends
      ? `is ${which}, which LinkedIn can be expected to stop serving in ${when} (each version is served about a year); then it answers 426 and every conversion is dead-lettered: ${fix}`
      : `is ${which}, which LinkedIn has probably stopped serving since about ${when} (each version is served about a year): its answer is 426 and every conversion is dead-lettered: ${fix}`,
  }];
}
