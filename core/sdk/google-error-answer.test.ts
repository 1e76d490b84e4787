import assert from 'node:assert/strict';
import { test } from 'node:test';
import { googleErrorDetails, readGoogleErrorAnswer } from './google-error-answer.ts';

const ERROR_INFO = { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', domain: 'googleapis.com', metadata: { service: 'pubsub.googleapis.com' } };
const BAD_REQUEST = { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'events[0].currency', description: 'Invalid currency.' }] };

test('readGoogleErrorAnswer: code, status, message, details and errors as given; the reasons of errors[] then details[], once each', () => {
  assert.deepEqual(readGoogleErrorAnswer({ error: { code: 403, status: ' PERMISSION_DENIED ', message: ' Cloud Pub/Sub API has not been used\n', details: [ERROR_INFO, BAD_REQUEST, 'x'], errors: [{ reason: 'accessNotConfigured' }, { reason: 'SERVICE_DISABLED' }, null] } }), {
    code: 403, status: 'PERMISSION_DENIED', message: ' Cloud Pub/Sub API has not been used\n', details: [ERROR_INFO, BAD_REQUEST], errors: [{ reason: 'accessNotConfigured' }, { reason: 'SERVICE_DISABLED' }],
    reasons: ['accessNotConfigured', 'SERVICE_DISABLED'],
  });
  assert.deepEqual(readGoogleErrorAnswer({ error: { code: '403', status: ' ', message: 7, details: {}, errors: 'no' } }), { details: [], errors: [], reasons: [] }, 'parts of another type are none');
  assert.deepEqual(readGoogleErrorAnswer({ error: { message: '' } }), { message: '', details: [], errors: [], reasons: [] });
});

test('readGoogleErrorAnswer: none for what is not Google\'s error', () => {
  for (const json of [undefined, null, 'not json', [], { error: 'flat' }, { error: null }, { error: [] }, { errors: [{ reason: 'x' }] }]) {
    assert.equal(readGoogleErrorAnswer(json), undefined, JSON.stringify(json));
  }
});

test('googleErrorDetails: the details of one kind, by the end of their @type', () => {
  const answer = readGoogleErrorAnswer({ error: { details: [ERROR_INFO, BAD_REQUEST, { reason: 'untyped' }] } });
  assert.deepEqual(googleErrorDetails(answer, 'BadRequest'), [BAD_REQUEST]);
  assert.deepEqual(googleErrorDetails(answer, 'ErrorInfo'), [ERROR_INFO]);
  assert.deepEqual(googleErrorDetails(answer, 'RetryInfo'), []);
  assert.deepEqual(googleErrorDetails(undefined, 'ErrorInfo'), []);
});
