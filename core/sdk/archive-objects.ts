// Archives of events in object storage (Amazon S3, Google Cloud Storage…), shared by the plugins
// that write them: the archive record of the blueprint variants (no contact information in clear:
// email and phone hashed, URLs without their queries), the hourly Hive-style partitions
// (`dt=YYYY-MM-DD/hour=HH`, which Athena, BigQuery external tables, Glue and Spark read as
// columns), an object's name fixed by its events alone (so a retry of the same request writes the
// same name and overwrites its object instead of adding a second copy), and its body: NDJSON, one
// event a line, gzipped by default into a deterministic .ndjson.gz file.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { removeContactInfo } from './contact-info.ts';
import { customerInfo } from './customer-info.ts';
import { isEmailAddress } from './email-address.ts';
import { isJsonObject } from './json-object.ts';
import { normalizePhoneNumber } from './phone-number.ts';
import { splitBatch } from './split-batch.ts';
import type { CanonicalEvent, ConfigFieldSchema, JsonObject, JsonValue, MappedEvent, VendorField } from './types.ts';

/** The variant that archives the canonical event unchanged. */
export const ARCHIVE_RAW_VARIANT = 'raw';
/**
 * The fields of the archive record (the default and retail blueprints' columns), as the
 * catalog shows them: a plugin's `vendorFields`.
 */
export const ARCHIVE_VENDOR_FIELDS: Readonly<Record<string, VendorField>> = Object.freeze({
  message_id: { required: true, description: 'The event\'s messageId: its unique id (deduplicate on it when reading).' },
  type: { required: true, description: 'track, page, screen, identify, group or alias.' },
  timestamp: { required: true, description: 'When the event happened (ISO 8601, UTC).' },
  received_at: { required: true, description: 'When Signal received it (ISO 8601, UTC).' },
  event: { required: false, description: 'A track event\'s name.' },
  user_id: { required: false },
  anonymous_id: { required: false },
  properties: { required: false, description: 'The event\'s properties, without contact information.' },
  traits: { required: false, description: 'An identify\'s traits, without contact information.' },
  customer: { required: false, description: 'email_sha256 and phone_sha256: hashed by the plugin.' },
  page_url: { required: false },
  ip: { required: false },
  user_agent: { required: false },
  consent: { required: false },
});
/** The key of the hashed customer information in an archive record. */
const CUSTOMER_KEY = 'customer';

export interface ArchiveNormalizeOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/** Lower case in Unicode's composed form: `Zoë` typed either way hashes the same. */
const lower = (text: string) => text.normalize('NFC').toLowerCase();

const customer = customerInfo<ArchiveNormalizeOptions>({
  hashed: {
    // Trimmed and lower-cased; one address (no white space, one @).
    email_sha256: (value) => {
      const email = lower(value.trim());
      return isEmailAddress(email, { requireDomainDot: false }) ? email : undefined;
    },
    // E.164 with its + (`+447700900123`), by the default country's numbering plan; a national
    // number with no default country code is unusable (its country would be a guess).
    phone_sha256: (value, { defaultCountryCode }) => normalizePhoneNumber(value, { defaultCountryCode }),
  },
  shape: () => 'single',
  clear: {},
});

/**
 * One email or phone hashed as an archive record writes it, or undefined when nothing usable is
 * left. A value of 64 hex characters is taken as hashed already (lower-cased, not hashed twice).
 *
 * @example
 * hashArchiveCustomerField('email_sha256', ' Jane.Doe@Example.com '); // sha256('jane.doe@example.com')
 * hashArchiveCustomerField('phone_sha256', '07700 900123', { defaultCountryCode: '44' }); // sha256('+447700900123')
 */
export function hashArchiveCustomerField(field: 'email_sha256' | 'phone_sha256', value: JsonValue, options: ArchiveNormalizeOptions = {}): string | undefined {
  return customer.hashField(field, value, options);
}

