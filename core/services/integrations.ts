import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { Pool, PoolClient } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { BlueprintError, compileBlueprint } from '../blueprint/compile-blueprint.ts';
import { SignalError, type ErrorField } from '../errors.ts';
import { formatValidationErrors } from '../collect/validation-errors.ts';
import { createConfigAjv } from '../sdk/config-ajv.ts';
import type { ConfigProblem, JsonObject, JsonValue, PluginDefinition, Variant } from '../sdk/types.ts';
import { assertUuid, validateName } from './pipelines.ts';
import { isSealed, SealedValueError, type SecretBox } from './secret-box.ts';
import { COMMON_CONSENT_CATEGORIES, consentCategoryWarnings } from '../pipeline/consent-gate.ts';
import { configWarningsOf } from './config-warnings.ts';
import { onlyPatternErrors, withPluginWords } from './config-problems.ts';

/** What the integration service needs of the plugin registry. */
export interface PluginCatalog {
  list(): PluginDefinition[];
  get(id: string): PluginDefinition | undefined;
}

export const SECRET_MASK = '********';
export const DELIVERY_MODES = ['server_side'] as const;

export interface RateLimitSettings {
  rps: number;
  burst: number;
  daily: number;
}

export interface RetrySettings {
  attempts: number;
  baseSeconds: number;
  capSeconds: number;
}

/** Per-revision delivery settings; plugin defaults fill what the user leaves out. */
export interface RevisionSettings {
  rateLimit: RateLimitSettings;
  retry: RetrySettings;
}

export interface Revision {
  id: string;
  templateId: string;
  version: number;
  variant: string;
  /** Secrets masked. */
  config: JsonObject;
  consentCategories: string[];
  /** Categories that look mistyped (a case or a letter or two off a known one): see consentCategoryWarnings. */
  consentWarnings: string[];
  /** The plugin's advice about this config as of now (`configWarnings`): e.g. an API version about to be retired. */
  configWarnings: ConfigProblem[];
  blueprint: string | null;
  settings: RevisionSettings;
  deliveryMode: string;
  note: string | null;
  createdAt: string;
}

export interface Assignment {
  id: string;
  pipelineId: string;
  templateId: string;
  revisionId: string;
  revisionVersion: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Template {
  id: string;
  name: string;
  vendor: string;
  createdAt: string;
  revisions: Revision[];
  assignments: Assignment[];
}

export interface InstallInput {
  vendor: string;
  variant?: string;
  name: string;
  config: JsonObject;
  consentCategories?: string[];
  pipelineId?: string;
  enabled?: boolean;
  deliveryMode?: string;
  settings?: Partial<{ rateLimit: Partial<RateLimitSettings>; retry: Partial<RetrySettings> }>;
  blueprint?: string;
}

export interface RevisionInput {
  templateId: string;
  /** Changes over the previous revision's config; a field set to null is removed, a masked secret is kept. */
  config?: JsonObject;
  variant?: string;
  consentCategories?: string[];
  blueprint?: string;
  settings?: Partial<{ rateLimit: Partial<RateLimitSettings>; retry: Partial<RetrySettings> }>;
  note?: string;
}

/** The revision as the delivery engine needs it: secrets decrypted. */
export interface ResolvedRevision extends Omit<Revision, 'config'> {
  vendor: string;
  config: Record<string, JsonValue>;
}

interface RevisionRow {
  id: string;
  template_id: string;
  version: number;
  variant: string;
  config: JsonObject;
  consent_categories: string[];
  blueprint: string | null;
  settings: RevisionSettings;
  delivery_mode: string;
  note: string | null;
  created_at: Date;
}

interface AssignmentRow {
  id: string;
  pipeline_id: string;
  template_id: string;
  revision_id: string;
  version: number;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const CONSENT_CATEGORY = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Most consent categories of one integration: a CMP has a handful; 100 leaves room for every code of a site's. */
export const MAX_CONSENT_CATEGORIES = 100;

/** The shape of `settings` in install and createRevision; ranges are checked after defaults. */
const SETTINGS_INPUT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      properties: { rps: { type: 'number' }, burst: { type: 'number' }, daily: { type: 'number' } },
    },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: { attempts: { type: 'number' }, baseSeconds: { type: 'number' }, capSeconds: { type: 'number' } },
    },
  },
};

/**
 * The spec's rate-limit settings put in `config` by mistake: the 400 says where they go.
 *
 * @example
 * hintDeliverySetting({ field: 'config', message: 'has unknown field "rate_limit_rps"' }).message; // '… a delivery setting: …'
 */
function hintDeliverySetting(field: ErrorField): ErrorField {
  const name = /^has unknown field "(rate_limit_(rps|burst|daily))"$/.exec(field.message);
  if (!name) return field;
  return { ...field, message: `${field.message}: ${name[1]} is a delivery setting, not vendor config — send it beside config (REST) or as settings.rateLimit.${name[2]}` };
}

