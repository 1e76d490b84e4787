// The integration's config: the datastream the events go to, how the requests are authenticated
// (none, or an Adobe Developer Console OAuth Server-to-Server credential with the IMS org), the
// identity namespaces Signal's ids go in, the XDM eventType of each Signal event, Adobe
// Analytics variables, and consent; with the problems a JSON Schema cannot see, each naming its field.
import { configText, eventMapKeyProblems, eventMapOf, eventNamesSchema, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The Edge Network's regions a request may be pinned to (`/ee/{hint}/v2/…`), as Adobe lists them. */
export const LOCATION_HINTS = ['or2', 'va6', 'irl1', 'ind1', 'jpn3', 'sgp3', 'aus3'] as const;
/** The scopes of an OAuth Server-to-Server credential for Experience Platform APIs (as the Developer Console lists them). */
export const DEFAULT_SCOPES = 'openid,AdobeID,read_organizations,additional_info.projectedProductContext,session';
/** An IMS organization id: 24 hexadecimal characters and `@AdobeOrg`. */
const ORG_ID = '^[A-Fa-f0-9]{24}@AdobeOrg$';
/** An identity namespace's code: letters, digits, `_` and `-` (Experience Platform's identity codes). */
const NAMESPACE = '^[A-Za-z][A-Za-z0-9_-]{0,99}$';
/**
 * Adobe Analytics variables a config may fill through `data.__adobe.analytics`: eVar1–250,
 * prop1–75, list1–3 and the page-level variables — those Adobe's data object mapping lists
 * (AppMeasurement's state and hier1–5 are not in it: the Edge Network would not map them).
 */
export const ANALYTICS_VARIABLE = /^(?:eVar(?:[1-9]\d?|1\d\d|2[0-4]\d|250)|prop(?:[1-9]|[1-6]\d|7[0-5])|list[1-3]|pageName|pageURL|channel|campaign|server|purchaseID|transactionID|zip|pageType|referrer)$/;

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['datastream_id'],
  properties: {
    datastream_id: {
      type: 'string', title: 'Datastream ID',
      description: 'The datastream the events go to (Data Collection > Datastreams > your datastream: its ID). Its services (Adobe Analytics, Experience Platform, Target, Customer Journey Analytics through a dataset) receive the events.',
      pattern: '^[A-Za-z0-9:_-]{1,100}$', examples: ['6f8b2a1c-3d4e-4f5a-8b9c-0d1e2f3a4b5c'],
    },
    client_id: {
      type: 'string', title: 'Client ID (API key)',
      description: 'For a datastream that accepts authenticated requests only: the Client ID of an OAuth Server-to-Server credential (Adobe Developer Console > your project with the Experience Platform API > Credentials). Sent as x-api-key. Empty: the requests are unauthenticated, to edge.adobedc.net.',
      examples: ['a52cf0e1d2c34b5f8e9d0c1b2a3f1ed7'],
    },
    client_secret: {
      type: 'string', title: 'Client Secret',
      description: 'The credential\'s client secret (Retrieve client secret in the Developer Console), for the IMS access token.',
      secret: true, examples: ['p8e-0123456789abcdefghijklmnopqrstu'],
    },
    org_id: {
      type: 'string', title: 'IMS Organization ID',
      description: 'The IMS org of the credential and the datastream (…@AdobeOrg; in Experience Platform press Ctrl+I: Current Org ID). Sent as x-gw-ims-org-id with authenticated requests.',
      pattern: ORG_ID, examples: ['53A16ACB5CC1D3760A495C99@AdobeOrg'],
    },
    scopes: {
      type: 'string', title: 'Scopes',
      description: `The scopes requested with the credential, comma-separated, as the Developer Console lists them for it. Default: ${DEFAULT_SCOPES}.`,
      examples: [DEFAULT_SCOPES],
    },
    location_hint: {
      type: 'string', title: 'Location Hint',
      description: 'Pins every request to one Edge Network region (or2, va6, irl1, ind1, jpn3, sgp3, aus3). Empty: Adobe\'s DNS routes each request to the nearest region, as it does for most server-side sources.',
      enum: [...LOCATION_HINTS], examples: ['irl1'],
    },
    user_id_namespace: {
      type: 'string', title: 'User ID Namespace',
      description: 'The identity namespace (its code, e.g. CRMID) the userId is sent in, authenticated. It must exist in the datastream\'s sandbox (Experience Platform > Identities). Empty: the userId is not sent.',
      pattern: NAMESPACE, examples: ['CRMID'],
    },
    anonymous_id_namespace: {
      type: 'string', title: 'Anonymous ID Namespace',
      description: 'The identity namespace the anonymousId is sent in (ambiguous). FPID (the default) only takes UUIDv4 ids, which the Edge Network turns into an ECID: an anonymousId of another form is left out then. Give a custom namespace to send any anonymousId.',
      pattern: NAMESPACE, default: 'FPID', examples: ['FPID'],
    },
    primary_identity: {
      type: 'string', title: 'Primary Identity',
      description: 'Which identity is primary (the Edge Network requires one in every event): device (the ECID, else the anonymousId, else the userId) or user (the userId when the event has one).',
      enum: ['device', 'user'], enumLabels: ['Device first (ECID, anonymousId)', 'User ID when known'], default: 'device', examples: ['device'],
    },
    event_types: eventNamesSchema('The XDM eventType each Signal event is sent as, overriding the blueprint\'s: keys are track event names (Demo Requested), or page / page:<name> for page calls; values an XDM eventType (e.g. leadOperation.newLead, web.webinteraction.linkClicks) or your own.', {
      title: 'XDM Event Types', minLength: 1, maxLength: 100,
      examples: [{ 'Demo Requested': 'leadOperation.newLead' }],
    }),
    analytics_variables: {
      type: 'object', title: 'Adobe Analytics Variables',
      description: 'Adobe Analytics variables set from the event (data.__adobe.analytics), for a datastream with Adobe Analytics: keys are variables (eVar1–250, prop1–75, list1–3, pageName, pageURL, pageType, referrer, channel, campaign, server, purchaseID, transactionID, zip), values paths on the event (properties.plan, context.page.title, traits.tier; a | between paths takes the first with a value).',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 200 },
      examples: [{ eVar1: 'properties.plan', prop2: 'context.page.title' }],
    },
    send_consent: {
      type: 'boolean', title: 'Send Consent',
      description: 'Adds the event\'s consent to the XDM consents field (Adobe\'s Consent standard: collect from analytics, adID from advertising, personalize.content from functional, as y/n), for a schema with the Consents and Preferences data type. Off: not sent.',
      default: true, examples: [true],
    },
  },
};