/** Keys that hold a URL: `page_url`, `page_referrer`, `url`, `image_url`, `imageURL`, `href`… */
const URL_KEY = /(?:url|uri|href|referr?er)$/i;
/** Keys that hold a query string on its own: `page_search`, a page call's `search`. */
const SEARCH_KEY = /(?:^|_)search$/i;
/** An absolute URL, whatever its key: `https://…`, `android-app://…`. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A value without what URLs carry after their path, at any depth: a URL (by its key, or any
 * absolute URL) loses its query string and fragment (`https://shop.example.com/reset?email=…#t`
 * → `https://shop.example.com/reset`), a query string on its own (`search: '?email=…'`) is
 * left out. Undefined when nothing is left.
 *
 * @example
 * archiveUrlsWithoutQueries({ page_url: 'https://shop.example.com/reset?email=jane.doe%40example.com&token=abc123', page_search: '?email=…' });
 * // { page_url: 'https://shop.example.com/reset' }
 */
export function archiveUrlsWithoutQueries(value: JsonValue, key = ''): JsonValue | undefined {
  if (typeof value === 'string') {
    if (SEARCH_KEY.test(key) && /^\?|=/.test(value)) return undefined;
    return URL_KEY.test(key) || ABSOLUTE_URL.test(value) ? value.replace(/[?#][\s\S]*$/, '') : value;
  }
  if (Array.isArray(value)) return value.map((item) => archiveUrlsWithoutQueries(item, key)).filter((item): item is JsonValue => item !== undefined);
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [name, item] of Object.entries(value)) {
      const kept = archiveUrlsWithoutQueries(item, name);
      if (kept !== undefined) out[name] = kept;
    }
    return out;
  }
  return value;
}

/**
 * The record a blueprint variant archives, its keys in the blueprint's order:
 * - `customer` reduced to `email_sha256` and `phone_sha256`, hashed (the first usable value of
 *   each; any other key under it is left out, as it may hold contact information in clear);
 * - `properties` cleaned as an event's properties (`removeContactInfo`: its top-level `name`
 *   is taken for a person's, as everywhere in Signal);
 * - `traits` (an identify's) cleaned as a person's object: the person's `name` goes too;
 * - every other field without contact information at any depth (a `user_id` that is an email
 *   address is left out; a product's `name` stays);
 * - everywhere, URLs without their query string and fragment, and no query string on its own
 *   (`archiveUrlsWithoutQueries`).
 *
 * @example
 * archiveRecord({ message_id: 'm-1', properties: { plan: 'pro', email: 'jane@example.com' }, customer: { email_sha256: 'Jane@Example.com' } });
 * // { message_id: 'm-1', properties: { plan: 'pro' }, customer: { email_sha256: sha256('jane@example.com') } }
 */
export function archiveRecord(payload: JsonObject, options: ArchiveNormalizeOptions = {}): JsonObject {
  const { [CUSTOMER_KEY]: mapped, properties, traits, ...rest } = archiveUrlsWithoutQueries(payload) as JsonObject;
  const cleaned = removeContactInfo(rest);
  const record: JsonObject = {};
  for (const key of Object.keys(payload)) {
    if (key === CUSTOMER_KEY) {
      const { fields } = customer.normalize(isJsonObject(mapped) ? mapped : undefined, options);
      if (Object.keys(fields).length > 0) record[key] = fields;
    } else if (key === 'properties') {
      if (isJsonObject(properties)) record[key] = removeContactInfo(properties);
    } else if (key === 'traits') {
      // Under a word naming a person, the SDK takes the object for one: its `name` is theirs.
      const person = isJsonObject(traits) ? removeContactInfo({ person: traits }).person : undefined;
      if (isJsonObject(person)) record[key] = person;
    } else if (Object.hasOwn(cleaned, key)) {
      record[key] = cleaned[key]!;
    }
  }
  return record;
}

