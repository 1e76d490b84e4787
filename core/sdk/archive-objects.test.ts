import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  archiveBody, archiveCompressionOf, archiveObjectKey, archiveConfigFieldSchemas, archiveObjects, archiveObjectsOf, ARCHIVE_OBJECT_BOUNDS, archivePartitionInstant, archivePartitionOf, archivePrefixOf, archiveRecord,
  archiveUrlsWithoutQueries, hashArchiveCustomerField,
} from './archive-objects.ts';
import type { CanonicalEvent, MappedEvent } from './types.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const event = (messageId: string, receivedAt: string, timestamp = receivedAt): CanonicalEvent => ({ type: 'track', event: 'Signed Up', messageId, timestamp, receivedAt } as CanonicalEvent);
const mapped = (messageId: string, receivedAt: string, timestamp = receivedAt): MappedEvent => ({ id: messageId, event: event(messageId, receivedAt, timestamp), payload: { message_id: messageId } });

test('archiveRecord hashes email and phone under customer, removes other contact information, cuts URL queries', () => {
  const record = archiveRecord({
    message_id: 'm-1', user_id: 'jane@example.com', page_url: 'https://shop.example.com/reset?email=jane%40example.com#t', page_search: '?email=x',
    properties: { plan: 'pro', email: 'jane@example.com' }, traits: { name: 'Jane Doe', plan: 'pro' },
    customer: { email_sha256: ' Jane@Example.com ', phone_sha256: '07700 900123', first_name: 'Jane' },
  }, { defaultCountryCode: '44' });
  assert.deepEqual(record, {
    message_id: 'm-1', page_url: 'https://shop.example.com/reset', properties: { plan: 'pro' }, traits: { plan: 'pro' },
    customer: { email_sha256: sha256('jane@example.com'), phone_sha256: sha256('+447700900123') },
  });
  assert.equal(hashArchiveCustomerField('email_sha256', 'not an address'), undefined);
  assert.deepEqual(archiveUrlsWithoutQueries({ items: [{ url: 'https://a.example/p?x=1' }] }), { items: [{ url: 'https://a.example/p' }] });
});

test('partitions are UTC hours of receivedAt, or of the timestamp when asked (receivedAt when unreadable)', () => {
  assert.equal(archivePartitionOf(Date.parse('2024-03-24T16:05:00+02:00')), 'dt=2024-03-24/hour=14');
  const e = event('m-1', '2024-03-24T16:00:00.000Z', '2024-03-23T23:59:59.000Z');
  assert.equal(archivePartitionOf(archivePartitionInstant(e, 'timestamp')), 'dt=2024-03-23/hour=23');
  assert.equal(archivePartitionOf(archivePartitionInstant(e, 'received_at')), 'dt=2024-03-24/hour=16');
  assert.equal(archivePartitionInstant({ ...e, timestamp: 'garbage' }, 'timestamp'), Date.parse(e.receivedAt));
});

test('an object\'s name depends on its events only: the same events the same name, another grouping another', () => {
  const a = event('m/1', '2024-03-24T16:00:00.000Z');
  const b = event('m-2', '2024-03-24T16:00:01.000Z');
  const digest = sha256(JSON.stringify([['m/1', a.receivedAt], ['m-2', b.receivedAt]])).slice(0, 16);
  assert.equal(archiveObjectKey('signal', 'dt=2024-03-24/hour=16', 'pi-1', [a, b], 'ndjson.gz'), `signal/dt=2024-03-24/hour=16/pi-1-m_1-2-${digest}.ndjson.gz`);
  assert.equal(archiveObjectKey('', 'dt=2024-03-24/hour=16', 'pi-1', [a, b]), `dt=2024-03-24/hour=16/pi-1-m_1-2-${digest}.ndjson`);
  assert.notEqual(archiveObjectKey('s', 'p', 'i', [a]), archiveObjectKey('s', 'p', 'i', [{ ...a, receivedAt: '2024-03-24T16:00:00.001Z' }]));
  assert.equal(archivePrefixOf({ prefix: '/signal/events/' }), 'signal/events');
  assert.equal(archivePrefixOf({}, 'archive'), 'archive');
  assert.equal(archivePrefixOf({ prefix: '' }), '');
});

test('bodies are NDJSON, gzipped by default into deterministic bytes', () => {
  const events = [mapped('m-1', '2024-03-24T16:00:00.000Z'), mapped('m-2', '2024-03-24T16:00:01.000Z')];
  const plain = archiveBody(events, 'none');
  assert.deepEqual(plain, { body: '{"message_id":"m-1"}\n{"message_id":"m-2"}\n', contentType: 'application/x-ndjson', extension: 'ndjson' });
  const gzipped = archiveBody(events, archiveCompressionOf({}));
  assert.equal(gzipped.contentType, 'application/gzip');
  assert.equal(gzipped.extension, 'ndjson.gz');
  assert.equal(gunzipSync(gzipped.body as Uint8Array).toString('utf8'), plain.body);
  assert.deepEqual(archiveBody(events, 'gzip').body, gzipped.body, 'the same bytes each time');
  assert.equal(archiveCompressionOf({ compression: 'none' }), 'none');
});

