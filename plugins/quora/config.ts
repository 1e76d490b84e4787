// The integration's config: the Conversion API access token and the Quora Ads account it belongs
// to, the account's currency (Quora takes a value without one), and which Quora event each Signal
// event counts as; with the problems a JSON Schema cannot see, each naming its field.
import { eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/**
 * Quora's event names (`conversion.event_name`): the ten of its Conversion API's schema, and
 * ViewContent, which Quora's own server-side tag (github.com/quora/quora-capi-tag) offers and
 * sends for product views. No blueprint event is sent as ViewContent: a config names it.
 */
export const EVENT_NAMES = ['Generic', 'AppInstall', 'Purchase', 'GenerateLead', 'CompleteRegistration', 'AddPaymentInfo', 'AddToCart', 'AddToWishlist', 'InitiateCheckout', 'Search', 'ViewContent'] as const;
export const EVENT_NAME_SET: ReadonlySet<string> = new Set(EVENT_NAMES);
/** A Quora Ads account id: digits (Quora's ids are integers, e.g. 527745581653587). */
const ACCOUNT_ID = '^[1-9][0-9]{0,15}$';

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['access_token', 'account_id'],
  properties: {
    access_token: {
      type: 'string', title: 'Access Token',
      description: 'The Conversion API access token of the Quora Ads account: Quora Ads Manager > Conversion API > Generate Token.',
      secret: true, minLength: 8, examples: ['qcapi-0123456789abcdef…'],
    },
    account_id: {
      type: 'string', title: 'Ads Account ID',
      description: 'The id of the Quora Ads account the token was generated in (digits; shown in Ads Manager\'s URL and account menu). Sent as account_id with every conversion.',
      pattern: ACCOUNT_ID, examples: ['527745581653587'],
    },
    account_currency: {
      type: 'string', title: 'Account Currency',
      description: 'ISO 4217 code of the Quora Ads account\'s currency. Quora takes a conversion value without a currency: with this set, a value in another currency is left out (warned) rather than counted wrong; without it every value is sent as it is.',
      pattern: '^[A-Za-z]{3}$', examples: ['USD'],
    },
    event_names: eventNamesSchema('The Quora event each Signal event is sent as, overriding the blueprint\'s: keys are track event names (Demo Requested), or page / page:<name> for page calls; values Generic, AppInstall, Purchase, GenerateLead, CompleteRegistration, AddPaymentInfo, AddToCart, AddToWishlist, InitiateCheckout, Search or ViewContent (e.g. {"Product Viewed": "ViewContent"}). A track event the blueprint does not map, and every page call, is sent only when it is named here.', {
      title: 'Quora Event Names', minLength: 1, maxLength: 40,
      examples: [{ 'Demo Requested': 'GenerateLead', page: 'Generic' }],
    }),
  },
};

/**
 * Config problems the schema cannot see: a token pasted with its `Bearer ` prefix or white space
 * (Quora would refuse every request), the account id given as the token, an account id beyond
 * what a JSON number holds exactly, an event name Quora does not take, a name key with white
 * space around it.
 *
 * @example
 * validateQuoraConfig({ access_token: 'Bearer abcdefgh', account_id: '527745581653587' });
 * // [{ field: 'access_token', message: 'starts with "Bearer ": give the access token alone, Signal adds the prefix' }]
 * validateQuoraConfig({ access_token: 'abcdefgh', account_id: '1', event_names: { 'Demo Requested': 'Lead' } });
 * // [{ field: 'event_names', message: 'gives "Lead" for "Demo Requested": Quora takes Generic, AppInstall, …' }]
 */
export function validateQuoraConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = typeof config.access_token === 'string' ? config.access_token : undefined;
  const account = typeof config.account_id === 'string' ? config.account_id.trim() : undefined;
  if (token !== undefined) {
    const pasted = pastedSecretProblem('access_token', token, 'access token', { schemeHint: 'Signal adds the prefix', spaceHint: 'as Ads Manager shows it' });
    if (pasted) problems.push(pasted);
    if (account !== undefined && token.trim() === account) {
      problems.push({ field: 'access_token', message: 'is the account id again: generate an access token in Quora Ads Manager (Conversion API > Generate Token)' });
    }
  }
  // Quora's account_id is a JSON number: past 2^53 it would not arrive as written.
  if (account !== undefined && /^\d+$/.test(account) && !Number.isSafeInteger(Number(account))) {
    problems.push({ field: 'account_id', message: `${account} is larger than a JSON number holds exactly (9007199254740991): check the id in Quora Ads Manager` });
  }
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [key, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value !== 'string' || EVENT_NAME_SET.has(value.trim())) continue;
    problems.push({ field: 'event_names', message: `gives ${JSON.stringify(value)} for "${key.trim()}": Quora takes ${EVENT_NAMES.join(', ')} (as written)` });
  }
  return problems;
}
