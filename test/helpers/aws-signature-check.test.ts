import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signAwsRequest } from '../../core/sdk/aws-signature-v4.ts';
import type { RecordedRequest } from '../vendor-sim/vendor-sim.ts';
import { asReceived, awsSignatureHolds } from './aws-signature-check.ts';

const EXPECTED = { host: 'sqs.eu-west-1.amazonaws.com', region: 'eu-west-1', service: 'sqs', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NOW = Date.parse('2026-11-30T12:00:05Z');
const BODY = '{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events","Entries":[]}';

/** What the simulator records of a request the SDK signed: lower-case headers, the body's bytes. */
function recorded(credentials = { accessKeyId: EXPECTED.accessKeyId, secretAccessKey: EXPECTED.secretAccessKey }, options: { region?: string; service?: string } = {}): RecordedRequest {
  return asReceived(signAwsRequest(
    { method: 'POST', url: `https://${EXPECTED.host}/`, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' }, body: JSON.parse(BODY), eventIds: [] },
    { region: options.region ?? EXPECTED.region, service: options.service ?? EXPECTED.service, credentials, now: NOW },
  ));
}

test('awsSignatureHolds: the SDK\'s signature holds when recomputed on its own over the real host and the bytes received', () => {
  assert.equal(awsSignatureHolds(recorded(), EXPECTED, NOW), true);
  assert.equal(awsSignatureHolds(recorded(), EXPECTED, NOW + 4 * 60_000), true, 'within five minutes');
});

test('asReceived: a request as the endpoint receives it — lower-case headers, an object body as its JSON, the URL\'s path and query', () => {
  const received = asReceived({ method: 'POST', url: 'https://sqs.eu-west-1.amazonaws.com/?a=1', headers: { 'Content-Type': 'application/x-amz-json-1.0' }, body: { QueueUrl: 'q' }, eventIds: [] });
  assert.deepEqual([received.method, received.path, received.query, received.headers, received.body, received.bytes.toString()], ['POST', '/', { a: '1' }, { 'content-type': 'application/x-amz-json-1.0' }, '{"QueueUrl":"q"}', '{"QueueUrl":"q"}']);
  assert.equal(asReceived({ method: 'POST', url: 'https://x.example/', body: 'raw', eventIds: [] }).body, 'raw');
});

test('awsSignatureHolds: refused as AWS refuses — other bytes, key, secret, Region or service, a missing signature, a clock five minutes off', () => {
  const request = recorded();
  assert.equal(awsSignatureHolds({ ...request, bytes: Buffer.from(`${BODY} `) }, EXPECTED, NOW), false, 'the body changed');
  assert.equal(awsSignatureHolds({ ...request, headers: { ...request.headers, 'x-amz-target': 'AmazonSQS.SendMessage' } }, EXPECTED, NOW), false, 'a signed header changed');
  assert.equal(awsSignatureHolds(recorded({ accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: EXPECTED.secretAccessKey }), EXPECTED, NOW), false, 'another key');
  assert.equal(awsSignatureHolds(recorded({ accessKeyId: EXPECTED.accessKeyId, secretAccessKey: 'another-secret-0123456789' }), EXPECTED, NOW), false, 'another secret');
  assert.equal(awsSignatureHolds(recorded(undefined, { region: 'us-east-1' }), EXPECTED, NOW), false, 'another Region');
  assert.equal(awsSignatureHolds(recorded(undefined, { service: 'events' }), EXPECTED, NOW), false, 'another service');
  assert.equal(awsSignatureHolds({ ...request, headers: { ...request.headers, authorization: '' } }, EXPECTED, NOW), false, 'no signature');
  assert.equal(awsSignatureHolds(request, { ...EXPECTED, host: 'sqs.us-east-1.amazonaws.com' }, NOW), false, 'signed for another host');
  assert.equal(awsSignatureHolds(request, EXPECTED, NOW + 6 * 60_000), false, 'the clock more than five minutes off');
});

test('awsSignatureHolds: a REST JSON API\'s path (Personalize Events\' /events) is signed and checked as expected.path', () => {
  const expected = { host: 'personalize-events.eu-west-1.amazonaws.com', region: 'eu-west-1', service: 'personalize', accessKeyId: EXPECTED.accessKeyId, secretAccessKey: EXPECTED.secretAccessKey, path: '/events' };
  const request = asReceived(signAwsRequest(
    { method: 'POST', url: `https://${expected.host}/events`, headers: { 'content-type': 'application/json' }, body: { trackingId: 't' }, eventIds: [] },
    { region: expected.region, service: expected.service, credentials: { accessKeyId: expected.accessKeyId, secretAccessKey: expected.secretAccessKey }, now: NOW },
  ));
  assert.equal(awsSignatureHolds(request, expected, NOW), true);
  assert.equal(awsSignatureHolds(request, { ...expected, path: '/users' }, NOW), false, 'signed for another path');
  assert.equal(awsSignatureHolds(request, { ...expected, path: undefined }, NOW), false, '/ unless told');
});