/**
 * A list or object field given as text holding it (a form's JSON textarea pasted as a string):
 * the schema's "must be an array" then says what to send instead.
 */
function hintJsonText(field: ErrorField, config: JsonObject): ErrorField {
  const expected = /^must be an? (array|object)$/.exec(field.message)?.[1];
  const value = field.field.startsWith('config.') ? config[field.field.slice('config.'.length)] : undefined;
  if (!expected || typeof value !== 'string') return field;
  try {
    const parsed: unknown = JSON.parse(value);
    if ((expected === 'array') !== Array.isArray(parsed) || parsed === null || typeof parsed !== 'object') return field;
  } catch {
    return field;
  }
  return { ...field, message: `${field.message}: this is text holding JSON; send the ${expected} itself (without the quotes around it)` };
}

/** Most requests per second a rate limit may allow: beyond, 0 (unlimited) says it better. */
const MAX_RPS = 1_000_000;

/** Most requests a day: the limiter counts them in a PostgreSQL integer (int4). */
export const MAX_DAILY = 2_147_483_647;

/** Most characters of a revision's note: a change log line, not a document. */
const MAX_NOTE_LENGTH = 2000;

/** A revision's note, trimmed; none when absent or blank. */
function revisionNote(note: unknown): string | null {
  if (note === undefined || note === null) return null;
  if (typeof note !== 'string') fail('SIGNAL_VALIDATION_FAILED', [{ field: 'note', message: 'must be text' }], 'Invalid revision');
  const trimmed = note.trim();
  if (trimmed.length > MAX_NOTE_LENGTH) fail('SIGNAL_VALIDATION_FAILED', [{ field: 'note', message: `must be at most ${MAX_NOTE_LENGTH} characters (got ${trimmed.length})` }], 'Invalid revision');
  return trimmed === '' ? null : trimmed;
}

/**
 * A plugin's variant by name, or undefined. Own keys only: `variants` is a plain object, and
 * `constructor` or `toString` must not pass for variants.
 *
 * @example
 * ownVariant(webhook, 'default'); // { description: … }
 * ownVariant(webhook, 'constructor'); // undefined
 */
export function ownVariant(def: PluginDefinition, name: string): Variant | undefined {
  return Object.hasOwn(def.variants, name) ? def.variants[name] : undefined;
}

