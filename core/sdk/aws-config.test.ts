import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awsCredentialFieldSchemas, awsCredentialProblems, awsCredentialsOf, awsRegionProblem, awsSessionTokenWarnings } from './aws-config.ts';
import { createConfigAjv } from './config-ajv.ts';
import { awsJsonError } from './aws-errors.ts';

test('awsRegionProblem: codes pass; names, zones, ISO Regions and nothing are refused saying why', () => {
  for (const region of ['eu-west-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-4']) assert.equal(awsRegionProblem(region, "the stream's"), undefined, region);
  assert.equal(awsRegionProblem(undefined, "the stream's"), "is required: the stream's AWS Region code (e.g. eu-west-1)");
  assert.match(awsRegionProblem('Europe (Ireland)', "the stream's")!, /^is "Europe \(Ireland\)": give an AWS Region code such as eu-west-1/);
  assert.match(awsRegionProblem('eu-west-1a', "the stream's")!, /availability zone/);
  assert.match(awsRegionProblem('us-iso-east-1', "the stream's")!, /isolated \(ISO\) Region/);
});

test('awsCredentialsOf, awsCredentialProblems and awsSessionTokenWarnings read the access key fields (others when named)', () => {
  assert.deepEqual(awsCredentialsOf({ access_key_id: ' AKIAEXAMPLE ', secret_access_key: 'wJal/K7', session_token: 'tok' }), { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJal/K7', sessionToken: 'tok' });
  assert.deepEqual(awsCredentialsOf({ aws_key: 'ASIAEXAMPLE', aws_secret: 's' }, { accessKeyId: 'aws_key', secretAccessKey: 'aws_secret', sessionToken: 'aws_token' }), { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's' });
  assert.deepEqual(awsCredentialProblems({ access_key_id: 'AKIAEXAMPLE ', secret_access_key: 'a b' }).map((p) => p.field), ['access_key_id', 'secret_access_key']);
  assert.equal(JSON.stringify(awsCredentialProblems({ access_key_id: 'AKIA', secret_access_key: 'se cret' })).includes('se cret'), false, 'the secret is never quoted');
  assert.deepEqual(awsCredentialProblems({}).map((p) => p.message.slice(0, 11)), ['is required', 'is required']);
  assert.deepEqual(awsSessionTokenWarnings({ access_key_id: 'AKIAEXAMPLE', session_token: '••••' }).map((w) => w.field), ['session_token']);
  assert.deepEqual(awsSessionTokenWarnings({ access_key_id: 'ASIAEXAMPLE', session_token: '••••' }), []);
});

test('awsJsonError reads __type (any prefix or suffix), the errortype header, message or Message, else a non-JSON body', () => {
  assert.deepEqual(awsJsonError({ status: 400, headers: {}, body: '', json: { __type: 'com.amazonaws.kinesis#ResourceNotFoundException', message: 'Stream x not found.' } }), { code: 'ResourceNotFoundException', message: 'Stream x not found.' });
  assert.deepEqual(awsJsonError({ status: 400, headers: { 'X-Amzn-ErrorType': 'ValidationException:http://internal' }, body: '', json: { Message: 'bad' } }), { code: 'ValidationException', message: 'bad' });
  assert.deepEqual(awsJsonError({ status: 502, headers: {}, body: ' <html>Bad  gateway</html> ' }), { code: '', message: '<html>Bad gateway</html>' });
});

test('awsCredentialFieldSchemas: the three fields, worded with what the key must allow, secrets marked, AWS key IDs checked unless a store says otherwise', () => {
  const fields = awsCredentialFieldSchemas('events:PutEvents on the event bus');
  assert.deepEqual(Object.keys(fields), ['access_key_id', 'secret_access_key', 'session_token']);
  assert.equal(fields.access_key_id.description, 'An access key of an IAM user (or role) allowed events:PutEvents on the event bus. Not secret by itself: the secret key is.');
  assert.deepEqual([fields.access_key_id.secret, fields.secret_access_key.secret, fields.session_token.secret], [undefined, true, true]);
  const schema = { type: 'object', required: ['access_key_id', 'secret_access_key'], properties: fields };
  const validate = createConfigAjv().compile(schema);
  assert.equal(validate({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }), true);
  assert.equal(validate({ access_key_id: 'minio-user', secret_access_key: 'wJalrXUtnFEMI/K7MDENG' }), false, 'an AWS key ID is upper case');
  const anyStore = createConfigAjv().compile({ ...schema, properties: awsCredentialFieldSchemas('s3:PutObject', { keyIdPattern: '^[^\\s/,]{3,128}$', secretMinLength: 8 }) });
  assert.equal(anyStore({ access_key_id: 'minio-user', secret_access_key: 'minio-pw' }), true);
});
