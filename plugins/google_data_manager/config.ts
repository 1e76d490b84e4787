// The integration's config as the plugin reads it: the Google Ads account the conversions go
// to (and the manager account the credential reaches it through), the conversion action of each
// Signal event, the credential (an OAuth client's refresh token, or a service account's key);
// and the problems of a config the JSON Schema cannot see, each naming its field.
import { conversionActionId, eventMapKeyProblems, googleAdsCustomerId as customerIdOf, googleCredentialProblems, trimmedText, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';

// Customer ids and conversion actions are read as every Google Ads plugin reads them (the SDK's).
export { googleAdsCustomerId as customerIdOf, conversionActionFor, conversionActionId, conversionActionKeys as actionKeys } from '../../core/sdk/index.ts';

// The credential is read as every Google plugin reads it (the SDK's).
export { googleCredentialOf as credentialOf } from '../../core/sdk/index.ts';

function accountProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [field, what] of [['customer_id', 'the account that owns the conversion actions'], ['login_customer_id', 'the manager account the credential reaches it through']] as const) {
    const value = config[field];
    if (value === undefined || value === null || (field === 'login_customer_id' && trimmedText(value) === undefined)) continue;
    if (customerIdOf(value) === undefined) {
      problems.push({ field, message: `is ${JSON.stringify(value)}: a Google Ads customer id is ten digits, written 1234567890 or as Google Ads shows it, 123-456-7890 (${what}; top right of Google Ads, next to the account's name)` });
    }
  }
  const customer = customerIdOf(config.customer_id);
  if (customer !== undefined && customer === customerIdOf(config.login_customer_id)) {
    problems.push({ field: 'login_customer_id', message: 'is config.customer_id again: leave it empty when the credential is a user of the account itself, or give the manager account it reaches the account through' });
  }
  return problems;
}

function actionProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const actions = config.conversion_actions;
  if (actions === null || typeof actions !== 'object' || Array.isArray(actions) || Object.keys(actions).length === 0) {
    return [{ field: 'conversion_actions', message: 'name at least one Signal event and the Google Ads conversion action it counts for, e.g. {"Order Completed": "6543210"} (Goals > Conversions > Summary: the action, then the ctId in its address)' }];
  }
  problems.push(...eventMapKeyProblems(actions, 'conversion_actions'));
  for (const [name, id] of Object.entries(actions)) {
    if (conversionActionId(id) === undefined) problems.push({ field: 'conversion_actions', message: `gives ${JSON.stringify(id)} for "${name.trim()}": a conversion action is its id (digits, e.g. "6543210"), or its Google Ads API resource name customers/<customer id>/conversionActions/<id>` });
  }
  return problems;
}

/**
 * Config problems the schema cannot see, each naming its field: a customer id (or manager
 * account id) that is not ten digits, or a manager account that is the account itself; the
 * credential's, as every Google plugin checks it (the SDK's googleCredentialProblems: no
 * credential, or two; a refresh token without its OAuth client; a credential pasted with
 * `Bearer ` or white space; a client id that is no OAuth client id; the client secret as the
 * refresh token; a service account key that cannot be read); no conversion action, an event
 * name that can never match, an action that is not an action id.
 *
 * @example
 * validateDataManagerConfig({ customer_id: '123-456-789', … });
 * // [{ field: 'customer_id', message: 'is "123-456-789": a Google Ads customer id is ten digits, …' }]
 */
export function validateDataManagerConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  return [...accountProblems(config), ...googleCredentialProblems(config), ...actionProblems(config)];
}
