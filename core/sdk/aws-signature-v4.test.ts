// AWS Signature Version 4 against AWS's published answers: the aws-sig-v4-test-suite cases
// (service "service", us-east-1, 2015-08-30T12:36:00Z), the key-derivation and IAM examples of
// the signing documentation, and the four S3 examples of "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk" (examplebucket, 2013-05-24).
// The expected values are AWS's, not computed here; the same values are pinned by independent
// implementations (the AWS SDK for JavaScript's own suite fixture among them).
// signAwsRequest (the form a plugin's sign hook uses) is checked against signRequest and the suite.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { amzDateOf, canonicalPathOf, EMPTY_PAYLOAD_SHA256, sha256Hex, signAwsRequest, signingKey, signRequest, uriEncode, type SigningInput } from './aws-signature-v4.ts';

const SUITE = {
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1', service: 'service', now: Date.UTC(2015, 7, 30, 12, 36, 0),
};
const S3 = {
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1', service: 's3', now: Date.UTC(2013, 4, 24, 0, 0, 0), host: 'examplebucket.s3.amazonaws.com',
};

function suiteCase(input: Partial<SigningInput>): ReturnType<typeof signRequest> {
  return signRequest({ method: 'GET', host: 'example.amazonaws.com', canonicalPath: '/', headers: {}, payloadHash: EMPTY_PAYLOAD_SHA256, ...SUITE, ...input });
}

