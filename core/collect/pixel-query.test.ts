import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignalError } from '../errors.ts';
import { pixelBody } from './pixel-query.ts';

const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SignalError);
    assert.equal(error.code, 'SIGNAL_INVALID_EVENT');
    return error.fields.map((f) => `${f.field}: ${f.message}`);
  }
  assert.fail('expected a refusal');
};

test('data: base64 of the JSON (either alphabet, padding or not), or the JSON itself', () => {
  const event = { writeKey: 'k', userId: 'u/1?', event: 'Email Opened', properties: { n: 1 } };
  const standard = Buffer.from(JSON.stringify(event)).toString('base64');
  assert.deepEqual(pixelBody({ data: standard }), { body: event, form: 'data' });
  assert.deepEqual(pixelBody({ data: Buffer.from(JSON.stringify(event)).toString('base64url') }).body, event);
  assert.deepEqual(pixelBody({ data: JSON.stringify(event) }).body, event);
});

test('a writeKey parameter is the key when data has none, never over the one data gives', () => {
  const data = Buffer.from('{"userId":"u"}').toString('base64');
  assert.equal(pixelBody({ data, writeKey: 'k' }).body.writeKey, 'k');
  assert.equal(pixelBody({ data: Buffer.from('{"writeKey":"inner"}').toString('base64'), writeKey: 'outer' }).body.writeKey, 'inner');
});

test('parameters: dotted names nest, values stay text', () => {
  assert.deepEqual(pixelBody({ writeKey: 'k', userId: 'u', 'properties.subject': 'Daily', 'context.page.url': 'https://x.test/', 'properties.n': '3' }), {
    body: { writeKey: 'k', userId: 'u', properties: { subject: 'Daily', n: '3' }, context: { page: { url: 'https://x.test/' } } },
    form: 'params',
  });
});

test('refused naming the parameter: data not a JSON object, a repeat, a prototype path, an empty or clashing path, nothing at all', () => {
  assert.deepEqual(fieldsOf(() => pixelBody({ data: 'bm90IGpzb24' })), ['data: must be the event as a JSON object, base64-encoded (standard or URL-safe) or as it is']);
  assert.deepEqual(fieldsOf(() => pixelBody({ data: Buffer.from('[1]').toString('base64') })).length, 1);
  assert.deepEqual(fieldsOf(() => pixelBody({ data: '{"__proto__":{"x":1}}' })).length, 1);
  assert.deepEqual(fieldsOf(() => pixelBody({ userId: ['a', 'b'] })), ['userId: is given 2 times: give each query parameter once']);
  assert.match(fieldsOf(() => pixelBody({ 'properties.__proto__.x': '1' }))[0]!, /^properties\.__proto__\.x: is not a field path/);
  assert.match(fieldsOf(() => pixelBody({ 'properties..x': '1' }))[0]!, /is not a field path/);
  assert.match(fieldsOf(() => pixelBody({ properties: 'x', 'properties.a': '1' }))[0]!, /^properties\.a: cannot go inside properties, given a value of its own/);
  assert.match(fieldsOf(() => pixelBody({ 'properties.a': '1', properties: 'x' }))[0]!, /^properties: cannot be given a value/);
  assert.match(fieldsOf(() => pixelBody({}))[0]!, /^data: is required/);
  assert.equal(({} as Record<string, unknown>).x, undefined, 'nothing reached a prototype');
});
