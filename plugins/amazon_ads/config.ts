// The integration's config: the Login with Amazon app's credentials (client id and secret, the
// refresh token of the user who authorised Signal), the Amazon Ads account the events belong to
// and its region, where the events happen, the dataset, which Amazon conversion type each Signal
// event counts as; with the problems a JSON Schema cannot see, each naming its field.
import { eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';
import { isAmazonCountry } from './country-code.ts';

/** The Amazon Ads API's regional hosts: an advertiser's account lives in one of them. */
export const REGION_HOSTS = {
  NA: 'https://advertising-api.amazon.com',
  EU: 'https://advertising-api-eu.amazon.com',
  FE: 'https://advertising-api-fe.amazon.com',
} as const;
export type Region = keyof typeof REGION_HOSTS;

/** Amazon's conversion types (`eventDescription.conversionType`). */
export const CONVERSION_TYPES = [
  'ADD_TO_SHOPPING_CART', 'APPLICATION', 'CHECKOUT', 'CONTACT', 'LEAD', 'OFF_AMAZON_PURCHASES',
  'MOBILE_APP_FIRST_START', 'PAGE_VIEW', 'SEARCH', 'SIGN_UP', 'SUBSCRIBE', 'OTHER',
] as const;
export const CONVERSION_TYPE_SET: ReadonlySet<string> = new Set(CONVERSION_TYPES);

/** Where events happen (`eventDescription.eventSource`), as the Events API lists them. */
export const EVENT_SOURCES = ['WEBSITE', 'ANDROID', 'IOS', 'FIRE_TV', 'OFFLINE', 'MEASUREMENT_ATTRIBUTION_PARTNER'] as const;
export const EVENT_SOURCE_SET: ReadonlySet<string> = new Set(EVENT_SOURCES);

/** A dataset name as Amazon's Events API samples validate it: a letter first, then letters, digits, _ and -. */
const DATA_SET_NAME = '^[A-Za-z][A-Za-z0-9_-]{0,99}$';

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['client_id', 'client_secret', 'refresh_token', 'account_id'],
  properties: {
    region: {
      type: 'string', title: 'Region',
      description: 'The Amazon Ads API region of the advertiser\'s account: NA (North America, advertising-api.amazon.com), EU (Europe, Middle East, India, advertising-api-eu.amazon.com) or FE (Japan, Australia, Singapore, advertising-api-fe.amazon.com).',
      enum: ['NA', 'EU', 'FE'], enumLabels: ['North America', 'Europe', 'Far East'], default: 'NA', examples: ['NA'],
    },
    client_id: {
      type: 'string', title: 'Client ID',
      description: 'The client id of your Login with Amazon security profile that has Amazon Ads API access (amzn1.application-oa2-client.…).',
      minLength: 8, examples: ['amzn1.application-oa2-client.0123456789abcdef0123456789abcdef'],
    },
    client_secret: {
      type: 'string', title: 'Client Secret',
      description: 'The security profile\'s client secret (amzn1.oa2-cs.v1.…).',
      secret: true, minLength: 8, examples: ['amzn1.oa2-cs.v1.0123456789abcdef0123456789abcdef'],
    },
    refresh_token: {
      type: 'string', title: 'Refresh Token',
      description: 'The refresh token (Atzr|…) Login with Amazon gave when a user with Events Manager edit access to the advertiser authorised the app (scope advertising::campaign_management). Signal exchanges it for hour-long access tokens.',
      secret: true, minLength: 8, examples: ['Atzr|IwEBIExampleRefreshToken0123456789'],
    },
    account_id: {
      type: 'string', title: 'Advertiser Account ID',
      description: 'The Amazon Ads account the events belong to, sent as the Amazon-Ads-AccountId header: the advertiser account id (e.g. amzn1.ads-account.g.…) or the Amazon DSP advertiser id, as the Advertising Accounts API lists it.',
      pattern: '^[A-Za-z0-9._-]{1,128}$', examples: ['amzn1.ads-account.g.3f1e2d3c4b5a69788796a5b4c3d2e1f0'],
    },
    data_set_name: {
      type: 'string', title: 'Dataset Name',
      description: 'The Ads Data Manager dataset the events are grouped in (a letter first, then letters, digits, _ and -). Optional.',
      pattern: DATA_SET_NAME, examples: ['signal_web_events'],
    },
    event_source: {
      type: 'string', title: 'Event Source',
      description: 'Where the events happen (eventSource), unless the blueprint maps it: auto (app events by their OS as IOS or ANDROID, others WEBSITE), WEBSITE, ANDROID, IOS, FIRE_TV, OFFLINE (store sales, call centres) or MEASUREMENT_ATTRIBUTION_PARTNER (events a measurement partner relays).',
      enum: ['auto', ...EVENT_SOURCES], default: 'auto', examples: ['auto'],
    },
    conversion_types: eventNamesSchema('The Amazon conversion type each Signal event is sent as, overriding the blueprint\'s: keys are track event names (Demo Requested), or page / page:<name> for page calls; values ADD_TO_SHOPPING_CART, APPLICATION, CHECKOUT, CONTACT, LEAD, OFF_AMAZON_PURCHASES, MOBILE_APP_FIRST_START, PAGE_VIEW, SEARCH, SIGN_UP, SUBSCRIBE or OTHER. A track event the blueprint does not map is sent only when it is named here.', {
      title: 'Conversion Types', minLength: 1, maxLength: 40,
      examples: [{ 'Demo Requested': 'LEAD', 'Trial Started': 'SIGN_UP' }],
    }),
    country_code: {
      type: 'string', title: 'Default Country',
      description: 'ISO 3166-1 alpha-2 code (US, GB, DE, …) of events that say no country (Amazon requires countryCode on every event): the event\'s own country — traits.address.country, context.location.country, the region of context.locale — comes first.',
      pattern: '^[A-Za-z]{2}$', examples: ['US'],
    },
    default_currency: {
      type: 'string', title: 'Default Currency',
      description: 'ISO 4217 code of purchase values mapped without a currency. Without it such a purchase is refused with the reason, not sent with a value Amazon would count in the wrong currency.',
      pattern: '^[A-Za-z]{3}$', examples: ['USD'],
    },
    default_country_calling_code: {
      type: 'string', title: 'Default Country Calling Code',
      description: 'Country calling code (digits, e.g. 1) of phone numbers written without one ((415) 555-0123). Without it such numbers are left out: their country is not guessed.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['1'],
    },
    limited_data_use: {
      type: 'boolean', title: 'Limited Data Use',
      description: 'Flags every event with the data processing option LIMITED_DATA_USE (US state privacy laws): Amazon then does not process it for advertising. Off, the events of visitors who sent Global Privacy Control are flagged still (SIGNAL_GPC=restrict, the default).',
      default: false, examples: [false],
    },
  },
};