test('test suite get-vanilla: canonical request, string to sign and Authorization exactly as AWS publishes them', () => {
  const signed = suiteCase({});
  assert.equal(signed.canonicalRequest, 'GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(signed.stringToSign, 'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63');
  assert.equal(signed.authorization, 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  assert.equal(signed.amzDate, '20150830T123600Z');
});

test('test suite post-vanilla, get-vanilla-query-order-key-case (query sorted) and get-utf8 (path encoded as UTF-8 bytes)', () => {
  assert.equal(suiteCase({ method: 'POST' }).signature, '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  const ordered = suiteCase({ query: [['Param2', 'value2'], ['Param1', 'value1']] });
  assert.equal(ordered.canonicalRequest.split('\n')[2], 'Param1=value1&Param2=value2');
  assert.equal(ordered.signature, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  const utf8 = suiteCase({ canonicalPath: `/${uriEncode('ሴ')}` });
  assert.equal(utf8.canonicalRequest.split('\n')[1], '/%E1%88%B4');
  assert.equal(utf8.signature, '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85');
});

test('the signing key and the IAM ListUsers example of the signing documentation', () => {
  assert.equal(signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam').toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  const signed = signRequest({
    ...SUITE, service: 'iam', method: 'GET', host: 'iam.amazonaws.com', canonicalPath: '/',
    query: [['Action', 'ListUsers'], ['Version', '2010-05-08']],
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' }, payloadHash: EMPTY_PAYLOAD_SHA256,
  });
  assert.equal(sha256Hex(signed.canonicalRequest), 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
  assert.equal(signed.signature, '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  assert.equal(signed.authorization, 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
});

test('S3 example PUT Object: test$file.text with "Welcome to Amazon S3.", the key encoded once, x-amz-content-sha256 signed', () => {
  const body = 'Welcome to Amazon S3.';
  const payloadHash = sha256Hex(body);
  assert.equal(payloadHash, '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
  const signed = signRequest({
    ...S3, method: 'PUT', canonicalPath: `/${uriEncode('test$file.text', true)}`, payloadHash,
    headers: { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'x-amz-content-sha256': payloadHash },
  });
  assert.equal(signed.canonicalRequest, [
    'PUT', '/test%24file.text', '',
    'date:Fri, 24 May 2013 00:00:00 GMT', 'host:examplebucket.s3.amazonaws.com', `x-amz-content-sha256:${payloadHash}`, 'x-amz-date:20130524T000000Z', 'x-amz-storage-class:REDUCED_REDUNDANCY', '',
    'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class', payloadHash,
  ].join('\n'));
  assert.equal(sha256Hex(signed.canonicalRequest), '9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d');
  assert.equal(signed.authorization, 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
});

test('S3 examples GET Object (Range), GET Bucket Lifecycle (a key without value) and GET Bucket list (sorted query)', () => {
  const get = signRequest({ ...S3, method: 'GET', canonicalPath: '/test.txt', payloadHash: EMPTY_PAYLOAD_SHA256, headers: { Range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 } });
  assert.equal(get.authorization, 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  const lifecycle = signRequest({ ...S3, method: 'GET', canonicalPath: '/', query: [['lifecycle', '']], payloadHash: EMPTY_PAYLOAD_SHA256, headers: { 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 } });
  assert.equal(lifecycle.canonicalRequest.split('\n')[2], 'lifecycle=');
  assert.equal(lifecycle.signature, 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
  const list = signRequest({ ...S3, method: 'GET', canonicalPath: '/', query: [['prefix', 'J'], ['max-keys', '2']], payloadHash: EMPTY_PAYLOAD_SHA256, headers: { 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 } });
  assert.equal(list.canonicalRequest.split('\n')[2], 'max-keys=2&prefix=J');
  assert.equal(list.signature, '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
});

test('canonical headers: names lower-cased and sorted, values trimmed with inner runs of spaces collapsed; signedHeaders lists what was signed', () => {
  const signed = suiteCase({ headers: { 'My-Header1': '  a   b  ', 'x-amz-security-token': 'tok' } });
  assert.deepEqual(signed.signedHeaders, { host: 'example.amazonaws.com', 'my-header1': 'a b', 'x-amz-date': '20150830T123600Z', 'x-amz-security-token': 'tok' });
  assert.match(signed.authorization, /SignedHeaders=host;my-header1;x-amz-date;x-amz-security-token,/);
});

test('uriEncode: unreserved characters kept, everything else %XX upper case (! \' ( ) * too), slashes kept only in paths', () => {
  assert.equal(uriEncode("AZaz09-._~!'()*= /é"), 'AZaz09-._~%21%27%28%29%2A%3D%20%2F%C3%A9');
  assert.equal(uriEncode('signal/dt=2024-03-24/hour=16/a b.ndjson', true), 'signal/dt%3D2024-03-24/hour%3D16/a%20b.ndjson');
  assert.equal(amzDateOf(Date.UTC(2024, 2, 24, 16, 5, 9, 999)), '20240324T160509Z');
});

test('signAwsRequest: a request descriptor signed as signRequest signs it — host with its port, path as written, query, headers, the body\'s hash; the session token signed', () => {
  const request = { method: 'POST' as const, url: 'https://example.amazonaws.com/', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Kinesis_20131202.PutRecords' }, body: '{"a":1}', eventIds: ['e1'] };
  const signed = signAwsRequest(request, { ...SUITE, service: 'kinesis' });
  const expected = signRequest({ method: 'POST', host: 'example.amazonaws.com', canonicalPath: '/', headers: request.headers, payloadHash: sha256Hex('{"a":1}'), ...SUITE, service: 'kinesis' });
  assert.deepEqual(signed, { ...request, headers: { ...request.headers, 'x-amz-date': '20150830T123600Z', authorization: expected.authorization } });
  assert.match(signed.headers!.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);

  const temporary = signAwsRequest(request, { ...SUITE, service: 'kinesis', credentials: { ...SUITE.credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLE' } });
  assert.equal(temporary.headers!['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLE');
  assert.match(temporary.headers!.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,/);

  // Signed again later (a re-send): the old signature is replaced, not signed over.
  const again = signAwsRequest(signed, { ...SUITE, service: 'kinesis', now: SUITE.now + 60_000 });
  assert.equal(again.headers!['x-amz-date'], '20150830T123700Z');
  assert.match(again.headers!.authorization!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);

  // get-vanilla-query-order-key-case through a descriptor's query, and a port kept in the host.
  const query = signAwsRequest({ method: 'GET', url: 'https://example.amazonaws.com/', query: [['Param2', 'value2'], ['Param1', 'value1']], eventIds: [] }, SUITE);
  assert.match(query.headers!.authorization!, /Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500$/);
  const ported = signAwsRequest({ method: 'GET', url: 'http://minio.internal:9000/b/k', headers: { 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 }, eventIds: [] }, { ...SUITE, service: 's3' });
  assert.equal(ported.headers!.authorization, signRequest({ method: 'GET', host: 'minio.internal:9000', canonicalPath: '/b/k', headers: { 'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256 }, payloadHash: EMPTY_PAYLOAD_SHA256, ...SUITE, service: 's3' }).authorization);
});

test('canonicalPathOf: S3 signs its path as sent; other services sign each segment encoded once more', () => {
  assert.equal(canonicalPathOf('/signal-events-*/_delete_by_query', 'es'), '/signal-events-%2A/_delete_by_query');
  assert.equal(canonicalPathOf('/a%2Fb/c', 'es'), '/a%252Fb/c');
  assert.equal(canonicalPathOf('/', 'kinesis'), '/');
  assert.equal(canonicalPathOf('/key%20with%20spaces.json', 's3'), '/key%20with%20spaces.json');
});