test('archiveObjects groups a batch by hour partition, in order, within the limits', () => {
  const batch = [
    mapped('a', '2024-03-24T16:10:00.000Z'), mapped('b', '2024-03-24T17:00:00.000Z'), mapped('c', '2024-03-24T16:20:00.000Z'), mapped('d', '2024-03-24T16:30:00.000Z'),
  ];
  const objects = archiveObjects(batch, 'received_at', { maxEvents: 2, maxBytes: 1_000_000 });
  assert.deepEqual(objects.map((o) => [o.partition, o.events.map((e) => e.id)]), [
    ['dt=2024-03-24/hour=16', ['a', 'c']], ['dt=2024-03-24/hour=16', ['d']], ['dt=2024-03-24/hour=17', ['b']],
  ]);
  // {"message_id":"a"} is 18 bytes, 19 with its newline: two lines need 38.
  assert.deepEqual(archiveObjects(batch.slice(0, 1).concat(batch.slice(2)), 'received_at', { maxEvents: 10, maxBytes: 38 }).map((o) => o.events.length), [2, 1]);
});

test('archiveObjectsOf reads partition_by, max_events_per_object and max_object_bytes within the bounds, else the defaults', () => {
  const batch = [mapped('a', '2024-03-24T16:10:00.000Z', '2024-03-23T09:00:00.000Z'), mapped('b', '2024-03-24T16:20:00.000Z'), mapped('c', '2024-03-24T16:30:00.000Z')];
  const bounds = { maxEvents: 2, minBytes: 30, maxBytes: 1_000_000, defaultBytes: 1_000_000 };
  const shape = (objects: ReturnType<typeof archiveObjectsOf>) => objects.map((o) => [o.partition, o.events.map((e) => e.id)]);
  assert.deepEqual(shape(archiveObjectsOf(batch, {}, bounds)), [['dt=2024-03-24/hour=16', ['a', 'b']], ['dt=2024-03-24/hour=16', ['c']]]);
  assert.deepEqual(shape(archiveObjectsOf(batch, { partition_by: 'timestamp', max_events_per_object: 1 }, bounds)), [
    ['dt=2024-03-23/hour=09', ['a']], ['dt=2024-03-24/hour=16', ['b']], ['dt=2024-03-24/hour=16', ['c']],
  ]);
  // Over the bound: the bound's maximum (2 events an object).
  assert.deepEqual(shape(archiveObjectsOf(batch, { max_events_per_object: 99 }, bounds)).map(([, ids]) => ids), [['a', 'b'], ['c']]);
  // Two lines need 38 bytes: 38 makes objects of two; 20 (under minBytes) and 2.5 fall back to the default.
  assert.deepEqual(shape(archiveObjectsOf(batch, { max_object_bytes: 38 }, { ...bounds, maxEvents: 10 })).map(([, ids]) => ids), [['a', 'b'], ['c']]);
  assert.deepEqual(shape(archiveObjectsOf(batch, { max_object_bytes: 20 }, { ...bounds, maxEvents: 10 })).map(([, ids]) => ids), [['a', 'b', 'c']]);
  assert.deepEqual(shape(archiveObjectsOf(batch, { max_object_bytes: 2.5 }, { ...bounds, maxEvents: 10 })).map(([, ids]) => ids), [['a', 'b', 'c']]);
});

test('archiveConfigFieldSchemas: the shared fields worded for the store, within ARCHIVE_OBJECT_BOUNDS', () => {
  const fields = archiveConfigFieldSchemas({ object: 'blob', title: 'Blob', readers: 'Synapse and zcat' });
  assert.deepEqual(Object.keys(fields), ['partition_by', 'compression', 'max_events_per_object', 'max_object_bytes', 'default_country_code']);
  assert.equal(fields.max_events_per_object.title, 'Max Events per Blob');
  assert.equal(fields.max_object_bytes.title, 'Max Blob Size (bytes)');
  assert.match(fields.compression.description ?? '', /^gzip \(default\): blobs are \.ndjson\.gz files .* read by Synapse and zcat,/);
  assert.match(fields.max_object_bytes.description ?? '', /\(64 KiB to 16 MiB; default 5 MiB\)/);
  assert.deepEqual([fields.max_object_bytes.minimum, fields.max_object_bytes.maximum, fields.max_object_bytes.default], [ARCHIVE_OBJECT_BOUNDS.minBytes, ARCHIVE_OBJECT_BOUNDS.maxBytes, ARCHIVE_OBJECT_BOUNDS.defaultBytes]);
  assert.deepEqual([fields.max_events_per_object.maximum, fields.max_events_per_object.default], [10_000, 10_000]);
  assert.deepEqual(fields.partition_by.enum, ['received_at', 'timestamp']);
});
