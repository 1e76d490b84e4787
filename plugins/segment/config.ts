// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateSegmentConfig), and the readings the other modules share. Segment has two
// regions, each with its own hosts: a source of an EU workspace takes events only at
// events.eu1.segmentapis.com (api.segment.io would answer 200 and the events never show up), and
// its Public API lives at eu1.api.segmentapis.com.
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';

/** Segment's regions, as its docs name the data processing regions of a workspace. */
export const REGIONS = ['us', 'eu'] as const;
export type Region = (typeof REGIONS)[number];

/** The HTTP Tracking API's batch endpoint per region ("Oregon (Default) — api.segment.io", "Dublin — events.eu1.segmentapis.com"). */
export const BATCH_URLS: Record<Region, string> = {
  us: 'https://api.segment.io/v1/batch',
  eu: 'https://events.eu1.segmentapis.com/v1/batch',
};

/** The Public API's origin per region (Segment's SDKs: `configureApis` and `configureEuApis`). */
export const PUBLIC_API_URLS: Record<Region, string> = {
  us: 'https://api.segmentapis.com',
  eu: 'https://eu1.api.segmentapis.com',
};

/** Which anonymousId Segment receives: Signal's visitor id (`_dfdid`) or the one the site's SDK sent. */
export const ANONYMOUS_IDS = ['signal', 'sdk'] as const;

/**
 * The Public API regulations that delete: Segment & Destination ones (DELETE_ONLY,
 * SUPPRESS_WITH_DELETE: Segment forwards them to the destinations that support deletion) and
 * Segment-only ones (…_INTERNAL). SUPPRESS_ONLY and UNSUPPRESS delete nothing and are left out.
 */
export const DELETION_TYPES = ['DELETE_ONLY', 'SUPPRESS_WITH_DELETE', 'DELETE_INTERNAL', 'SUPPRESS_WITH_DELETE_INTERNAL'] as const;
export type DeletionType = (typeof DELETION_TYPES)[number];

/** The integration's config as the catalog shows it; `validateSegmentConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['write_key'],
  properties: {
    write_key: {
      type: 'string', title: 'Write Key', secret: true,
      description: 'The write key of the Segment source the events go to (Segment: Connections > Sources > your source > Settings > API Keys). Use an HTTP API source (or any server source) of its own, so Segment\'s debugger shows what came through Signal. Sent as the HTTP Basic user name.',
      minLength: 1, maxLength: 200, examples: ['DmBXIN4JnwqBnTqXccTF0wBnLXNQmFtk'],
    },
    region: {
      type: 'string', title: 'Region',
      description: 'The data processing region of your Segment workspace: us (api.segment.io, default) or eu (events.eu1.segmentapis.com). An EU workspace\'s source must get its events at the EU endpoint: sent to api.segment.io they are answered 200 and never appear.',
      enum: [...REGIONS], enumLabels: ['US (api.segment.io)', 'EU (events.eu1.segmentapis.com)'], default: 'us',
    },
    anonymous_id: {
      type: 'string', title: 'Anonymous ID',
      description: 'signal (default): the visitor id Signal keeps in its _dfdid cookie, the anonymousId every other integration gets. sdk: the anonymousId the site\'s SDK sent (analytics.js\'s ajs_anonymous_id) when it differs, so the visitor\'s profile in Segment continues from the events Segment received before Signal. Both start out equal for new visitors.',
      enum: [...ANONYMOUS_IDS], enumLabels: ['Signal visitor id (_dfdid)', 'The site SDK\'s anonymousId'], default: 'signal',
    },
    public_api_token: {
      type: 'string', title: 'Public API Token (deletions only)', secret: true,
      description: 'Only to forward person deletions (deletePerson) to Segment as a regulation: a Public API token of the workspace (Segment: Settings > Workspace settings > Access Management > Tokens, sgp_…) whose role may create regulations. Leave it out and deletions are not forwarded.',
      minLength: 8, maxLength: 500,
    },
    source_id: {
      type: 'string', title: 'Source ID (deletions only)',
      description: 'With public_api_token: the ID of the source that write_key writes to (Segment: the source\'s Settings > API Keys, or the Public API), to delete the person from that source only (Create Source Regulation). Leave it out to delete them from the whole workspace (Create Workspace Regulation).',
      pattern: '^[A-Za-z0-9]{1,64}$', examples: ['qQEHquLrjRDN9j1ByrChyn'],
    },
    deletion_type: {
      type: 'string', title: 'Deletion Type (deletions only)',
      description: 'The regulation a deletion creates. DELETE_ONLY (default): delete the person\'s data in Segment and in the destinations that support deletion, without suppressing later events (Signal\'s own suppression holds those back). SUPPRESS_WITH_DELETE: also suppress their later events at Segment. The _INTERNAL kinds delete from Segment only, not from destinations.',
      enum: [...DELETION_TYPES], enumLabels: ['Delete (Segment and destinations)', 'Suppress and delete (Segment and destinations)', 'Delete (Segment only)', 'Suppress and delete (Segment only)'], default: 'DELETE_ONLY',
    },
  },
};

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The config's region (us unless eu). */
export function regionOf(config: Record<string, JsonValue>): Region {
  return config.region === 'eu' ? 'eu' : 'us';
}

