import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import semver from 'semver';
import { PLUGIN_CATEGORIES, type PluginDefinition } from './types.ts';

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** An ajv that knows the config UI keywords, to prove a plugin's config schema compiles. */
export function createConfigAjv(options: { useDefaults?: boolean } = {}): Ajv {
  const ajv = addFormats(new Ajv({ allErrors: true, strict: true, useDefaults: options.useDefaults ?? true, coerceTypes: false }));
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'enumLabels', schemaType: 'array' });
  return ajv;
}

const SLUG = /^[a-z][a-z0-9_]{1,49}$/;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface DefinitionProblem {
  field: string;
  message: string;
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Checks a plugin definition field by field; returns every problem (empty when valid).
 *
 * @example
 * validatePluginDefinition({ id: 'Bad Id' }); // [{ field: 'id', message: 'must be a slug …' }, …]
 */
export function validatePluginDefinition(def: unknown): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (typeof def !== 'object' || def === null) return [{ field: '(definition)', message: 'must be an object (the default export of definePlugin)' }];
  const d = def as Partial<PluginDefinition> & Record<string, unknown>;
  if (typeof d.id !== 'string' || !SLUG.test(d.id)) add('id', 'must be a slug: a lowercase letter, then 1 to 49 lowercase letters, digits or _');
  for (const key of ['name', 'description', 'logo'] as const) {
    if (typeof d[key] !== 'string' || d[key].trim() === '') add(key, 'must be a non-empty string');
  }
  if (typeof d.category !== 'string' || !(PLUGIN_CATEGORIES as readonly string[]).includes(d.category)) add('category', `must be one of: ${PLUGIN_CATEGORIES.join(', ')}`);
  if (typeof d.version !== 'string' || semver.valid(d.version) === null) add('version', 'must be a semver version, e.g. 1.0.0');
  if (typeof d.signal !== 'string' || semver.validRange(d.signal) === null) add('signal', 'must be a semver range of the Signal core, e.g. ^0.1.0');

  if (typeof d.config !== 'object' || d.config === null || d.config.type !== 'object' || typeof d.config.properties !== 'object') {
    add('config', 'must be a JSON Schema of type object with properties');
  } else {
    for (const [key, field] of Object.entries(d.config.properties)) {
      if (typeof field?.title !== 'string' || field.title === '') add(`config.properties.${key}.title`, 'is required (the label shown in the catalog)');
      if (field?.enumLabels && (!field.enum || field.enumLabels.length !== field.enum.length)) add(`config.properties.${key}.enumLabels`, 'must have one label per enum value');
    }
    for (const key of d.config.required ?? []) {
      if (!(key in d.config.properties)) add('config.required', `names "${key}", which is not a property`);
    }
    try {
      createConfigAjv().compile(d.config);
    } catch (error) {
      add('config', `does not compile as JSON Schema: ${(error as Error).message}`);
    }
  }

  if (typeof d.variants !== 'object' || d.variants === null || Object.keys(d.variants).length === 0) {
    add('variants', 'must declare at least one variant (e.g. default)');
  } else {
    for (const [name, variant] of Object.entries(d.variants)) {
      if (!SLUG.test(name) && name !== 'default') add(`variants.${name}`, 'must be named with a slug');
      if (typeof variant?.description !== 'string') add(`variants.${name}.description`, 'must be a string');
      if (typeof variant?.blueprint !== 'string' && typeof variant?.map !== 'function') add(`variants.${name}`, 'needs a blueprint (path under blueprints/) or a map function');
      if (typeof variant?.blueprint === 'string' && !/^[a-z0-9_/-]+\.ya?ml$/.test(variant.blueprint)) add(`variants.${name}.blueprint`, 'must be a path like vendor/variant.yaml');
    }
  }
  if (typeof d.vendorFields !== 'object' || d.vendorFields === null) add('vendorFields', 'must map vendor field names to { required: boolean }');
  else for (const [name, field] of Object.entries(d.vendorFields)) if (typeof field?.required !== 'boolean') add(`vendorFields.${name}.required`, 'must be a boolean');
  if (!Array.isArray(d.consent) || d.consent.some((c) => typeof c !== 'string')) add('consent', 'must be an array of category names ([] delivers regardless of consent)');
  if (typeof d.rateLimit !== 'object' || d.rateLimit === null || typeof d.rateLimit.rps !== 'number' || !(d.rateLimit.rps > 0)) add('rateLimit.rps', 'must be a number above 0');
  if (typeof d.batch !== 'object' || d.batch === null) add('batch', 'must declare { maxEvents, maxBytes }');
  else {
    if (!isPositiveInteger(d.batch.maxEvents)) add('batch.maxEvents', 'must be a positive integer');
    if (!isPositiveInteger(d.batch.maxBytes)) add('batch.maxBytes', 'must be a positive integer');
  }
  if (d.cookies !== undefined && (!Array.isArray(d.cookies) || d.cookies.some((c) => typeof c !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(c)))) add('cookies', 'must be an array of cookie names');
  if (typeof d.send !== 'function') add('send', 'must be a function building the vendor requests');
  for (const key of ['map', 'classify', 'validateConfig'] as const) if (d[key] !== undefined && typeof d[key] !== 'function') add(key, 'must be a function when given');
  if (d.routes !== undefined) {
    if (!Array.isArray(d.routes)) add('routes', 'must be an array');
    else d.routes.forEach((route, i) => {
      if (!METHODS.includes(route?.method)) add(`routes[${i}].method`, `must be one of ${METHODS.join(', ')}`);
      if (typeof route?.path !== 'string' || !route.path.startsWith('/')) add(`routes[${i}].path`, 'must start with /');
      if (typeof route?.handler !== 'function') add(`routes[${i}].handler`, 'must be a function');
    });
  }
  return problems;
}

export class PluginDefinitionError extends Error {
  readonly problems: DefinitionProblem[];
  constructor(pluginName: string, problems: DefinitionProblem[]) {
    super(`Plugin "${pluginName}": ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
    this.name = 'PluginDefinitionError';
    this.problems = problems;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Declares a vendor plugin: one object with its catalog metadata, config schema, variants,
 * defaults and pure functions. Validated here, frozen, and checked again at load.
 *
 * @example
 * export default definePlugin({
 *   id: 'acme', name: 'Acme', category: 'analytics', description: 'Acme events API', logo: 'logo.svg',
 *   version: '1.0.0', signal: '^0.1.0',
 *   config: { type: 'object', required: ['api_key'], properties: { api_key: { type: 'string', title: 'API key', secret: true } } },
 *   variants: { default: { description: 'Events as they are', map: (event) => ({ name: event.event ?? event.type }) } },
 *   vendorFields: { name: { required: true } }, consent: ['analytics'], rateLimit: { rps: 100 }, batch: { maxEvents: 100, maxBytes: 500_000 },
 *   send: (batch, ctx) => [{ method: 'POST', url: 'https://api.acme.test/events', headers: { authorization: `Bearer ${ctx.config.api_key}` },
 *     body: { events: batch.map((e) => e.payload) }, eventIds: batch.map((e) => e.id) }],
 * });
 */
export function definePlugin(def: PluginDefinition): PluginDefinition {
  const problems = validatePluginDefinition(def);
  if (problems.length > 0) throw new PluginDefinitionError(typeof def?.id === 'string' ? def.id : '(no id)', problems);
  return deepFreeze(def);
}
