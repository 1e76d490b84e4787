import path from 'node:path';
import semver from 'semver';
import type { Ajv } from 'ajv';
import { createConfigAjv } from './config-ajv.ts';
import { isJsonObject } from './json-object.ts';
import { PLUGIN_CATEGORIES, type PluginDefinition } from './types.ts';

/** One thing wrong with a plugin definition, naming the plugin and the field at fault. */
export interface DefinitionProblem {
  /** The plugin's id, or `(no id)` when the id itself is missing. */
  plugin: string;
  /** Where the plugin comes from (as plugin.config.ts names it), when known. */
  source?: string;
  /** Dotted path of the field, e.g. `batch.maxEvents` or `config.properties.api_key.title`. */
  field: string;
  /** What is wrong, phrased to follow the field: `must be a positive integer`. */
  message: string;
}

/**
 * The id rule: catalog id and part of queue names (`delivery.<integration>` carries it).
 *
 * @example
 * PLUGIN_ID_PATTERN.test('meta_capi'); // true
 * PLUGIN_ID_PATTERN.test('Meta-CAPI'); // false
 */
export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9_]{1,49}$/;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A rate-limit endpoint's name (`rateLimit.endpoints`), kept short: it is part of a bucket's key. */
const ENDPOINT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const BLUEPRINT_PATH = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*\.ya?ml$/;
const LOGO_FILE = /^[A-Za-z0-9_-][A-Za-z0-9_./-]*\.(svg|png|jpe?g|webp)$/;

/** Every field of the contract: the compiler keeps this list in step with `PluginDefinition`. */
const CONTRACT_FIELDS: Record<keyof PluginDefinition, true> = {
  id: true, name: true, category: true, description: true, logo: true, version: true, signal: true, config: true,
  variants: true, vendorFields: true, consent: true, rateLimit: true, batch: true, cookies: true, map: true,
  send: true, neverSends: true, classify: true, sign: true, validateConfig: true, configWarnings: true, routes: true, enrich: true, forgetPerson: true, accessToken: true, processingReport: true, clickIds: true, successAnswer: true,
};