/** Sets an own property: an assignment to `__proto__` would replace the prototype instead. */
function setOwn(target: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function fail(code: 'SIGNAL_VALIDATION_FAILED' | 'SIGNAL_INVALID_CONFIG', fields: ErrorField[], lead: string): never {
  throw new SignalError(code, `${lead}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, fields);
}

function toAssignment(row: AssignmentRow): Assignment {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    templateId: row.template_id,
    revisionId: row.revision_id,
    revisionVersion: row.version,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const SELECT_ASSIGNMENTS = `SELECT a.id, a.pipeline_id, a.template_id, a.revision_id, r.version, a.enabled, a.created_at, a.updated_at
  FROM signal.pipeline_integrations a JOIN signal.integration_revisions r ON r.id = a.revision_id`;

export interface IntegrationServiceOptions {
  pool: Pool;
  plugins: PluginCatalog;
  secrets: SecretBox;
  /** Folder holding `<vendor>/<variant>.yaml` blueprints. */
  blueprintsDir: string;
  /** Called after an assignment is created, changed or removed (queues follow assignments). */
  onAssignmentsChanged?: () => Promise<void> | void;
}

/**
 * Integration templates, their immutable revisions and their assignments to pipelines.
 * Config is validated against the plugin's JSON Schema; secret fields are sealed with the
 * secret box and come back masked from every read.
 *
 * @example
 * const integrations = createIntegrationService({ pool, plugins, secrets, blueprintsDir: 'blueprints' });
 * const { template, revision } = await integrations.install({
 *   vendor: 'webhook', name: 'My hook', config: { url: 'https://hooks.example.com/signal' },
 * });
 */
export function createIntegrationService(options: IntegrationServiceOptions) {
  const { pool, plugins, secrets } = options;
  // The same ajv that checked the plugin's schema at load, so config validates as it compiled.
  const ajv = createConfigAjv();
  const validators = new Map<string, ValidateFunction>();
  const validateSettingsInput = ajv.compile(SETTINGS_INPUT_SCHEMA);

  let knownCategories: string[] | undefined;
  /** The categories events usually carry: the canonical event's, and every loaded plugin's recommended ones. */
  function knownConsentCategories(): string[] {
    knownCategories ??= [...COMMON_CONSENT_CATEGORIES, ...plugins.list().flatMap((p) => p.consent ?? [])];
    return knownCategories;
  }

  function plugin(vendor: string): PluginDefinition {
    const found = plugins.get(vendor);
    if (!found) {
      const known = plugins.list().map((p) => p.id).join(', ');
      throw new SignalError('SIGNAL_UNKNOWN_VENDOR', `No vendor "${vendor}" in the catalog; loaded plugins: ${known || 'none'}`, [{ field: 'vendor', message: 'is not in the catalog' }]);
    }
    return found;
  }

  /** The variant named (the plugin's default when none is), or a 400 naming `field`. */
  function variantOf(def: PluginDefinition, variant: string | undefined, field = 'variant'): string {
    const name = variant ?? (ownVariant(def, 'default') ? 'default' : Object.keys(def.variants)[0]!);
    if (!ownVariant(def, name)) {
      throw new SignalError('SIGNAL_UNKNOWN_VARIANT', `Vendor "${def.id}" has no variant "${name}"; choose one of: ${Object.keys(def.variants).join(', ')}`, [
        { field, message: `must be one of: ${Object.keys(def.variants).join(', ')}` },
      ]);
    }
    return name;
  }

  function secretFields(def: PluginDefinition): string[] {
    return Object.entries(def.config.properties).filter(([, field]) => field.secret).map(([key]) => key);
  }

  /** The mask message: the mask where no secret is stored was copied from an answer, not typed. */
  function maskProblem(field: string): ErrorField {
    return { field, message: `is ${SECRET_MASK}, the mask Signal shows for a stored secret, and no secret is stored here: give the secret itself` };
  }

  /** Validates clear config; returns it with defaults applied. */
  function validateConfig(def: PluginDefinition, config: JsonObject): JsonObject {
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      fail('SIGNAL_INVALID_CONFIG', [{ field: 'config', message: 'must be an object' }], 'Invalid config');
    }
    let validate = validators.get(def.id);
    if (!validate) {
      validate = ajv.compile({ ...def.config, additionalProperties: def.config.additionalProperties ?? false });
      validators.set(def.id, validate);
    }
    const copy = structuredClone(config);
    // `{"$sealed": …}` is how Signal stores a secret: given as a value it would be taken for a
    // sealed one when read back (and refused there), so it is refused here, named.
    const sealedGiven = Object.keys(copy).filter((key) => isSealed(copy[key]));
    if (sealedGiven.length > 0) {
      fail('SIGNAL_INVALID_CONFIG', sealedGiven.map((key) => ({ field: `config.${key}`, message: 'is an object with $sealed, the form Signal stores secrets in: give the value itself' })), `Invalid config for ${def.name}`);
    }
    // The mask where no secret is stored says more than the field's own rules (a webhook
    // secret's 16 characters) would. An object secret (a webhook's secret_headers) is masked
    // whole, so a mask inside one was typed over a value, never copied from an answer.
    const masked: ErrorField[] = [];
    for (const key of secretFields(def)) {
      const value = copy[key];
      if (value === SECRET_MASK) masked.push(maskProblem(`config.${key}`));
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [inner, innerValue] of Object.entries(value)) if (innerValue === SECRET_MASK) masked.push(maskProblem(`config.${key}.${inner}`));
      }
    }
    if (masked.length > 0) fail('SIGNAL_INVALID_CONFIG', masked, `Invalid config for ${def.name}`);
    const errors = validate(copy) ? [] : [...(validate.errors ?? [])];
    let fields: ErrorField[] = formatValidationErrors(errors, 'config').map(hintDeliverySetting).map((field) => hintJsonText(field, copy));
    const pluginProblems = (): ErrorField[] => def.validateConfig!(copy).map((problem) => ({ ...problem, field: problem.field.startsWith('config') ? problem.field : `config.${problem.field}` }));
    if (fields.length === 0 && def.validateConfig) fields = pluginProblems();
    else if (def.validateConfig && onlyPatternErrors(errors)) {
      try {
        fields = withPluginWords(fields, pluginProblems());
      } catch {
        // A check written for schema-valid configs that trips on a refused value: the schema's words stand.
      }
    }
    if (fields.length > 0) fail('SIGNAL_INVALID_CONFIG', fields, `Invalid config for ${def.name}`);
    return copy;
  }

  /**
   * Encrypts the secret fields of a config about to be stored, each bound to its vendor,
   * integration and field (a copy elsewhere in the database does not open). Every write seals
   * afresh, so a value still sealed the old way (`v1`, unbound) is rewritten bound.
   */
  function seal(def: PluginDefinition, templateId: string, config: JsonObject): JsonObject {
    const sealed: JsonObject = { ...config };
    for (const key of secretFields(def)) {
      if (!Object.hasOwn(sealed, key)) continue;
      const value = sealed[key];
      // The mask stands for a stored secret only where one is stored (createRevision keeps it);
      // anywhere else it would become the secret itself, and every request would fail.
      if (value === SECRET_MASK) fail('SIGNAL_INVALID_CONFIG', [maskProblem(`config.${key}`)], `Invalid config for ${def.name}`);
      // Strings and objects alike (a webhook's secret_headers): the box seals JSON.
      if (value !== undefined && value !== null) setOwn(sealed, key, secrets.seal(value, { vendor: def.id, templateId, field: key }) as unknown as JsonValue);
    }
    return sealed;
  }

  /** A stored config as answers show it: sealed values, and whatever a secret field holds, masked. */
  function mask(stored: JsonObject, def: PluginDefinition | undefined): JsonObject {
    const secret = new Set(def ? secretFields(def) : []);
    const masked: JsonObject = {};
    for (const [key, value] of Object.entries(stored)) setOwn(masked, key, isSealed(value) || (secret.has(key) && value !== null) ? SECRET_MASK : value);
    return masked;
  }

  /** Whether an opened value has the JSON type its field declares (a moved v1 value may not). */
  function hasFieldType(def: PluginDefinition, key: string, value: JsonValue): boolean {
    switch (def.config.properties[key]?.type) {
      case 'string': return typeof value === 'string';
      case 'number': return typeof value === 'number';
      case 'integer': return Number.isInteger(value);
      case 'boolean': return typeof value === 'boolean';
      case 'array': return Array.isArray(value);
      case 'object': return value !== null && typeof value === 'object' && !Array.isArray(value);
      default: return false;
    }
  }

  /**
   * A stored config with its secret fields decrypted, each under the context it must have been
   * sealed with. A sealed value outside a secret field (Signal never writes one) or one that
   * does not open there is refused: SIGNAL_INVALID_CONFIG naming the fields, or, when
   * `unreadable` is given (createRevision, where the admin can give the value again), left out
   * of the answer and recorded there.
   */
  function open(def: PluginDefinition, templateId: string, stored: JsonObject, unreadable?: Map<string, string>): Record<string, JsonValue> {
    const secret = new Set(secretFields(def));
    const clear: Record<string, JsonValue> = {};
    const problems: ErrorField[] = [];
    for (const [key, value] of Object.entries(stored)) {
      if (!isSealed(value)) {
        setOwn(clear, key, value);
        continue;
      }
      let problem: string;
      if (!secret.has(key)) {
        problem = `holds a sealed value, but is not a secret field of ${def.name}: Signal never seals it, so the value was written outside Signal and is not used`;
      } else {
        try {
          const opened = secrets.open(value, { vendor: def.id, templateId, field: key });
          if (hasFieldType(def, key, opened)) {
            setOwn(clear, key, opened);
            continue;
          }
          problem = `holds a sealed value that is not a ${def.config.properties[key]?.type}: it was sealed for another field and is not used`;
        } catch (error) {
          if (!(error instanceof SealedValueError)) throw error;
          problem = error.message;
        }
      }
      if (unreadable) unreadable.set(key, problem);
      else problems.push({ field: `config.${key}`, message: problem });
    }
    if (problems.length > 0) fail('SIGNAL_INVALID_CONFIG', problems, `The stored config of ${def.name} integration ${templateId} cannot be used`);
    return clear;
  }

  function checkConsent(categories: unknown): string[] {
    if (!Array.isArray(categories)) fail('SIGNAL_VALIDATION_FAILED', [{ field: 'consentCategories', message: 'must be an array of strings' }], 'Invalid consent categories');
    // Each name is checked against the known ones for a warning: 250,000 names held the
    // admin's process (collect's too, when they share it) for most of a second.
    if (categories.length > MAX_CONSENT_CATEGORIES) {
      fail('SIGNAL_VALIDATION_FAILED', [{ field: 'consentCategories', message: `must hold at most ${MAX_CONSENT_CATEGORIES} categories (got ${categories.length})` }], 'Invalid consent categories');
    }
    const fields: ErrorField[] = [];
    categories.forEach((c, i) => {
      if (typeof c !== 'string' || !CONSENT_CATEGORY.test(c)) fields.push({ field: `consentCategories[${i}]`, message: 'must be a category name of letters, digits, _ . : - (at most 64)' });
    });
    if (fields.length > 0) fail('SIGNAL_VALIDATION_FAILED', fields, 'Invalid consent categories');
    return [...new Set(categories as string[])];
  }

  function settingsFor(def: PluginDefinition, base: RevisionSettings | undefined, input: InstallInput['settings']): RevisionSettings {
    // Shape and types first: a misspelt key ("retries") or a number sent as a string would
    // otherwise be ignored or stored, and the revision would not do what the admin asked.
    if (input !== undefined && input !== null && !validateSettingsInput(input)) {
      fail('SIGNAL_VALIDATION_FAILED', formatValidationErrors(validateSettingsInput.errors ?? [], 'settings'), 'Invalid settings');
    }
    const rps = input?.rateLimit?.rps ?? base?.rateLimit.rps ?? def.rateLimit.rps;
    // The plugin's burst was chosen for its rps (Amplitude: one request of 1,000 events a
    // second); at any other rate the spec's default applies, rps × 2.
    const defaultBurst = (forRps: number) => (forRps === def.rateLimit.rps ? def.rateLimit.burst : undefined) ?? forRps * 2;
    // A new rps moves a default burst along with it; a burst the admin chose stays.
    const chosenBurst = base !== undefined && base.rateLimit.burst !== defaultBurst(base.rateLimit.rps) ? base.rateLimit.burst : undefined;
    const settings: RevisionSettings = {
      rateLimit: {
        rps,
        burst: input?.rateLimit?.burst ?? chosenBurst ?? defaultBurst(rps),
        daily: input?.rateLimit?.daily ?? base?.rateLimit.daily ?? def.rateLimit.daily ?? 0,
      },
      retry: {
        attempts: input?.retry?.attempts ?? base?.retry.attempts ?? 6,
        baseSeconds: input?.retry?.baseSeconds ?? base?.retry.baseSeconds ?? 4,
        capSeconds: input?.retry?.capSeconds ?? base?.retry.capSeconds ?? 256,
      },
    };
    const fields: ErrorField[] = [];
    const { rateLimit, retry } = settings;
    if (!(rateLimit.rps >= 0 && rateLimit.rps <= MAX_RPS)) fields.push({ field: 'settings.rateLimit.rps', message: `must be from 0 (unlimited) to ${MAX_RPS}` });
    // A burst derived from an invalid rps is not the caller's second mistake.
    const burstGiven = input?.rateLimit?.burst !== undefined || fields.length === 0;
    if (burstGiven && !(rateLimit.burst >= 0 && rateLimit.burst <= 2 * MAX_RPS)) fields.push({ field: 'settings.rateLimit.burst', message: `must be from 0 to ${2 * MAX_RPS}` });
    if (!Number.isInteger(rateLimit.daily) || rateLimit.daily < 0 || rateLimit.daily > MAX_DAILY) fields.push({ field: 'settings.rateLimit.daily', message: `must be a whole number from 0 (unlimited) to ${MAX_DAILY}` });
    if (!Number.isInteger(retry.attempts) || retry.attempts < 1 || retry.attempts > 20) fields.push({ field: 'settings.retry.attempts', message: 'must be a whole number from 1 to 20 (tries in all)' });
    if (!(retry.baseSeconds >= 1 && retry.baseSeconds <= 60)) fields.push({ field: 'settings.retry.baseSeconds', message: 'must be from 1 to 60' });
    if (!(retry.capSeconds >= 1 && retry.capSeconds <= 86400)) fields.push({ field: 'settings.retry.capSeconds', message: 'must be from 1 to 86400' });
    if (fields.length > 0) fail('SIGNAL_VALIDATION_FAILED', fields, 'Invalid settings');
    return settings;
  }

  /**
   * A blueprint must compile against the config before a revision may carry it, and may not
   * read a secret field (see `secretConfigFields`): the delivery log keeps what it maps.
   */
  /** `own`: the admin's own blueprint (its errors must not name the shipped file it replaces). */
  function checkBlueprint(def: PluginDefinition, templateId: string, variant: string, blueprint: string | null, config: JsonObject, own: boolean): void {
    if (blueprint === null) return;
    try {
      const file = own ? 'blueprint' : (ownVariant(def, variant)?.blueprint ?? `${def.id}/${variant}.yaml`);
      compileBlueprint(blueprint, { file, config: open(def, templateId, config), secretConfigFields: secretFields(def) });
    } catch (error) {
      if (!(error instanceof BlueprintError)) throw error;
      throw new SignalError('SIGNAL_VALIDATION_FAILED', `The blueprint does not compile: ${error.message}`, [
        { field: 'blueprint', message: `line ${error.line}, column ${error.column}: ${error.path ? `${error.path}: ` : ''}${error.reason}` },
      ]);
    }
  }

  async function variantBlueprint(def: PluginDefinition, variant: string): Promise<string | null> {
    const file = ownVariant(def, variant)?.blueprint;
    if (!file) return null;
    // resolve, not join: a plugin's own absolute path stays as it is.
    return readFile(path.resolve(options.blueprintsDir, file), 'utf8');
  }

  /** `def`: the template's plugin, when loaded (its secret fields are masked whatever they hold). */
  function toRevision(row: RevisionRow, def: PluginDefinition | undefined): Revision {
    const config = mask(row.config, def);
    return {
      id: row.id,
      templateId: row.template_id,
      version: row.version,
      variant: row.variant,
      config,
      consentCategories: row.consent_categories,
      consentWarnings: consentCategoryWarnings(row.consent_categories, knownConsentCategories()),
      configWarnings: configWarningsOf(def, config, Date.now()),
      blueprint: row.blueprint,
      settings: row.settings,
      deliveryMode: row.delivery_mode,
      note: row.note,
      createdAt: row.created_at.toISOString(),
    };
  }

  async function insertRevision(client: PoolClient, row: Omit<RevisionRow, 'id' | 'created_at'>): Promise<RevisionRow> {
    const { rows } = await client.query<RevisionRow>(
      `INSERT INTO signal.integration_revisions (id, template_id, version, variant, config, consent_categories, blueprint, settings, delivery_mode, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [randomUUID(), row.template_id, row.version, row.variant, row.config, row.consent_categories, row.blueprint, row.settings, row.delivery_mode, row.note],
    );
    return rows[0]!;
  }

  async function upsertAssignment(client: PoolClient, pipelineId: string, templateId: string, revisionId: string, enabled: boolean | undefined): Promise<string> {
    const { rows: pipelines } = await client.query('SELECT 1 FROM signal.pipelines WHERE id = $1', [pipelineId]);
    if (pipelines.length === 0) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline with id ${pipelineId}`, [{ field: 'pipelineId', message: 'no such pipeline' }]);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO signal.pipeline_integrations (id, pipeline_id, template_id, revision_id, enabled)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (pipeline_id, template_id)
       DO UPDATE SET revision_id = EXCLUDED.revision_id, enabled = COALESCE($6, signal.pipeline_integrations.enabled), updated_at = now()
       RETURNING id`,
      [randomUUID(), pipelineId, templateId, revisionId, enabled ?? true, enabled ?? null],
    );
    return rows[0]!.id;
  }

  async function getAssignment(id: string): Promise<Assignment> {
    const { rows } = await pool.query<AssignmentRow>(`${SELECT_ASSIGNMENTS} WHERE a.id = $1`, [id]);
    if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline integration with id ${id}`, [{ field: 'id', message: 'no such pipeline integration' }]);
    return toAssignment(rows[0]);
  }

  /** `field`: the argument the id came in, named by its errors. */
  async function getTemplate(id: string, field = 'templateId'): Promise<Template> {
    assertUuid(id, field);
    const { rows } = await pool.query<{ id: string; name: string; vendor: string; created_at: Date }>('SELECT * FROM signal.integration_templates WHERE id = $1', [id]);
    if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `No integration with id ${id}`, [{ field, message: 'no such integration' }]);
    const [revisions, assignments] = await Promise.all([
      pool.query<RevisionRow>('SELECT * FROM signal.integration_revisions WHERE template_id = $1 ORDER BY version', [id]),
      pool.query<AssignmentRow>(`${SELECT_ASSIGNMENTS} WHERE a.template_id = $1 ORDER BY a.created_at`, [id]),
    ]);
    return {
      id: rows[0].id,
      name: rows[0].name,
      vendor: rows[0].vendor,
      createdAt: rows[0].created_at.toISOString(),
      revisions: revisions.rows.map((row) => toRevision(row, plugins.get(rows[0]!.vendor))),
      assignments: assignments.rows.map(toAssignment),
    };
  }

  async function changed(): Promise<void> {
    await options.onAssignmentsChanged?.();
  }

  return {
    getTemplate,
    getAssignment,

    async list(filter: { vendor?: string; pipelineId?: string } = {}): Promise<Template[]> {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT t.id FROM signal.integration_templates t
          WHERE ($1::text IS NULL OR t.vendor = lower($1))
            AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM signal.pipeline_integrations a WHERE a.template_id = t.id AND a.pipeline_id = $2))
          ORDER BY t.created_at, t.id`,
        [filter.vendor ?? null, filter.pipelineId === undefined ? null : assertUuid(filter.pipelineId, 'pipelineId')],
      );
      return Promise.all(rows.map((r) => getTemplate(r.id)));
    },

    /** Creates a template with revision v1 (and an assignment when a pipeline is given). */
    async install(input: InstallInput): Promise<{ template: Template; revision: Revision; assignment: Assignment | null }> {
      const def = plugin(input.vendor);
      const variant = variantOf(def, input.variant);
      const name = validateName(typeof input.name === 'string' ? input.name : '');
      const deliveryMode = input.deliveryMode ?? 'server_side';
      if (!(DELIVERY_MODES as readonly string[]).includes(deliveryMode)) {
        fail('SIGNAL_VALIDATION_FAILED', [{ field: 'deliveryMode', message: `must be one of: ${DELIVERY_MODES.join(', ')}` }], 'Invalid integration');
      }
      if (input.pipelineId !== undefined) assertUuid(input.pipelineId, 'pipelineId');
      // Chosen before sealing: the secrets are bound to it.
      const templateId = randomUUID();
      const config = seal(def, templateId, validateConfig(def, input.config ?? {}));
      // The spec: "If no consent categories are configured on an integration, all events are
      // delivered regardless of consent state." The plugin's categories are a recommendation
      // (the catalog shows them), applied only when given.
      const consent = checkConsent(input.consentCategories ?? []);
      const settings = settingsFor(def, undefined, input.settings);
      const blueprint = input.blueprint ?? (await variantBlueprint(def, variant));
      checkBlueprint(def, templateId, variant, blueprint, config, input.blueprint !== undefined);
      const { revisionId, assignmentId } = await withTransaction(pool, async (client) => {
        await client.query('INSERT INTO signal.integration_templates (id, name, vendor) VALUES ($1, $2, $3)', [templateId, name, def.id]);
        const revision = await insertRevision(client, {
          template_id: templateId, version: 1, variant, config, consent_categories: consent, blueprint, settings,
          delivery_mode: deliveryMode, note: 'initial setup',
        });
        const assignmentId = input.pipelineId === undefined ? null : await upsertAssignment(client, input.pipelineId, templateId, revision.id, input.enabled);
        return { revisionId: revision.id, assignmentId };
      });
      if (assignmentId) await changed();
      const template = await getTemplate(templateId);
      return {
        template,
        revision: template.revisions.find((r) => r.id === revisionId)!,
        assignment: assignmentId ? await getAssignment(assignmentId) : null,
      };
    },

    /** The config warnings of every revision assigned to a pipeline, by revision id (for the metrics). */
    async assignedConfigWarnings(): Promise<Map<string, ConfigProblem[]>> {
      const { rows } = await pool.query<RevisionRow & { vendor: string }>(
        `SELECT r.*, t.vendor FROM signal.integration_revisions r JOIN signal.integration_templates t ON t.id = r.template_id
          WHERE r.id IN (SELECT revision_id FROM signal.pipeline_integrations)`,
      );
      return new Map(rows.map((row) => [row.id, toRevision(row, plugins.get(row.vendor)).configWarnings]));
    },

    /** A new immutable revision: the previous one's values with `input`'s changes. */
    async createRevision(input: RevisionInput): Promise<Revision> {
      const changes: unknown = input.config;
      if (changes !== undefined && changes !== null && (typeof changes !== 'object' || Array.isArray(changes))) {
        fail('SIGNAL_INVALID_CONFIG', [{ field: 'config', message: 'must be an object of changes (a field set to null is removed)' }], 'Invalid config');
      }
      const note = revisionNote(input.note);
      const template = await getTemplate(input.templateId);
      const def = plugin(template.vendor);
      const id = await withTransaction(pool, async (client) => {
        // Lock the template row so concurrent edits get consecutive versions.
        await client.query('SELECT 1 FROM signal.integration_templates WHERE id = $1 FOR UPDATE', [template.id]);
        const { rows } = await client.query<RevisionRow>('SELECT * FROM signal.integration_revisions WHERE template_id = $1 ORDER BY version DESC LIMIT 1', [template.id]);
        const previous = rows[0]!;
        const variant = input.variant === undefined ? previous.variant : variantOf(def, input.variant);
        // A stored value that does not open (moved or altered in the database) is left out, so
        // the admin can give it again here; kept as it is, it is a 400 naming it below.
        const unreadable = new Map<string, string>();
        const clear = open(def, template.id, previous.config, unreadable);
        const secret = new Set(secretFields(def));
        const changes = input.config ?? {};
        // Own keys only, set as own properties: a `__proto__` change is a field name here (one
        // the config schema refuses), never the prototype of the merged config.
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) delete clear[key];
          else if (value === SECRET_MASK && Object.hasOwn(previous.config, key) && previous.config[key] !== null && (isSealed(previous.config[key]) || secret.has(key))) continue;
          else setOwn(clear, key, value);
        }
        const kept = [...unreadable].filter(([key]) => !Object.hasOwn(changes, key) || changes[key] === SECRET_MASK);
        if (kept.length > 0) {
          fail('SIGNAL_INVALID_CONFIG', kept.map(([key, problem]) => ({ field: `config.${key}`, message: `cannot be kept: ${problem}. Give the value again, or null to remove it` })), `Invalid config for ${def.name}`);
        }
        const config = seal(def, template.id, validateConfig(def, clear));
        const blueprint = input.blueprint ?? (input.variant !== undefined && input.variant !== previous.variant ? await variantBlueprint(def, variant) : previous.blueprint);
        checkBlueprint(def, template.id, variant, blueprint, config, input.blueprint !== undefined);
        const revision = await insertRevision(client, {
          template_id: template.id,
          version: previous.version + 1,
          variant,
          config,
          consent_categories: input.consentCategories === undefined ? previous.consent_categories : checkConsent(input.consentCategories),
          blueprint,
          settings: settingsFor(def, previous.settings, input.settings),
          delivery_mode: previous.delivery_mode,
          note,
        });
        return revision.id;
      });
      const { rows } = await pool.query<RevisionRow>('SELECT * FROM signal.integration_revisions WHERE id = $1', [id]);
      return toRevision(rows[0]!, def);
    },

    /** Pins a template's revision (the latest when none is named) on a pipeline. */
    async assignRevision(input: { pipelineId: string; templateId: string; revisionId?: string | null; enabled?: boolean }): Promise<Assignment> {
      assertUuid(input.pipelineId, 'pipelineId');
      // GraphQL passes an omitted optional field as null or undefined: both mean the latest.
      const revisionId = input.revisionId ?? undefined;
      if (revisionId !== undefined) assertUuid(revisionId, 'revisionId');
      const template = await getTemplate(input.templateId);
      const revision = revisionId === undefined ? template.revisions.at(-1)! : template.revisions.find((r) => r.id === revisionId);
      if (!revision) {
        throw new SignalError('SIGNAL_NOT_FOUND', `Revision ${revisionId} does not belong to integration ${template.id}`, [{ field: 'revisionId', message: 'is not a revision of this integration' }]);
      }
      const id = await withTransaction(pool, (client) => upsertAssignment(client, input.pipelineId, template.id, revision.id, input.enabled));
      await changed();
      return getAssignment(id);
    },

    async setEnabled(assignmentId: string, enabled: boolean): Promise<Assignment> {
      assertUuid(assignmentId, 'id');
      const { rowCount } = await pool.query('UPDATE signal.pipeline_integrations SET enabled = $2, updated_at = now() WHERE id = $1', [assignmentId, enabled]);
      if (!rowCount) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline integration with id ${assignmentId}`, [{ field: 'id', message: 'no such pipeline integration' }]);
      await changed();
      return getAssignment(assignmentId);
    },

    /**
     * Deletes an integration (template) with its revisions and its assignments (their queues go,
     * with any events still waiting in them). Refused while any pipeline has it enabled: disable
     * or unassign it there first. Its dead letters and delivery log stay until their retention;
     * its counters and rate-limit state go with it (migration 010's triggers).
     */
    async removeTemplate(templateId: string): Promise<void> {
      // Named `id`, as deleteIntegration's argument is.
      assertUuid(templateId, 'id');
      await withTransaction(pool, async (client) => {
        // Checked under the lock: a concurrent delete makes the second one a 404, not a quiet true.
        const { rows: [template] } = await client.query<{ name: string }>('SELECT name FROM signal.integration_templates WHERE id = $1 FOR UPDATE', [templateId]);
        if (!template) throw new SignalError('SIGNAL_NOT_FOUND', `No integration with id ${templateId}`, [{ field: 'id', message: 'no such integration' }]);
        // Locked: no assignment is enabled (nor, with the template's row, made) meanwhile.
        const { rows: assigned } = await client.query<{ pipeline_id: string; enabled: boolean }>(
          'SELECT pipeline_id, enabled FROM signal.pipeline_integrations WHERE template_id = $1 ORDER BY created_at FOR UPDATE',
          [templateId],
        );
        const rows = assigned.filter((r) => r.enabled);
        if (rows.length > 0) {
          throw new SignalError('SIGNAL_CONFLICT', `Integration "${template.name}" (${templateId}) is enabled on pipeline${rows.length > 1 ? 's' : ''} ${rows.map((r) => r.pipeline_id).join(', ')}: disable it there (setIntegrationEnabled) or unassign it first`, [
            { field: 'id', message: 'the integration is enabled on a pipeline' },
          ]);
        }
        await client.query('DELETE FROM signal.integration_templates WHERE id = $1', [templateId]);
      });
      await changed();
    },

    async unassign(assignmentId: string): Promise<void> {
      assertUuid(assignmentId, 'id');
      const { rowCount } = await pool.query('DELETE FROM signal.pipeline_integrations WHERE id = $1', [assignmentId]);
      if (!rowCount) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline integration with id ${assignmentId}`, [{ field: 'id', message: 'no such pipeline integration' }]);
      await changed();
    },

    /** A revision with its secrets decrypted, for the delivery engine only. */
    async resolveRevision(revisionId: string): Promise<ResolvedRevision> {
      const { rows } = await pool.query<RevisionRow & { vendor: string }>(
        `SELECT r.*, t.vendor FROM signal.integration_revisions r JOIN signal.integration_templates t ON t.id = r.template_id WHERE r.id = $1`,
        [revisionId],
      );
      if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `No revision ${revisionId}`);
      // The plugin says which fields are secret and may hold a sealed value.
      const def = plugin(rows[0].vendor);
      return { ...toRevision(rows[0], def), vendor: rows[0].vendor, config: open(def, rows[0].template_id, rows[0].config) };
    },

    /** Validates a config for a vendor (defaults applied); errors name `config.<field>`. */
    validateConfig: (vendor: string, config: JsonObject): Record<string, JsonValue> => validateConfig(plugin(vendor), config),

    /** Names of the secret fields of a vendor (for redaction). */
    secretFields: (vendor: string) => secretFields(plugin(vendor)),

    /** A vendor's variant by name (its default when none is given), or a 400 naming `field`. */
    variantOf: (vendor: string, variant: string | undefined, field = 'variant'): string => variantOf(plugin(vendor), variant, field),
  };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