export const ARCHIVE_PARTITION_TIMES = ['received_at', 'timestamp'] as const;
export type ArchivePartitionTime = (typeof ARCHIVE_PARTITION_TIMES)[number];

/**
 * The instant an event's partition is taken from: when Signal received it (the default; set by
 * the server, so a client cannot move it), or its timestamp (the event's own time, corrected
 * for the client's clock skew). A timestamp that cannot be read falls back to receivedAt.
 *
 * @example
 * archivePartitionInstant(event, 'received_at'); // Date.parse(event.receivedAt)
 */
export function archivePartitionInstant(event: CanonicalEvent, by: ArchivePartitionTime): number {
  const at = by === 'timestamp' ? Date.parse(event.timestamp) : Number.NaN;
  return Number.isFinite(at) ? at : Date.parse(event.receivedAt);
}

/**
 * The partition of an instant, UTC: `dt=2024-03-24/hour=16`.
 *
 * @example
 * archivePartitionOf(Date.parse('2024-03-24T16:05:00Z')); // 'dt=2024-03-24/hour=16'
 */
export function archivePartitionOf(instant: number): string {
  const iso = new Date(Number.isFinite(instant) ? instant : 0).toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/** How much of the first event's messageId a file name keeps (the digest covers all of it). */
const MAX_ID_IN_NAME = 64;

/** A messageId made safe for a name (any other character becomes `_`), cut to 64 characters. */
function safeId(messageId: string): string {
  return messageId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_ID_IN_NAME) || '_';
}

/**
 * The name (key) of the object holding `events`, in order:
 * `<prefix>/<partition>/<integration>-<first messageId>-<count>-<digest>.<extension>`, where
 * the digest is the first 16 hex characters of the SHA-256 of the JSON array of every event's
 * `[messageId, receivedAt]`, in order. Only the events decide it: a retry of the same request
 * (the stored events keep their receivedAt) gives the same name and overwrites the object. Two
 * different groupings never share one — nor two events that share a messageId but were received
 * at different times. JSON, not a separator, so no id can make two different lists hash alike.
 *
 * @example
 * archiveObjectKey('signal', 'dt=2024-03-24/hour=16', 'a1b2', [e1, e2], 'ndjson.gz');
 * // 'signal/dt=2024-03-24/hour=16/a1b2-<e1.messageId>-2-<digest>.ndjson.gz'
 */
export function archiveObjectKey(prefix: string, partition: string, integrationId: string, events: readonly CanonicalEvent[], extension = 'ndjson'): string {
  const identity = JSON.stringify(events.map((e) => [e.messageId, e.receivedAt]));
  const digest = createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, 16);
  const name = `${safeId(integrationId)}-${safeId(events[0]?.messageId ?? '')}-${events.length}-${digest}.${extension}`;
  return [prefix, partition, name].filter((part) => part !== '').join('/');
}

/**
 * The prefix as object names use it: surrounding slashes trimmed (`/events/` → `events`), the
 * default when the config has none, empty when it is empty (the bucket's root).
 *
 * @example
 * archivePrefixOf({ prefix: '/signal/events/' }); // 'signal/events'
 */
export function archivePrefixOf(config: Record<string, JsonValue>, fallback = 'signal'): string {
  return (typeof config.prefix === 'string' ? config.prefix : fallback).replace(/^\/+|\/+$/g, '');
}

/** An object's compression: a .ndjson.gz file (the default) or plain .ndjson. */
export const ARCHIVE_COMPRESSIONS = ['gzip', 'none'] as const;
export type ArchiveCompression = (typeof ARCHIVE_COMPRESSIONS)[number];
/** The `Content-Type` of plain objects: newline-delimited JSON, one event a line. */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';
/** The `Content-Type` of gzip-compressed objects: a .gz file, as tools download and read it. */
export const GZIP_CONTENT_TYPE = 'application/gzip';

/**
 * The configured compression: gzip unless `none`.
 *
 * @example
 * archiveCompressionOf({ compression: 'none' }); // 'none'
 */
