import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { nameBasedUuid } from './name-based-uuid.ts';

const DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('nameBasedUuid gives the test vectors of RFC 9562 for versions 3, 5 and 8', () => {
  assert.equal(nameBasedUuid('www.example.com', { version: 3, namespace: DNS }), '5df41881-3aed-3515-88a7-2f4a814cf09e', 'A.2');
  assert.equal(nameBasedUuid('www.example.com', { version: 5, namespace: DNS }), '2ed6657d-e927-568b-95e1-2665a8aea6a2', 'A.4');
  assert.equal(nameBasedUuid('www.example.com', { version: 8, namespace: DNS }), '5c146b14-3c52-8afd-938a-375d0df1fbf6', 'B.2');
  assert.equal(nameBasedUuid('www.example.com', { version: 5, namespace: DNS.toUpperCase() }), '2ed6657d-e927-568b-95e1-2665a8aea6a2', 'the namespace in any case');
});

test('nameBasedUuid: the same name the same UUID, another name another; version and variant bits set; the name as UTF-8, untrimmed', () => {
  for (const version of [3, 5, 8] as const) {
    const options = version === 8 ? { version } : { version, namespace: DNS };
    const uuid = nameBasedUuid('m-1', options);
    assert.match(uuid, UUID_TEXT);
    assert.equal(uuid[14], String(version), `version ${version}`);
    assert.equal(nameBasedUuid('m-1', options), uuid, 'stable');
    assert.notEqual(nameBasedUuid('m-2', options), uuid);
    assert.notEqual(nameBasedUuid(' m-1', options), uuid, 'white space is part of the name');
    assert.match(nameBasedUuid('héllo 🚀', options), UUID_TEXT);
  }
  assert.notEqual(nameBasedUuid('m-1', { version: 5, namespace: DNS }), nameBasedUuid('m-1', { version: 5, namespace: '6ba7b811-9dad-11d1-80b4-00c04fd430c8' }), 'another namespace, another UUID');
});

test('nameBasedUuid version 8 without a namespace: the first 16 bytes of the SHA-256 of the name, version and variant bits set', () => {
  const hex = createHash('sha256').update('signal:msg-1').digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  assert.equal(nameBasedUuid('signal:msg-1', { version: 8 }), `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`);
  assert.notEqual(nameBasedUuid('signal:msg-1', { version: 8 }), nameBasedUuid('signal:msg-1', { version: 8, namespace: DNS }), 'a namespace changes it');
});

test('nameBasedUuid refuses a namespace that is no UUID (a plugin fault)', () => {
  assert.throws(() => nameBasedUuid('m-1', { version: 5, namespace: 'signal' }), /namespace of a name-based UUID must be a UUID/);
  assert.throws(() => nameBasedUuid('m-1', { version: 3, namespace: '6ba7b8109dad11d180b400c04fd430c8' }), /must be a UUID/);
});