/** The write key as sent (trimmed: a key pasted with a space around it is still the key). */
export function writeKeyOf(config: Record<string, JsonValue>): string {
  return text(config.write_key);
}

/** The Public API token, or '' when deletions are not forwarded. */
export function publicApiTokenOf(config: Record<string, JsonValue>): string {
  return text(config.public_api_token);
}

/** The source deletions are scoped to, or undefined for the whole workspace. */
export function sourceIdOf(config: Record<string, JsonValue>): string | undefined {
  return text(config.source_id) || undefined;
}

/** The regulation type deletions create (DELETE_ONLY unless configured). */
export function deletionTypeOf(config: Record<string, JsonValue>): DeletionType {
  return (DELETION_TYPES as readonly unknown[]).includes(config.deletion_type) ? (config.deletion_type as DeletionType) : 'DELETE_ONLY';
}

/** Whether Segment gets the SDK's own anonymousId (context.clientAnonymousId) rather than Signal's visitor id. */
export function prefersSdkAnonymousId(config: Record<string, JsonValue>): boolean {
  return config.anonymous_id === 'sdk';
}

/**
 * Why a write key cannot be one, or undefined. The key is the Basic user name: a colon would end
 * it early, white space inside it is a paste of more than the key, and a Public API token
 * (sgp_…) is no write key. The message never repeats the key.
 *
 * @example
 * writeKeyProblem('sgp_abc…'); // 'is a Public API token (sgp_…), not a source\'s write key: …'
 */
export function writeKeyProblem(raw: string): string | undefined {
  const key = raw.trim();
  if (key === '') return 'is empty: give the write key of the Segment source (Connections > Sources > your source > Settings > API Keys)';
  if (/\s/.test(key)) return 'holds white space or a line break (copied with the text around it?): give the write key alone';
  if (key.includes(':')) return 'holds a colon, which cannot be in an HTTP Basic user name: give the write key alone (not "key:" or a Basic header)';
  if (/[^\x21-\x7e]/.test(key)) return 'holds characters that are not ASCII: give the write key alone';
  if (key.startsWith('sgp_')) return 'is a Public API token (sgp_…), not a source\'s write key: give the write key (Connections > Sources > your source > Settings > API Keys); a Public API token goes in public_api_token, for deletions';
  return undefined;
}

/**
 * The checks beyond the schema, each naming its field: the write key's form, the Public API
 * token's (no white space inside, not the write key), and a source_id or deletion_type given
 * without the token that would use them.
 *
 * @example
 * validateSegmentConfig({ write_key: 'abc 123' });
 * // [{ field: 'write_key', message: 'write_key holds white space or a line break (…): give the write key alone' }]
 */
export function validateSegmentConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.write_key === 'string') {
    const problem = writeKeyProblem(config.write_key);
    if (problem) problems.push({ field: 'write_key', message: `write_key ${problem}` });
  }
  const token = publicApiTokenOf(config);
  if (typeof config.public_api_token === 'string' && config.public_api_token.trim() === '') {
    problems.push({ field: 'public_api_token', message: 'public_api_token is blank: give a Public API token, or leave the field out to not forward deletions' });
  } else if (/\s/.test(token)) {
    problems.push({ field: 'public_api_token', message: 'public_api_token holds white space or a line break (copied with the text around it?): give the token alone' });
  } else if (token !== '' && token === writeKeyOf(config)) {
    problems.push({ field: 'public_api_token', message: 'public_api_token is the write key: deletions need a Public API token of the workspace (Settings > Workspace settings > Access Management > Tokens, sgp_…)' });
  }
  if (token === '' && text(config.source_id) !== '') {
    problems.push({ field: 'source_id', message: 'source_id only scopes forwarded deletions, which need public_api_token: give the token too, or leave source_id out' });
  }
  return problems;
}
