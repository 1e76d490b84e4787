// The Yahoo DSP integration's settings: the DSP API credentials Signal exchanges for access
// tokens (client id and secret), the CAPI pixel the events are posted to and which of Yahoo's two
// endpoints takes them, where the events happen, which Yahoo event name each Signal event is sent
// as, and how phone numbers are read; with the problems a JSON Schema cannot see, each naming
// its field.
import { eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Where a conversion happened (`actionSource`), as Yahoo's CAPI lists them. */
export const ACTION_SOURCES = ['web', 'app', 'phone', 'email', 'physical_store'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

/** Yahoo's two CAPI hosts: batch (the default, processed once a day) and streaming (several times a day). */
export const ENDPOINT_HOSTS = {
  batch: 'https://batch.datax.yahoo.com',
  streaming: 'https://streaming.datax.yahoo.com',
} as const;
export type Endpoint = keyof typeof ENDPOINT_HOSTS;

/** Signal's cap on an event name: Yahoo documents none; its DSP rules match the name as text. */
export const MAX_EVENT_NAME_CHARS = 100;

export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['client_id', 'client_secret', 'pixel_id'],
  properties: {
    client_id: {
      type: 'string', title: 'Client ID',
      description: 'The Yahoo DSP API client id (DSP UI → your name → My Account → Activate, or the encrypted credentials file Yahoo sends for CAPI). Signal signs a token request with it and the secret.',
      minLength: 4, examples: ['197031e8-1546-410f-84e3-cd6c38dbcec0'],
    },
    client_secret: {
      type: 'string', title: 'Client Secret',
      description: 'The client secret issued with the client id (shown once). It signs the HS256 client assertion of each token request and never leaves Signal.',
      secret: true, minLength: 8,
    },
    pixel_id: {
      type: 'string', title: 'Pixel ID',
      description: 'The CAPI pixel (yp ID) created for this integration under your Advertiser → Tracking → Create New → Pixel, and allow-listed by Yahoo for your credentials. Not the pixel your site\'s Yahoo Dot tag fires: the same conversions would be counted twice.',
      pattern: '^[0-9]{1,20}$', examples: ['10012345'],
    },
    endpoint: {
      type: 'string', title: 'Endpoint',
      description: 'batch (batch.datax.yahoo.com, Yahoo\'s default: the events are processed once a day) or streaming (streaming.datax.yahoo.com: processed several times a day).',
      enum: ['batch', 'streaming'], enumLabels: ['Batch (once a day)', 'Streaming (several times a day)'], default: 'batch',
    },
    action_source: {
      type: 'string', title: 'Action Source',
      description: 'Where the conversions happen (actionSource), unless the blueprint maps it: auto (events from an app, with context.app, as app, others web), web, app, phone, email or physical_store.',
      enum: ['auto', ...ACTION_SOURCES], default: 'auto',
    },
    event_names: eventNamesSchema('The Yahoo event name (eventName, matched by your DSP conversion rules) each Signal event is sent as, overriding the blueprint\'s: keys are track event names (Demo Requested), or page / page:<name> for page calls. A track event the blueprint does not map is sent only when it is named here.', {
      title: 'Event Names', minLength: 1, maxLength: MAX_EVENT_NAME_CHARS,
      examples: [{ 'Demo Requested': 'lead', 'Trial Started': 'sign_up' }],
    }),
    default_country_calling_code: {
      type: 'string', title: 'Default Country Calling Code',
      description: 'Country calling code (digits, e.g. 1) of phone numbers written without one ((415) 555-0123). Without it such numbers are left out: their country is not guessed.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['1'],
    },
  },
};

/** The config's endpoint, batch when unset. */
export function endpointOf(config: Record<string, JsonValue>): Endpoint {
  return config.endpoint === 'streaming' ? 'streaming' : 'batch';
}

/**
 * Config problems the schema cannot see: a secret pasted with a scheme or white space, the
 * secret given as the client id too, a map key with white space around it, an event name
 * that is blank or too long.
 *
 * @example
 * validateYahooCapiConfig({ client_id: 'abc-123', client_secret: 'abc-123', pixel_id: '1' });
 * // [{ field: 'client_secret', message: 'is the client id again: give the secret issued with it' }]
 */
export function validateYahooCapiConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const secret = typeof config.client_secret === 'string' ? config.client_secret : undefined;
  if (secret !== undefined) {
    const pasted = pastedSecretProblem('client_secret', secret, 'client secret', { schemeHint: 'give it alone', spaceHint: 'as Yahoo issued it' });
    if (pasted) problems.push(pasted);
    const clientId = typeof config.client_id === 'string' ? config.client_id.trim() : '';
    if (clientId !== '' && secret.trim() === clientId) problems.push({ field: 'client_secret', message: 'is the client id again: give the secret issued with it' });
  }
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [key, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value === 'string' && value.trim() === '') problems.push({ field: 'event_names', message: `gives a blank name for "${key.trim()}": give the event name your Yahoo DSP rule matches` });
  }
  return problems;
}
