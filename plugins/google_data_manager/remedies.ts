// What to fix for the Data Manager API's refusals whose cause is in the config, in Google Ads
// or in Google Cloud, by the reason Google gives (ErrorInfo's `reason`, a field violation's
// `reason`): the ErrorReason enum of google.ads.datamanager.v1, and Google's own reasons for
// a disabled API or a token without the scope.
import type { JsonValue } from '../../core/sdk/index.ts';
import { credentialOf, customerIdOf } from './config.ts';

/** Reasons about a destination (the account or the conversion action): the events of that destination fail, whatever they hold. */
export const DESTINATION_REASONS: ReadonlySet<string> = new Set([
  'INVALID_CONVERSION_ACTION_ID', 'INVALID_CONVERSION_ACTION_TYPE', 'INVALID_DESTINATION', 'DESTINATION_ACCOUNT_TYPE_MISMATCH',
  'OPERATING_ACCOUNT_LOGIN_ACCOUNT_MISMATCH', 'PERMISSION_DENIED', 'NOT_ALLOWLISTED', 'TERMS_AND_CONDITIONS_NOT_SIGNED',
  'DESTINATION_ACCOUNT_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS', 'DESTINATION_ACCOUNT_ENHANCED_CONVERSIONS_TERMS_NOT_SIGNED',
  'DESTINATION_ACCOUNT_DATA_POLICY_PROHIBITS_ENHANCED_CONVERSIONS', 'EU_POLITICAL_ADVERTISING_DECLARATION_REQUIRED', 'NOT_FOUND',
]);

/** Reasons about one event's data: Google blames an event, even when it does not say which. */
export const EVENT_REASONS: ReadonlySet<string> = new Set([
  'INVALID_EVENT', 'NO_IDENTIFIERS_PROVIDED', 'EVENT_TIME_INVALID', 'INVALID_CURRENCY_CODE', 'INVALID_FORMAT', 'INVALID_HEX_ENCODING',
  'INVALID_BASE64_ENCODING', 'INVALID_SHA256_FORMAT', 'INVALID_POSTAL_CODE', 'INVALID_COUNTRY_CODE', 'INVALID_NUMBER_FORMAT',
  'REQUIRED_FIELD_MISSING', 'FIELD_VALUE_TOO_LONG', 'FIELD_VALUE_TOO_SHORT', 'TOO_MANY_USER_IDENTIFIERS', 'INVALID_ENUM_VALUE',
  'EVENT_SOURCE_AND_DESTINATION_MISMATCH', 'CUSTOM_VARIABLE_VALUE_CONTAINS_PII', 'INVALID_CUSTOM_VARIABLE_VALUE',
]);

/** Reasons a smaller request cures. */
export const TOO_MANY_REASONS: ReadonlySet<string> = new Set(['TOO_MANY_EVENTS', 'TOO_MANY_DESTINATIONS', 'TOO_MANY_ELEMENTS']);

/** Passing failures of Google's own. */
export const TRANSIENT_REASONS: ReadonlySet<string> = new Set(['INTERNAL_ERROR', 'DEADLINE_EXCEEDED']);

const ENHANCED_OFF = 'or set config.enhanced_conversions to false (the email, phone and address are then not sent)';

/** The credential's holder, as a remedy names it. */
function holderOf(config: Record<string, JsonValue>): string {
  return credentialOf(config) === 'service_account' ? 'the service account (its client_email in config.service_account_key)' : 'the Google account that authorised Signal (config.refresh_token)';
}

/**
 * What to do about a reason, naming the config field or the place in Google Ads or Google
 * Cloud; undefined for a reason without a known remedy.
 *
 * @example
 * remedyFor('INVALID_CONVERSION_ACTION_TYPE', config); // 'offline conversions go to conversion actions of type Import > Clicks (UPLOAD_CLICKS), …'
 */
