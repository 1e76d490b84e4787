// The integration's config: the org (its My Domain), the connected app's OAuth credentials and
// flow, the REST API version, which object people become (Lead or Contact), how a person's
// record is found (an External ID field holding the userId or the email, else the Email field
// through a lookup), the traits → field map and the placeholder for the fields Salesforce
// requires to create a record; with the problems a JSON Schema cannot see, each naming its field.
//
// Why the My Domain is configured: a Salesforce token answer names the org's REST host
// (`instance_url`), but the SDK's access token exchange carries the token alone
// (`IssuedAccessToken`), so the plugin cannot learn the host from it. Every org has a My Domain
// (`https://<name>.my.salesforce.com`), which is both its OAuth token endpoint's host and its
// `instance_url`, so the config names it and every request goes there.
import { configText, isJsonObject, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The REST API version sent by default: Winter '27, the latest generally available release (API version 68.0). */
export const DEFAULT_API_VERSION = '68.0';
/** The oldest version with the sObject Collections upsert ("available in API version 46 and later"). */
export const MIN_API_VERSION = 46;
/** What is written to a required field (LastName, Company) a record is created without, unless the config says otherwise; Segment's classic destination's wording. */
export const DEFAULT_PLACEHOLDER = '[not provided]';
/** The objects a person may become. */
export const OBJECTS = ['Lead', 'Contact'] as const;
export type SalesforceObject = (typeof OBJECTS)[number];
/**
 * A field's API name as Salesforce forms them: a letter, then letters, digits and underscores
 * (`FirstName`, `Signal_User_Id__c`, a managed package's `ns__Plan__c`), at most 80 characters.
 */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;
/** A My Domain host: the org's name (sandboxes: `<name>--<sandbox>`) and an optional kind label (sandbox, develop, scratch…) under `my.salesforce.com`. */
const MY_DOMAIN_HOST = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?(?:\.[a-z]{2,20})?\.my\.salesforce\.com$/;
/** What a pasted URL may hold around the host: a scheme, a trailing slash or path (copied from the browser). */
const URL_AROUND = /^(?:https:\/\/)?([^/?#\s]+)(?:[/?#].*)?$/i;
/** An AssignmentRule record id (key prefix 01Q), 15 or 18 characters. */
const ASSIGNMENT_RULE_ID = /^01Q[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?$/;
/** Keys that would reach an object's prototype when a path is read. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['my_domain', 'client_id'],
  additionalProperties: false,
  properties: {
    my_domain: {
      type: 'string', title: 'My Domain',
      description: 'Your org\'s My Domain login URL (Setup > My Domain), e.g. acme.my.salesforce.com, or a sandbox\'s acme--uat.sandbox.my.salesforce.com; https:// is optional. Signal asks for access tokens at https://<my domain>/services/oauth2/token and sends every API request to https://<my domain>/services/data/v<api_version>/.',
      minLength: 1, maxLength: 200, examples: ['acme.my.salesforce.com', 'acme--uat.sandbox.my.salesforce.com'],
    },
    auth_flow: {
      type: 'string', title: 'OAuth Flow',
      description: 'How Signal obtains access tokens for the connected app (or external client app): refresh_token — the refresh token you got when an integration user authorised the app (OAuth 2.0 web server flow) is exchanged for access tokens; client_credentials — the app\'s consumer key and secret are exchanged directly (the app must enable the Client Credentials Flow and name its Run As integration user).',
      enum: ['refresh_token', 'client_credentials'], enumLabels: ['Refresh token', 'Client credentials'], default: 'refresh_token',
    },
    client_id: {
      type: 'string', title: 'Consumer Key',
      description: 'The consumer key (client id) of the connected app or external client app (Setup > App Manager, or External Client App Manager > the app > OAuth Settings). Its OAuth scopes must include "Manage user data via APIs (api)", and "Perform requests at any time (refresh_token, offline_access)" for the refresh token flow.',
      minLength: 1, maxLength: 256, examples: ['3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhqKpoW3svG3XHrXDiCQjK1mdgAvhCscA9GE'],
    },
    client_secret: {
      type: 'string', title: 'Consumer Secret', secret: true,
      description: 'The consumer secret of the same app. Required with the client credentials flow; with the refresh token flow, unless the app turns off "Require Secret for Refresh Token Flow".',
      minLength: 1, maxLength: 256, examples: ['1955279925675241571'],
    },
    refresh_token: {
      type: 'string', title: 'Refresh Token', secret: true,
      description: 'With the refresh token flow: the refresh token Salesforce issued when the integration user authorised the app. Signal exchanges it for access tokens and renews them; should the app rotate refresh tokens, Signal keeps the new one.',
      minLength: 1, maxLength: 1024, examples: ['5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJo7Xr34yOQ7GCFUN5DnNPxzDIoGoWi4evqOl_QT1B9mFmjJm6I'],
    },
    api_version: {
      type: 'string', title: 'API Version',
      description: `The REST API version, e.g. ${DEFAULT_API_VERSION} (Winter '27). ${MIN_API_VERSION}.0 or later: the sObject Collections upsert needs it.`,
      pattern: '^[0-9]{2,3}\\.0$', default: DEFAULT_API_VERSION, examples: [DEFAULT_API_VERSION],
    },
    object: {
      type: 'string', title: 'Object',
      description: 'What an identified person becomes in Salesforce: a Lead (Salesforce requires LastName and Company to create one) or a Contact (LastName).',
      enum: [...OBJECTS], enumLabels: ['Lead', 'Contact'], default: 'Lead',
    },
    external_id_field: {
      type: 'string', title: 'External ID Field',
      description: 'The API name of a custom field of the object marked External ID (and, recommended, Unique) that holds the person\'s key, e.g. Signal_User_Id__c: records are then created or updated by it in one sObject Collections upsert, 200 a request. Leave empty to match people by the standard Email field instead (a lookup, then an update of the record found or a creation).',
      pattern: FIELD_NAME.source, examples: ['Signal_User_Id__c'],
    },
    external_id_source: {
      type: 'string', title: 'External ID Value',
      description: 'What the External ID field holds: the userId (recommended), or the email address (lower-cased). Identifies without it are not sent.',
      enum: ['userId', 'email'], enumLabels: ['The userId', 'The email address'], default: 'userId',
    },
    field_map: {
      type: 'object', title: 'Traits to Fields',
      description: 'Traits (paths, e.g. plan or address.region) → the API name of the field that receives them, on top of (and over) the standard fields: email → Email, firstName → FirstName, lastName → LastName, company → Company (Lead), phone → Phone, mobilePhone → MobilePhone, title → Title, website → Website (Lead), address.street/city/state/postalCode/country → Street, City… (Lead) or MailingStreet, MailingCity… (Contact). Each field must exist on the object and be writable by the integration user.',
      additionalProperties: { type: 'string', pattern: FIELD_NAME.source },
      examples: [{ plan: 'Plan__c', 'address.region': 'Region__c', industry: 'Industry' }],
    },
    required_field_placeholder: {
      type: 'string', title: 'Placeholder for Required Fields',
      description: `What is written to LastName (and, for a Lead, Company) when a record is created without one, as Salesforce requires them: "${DEFAULT_PLACEHOLDER}" by default. Only creations get it: an existing record keeps its values. Empty: such identifies are dead-lettered with Salesforce's REQUIRED_FIELD_MISSING.`,
      maxLength: 80, default: DEFAULT_PLACEHOLDER, examples: [DEFAULT_PLACEHOLDER],
    },
    assignment_rule_id: {
      type: 'string', title: 'Lead Assignment Rule',
      description: 'Leads only: the id (01Q…) of the lead assignment rule that gives the leads Signal creates an owner (Setup > Lead Assignment Rules > the rule: the id in its URL; or SELECT Id FROM AssignmentRule WHERE SobjectType = \'Lead\' AND Active = true). Signal sends it as the Sforce-Auto-Assign header, which Salesforce applies to created leads only; an existing lead keeps its owner. Empty: with an External ID field no rule runs (new leads are owned by the integration user), since Salesforce\'s default would run the active rule again on every lead each upsert updates; matching by Email, creations run the active rule and updates none.',
      pattern: ASSIGNMENT_RULE_ID.source, examples: ['01Q5e000000XyZ1EAK'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Delete the person\'s records in Salesforce when Signal deletes a person (deletePerson): the records of the object whose External ID field holds the userId (or, keyed by email, those holding each email address of the person: the userId when it is one, and the emails Signal found for them) are looked up, then deleted (to the Recycle Bin). Off by default: a CRM record is also your sales team\'s.',
      default: false, examples: [true],
    },
  },
};

/**
 * The My Domain host the config names (pasted with or without https:// and a path), lower-cased;
 * undefined when it names none.
 *
 * @example
 * myDomainHostOf({ my_domain: 'https://Acme.my.salesforce.com/' }); // 'acme.my.salesforce.com'
 * myDomainHostOf({ my_domain: 'acme.lightning.force.com' });        // undefined
 */
export function myDomainHostOf(config: Record<string, JsonValue>): string | undefined {
  const raw = configText(config, 'my_domain');
  const host = raw === undefined ? undefined : URL_AROUND.exec(raw)?.[1]?.toLowerCase();
  return host !== undefined && MY_DOMAIN_HOST.test(host) ? host : undefined;
}

/** The org's origin, `https://<my domain>`; throws (a config validateConfig refuses) when there is none. */
export function originOf(config: Record<string, JsonValue>): string {
  const host = myDomainHostOf(config);
  if (host === undefined) throw new Error('config.my_domain names no My Domain (acme.my.salesforce.com)');
  return `https://${host}`;
}

/** The REST API version (`68.0`). */
export function apiVersionOf(config: Record<string, JsonValue>): string {
  return configText(config, 'api_version') ?? DEFAULT_API_VERSION;
}

/**
 * The REST API's base URL of the config's org and version.
 *
 * @example
 * apiBaseOf({ my_domain: 'acme.my.salesforce.com' }); // 'https://acme.my.salesforce.com/services/data/v68.0'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  return `${originOf(config)}/services/data/v${apiVersionOf(config)}`;
}

/** The OAuth token endpoint on the org's My Domain. */
export function tokenUrlOf(config: Record<string, JsonValue>): string {
  return `${originOf(config)}/services/oauth2/token`;
}

/** The object people become (Lead unless the config says Contact). */
export function objectOf(config: Record<string, JsonValue>): SalesforceObject {
  return config.object === 'Contact' ? 'Contact' : 'Lead';
}

/** The External ID field records are upserted by, or undefined when people are matched by Email. */
export function externalIdFieldOf(config: Record<string, JsonValue>): string | undefined {
  const field = configText(config, 'external_id_field');
  return field !== undefined && FIELD_NAME.test(field) ? field : undefined;
}

/** What the External ID field holds: the userId (default) or the email. */
export function externalIdSourceOf(config: Record<string, JsonValue>): 'userId' | 'email' {
  return config.external_id_source === 'email' ? 'email' : 'userId';
}

/** The placeholder written to required fields a creation lacks; undefined when the config turns it off (empty). */
export function placeholderOf(config: Record<string, JsonValue>): string | undefined {
  if (config.required_field_placeholder === undefined || config.required_field_placeholder === null) return DEFAULT_PLACEHOLDER;
  return configText(config, 'required_field_placeholder');
}

/** The config's trait path → field pairs, in the config's order (valid ones only). */
export function fieldMapOf(config: Record<string, JsonValue>): Array<[string, string]> {
  const map = config.field_map;
  if (!isJsonObject(map)) return [];
  return Object.entries(map).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && FIELD_NAME.test(entry[1]) && pathOk(entry[0]));
}

function pathOk(path: string): boolean {
  const parts = path.split('.');
  return path.trim() === path && parts.every((part) => part !== '' && !UNSAFE_KEYS.has(part));
}

/** The lead assignment rule the config names for created leads, or undefined. */
export function assignmentRuleIdOf(config: Record<string, JsonValue>): string | undefined {
  const id = configText(config, 'assignment_rule_id');
  return id !== undefined && ASSIGNMENT_RULE_ID.test(id) ? id : undefined;
}

/** Whether the config uses the client credentials flow (else the refresh token flow). */
export function usesClientCredentials(config: Record<string, JsonValue>): boolean {
  return config.auth_flow === 'client_credentials';
}

/** Whether the config carries what its token exchange needs. */
export function hasCredentials(config: Record<string, JsonValue>): boolean {
  if (myDomainHostOf(config) === undefined || configText(config, 'client_id') === undefined) return false;
  return usesClientCredentials(config) ? configText(config, 'client_secret') !== undefined : configText(config, 'refresh_token') !== undefined;
}

/**
 * The problems a schema cannot see, each naming its field.
 *
 * @example
 * validateSalesforceConfig({ my_domain: 'acme.lightning.force.com', client_id: 'k', refresh_token: 'r' });
 * // [{ field: 'my_domain', message: 'is the Lightning Experience host: give the My Domain login URL, acme.my.salesforce.com (Setup > My Domain)' }]
 */
export function validateSalesforceConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const domain = configText(config, 'my_domain');
  if (domain !== undefined && myDomainHostOf(config) === undefined) {
    const host = URL_AROUND.exec(domain)?.[1]?.toLowerCase() ?? '';
    const lightning = /^(.+?)(\.sandbox)?\.lightning\.force\.com$/.exec(host);
    if (/^http:\/\//i.test(domain)) problems.push({ field: 'my_domain', message: 'must be https: give the My Domain login URL, e.g. acme.my.salesforce.com' });
    else if (lightning) problems.push({ field: 'my_domain', message: `is the Lightning Experience host: give the My Domain login URL, ${lightning[1]}${lightning[2] ?? ''}.my.salesforce.com (Setup > My Domain)` });
    else if (host === 'login.salesforce.com' || host === 'test.salesforce.com') problems.push({ field: 'my_domain', message: `is ${host}, the generic login host: give your org's My Domain login URL, e.g. acme.my.salesforce.com (Setup > My Domain), which is also the host of its REST API` });
    else problems.push({ field: 'my_domain', message: `must be your org's My Domain login URL, a host under my.salesforce.com (acme.my.salesforce.com, acme--uat.sandbox.my.salesforce.com), got ${JSON.stringify(domain.slice(0, 80))}` });
  }
  if (usesClientCredentials(config)) {
    if (configText(config, 'client_secret') === undefined) problems.push({ field: 'client_secret', message: 'is required with auth_flow client_credentials: the app\'s consumer secret' });
  } else if (configText(config, 'refresh_token') === undefined) {
    problems.push({ field: 'refresh_token', message: 'is required with auth_flow refresh_token (the default): the refresh token Salesforce issued when the integration user authorised the app; or set auth_flow to client_credentials' });
  }
  const version = configText(config, 'api_version');
  if (version !== undefined && /^[0-9]{2,3}\.0$/.test(version) && Number(version) < MIN_API_VERSION) {
    problems.push({ field: 'api_version', message: `is ${version}: the sObject Collections upsert needs ${MIN_API_VERSION}.0 or later (${DEFAULT_API_VERSION} is the latest)` });
  }
  const external = configText(config, 'external_id_field');
  if (external !== undefined && FIELD_NAME.test(external)) {
    const lower = external.toLowerCase();
    if (lower === 'id') problems.push({ field: 'external_id_field', message: 'cannot be Id: the sObject Collections upsert takes External ID fields only, not record ids; name a custom field marked External ID (e.g. Signal_User_Id__c)' });
    if (lower === 'email') problems.push({ field: 'external_id_field', message: 'cannot be Email: the standard Email field is no External ID field; leave external_id_field empty to match people by Email (a lookup, then an update or a creation), or name a custom External ID field' });
  }
  if (configText(config, 'assignment_rule_id') !== undefined && objectOf(config) !== 'Lead') {
    problems.push({ field: 'assignment_rule_id', message: 'is for Leads, and config.object is Contact: leave it empty (Salesforce runs no assignment rule for contacts)' });
  }
  if (config.external_id_source === 'email' && external === undefined) {
    problems.push({ field: 'external_id_source', message: 'is email but external_id_field is empty: without an External ID field people are matched by the Email field already; name the custom External ID field holding the email, or leave external_id_source at userId' });
  }
  if (isJsonObject(config.field_map)) {
    const targets = new Map<string, string>();
    for (const [path, field] of Object.entries(config.field_map)) {
      if (!pathOk(path)) problems.push({ field: 'field_map', message: `trait path ${JSON.stringify(path)} is not a path (trait names joined by dots, no white space around)` });
      if (typeof field !== 'string') continue;
      const key = field.toLowerCase();
      const seen = targets.get(key);
      if (seen !== undefined) problems.push({ field: 'field_map', message: `traits ${seen} and ${path} both map to the field ${field}` });
      targets.set(key, path);
      if (key === 'id') problems.push({ field: 'field_map', message: `trait ${path} maps to Id, the record id Salesforce assigns` });
      if (external !== undefined && key === external.toLowerCase()) problems.push({ field: 'field_map', message: `trait ${path} maps to ${field}, the External ID field: the plugin sets it from the ${externalIdSourceOf(config)}` });
    }
  }
  return problems;
}