/** Whether the config authenticates its requests (a Client ID is set). */
export function isAuthenticated(config: Record<string, JsonValue>): boolean {
  return configText(config, 'client_id') !== undefined;
}

/**
 * Config problems the schema cannot see: half an OAuth credential (a Client ID without its
 * secret or org), a secret pasted with `Bearer ` or white space, an Analytics variable Adobe
 * has not, an event-types key with white space around it.
 *
 * @example
 * validateAdobeEdgeConfig({ datastream_id: 'ds', client_id: 'abc' });
 * // [{ field: 'client_secret', message: 'is required with config.client_id: …' }, { field: 'org_id', message: 'is required with config.client_id: …' }]
 */
export function validateAdobeEdgeConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const clientId = configText(config, 'client_id');
  const secret = configText(config, 'client_secret');
  if (clientId !== undefined) {
    if (secret === undefined) problems.push({ field: 'client_secret', message: 'is required with config.client_id: the OAuth Server-to-Server credential\'s client secret (Developer Console > Credentials > Retrieve client secret)' });
    if (configText(config, 'org_id') === undefined) problems.push({ field: 'org_id', message: 'is required with config.client_id: the IMS org (…@AdobeOrg) of the credential and the datastream' });
    const pasted = pastedSecretProblem('client_id', clientId, 'Client ID', { spaceHint: 'as the Developer Console shows it' });
    if (pasted) problems.push(pasted);
  } else if (secret !== undefined) {
    problems.push({ field: 'client_id', message: 'is required with config.client_secret: the Client ID of the same OAuth Server-to-Server credential (empty both for unauthenticated requests)' });
  }
  if (secret !== undefined) {
    const pasted = pastedSecretProblem('client_secret', secret, 'client secret', { schemeHint: 'Signal obtains the access token', spaceHint: 'as the Developer Console shows it' });
    if (pasted) problems.push(pasted);
  }
  problems.push(...eventMapKeyProblems(config.event_types, 'event_types'));
  const variables = config.analytics_variables;
  if (variables !== undefined && variables !== null && typeof variables === 'object' && !Array.isArray(variables)) {
    for (const name of Object.keys(variables)) {
      if (!ANALYTICS_VARIABLE.test(name)) problems.push({ field: 'analytics_variables', message: `names ${JSON.stringify(name)}: Adobe Analytics takes eVar1–eVar250, prop1–prop75, list1–list3, pageName, pageURL, pageType, referrer, channel, campaign, server, purchaseID, transactionID, zip — the variables its data object mapping lists (as written, e.g. eVar1)` });
    }
  }
  return problems;
}

/** The config's Analytics variables: variable → event path. */
export function analyticsVariablesOf(config: Record<string, JsonValue>): Array<[string, string]> {
  return Object.entries(eventMapOf(config.analytics_variables))
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].trim() !== '' && ANALYTICS_VARIABLE.test(entry[0]))
    .map(([name, path]) => [name, path.trim()]);
}
