// OAuth 1.0a signing against the published examples: RFC 5849's, OAuth Core 1.0's and X's own
// "Creating a signature" walk-through, whose secrets are given, so each signature must come out
// exactly as printed there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseStringUri, deterministicNonce, hmacSha1Signature, normalizedParameters, oauth1Header, oauth1Signature, percentEncode, signatureBaseString } from './oauth1.ts';

/** X's walk-through (developer.x.com "Creating a signature"): its credentials, nonce and time. */
const X_EXAMPLE = {
  credentials: {
    consumerKey: 'xvz1evFS4wEEPTGEFPHBog', consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
    token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb', tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  },
  stamp: { timestamp: 1318622958, nonce: 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg' },
  request: { method: 'post', url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true', form: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']] as Array<[string, string]> },
};

test('percent-encoding is RFC 3986\'s: unreserved characters kept, everything else as upper-case UTF-8 %XX (X\'s examples)', () => {
  assert.equal(percentEncode('Ladies + Gentlemen'), 'Ladies%20%2B%20Gentlemen');
  assert.equal(percentEncode('An encoded string!'), 'An%20encoded%20string%21');
  assert.equal(percentEncode('Dogs, Cats & Mice'), 'Dogs%2C%20Cats%20%26%20Mice');
  assert.equal(percentEncode('☃'), '%E2%98%83');
  assert.equal(percentEncode("-._~*'()"), "-._~%2A%27%28%29", 'unlike encodeURIComponent, * \' ( ) are encoded');
  assert.equal(percentEncode('😀'), '%F0%9F%98%80', 'a character outside the BMP: its four UTF-8 bytes');
});

test('the base string URI: scheme and host lower-cased, default ports dropped, no query (RFC 5849 §3.4.1.2)', () => {
  assert.equal(baseStringUri('HTTP://EXAMPLE.COM:80/r%20v/X?id=123'), 'http://example.com/r%20v/X');
  assert.equal(baseStringUri('https://www.example.net:8080/?q=1'), 'https://www.example.net:8080/');
  assert.equal(baseStringUri('https://ads-api.x.com:443/12/measurement/conversions/o8z6j'), 'https://ads-api.x.com/12/measurement/conversions/o8z6j');
});

test('RFC 5849 §3.4.1: the example request\'s normalised parameters and signature base string, byte for byte', () => {
  const oauth: Array<[string, string]> = [['oauth_consumer_key', '9djdj82h48djs9d2'], ['oauth_token', 'kkk9d7dh3k39sjv7'], ['oauth_signature_method', 'HMAC-SHA1'], ['oauth_timestamp', '137131201'], ['oauth_nonce', '7d8f3e4a']];
  // §3.4.1.3.2: the query's, the form body's and the header's parameters (realm excluded), sorted.
  assert.equal(
    normalizedParameters([['b5', '=%3D'], ['a3', 'a'], ['c@', ''], ['a2', 'r b'], ['c2', ''], ['a3', '2 q'], ...oauth]),
    'a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7',
  );
  // §3.4.1.1: POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b with the form body c2&a3=2+q.
  assert.equal(
    signatureBaseString({ method: 'POST', url: 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', form: [['c2', ''], ['a3', '2 q']] }, oauth),
    'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
  );
});

test('RFC 5849 §1.2 and OAuth Core 1.0 §A.5: the photos example signs to the printed HMAC-SHA1 signatures', () => {
  const url = 'http://photos.example.net/photos?file=vacation.jpg&size=original';
  const common: Array<[string, string]> = [['oauth_consumer_key', 'dpf43f3p2l4k3l03'], ['oauth_token', 'nnch734d00sl2jdk'], ['oauth_signature_method', 'HMAC-SHA1']];
  // RFC 5849 §1.2 (no oauth_version): oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D".
  const rfc = signatureBaseString({ method: 'GET', url }, [...common, ['oauth_timestamp', '137131202'], ['oauth_nonce', 'chapoH']]);
  assert.equal(hmacSha1Signature(rfc, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'), 'MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  // OAuth Core 1.0 §A.5.1 base string and §A.5.2 signature.
  const core = signatureBaseString({ method: 'GET', url }, [...common, ['oauth_timestamp', '1191242096'], ['oauth_nonce', 'kllo9940pd9333jh'], ['oauth_version', '1.0']]);
  assert.equal(core, 'GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal');
  assert.equal(hmacSha1Signature(core, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'), 'tR3+Ty81lMeYAr/Fid0kMTYa/WM=');
});

test('X\'s "Creating a signature" walk-through: its base string and signature hCtSmYh+iHYCEqBWrE7C7hYmtUk=', () => {
  const { credentials, stamp, request } = X_EXAMPLE;
  const oauth: Array<[string, string]> = [
    ['oauth_consumer_key', credentials.consumerKey], ['oauth_nonce', stamp.nonce], ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(stamp.timestamp)], ['oauth_token', credentials.token], ['oauth_version', '1.0'],
  ];
  assert.equal(
    signatureBaseString(request, oauth),
    'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
  );
  assert.equal(oauth1Signature(request, credentials, stamp), 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  // The same parameters given as the descriptor's query instead of the URL's: the same signature.
  assert.equal(oauth1Signature({ ...request, url: 'https://api.twitter.com/1.1/statuses/update.json', query: [['include_entities', 'true']] }, credentials, stamp), 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
});

test('the Authorization header: OAuth and the seven parameters sorted, values percent-encoded and quoted, as X documents it', () => {
  const { credentials, stamp, request } = X_EXAMPLE;
  assert.equal(
    oauth1Header(request, credentials, stamp),
    'OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"',
  );
  // A JSON body is not signed: the header depends on the method, URL, credentials and stamp only.
  const url = 'https://ads-api.x.com/12/measurement/conversions/o8z6j';
  assert.equal(oauth1Header({ method: 'POST', url }, credentials, stamp), oauth1Header({ method: 'post', url }, credentials, stamp));
  assert.notEqual(oauth1Header({ method: 'POST', url }, credentials, stamp), oauth1Header({ method: 'POST', url }, credentials, { ...stamp, timestamp: stamp.timestamp + 1 }));
  assert.notEqual(oauth1Header({ method: 'POST', url }, credentials, stamp), oauth1Header({ method: 'POST', url }, { ...credentials, tokenSecret: 'other' }, stamp));
});

test('the deterministic nonce: 32 hex characters, the same for the same parts, different for any other', () => {
  const nonce = deterministicNonce(['POST', 'https://ads-api.x.com/12/measurement/conversions/o8z6j', '{"conversions":[]}', '1796032800']);
  assert.match(nonce, /^[0-9a-f]{32}$/);
  assert.equal(deterministicNonce(['POST', 'https://ads-api.x.com/12/measurement/conversions/o8z6j', '{"conversions":[]}', '1796032800']), nonce);
  assert.notEqual(deterministicNonce(['POST', 'https://ads-api.x.com/12/measurement/conversions/o8z6j', '{"conversions":[]}', '1796032801']), nonce, 'another second');
  assert.notEqual(deterministicNonce(['ab', 'c']), deterministicNonce(['a', 'bc']), 'parts are not merely concatenated');
});