export function archiveCompressionOf(config: Record<string, JsonValue>): ArchiveCompression {
  return config.compression === 'none' ? 'none' : 'gzip';
}

/** An object's body, its `Content-Type` and its name's extension. */
export interface ArchiveBody {
  body: string | Uint8Array;
  contentType: string;
  extension: string;
}

/**
 * An object's body: the events' payloads as NDJSON (one a line, each ended by a newline, as
 * `jq -c`, Athena's JSON SerDe and BigQuery's NEWLINE_DELIMITED_JSON read it), as text (UTF-8
 * when sent), or gzipped into bytes. `gzipSync` writes a bare header — no file name,
 * modification time 0 — so the bytes depend on the NDJSON alone (for a given zlib). Meant to be
 * stored as a .gz file, without `Content-Encoding`.
 *
 * @example
 * archiveBody(events, 'none'); // { body: '{"message_id":"m-1",…}\n', contentType: 'application/x-ndjson', extension: 'ndjson' }
 */
export function archiveBody(events: readonly MappedEvent[], compression: ArchiveCompression): ArchiveBody {
  const text = events.map((e) => `${JSON.stringify(e.payload)}\n`).join('');
  return compression === 'gzip'
    ? { body: gzipSync(Buffer.from(text, 'utf8')), contentType: GZIP_CONTENT_TYPE, extension: 'ndjson.gz' }
    : { body: text, contentType: NDJSON_CONTENT_TYPE, extension: 'ndjson' };
}

/** One object to write: its partition and its events, in the batch's order. */
export interface ArchiveObjectEvents {
  partition: string;
  events: MappedEvent[];
}

/**
 * A batch cut into objects: one group per hour partition (in the batch's order: a query of one
 * dt/hour finds every event of that hour, whichever delivery carried it), each within the
 * limits (splitBatch counts each payload's JSON and one byte more: exactly an NDJSON line's
 * newline).
 *
 * @example
 * archiveObjects(batch, 'received_at', { maxEvents: 10_000, maxBytes: 5 * 1024 * 1024 });
 * // [{ partition: 'dt=2024-03-24/hour=16', events: [...] }, …]
 */
export function archiveObjects(batch: readonly MappedEvent[], by: ArchivePartitionTime, limits: { maxEvents: number; maxBytes: number }): ArchiveObjectEvents[] {
  const byPartition = new Map<string, MappedEvent[]>();
  for (const event of batch) {
    const partition = archivePartitionOf(archivePartitionInstant(event.event, by));
    const list = byPartition.get(partition);
    if (list) list.push(event);
    else byPartition.set(partition, [event]);
  }
  return [...byPartition].flatMap(([partition, events]) => splitBatch(events, limits).map((part) => ({ partition, events: part })));
}

/** The object limits an archive plugin allows its config to set: `maxEvents` and `maxBytes` cap them, `defaultBytes` applies when the config says nothing valid. */
export interface ArchiveObjectBounds {
  maxEvents: number;
  minBytes: number;
  maxBytes: number;
  defaultBytes: number;
}

/** The object storage plugins' limits: 10,000 events and 64 KiB to 16 MiB of NDJSON an object, 5 MiB by default. */
export const ARCHIVE_OBJECT_BOUNDS: Readonly<ArchiveObjectBounds> = Object.freeze({ maxEvents: 10_000, minBytes: 64 * 1024, maxBytes: 16 * 1024 * 1024, defaultBytes: 5 * 1024 * 1024 });

/**
 * The config fields every archive plugin shares, worded with the store's name for an object
 * and the tools that read its gzipped files: `partition_by`, `compression`,
 * `max_events_per_object`, `max_object_bytes` (within `ARCHIVE_OBJECT_BOUNDS`) and
 * `default_country_code` (for the phone numbers the default and retail variants hash).
 *
 * @example
 * const fields = archiveConfigFieldSchemas({ object: 'blob', title: 'Blob', readers: 'Synapse, Fabric, Databricks and zcat' });
 * // { partition_by: {…}, compression: {…}, max_events_per_object: { title: 'Max Events per Blob', … }, … }
 */