export function remedyFor(reason: string, config: Record<string, JsonValue>): string | undefined {
  const customer = customerIdOf(config.customer_id) ?? String(config.customer_id);
  const login = customerIdOf(config.login_customer_id);
  switch (reason) {
    case 'INVALID_CONVERSION_ACTION_ID':
      return `config.conversion_actions names a conversion action that is not one of Google Ads account ${customer} (Goals > Conversions > Summary: the action's ID, the ctId in its address), or is removed`;
    case 'INVALID_CONVERSION_ACTION_TYPE':
      return 'offline conversions go to conversion actions of type Import > Clicks (UPLOAD_CLICKS: "Website (click-through conversions import)"), and tag conversions sent as an additional data source to Website actions (WEBPAGE): create or pick an action of that type and name it in config.conversion_actions';
    case 'INVALID_DESTINATION':
    case 'DESTINATION_ACCOUNT_TYPE_MISMATCH':
    case 'NOT_FOUND':
      return `check config.customer_id (${customer}: the Google Ads account that owns the conversion actions, ten digits) and the action ids in config.conversion_actions`;
    case 'OPERATING_ACCOUNT_LOGIN_ACCOUNT_MISMATCH':
      return 'config.login_customer_id is not an account the conversions may be sent through for config.customer_id: set it to the manager account that manages config.customer_id, or leave it empty when the credential is a user of the account itself';
    case 'PERMISSION_DENIED':
      return login === undefined
        ? `${holderOf(config)} has no access to Google Ads account ${customer}: add its email as a user of the account (Admin > Access and security), or, if it reaches the account through a manager account, set config.login_customer_id to that manager's id`
        : `${holderOf(config)} has no access to Google Ads account ${customer} through manager account ${login}: add its email as a user of the manager account, and check that ${customer} is linked under it`;
    case 'NOT_ALLOWLISTED':
      return 'the account is not on the allowlist this use of the Data Manager API needs (Google allowlists some destinations and features, e.g. Google Analytics properties): ask your Google representative';
    case 'TERMS_AND_CONDITIONS_NOT_SIGNED':
    case 'DESTINATION_ACCOUNT_ENHANCED_CONVERSIONS_TERMS_NOT_SIGNED':
      return `accept the customer data terms in Google Ads account ${customer} (Goals > Settings > Enhanced conversions, or the customer data terms under Admin), ${ENHANCED_OFF}`;
    case 'DESTINATION_ACCOUNT_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS':
      return `turn on enhanced conversions for leads in Google Ads account ${customer} (Goals > Settings > Enhanced conversions for leads), ${ENHANCED_OFF}`;
    case 'DESTINATION_ACCOUNT_DATA_POLICY_PROHIBITS_ENHANCED_CONVERSIONS':
      return `Google's customer data policies bar enhanced conversions for account ${customer}: ask your Google representative, ${ENHANCED_OFF}`;
    case 'EU_POLITICAL_ADVERTISING_DECLARATION_REQUIRED':
      return `Google Ads account ${customer} has campaigns without the EU political advertising declaration: make it in Google Ads (Admin > Account settings)`;
    case 'SERVICE_DISABLED':
      return 'the Data Manager API is not enabled in the Google Cloud project of the credential (the OAuth client\'s, or the service account\'s): enable it (APIs & Services > Library > Data Manager API), wait a few minutes';
    case 'ACCESS_TOKEN_SCOPE_INSUFFICIENT':
      return credentialOf(config) === 'service_account'
        ? 'the service account\'s token lacks the scope https://www.googleapis.com/auth/datamanager: check that the Data Manager API is enabled in its project'
        : 'the refresh token was authorised without the scope https://www.googleapis.com/auth/datamanager (a refresh token made for the Google Ads API carries only …/auth/adwords): authorise Signal again asking for the datamanager scope (see the plugin README) and store the new refresh token in config.refresh_token';
    case 'NO_IDENTIFIERS_PROVIDED':
      return 'the event has neither a click id nor a user identifier Google could read';
    case 'EVENT_TIME_INVALID':
      return 'the event\'s time is outside the window Google takes (in the future, or older than the conversion action\'s click-through window)';
    case 'INVALID_CURRENCY_CODE':
      return 'the currency is not one Google Ads supports (an ISO 4217 code)';
    default:
      return undefined;
  }
}