/** The config's region, NA when unset. */
export function regionOf(config: Record<string, JsonValue>): Region {
  return config.region === 'EU' || config.region === 'FE' ? config.region : 'NA';
}

/**
 * Config problems the schema cannot see: a secret pasted with a scheme or white space, the
 * client secret given as the client id (or the other way round), an access token (Atza|…, an
 * hour's life) given as the refresh token, a conversion type Amazon does not take, a map key
 * with white space around it.
 *
 * @example
 * validateAmazonAdsConfig({ client_id: 'amzn1.application-oa2-client.1', client_secret: 'amzn1.oa2-cs.v1.2', refresh_token: 'Atza|IwEB…', account_id: 'a-1' });
 * // [{ field: 'refresh_token', message: 'is an access token (Atza|…), which lasts an hour: give the refresh token (Atzr|…) …' }]
 */
export function validateAmazonAdsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const text = (field: string) => (typeof config[field] === 'string' ? (config[field] as string) : undefined);
  for (const [field, what] of [['client_secret', 'client secret'], ['refresh_token', 'refresh token']] as const) {
    const value = text(field);
    const pasted = value === undefined ? undefined : pastedSecretProblem(field, value, what, { schemeHint: 'give it alone', spaceHint: 'as Login with Amazon gave it' });
    if (pasted) problems.push(pasted);
  }
  const clientId = text('client_id')?.trim();
  if (clientId !== undefined && /^amzn1\.oa2-cs\./.test(clientId)) {
    problems.push({ field: 'client_id', message: 'is a client secret (amzn1.oa2-cs.…): give the security profile\'s client id (amzn1.application-oa2-client.…) here and the secret in client_secret' });
  }
  const refresh = text('refresh_token')?.trim();
  if (refresh !== undefined && refresh.startsWith('Atza|')) {
    problems.push({ field: 'refresh_token', message: 'is an access token (Atza|…), which lasts an hour: give the refresh token (Atzr|…) that Login with Amazon answered with it' });
  }
  const country = text('country_code')?.toUpperCase();
  if (country !== undefined && /^[A-Z]{2}$/.test(country) && !isAmazonCountry(country)) {
    problems.push({ field: 'country_code', message: `is "${country}", no ISO 3166-1 country Amazon takes as countryCode (e.g. GB for the United Kingdom; EU is no country)` });
  }
  problems.push(...eventMapKeyProblems(config.conversion_types, 'conversion_types'));
  for (const [key, value] of Object.entries(eventMapOf(config.conversion_types))) {
    if (typeof value !== 'string' || CONVERSION_TYPE_SET.has(value.trim().toUpperCase())) continue;
    problems.push({ field: 'conversion_types', message: `gives ${JSON.stringify(value)} for "${key.trim()}": Amazon's conversion types are ${CONVERSION_TYPES.join(', ')}` });
  }
  return problems;
}