/** A vendor's documented answer (`successAnswer`): `{ status?, headers?, body }`, a 2xx status, text headers. */
function checkSuccessAnswer(answer: unknown, field: string, add: (field: string, message: string) => void): void {
  if (!isJsonObject(answer) || !('body' in answer)) {
    add(field, 'must be { status?, headers?, body }: the vendor\'s documented answer to an accepted request');
    return;
  }
  if (answer.status !== undefined && (!Number.isInteger(answer.status) || (answer.status as number) < 200 || (answer.status as number) > 299)) add(`${field}.status`, `must be a 2xx status when given (got ${shown(answer.status)})`);
  if (answer.headers !== undefined && (!isJsonObject(answer.headers) || Object.values(answer.headers).some((v) => typeof v !== 'string'))) add(`${field}.headers`, 'must be an object of text values when given');
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * One ajv for every definition check: a new one per plugin compiled ajv's meta-schema again
 * each time, most of the cost of loading the plugins (0.4 s of CPU for 61 of them).
 */
let definitionAjv: Ajv | undefined;

/**
 * Definitions `definePlugin` found valid and deep-froze: the loader's second check of them
 * would find what the first found.
 */
const DEFINED = new WeakSet<object>();

/**
 * Records a definition `definePlugin` has checked (no problems) and deep-frozen.
 *
 * @example
 * if (validatePluginDefinition(def).length === 0) markDefinitionChecked(deepFreeze(def));
 */
export function markDefinitionChecked(def: object): void {
  if (Object.isFrozen(def)) DEFINED.add(def);
}

/** The types a config field may have: the inputs the catalog knows. */
const FIELD_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array']);

/** A short rendering of a bad value for messages: `"social"`, `0`, `a function`. */
function shown(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * Checks a plugin definition field by field, the same checks `definePlugin` and the loader
 * make, and returns every problem (empty when valid). `source` (a folder or package name)
 * is carried into the problems so messages say where the plugin came from.
 *
 * Checked: the contract's fields only (a typo such as `clasify` is refused); `id` a slug
 * `^[a-z][a-z0-9_]{1,49}$`; `name`, `description` non-empty; `logo` a relative image path or an
 * https URL; `category` one of `PLUGIN_CATEGORIES`; `version` an exact semver version;
 * `signal` a semver range; `config` an object JSON Schema that compiles (with the UI keywords
 * `secret` and `enumLabels`), every property titled and of one type, `required` naming
 * properties, defaults and examples valid; `variants` non-empty, each described, with a
 * `blueprint` path or a `map` function;
 * `vendorFields`, `consent`, `cookies`; `rateLimit.rps` above 0; `batch` limits positive
 * integers; `send` a function; `map`, `neverSends`, `classify`, `sign`, `validateConfig`, `configWarnings` functions when given;
 * `routes` well-formed and unique.
 *
 * @example
 * validatePluginDefinition({ ...acme, batch: { maxEvents: 0, maxBytes: 1000 } }, './plugins/acme');
 * // [{ plugin: 'acme', source: './plugins/acme', field: 'batch.maxEvents', message: 'must be a positive integer (got 0)' }]
 */
export function validatePluginDefinition(def: unknown, source?: string): DefinitionProblem[] {
  // definePlugin checked this one and deep-froze it: nothing in it can have changed since.
  if (typeof def === 'object' && def !== null && DEFINED.has(def)) return [];
  const plugin = isJsonObject(def) && typeof def.id === 'string' && def.id !== '' ? def.id : '(no id)';
  const problems: DefinitionProblem[] = [];
  const add = (field: string, message: string) => problems.push({ plugin, ...(source === undefined ? {} : { source }), field, message });
  if (!isJsonObject(def)) {
    add('(definition)', 'must be an object (the default export of definePlugin)');
    return problems;
  }
  const d = def as Partial<PluginDefinition> & Record<string, unknown>;

  for (const key of Object.keys(d)) {
    if (!(key in CONTRACT_FIELDS)) add(key, `is not a field of the plugin contract (one of: ${Object.keys(CONTRACT_FIELDS).join(', ')})`);
  }

  // Metadata.
  if (typeof d.id !== 'string' || !PLUGIN_ID_PATTERN.test(d.id)) add('id', `must be a slug: a lowercase letter, then 1 to 49 lowercase letters, digits or _ (got ${shown(d.id)})`);
  if (!nonEmptyString(d.name) || d.name.length > 100) add('name', 'must be a non-empty string of at most 100 characters');
  if (!nonEmptyString(d.description)) add('description', 'must be a non-empty string');
  if (typeof d.logo !== 'string' || !((LOGO_FILE.test(d.logo) && !d.logo.split('/').includes('..')) || /^https:\/\/\S+$/.test(d.logo))) {
    add('logo', `must be an image path relative to the plugin folder (.svg, .png, .jpg, .webp) or an https URL (got ${shown(d.logo)})`);
  }
  if (typeof d.category !== 'string' || !(PLUGIN_CATEGORIES as readonly string[]).includes(d.category)) add('category', `must be one of: ${PLUGIN_CATEGORIES.join(', ')} (got ${shown(d.category)})`);
  if (typeof d.version !== 'string' || semver.valid(d.version) !== d.version) add('version', `must be a semver version, e.g. 1.0.0 (got ${shown(d.version)})`);
  if (!nonEmptyString(d.signal) || semver.validRange(d.signal) === null) add('signal', `must be a semver range of the Signal core, e.g. ^0.1.0 (got ${shown(d.signal)})`);

  // Config schema.
  const config = d.config as unknown;
  if (!isJsonObject(config) || config.type !== 'object' || !isJsonObject(config.properties)) {
    add('config', 'must be a JSON Schema of type object with properties');
  } else {
    const properties = config.properties;
    for (const [key, field] of Object.entries(properties)) {
      if (!isJsonObject(field)) {
        add(`config.properties.${key}`, 'must be a JSON Schema object');
        continue;
      }
      if (!nonEmptyString(field.title)) add(`config.properties.${key}.title`, 'is required (the label shown in the catalog)');
      // The catalog shows one input per field: a field of no type, or of several, has none.
      if (typeof field.type !== 'string' || !FIELD_TYPES.has(field.type)) {
        add(`config.properties.${key}.type`, `must be one of ${[...FIELD_TYPES].join(', ')} (got ${shown(field.type)})`);
      }
      if (field.enumLabels !== undefined && (!Array.isArray(field.enum) || !Array.isArray(field.enumLabels) || field.enumLabels.length !== field.enum.length)) {
        add(`config.properties.${key}.enumLabels`, 'must have one label per enum value');
      }
    }
    if (config.required !== undefined && (!Array.isArray(config.required) || config.required.some((k) => typeof k !== 'string'))) {
      add('config.required', 'must be an array of property names');
    } else {
      for (const key of (config.required as string[] | undefined) ?? []) {
        if (!(key in properties)) add('config.required', `names "${key}", which is not a property`);
      }
    }
    let compiled = false;
    definitionAjv ??= createConfigAjv({ useDefaults: false });
    const ajv = definitionAjv;
    try {
      ajv.compile(config);
      compiled = true;
    } catch (error) {
      add('config', `does not compile as JSON Schema: ${(error as Error).message}`);
    } finally {
      // The ajv is shared by every check: forget this schema, so that an `$id` another plugin
      // also uses does not clash, and the cache does not grow with each definition.
      ajv.removeSchema(config);
    }
    const withValues = Object.entries(properties).filter(([, field]) => isJsonObject(field) && (field.default !== undefined || field.examples !== undefined)) as Array<[string, Record<string, unknown>]>;
    if (compiled && withValues.length > 0) {
      // One schema holding just these fields, each value checked alone as `{ key: value }`: a
      // compile per field cost a few milliseconds each, hundreds of them on every start.
      const fieldsSchema = {
        type: 'object', properties: Object.fromEntries(withValues),
        ...(config.$defs === undefined ? {} : { $defs: config.$defs }),
        ...(config.definitions === undefined ? {} : { definitions: config.definitions }),
      };
      const validate = ajv.compile(fieldsSchema);
      ajv.removeSchema(fieldsSchema);
      /** ajv's text for the errors of `{ key: value }`, as if `value` were checked alone (`data must be <= 10`). */
      const errorsOf = (key: string) => {
        const prefix = `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        return ajv.errorsText((validate.errors ?? []).map((e) => ({ ...e, instancePath: e.instancePath.slice(prefix.length) })));
      };
      for (const [key, field] of withValues) {
        if (field.default !== undefined && !validate({ [key]: structuredClone(field.default) })) add(`config.properties.${key}.default`, `is not valid for its own schema: ${errorsOf(key)}`);
        // Not an array: the schema did not compile (ajv's meta-schema), reported above.
        if (!Array.isArray(field.examples)) continue;
        field.examples.forEach((example, i) => {
          if (!validate({ [key]: structuredClone(example) })) add(`config.properties.${key}.examples[${i}]`, `is not valid for its own schema: ${errorsOf(key)}`);
        });
      }
    }
  }

  // Variants.
  if (!isJsonObject(d.variants) || Object.keys(d.variants).length === 0) {
    add('variants', 'must declare at least one variant (e.g. default)');
  } else {
    for (const [name, variant] of Object.entries(d.variants as Record<string, unknown>)) {
      const at = `variants.${name}`;
      if (!PLUGIN_ID_PATTERN.test(name)) add(at, 'must be named with a slug (e.g. default, retail)');
      if (!isJsonObject(variant)) {
        add(at, 'must be { description, blueprint } or { description, map }');
        continue;
      }
      if (!nonEmptyString(variant.description)) add(`${at}.description`, 'must be a non-empty string');
      if (variant.blueprint === undefined && variant.map === undefined) add(at, 'needs a blueprint (path under blueprints/, or an absolute path) or a map function');
      // A path under Signal's blueprints/ (the shipped plugins), or an absolute one: a plugin
      // installed from npm ships its blueprint in its own folder.
      if (variant.blueprint !== undefined && (typeof variant.blueprint !== 'string' || !(BLUEPRINT_PATH.test(variant.blueprint) || (path.isAbsolute(variant.blueprint) && /\.ya?ml$/.test(variant.blueprint))))) {
        add(`${at}.blueprint`, `must be a path under blueprints/ like vendor/variant.yaml, or an absolute path to a .yaml file (e.g. fileURLToPath(new URL('./default.yaml', import.meta.url))) (got ${shown(variant.blueprint)})`);
      }
      if (variant.map !== undefined && typeof variant.map !== 'function') add(`${at}.map`, 'must be a function when given');
    }
  }

  // Defaults and declarations.
  if (!isJsonObject(d.vendorFields)) add('vendorFields', 'must map vendor field names to { required: boolean } ({} when none)');
  else {
    for (const [name, field] of Object.entries(d.vendorFields as Record<string, unknown>)) {
      if (!isJsonObject(field) || typeof field.required !== 'boolean') add(`vendorFields.${name}.required`, 'must be a boolean');
      else if (field.description !== undefined && typeof field.description !== 'string') add(`vendorFields.${name}.description`, 'must be a string when given');
    }
  }
  if (!Array.isArray(d.consent) || d.consent.some((c) => !nonEmptyString(c))) add('consent', 'must be an array of category names ([] delivers regardless of consent)');
  if (!isJsonObject(d.rateLimit)) add('rateLimit', 'must declare { rps, burst?, daily? }');
  else {
    const { rps, burst, daily } = d.rateLimit as Record<string, unknown>;
    if (typeof rps !== 'number' || !Number.isFinite(rps) || !(rps > 0)) add('rateLimit.rps', `must be a number above 0 (got ${shown(rps)})`);
    if (burst !== undefined && (typeof burst !== 'number' || !Number.isFinite(burst) || !(burst > 0))) add('rateLimit.burst', `must be a number above 0 when given (got ${shown(burst)})`);
    if (daily !== undefined && (typeof daily !== 'number' || !Number.isSafeInteger(daily) || daily < 0)) add('rateLimit.daily', `must be a whole number, 0 for unlimited (got ${shown(daily)})`);
    const { endpoints } = d.rateLimit as Record<string, unknown>;
    if (endpoints !== undefined && !isJsonObject(endpoints)) add('rateLimit.endpoints', 'must be an object of { rps, burst? } by endpoint name when given');
    else if (endpoints !== undefined) {
      for (const [name, limit] of Object.entries(endpoints)) {
        if (!ENDPOINT_NAME.test(name)) add(`rateLimit.endpoints.${name}`, 'must be named with letters, digits, "_", "-" or "." (1–64 characters)');
        if (!isJsonObject(limit)) {
          add(`rateLimit.endpoints.${name}`, 'must be { rps, burst? }');
          continue;
        }
        if (typeof limit.rps !== 'number' || !Number.isFinite(limit.rps) || !(limit.rps > 0)) add(`rateLimit.endpoints.${name}.rps`, `must be a number above 0 (got ${shown(limit.rps)})`);
        if (limit.burst !== undefined && (typeof limit.burst !== 'number' || !Number.isFinite(limit.burst) || !(limit.burst > 0))) add(`rateLimit.endpoints.${name}.burst`, `must be a number above 0 when given (got ${shown(limit.burst)})`);
        const extra = Object.keys(limit).filter((key) => key !== 'rps' && key !== 'burst');
        if (extra.length > 0) add(`rateLimit.endpoints.${name}`, `has unknown fields ${extra.join(', ')} (an endpoint's limit is { rps, burst? }: a daily cap is the integration's)`);
      }
    }
  }
  if (!isJsonObject(d.batch)) add('batch', 'must declare { maxEvents, maxBytes }');
  else {
    const { maxEvents, maxBytes } = d.batch as Record<string, unknown>;
    if (!isPositiveInteger(maxEvents)) add('batch.maxEvents', `must be a positive integer (got ${shown(maxEvents)})`);
    if (!isPositiveInteger(maxBytes)) add('batch.maxBytes', `must be a positive integer (got ${shown(maxBytes)})`);
  }
  if (d.cookies !== undefined && (!Array.isArray(d.cookies) || d.cookies.some((c) => typeof c !== 'string' || !COOKIE_NAME.test(c)))) add('cookies', 'must be an array of cookie names');

  // Functions.
  if (typeof d.send !== 'function') add('send', 'must be a function building the vendor requests');
  for (const key of ['map', 'neverSends', 'classify', 'sign', 'validateConfig', 'configWarnings'] as const) if (d[key] !== undefined && typeof d[key] !== 'function') add(key, 'must be a function when given');
  if (d.routes !== undefined) {
    if (!Array.isArray(d.routes)) add('routes', 'must be an array');
    else {
      const seen = new Set<string>();
      (d.routes as unknown[]).forEach((route, i) => {
        if (!isJsonObject(route)) return add(`routes[${i}]`, 'must be { method, path, handler }');
        if (typeof route.method !== 'string' || !METHODS.includes(route.method)) add(`routes[${i}].method`, `must be one of ${METHODS.join(', ')}`);
        if (typeof route.path !== 'string' || !route.path.startsWith('/')) add(`routes[${i}].path`, 'must start with /');
        else if (seen.has(`${String(route.method)} ${route.path}`)) add(`routes[${i}]`, `repeats ${String(route.method)} ${route.path}`);
        else seen.add(`${String(route.method)} ${route.path}`);
        if (typeof route.handler !== 'function') add(`routes[${i}].handler`, 'must be a function');
      });
    }
  }
  if (d.enrich !== undefined) {
    if (!isJsonObject(d.enrich)) add('enrich', 'must be { enabled, identities, lookup, read, … }');
    else {
      const enrich = d.enrich;
      for (const key of ['enabled', 'identities', 'lookup', 'read'] as const) if (typeof enrich[key] !== 'function') add(`enrich.${key}`, 'must be a function');
      for (const key of ['personalize', 'readPersonalized', 'browserAttributes'] as const) if (enrich[key] !== undefined && typeof enrich[key] !== 'function') add(`enrich.${key}`, 'must be a function when given');
      if ((enrich.personalize === undefined) !== (enrich.readPersonalized === undefined)) add('enrich.readPersonalized', 'must be given with personalize, and only with it');
      const known = new Set(['enabled', 'identities', 'lookup', 'read', 'personalize', 'readPersonalized', 'browserAttributes', 'cacheSeconds']);
      for (const key of Object.keys(enrich)) if (!known.has(key)) add(`enrich.${key}`, `is not a field of enrich (${[...known].join(', ')})`);
      const cache = enrich.cacheSeconds;
      if (cache !== undefined) {
        if (!isJsonObject(cache)) add('enrich.cacheSeconds', 'must be { found?, notFound?, personalized? }');
        else {
          for (const [key, value] of Object.entries(cache)) {
            if (!['found', 'notFound', 'personalized'].includes(key)) add(`enrich.cacheSeconds.${key}`, 'is not one of found, notFound, personalized');
            else if (!isPositiveInteger(value) || (value as number) > 86_400) add(`enrich.cacheSeconds.${key}`, `must be a whole number of seconds from 1 to 86400 (got ${shown(value)})`);
          }
        }
      }
    }
  }
  if (d.forgetPerson !== undefined) {
    if (!isJsonObject(d.forgetPerson)) add('forgetPerson', 'must be { enabled, request, read? }');
    else {
      const forget = d.forgetPerson;
      for (const key of ['enabled', 'request'] as const) if (typeof forget[key] !== 'function') add(`forgetPerson.${key}`, 'must be a function');
      if (forget.read !== undefined && typeof forget.read !== 'function') add('forgetPerson.read', 'must be a function when given');
      if (forget.successAnswer !== undefined) checkSuccessAnswer(forget.successAnswer, 'forgetPerson.successAnswer', add);
      for (const key of Object.keys(forget)) if (!['enabled', 'request', 'read', 'successAnswer'].includes(key)) add(`forgetPerson.${key}`, 'is not a field of forgetPerson (enabled, request, read, successAnswer)');
    }
  }
  if (d.clickIds !== undefined) {
    if (!Array.isArray(d.clickIds)) add('clickIds', 'must be an array of { param, cookie, days, anyCase?, padded?, value? }');
    else {
      const declared = Array.isArray(d.cookies) ? d.cookies : [];
      d.clickIds.forEach((entry: unknown, i: number) => {
        const at = `clickIds[${i}]`;
        if (!isJsonObject(entry)) return add(at, 'must be { param, cookie, days, anyCase?, padded?, value? }');
        if (typeof entry.param !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(entry.param)) add(`${at}.param`, `must be a URL parameter name of letters, digits, _ . - (got ${shown(entry.param)})`);
        if (typeof entry.cookie !== 'string' || !COOKIE_NAME.test(entry.cookie)) add(`${at}.cookie`, `must be a cookie name (got ${shown(entry.cookie)})`);
        else if (!declared.includes(entry.cookie)) add(`${at}.cookie`, `must be one of the plugin's cookies too, so later requests' value is captured (add "${entry.cookie}" to cookies)`);
        if (!isPositiveInteger(entry.days) || (entry.days as number) > 400) add(`${at}.days`, `must be a whole number of days from 1 to 400 (browsers cap cookies at 400; got ${shown(entry.days)})`);
        if (entry.anyCase !== undefined && typeof entry.anyCase !== 'boolean') add(`${at}.anyCase`, 'must be a boolean when given');
        if (entry.padded !== undefined && typeof entry.padded !== 'boolean') add(`${at}.padded`, 'must be a boolean when given');
        if (entry.value !== undefined && typeof entry.value !== 'function') add(`${at}.value`, 'must be a function when given');
        for (const key of Object.keys(entry)) if (!['param', 'anyCase', 'padded', 'cookie', 'days', 'value'].includes(key)) add(`${at}.${key}`, 'is not a field of a click id (param, anyCase, padded, cookie, days, value)');
      });
    }
  }
  if (d.accessToken !== undefined) {
    if (!isJsonObject(d.accessToken)) add('accessToken', 'must be { usedBy, enabled, request, read?, rotates?, refused? }');
    else {
      const exchange = d.accessToken;
      const uses = ['delivery', 'forgetPerson'];
      if (!Array.isArray(exchange.usedBy) || exchange.usedBy.length === 0 || exchange.usedBy.some((use) => !uses.includes(use as string))) {
        add('accessToken.usedBy', `must list where the token is used, one or more of ${uses.join(', ')} (got ${shown(exchange.usedBy)})`);
      } else if (exchange.usedBy.includes('forgetPerson') && d.forgetPerson === undefined) {
        add('accessToken.usedBy', 'names forgetPerson, which the plugin does not declare');
      }
      for (const key of ['enabled', 'request'] as const) if (typeof exchange[key] !== 'function') add(`accessToken.${key}`, 'must be a function');
      if (exchange.read !== undefined && typeof exchange.read !== 'function') add('accessToken.read', 'must be a function when given');
      if (exchange.refused !== undefined && typeof exchange.refused !== 'function') add('accessToken.refused', 'must be a function when given');
      if (exchange.rotates !== undefined) {
        const field = typeof exchange.rotates === 'string' && isJsonObject(d.config) && isJsonObject(d.config.properties) ? d.config.properties[exchange.rotates] : undefined;
        if (!isJsonObject(field) || field.type !== 'string' || field.secret !== true) add('accessToken.rotates', `must name a secret string field of config, the one holding the refresh token (got ${shown(exchange.rotates)})`);
      }
      for (const key of Object.keys(exchange)) if (!['usedBy', 'enabled', 'request', 'read', 'rotates', 'refused'].includes(key)) add(`accessToken.${key}`, 'is not a field of accessToken (usedBy, enabled, request, read, rotates, refused)');
    }
  }
  if (d.successAnswer !== undefined) checkSuccessAnswer(d.successAnswer, 'successAnswer', add);
  if (d.processingReport !== undefined) {
    if (!isJsonObject(d.processingReport)) add('processingReport', 'must be { afterSeconds, maxChecks?, receipt, request, read }');
    else {
      const report = d.processingReport;
      if (!Number.isInteger(report.afterSeconds) || (report.afterSeconds as number) < 10 || (report.afterSeconds as number) > 86_400) add('processingReport.afterSeconds', `must be a whole number of seconds from 10 to 86400 (got ${shown(report.afterSeconds)})`);
      if (report.maxChecks !== undefined && (!Number.isInteger(report.maxChecks) || (report.maxChecks as number) < 1 || (report.maxChecks as number) > 20)) add('processingReport.maxChecks', `must be a whole number from 1 to 20 when given (got ${shown(report.maxChecks)})`);
      for (const key of ['receipt', 'request', 'read'] as const) if (typeof report[key] !== 'function') add(`processingReport.${key}`, 'must be a function');
      for (const key of Object.keys(report)) if (!['afterSeconds', 'maxChecks', 'receipt', 'request', 'read'].includes(key)) add(`processingReport.${key}`, 'is not a field of processingReport (afterSeconds, maxChecks, receipt, request, read)');
    }
  }
  return problems;
}
