// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateKlaviyoConfig), and the options the mapping reads from it.
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { DEFAULT_REVISION, OLDEST_REVISION, REVISION_PATTERN } from './api.ts';

/** The revision whose Bulk Create Events schema documents `backfill` (the stored OpenAPI spec of 2026-07-15). */
export const BACKFILL_REVISION = '2026-07-15';
/** Klaviyo's changelog: "Each revision is supported for 2 years after its release." */
const SUPPORTED_YEARS = 2;

/** The integration's config as the catalog shows it; `validateKlaviyoConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'Private API Key', secret: true,
      description: 'A private API key of the Klaviyo account (Settings > Account > API keys > Create Private API Key), starting with pk_. Scopes: events:write and profiles:write; to forward person deletions also profiles:read (the lookup of the profile by external_id) and data-privacy:write. Not the 6-character public key (site ID).',
      maxLength: 256, examples: ['pk_0123456789abcdef0123456789abcdef01'],
    },
    revision: {
      type: 'string', title: 'API Revision',
      description: `The revision header sent with every request (YYYY-MM-DD). Klaviyo supports a revision for two years after its release; update it before it is retired. Default ${DEFAULT_REVISION}.`,
      pattern: REVISION_PATTERN.source, default: DEFAULT_REVISION, examples: [DEFAULT_REVISION],
    },
    default_country_code: {
      type: 'string', title: 'Default Country Code',
      description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers cannot be put in E.164 as Klaviyo requires: a profile update carrying one is dead-lettered saying so, an event is sent without it.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
    },
    ordered_product_events: {
      type: 'boolean', title: 'Ordered Product Events',
      description: 'With each Placed Order, one Ordered Product event per product of the order, as Klaviyo recommends for ecommerce integrations (per-product reports, flows and segments).',
      default: true,
    },
    backfill_older_than_hours: {
      type: 'integer', title: 'Backfill Events Older Than (hours)',
      description: `Optional: events that happened more than this many hours before they are sent (a replay, a backlog) are sent with backfill: true, so Klaviyo records them without triggering flows. Needs revision ${BACKFILL_REVISION} or later.`,
      minimum: 1, maximum: 8760, examples: [24],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Klaviyo\'s Data Privacy API with the same key, which then needs the profiles:read and data-privacy:write scopes: the profile whose external_id is the userId is looked up, then deleted by its Klaviyo id (a person known by an anonymousId alone cannot be deleted: see the plugin README).',
      default: true,
    },
  },
};

function given(value: JsonValue | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Why an API key cannot be a private key, or undefined when it can be. The message never
 * repeats the key.
 *
 * @example
 * apiKeyProblem('AbC123'); // 'looks like the 6-character public API key (site ID): …'
 */
export function apiKeyProblem(key: string): string | undefined {
  if (/^\s*Klaviyo-API-Key\s/i.test(key)) return 'holds the "Klaviyo-API-Key" prefix: give the private key alone (pk_…), Signal adds the prefix';
  if (/\s/.test(key)) return 'holds white space or a line break (copied with the text around it?): give the private key alone';
  if (/^[A-Za-z0-9]{6}$/.test(key)) {
    return 'looks like the 6-character public API key (site ID), which only Klaviyo\'s client-side endpoints take: give a private API key, starting with pk_ (Settings > Account > API keys > Create Private API Key)';
  }
  if (!key.startsWith('pk_')) return 'must be a private API key, which starts with pk_ (Settings > Account > API keys > Create Private API Key)';
  if (key.length < 11) return 'is too short for a private API key (pk_ and a longer string, as Klaviyo shows it once when the key is created)';
  return undefined;
}

/**
 * Checks beyond the JSON Schema: the API key is a private key (pk_…), not the public key (site
 * ID) nor a key with its header prefix or white space; the revision is a real date no older
 * than the one that introduced Bulk Create Events (2024-05-15), not yet retired (two years after
 * its release, at `now`) and not in the future; backfilling needs a revision documenting
 * `backfill`.
 *
 * @example
 * validateKlaviyoConfig({ api_key: 'AbC123' });
 * // [{ field: 'api_key', message: 'looks like the 6-character public API key (site ID), …' }]
 * validateKlaviyoConfig({ api_key: 'pk_…', revision: '2024-06-15' }, Date.parse('2026-11-20'));
 * // [{ field: 'revision', message: 'was retired on 2026-06-15 (Klaviyo supports a revision for two years after its release): …' }]
 */
export function validateKlaviyoConfig(config: Record<string, JsonValue>, now: number = Date.now()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (given(config.api_key)) {
    const problem = apiKeyProblem(config.api_key);
    if (problem) problems.push({ field: 'api_key', message: problem });
  }
  const revision = given(config.revision) ? config.revision : DEFAULT_REVISION;
  const match = REVISION_PATTERN.exec(revision);
  if (!match) {
    problems.push({ field: 'revision', message: `must be a revision date, YYYY-MM-DD (e.g. ${DEFAULT_REVISION})` });
  } else {
    const [, year, month, day] = match as unknown as [string, string, string, string];
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) {
      problems.push({ field: 'revision', message: `is not a date (${revision}): give a Klaviyo revision such as ${DEFAULT_REVISION}` });
    } else if (revision.slice(0, 10) < OLDEST_REVISION) {
      problems.push({ field: 'revision', message: `must be ${OLDEST_REVISION} or later: Bulk Create Events, which the plugin sends events to, arrived in that revision (and revisions are retired two years after release); ${DEFAULT_REVISION} is current` });
    } else if (date.getTime() > now && revision.slice(0, 10) > DEFAULT_REVISION) {
      problems.push({ field: 'revision', message: `${revision} is in the future: not a revision Klaviyo has released ("the revision passed in must be a valid revision"); ${DEFAULT_REVISION} is current` });
    } else if (Date.UTC(Number(year) + SUPPORTED_YEARS, Number(month) - 1, Number(day)) <= now) {
      const retired = `${Number(year) + SUPPORTED_YEARS}-${month}-${day}`;
      problems.push({ field: 'revision', message: `was retired on ${retired} (Klaviyo supports a revision for two years after its release): requests naming it fail (410) or are served by another revision — set ${DEFAULT_REVISION} or a later one` });
    } else if (config.backfill_older_than_hours !== undefined && config.backfill_older_than_hours !== null && revision.slice(0, 10) < BACKFILL_REVISION) {
      problems.push({ field: 'backfill_older_than_hours', message: `needs revision ${BACKFILL_REVISION} or later (config.revision is ${revision}): earlier revisions do not document the backfill flag` });
    }
  }
  return problems;
}

/** What the mapping reads from the config. */
export interface KlaviyoOptions {
  defaultCountryCode?: string | undefined;
  orderedProductEvents: boolean;
  /** Events older than this (ms before the delivery) are backfilled; undefined: none. */
  backfillOlderThanMs?: number | undefined;
}

/**
 * The mapping's options of an integration's config.
 *
 * @example
 * optionsOf({ default_country_code: '44', backfill_older_than_hours: 24 }); // { defaultCountryCode: '44', orderedProductEvents: true, backfillOlderThanMs: 86400000 }
 */
export function optionsOf(config: Record<string, JsonValue>): KlaviyoOptions {
  const hours = config.backfill_older_than_hours;
  return {
    defaultCountryCode: given(config.default_country_code) ? config.default_country_code.trim() : undefined,
    orderedProductEvents: config.ordered_product_events !== false,
    backfillOlderThanMs: typeof hours === 'number' && Number.isFinite(hours) && hours > 0 ? hours * 3_600_000 : undefined,
  };
}