export function archiveConfigFieldSchemas(words: { object: string; title: string; readers: string }): Record<'partition_by' | 'compression' | 'max_events_per_object' | 'max_object_bytes' | 'default_country_code', ConfigFieldSchema> {
  const { maxEvents, minBytes, maxBytes, defaultBytes } = ARCHIVE_OBJECT_BOUNDS;
  return {
    partition_by: {
      type: 'string', title: 'Partition By',
      description: 'Which time places an event in its dt=/hour= partition (UTC): when Signal received it (default; set by the server), or the event\'s own timestamp (e.g. for apps that send events late).',
      enum: [...ARCHIVE_PARTITION_TIMES], enumLabels: ['Received at (server time)', 'Event timestamp'], default: 'received_at',
    },
    compression: {
      type: 'string', title: 'Compression',
      description: `gzip (default): ${words.object}s are .ndjson.gz files (Content-Type application/gzip, stored compressed as they are), read by ${words.readers}, several times smaller to store and upload. none: plain .ndjson (application/x-ndjson).`,
      enum: [...ARCHIVE_COMPRESSIONS], enumLabels: ['gzip (.ndjson.gz)', 'None (.ndjson)'], default: 'gzip',
    },
    max_events_per_object: {
      type: 'integer', title: `Max Events per ${words.title}`,
      description: `Most events in one ${words.object} (at most ${maxEvents.toLocaleString('en')}). Each delivery batch becomes one ${words.object} per hour partition, within this and the size below.`,
      minimum: 1, maximum: maxEvents, default: maxEvents,
    },
    max_object_bytes: {
      type: 'integer', title: `Max ${words.title} Size (bytes)`,
      description: `Most bytes of NDJSON in one ${words.object}, measured before compression (${minBytes / 1024} KiB to ${maxBytes / 2 ** 20} MiB; default ${defaultBytes / 2 ** 20} MiB): a gzipped ${words.object} is several times smaller. A larger batch becomes several ${words.object}s.`,
      minimum: minBytes, maximum: maxBytes, default: defaultBytes,
    },
    default_country_code: {
      type: 'string', title: 'Default Country Code',
      description: 'Calling code (digits, e.g. 44) for phone numbers written without one (07700 900123), before they are hashed as E.164 in the default and retail variants. Without it such numbers are left out.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
    },
  };
}

/** A configured integer within [min, max], else the default (the schema refuses others at install; a revision made before a bound changed may still hold one). */
function configuredLimit(value: JsonValue | undefined, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

/**
 * `archiveObjects` with the archive config fields every object storage plugin shares:
 * `partition_by` (`received_at` unless `timestamp`), `max_events_per_object` and
 * `max_object_bytes`, each within the bounds (`ARCHIVE_OBJECT_BOUNDS` unless given).
 *
 * @example
 * archiveObjectsOf(batch, ctx.config); // within ARCHIVE_OBJECT_BOUNDS, or bounds of its own as a third argument
 * // [{ partition: 'dt=2024-03-24/hour=16', events: [...] }, …]
 */
export function archiveObjectsOf(batch: readonly MappedEvent[], config: Record<string, JsonValue>, bounds: ArchiveObjectBounds = ARCHIVE_OBJECT_BOUNDS): ArchiveObjectEvents[] {
  const by: ArchivePartitionTime = config.partition_by === 'timestamp' ? 'timestamp' : 'received_at';
  return archiveObjects(batch, by, {
    maxEvents: configuredLimit(config.max_events_per_object, 1, bounds.maxEvents, bounds.maxEvents),
    maxBytes: configuredLimit(config.max_object_bytes, bounds.minBytes, bounds.maxBytes, bounds.defaultBytes),
  });
}
