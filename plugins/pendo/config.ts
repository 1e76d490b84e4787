// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validatePendoConfig), and the options the mapping and requests read.
import { configText } from '../../core/sdk/index.ts';
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { REGION_ORIGINS, REGIONS } from './hosts.ts';

/** How events of visitors without a userId are sent. */
export const ANONYMOUS_VISITORS = ['skip', 'anonymous_id'] as const;
export type AnonymousVisitors = (typeof ANONYMOUS_VISITORS)[number];

/** Which group of visitor metadata identify traits set: custom fields or agent fields. */
export const METADATA_GROUPS = ['custom', 'agent'] as const;
export type MetadataGroup = (typeof METADATA_GROUPS)[number];

const KEY_PATTERN = '^\\s*[\\x21-\\x7e]{8,256}\\s*$';

/** The integration's config as the catalog shows it; `validatePendoConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['track_secret'],
  properties: {
    track_secret: {
      type: 'string', title: 'Track Event Shared Secret', secret: true,
      description: 'The app\'s Track Event shared secret, sent as x-pendo-integration-key with every track event (Pendo: Settings > Subscription Settings > Applications > your app > App Details > Track Event shared secret, Show). It is not an integration key.',
      pattern: KEY_PATTERN, examples: ['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
    },
    region: {
      type: 'string', title: 'Data Center',
      description: `The data center of the Pendo subscription, whose host every request goes to: ${REGIONS.map((r) => `${r} (${REGION_ORIGINS[r]})`).join(', ')}. It is the host you sign in to Pendo at.`,
      enum: [...REGIONS], enumLabels: ['US (app.pendo.io)', 'US1 (us1.app.pendo.io)', 'EU (app.eu.pendo.io)', 'Japan (app.jpn.pendo.io)', 'Australia (app.au.pendo.io)'],
      default: 'us', examples: ['us', 'eu'],
    },
    integration_key: {
      type: 'string', title: 'Integration Key (identify and deletions)', secret: true,
      description: 'Optional: a Pendo integration key with write access (Settings > Integrations > Integration Keys, Allow write access), sent as x-pendo-integration-key to the Metadata API (identify traits as visitor metadata) and the bulk delete API (person deletions). Without it identify calls are not sent (with a warning) and deletions are not forwarded. It is not the Track Event shared secret.',
      pattern: KEY_PATTERN, examples: ['00000000-1111-4222-8333-444444444444.us'],
    },
    metadata_group: {
      type: 'string', title: 'Visitor Metadata Fields',
      description: 'Which visitor metadata identify traits set: custom (default) — custom fields an admin added in Settings > Data Mappings (a trait without such a field is refused by Pendo); agent — agent fields, as the Pendo snippet sends them (the snippet overwrites them on the visitor\'s next page load).',
      enum: [...METADATA_GROUPS], enumLabels: ['Custom fields (Data Mappings)', 'Agent fields'], default: 'custom', examples: ['custom', 'agent'],
    },
    create_visitors: {
      type: 'boolean', title: 'Create Unknown Visitors',
      description: 'Identify of a visitor Pendo has not seen yet: false (default) — Pendo reports it missing and the identify is dead-lettered; true — the Metadata API creates the visitor (create=true), which may count against the subscription\'s visitors.',
      default: false, examples: [false, true],
    },
    anonymous_visitors: {
      type: 'string', title: 'Visitors Without a User ID',
      description: 'skip (default): only events with a userId (your own visitor id, as the Pendo snippet\'s visitor.id) are sent; the others are dropped with a warning. anonymous_id: events without a userId are sent with the anonymousId as visitorId — a Pendo visitor of its own, never merged with the identified one (Pendo\'s anonymous visitors are its agent\'s _PENDO_T_ ids, which Signal does not know).',
      enum: [...ANONYMOUS_VISITORS], enumLabels: ['Skip them', 'Send the anonymousId as visitorId'], default: 'skip', examples: ['skip', 'anonymous_id'],
    },
  },
};

function given(value: JsonValue | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function keyProblem(field: string, value: string, what: string): ConfigProblem | undefined {
  const key = value.trim();
  // Sent as it is given, so that the delivery log's redaction of secret values finds it whole.
  if (key !== value && !/\s/.test(key)) return { field, message: `starts or ends with white space: give the ${what} alone` };
  if (/\s/.test(key)) return { field, message: `holds white space or a line break (copied with the text around it?): give the ${what} alone` };
  if (/[^\x21-\x7e]/.test(key)) return { field, message: `holds characters that are not ASCII: give the ${what} as Pendo shows it` };
  return undefined;
}

/**
 * Checks beyond the JSON Schema: each key is one token, and the integration key is not the
 * Track Event shared secret again (they are different secrets). Messages never repeat a key.
 *
 * @example
 * validatePendoConfig({ track_secret: 'abcdefgh1', integration_key: 'abcdefgh1' });
 * // [{ field: 'integration_key', message: 'is the Track Event shared secret again: …' }]
 */
export function validatePendoConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (given(config.track_secret)) {
    const problem = keyProblem('track_secret', config.track_secret, 'Track Event shared secret');
    if (problem) problems.push(problem);
  }
  if (given(config.integration_key)) {
    const problem = keyProblem('integration_key', config.integration_key, 'integration key');
    if (problem) problems.push(problem);
    else if (given(config.track_secret) && config.integration_key.trim() === config.track_secret.trim()) {
      problems.push({ field: 'integration_key', message: 'is the Track Event shared secret again: give an integration key (Settings > Integrations > Integration Keys) with write access, or leave it empty' });
    }
  }
  if (config.create_visitors === true && !given(config.integration_key)) {
    problems.push({ field: 'create_visitors', message: 'creates visitors through the Metadata API, which needs integration_key: set it, or leave create_visitors off' });
  }
  return problems;
}

/** What the mapping and the requests read from the config. */
export interface PendoOptions {
  trackSecret: string;
  integrationKey: string | undefined;
  metadataGroup: MetadataGroup;
  createVisitors: boolean;
  anonymousVisitors: AnonymousVisitors;
}

/**
 * The options of an integration's config.
 *
 * @example
 * optionsOf({ track_secret: ' s3cret-1 ' });
 * // { trackSecret: 's3cret-1', integrationKey: undefined, metadataGroup: 'custom', createVisitors: false, anonymousVisitors: 'skip' }
 */
export function optionsOf(config: Record<string, JsonValue>): PendoOptions {
  return {
    trackSecret: configText(config, 'track_secret') ?? '',
    integrationKey: configText(config, 'integration_key'),
    metadataGroup: config.metadata_group === 'agent' ? 'agent' : 'custom',
    createVisitors: config.create_visitors === true,
    // Skipped unless asked: an anonymousId is a visitor of its own in Pendo, never merged.
    anonymousVisitors: config.anonymous_visitors === 'anonymous_id' ? 'anonymous_id' : 'skip',
  };
}
