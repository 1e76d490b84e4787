import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userAgentHeaderText, visitorIp, visitorUserAgent } from './visitor-headers.ts';

test('visitorIp: one address, the first of a forwarded list', () => {
  assert.equal(visitorIp('203.0.113.42'), '203.0.113.42');
  assert.equal(visitorIp(' 203.0.113.42 , 10.0.0.1'), '203.0.113.42');
  assert.equal(visitorIp('2001:db8::1'), '2001:db8::1');
  for (const none of ['unknown', '', '  ', 'unknown, 203.0.113.42', '203.0.113.42:8080', 42, null, undefined]) assert.equal(visitorIp(none), undefined, String(none));
});

test('visitorUserAgent: text without control characters, else undefined', () => {
  const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
  assert.equal(visitorUserAgent(ua), ua);
  assert.equal(visitorUserAgent('SmartTV™/2'), 'SmartTV™/2');
  for (const none of ['UA\r\nX-Evil: 1', 'UA\0', 'UA\x7f', '  ', '', 42, null, undefined]) assert.equal(visitorUserAgent(none), undefined, JSON.stringify(none));
});

test('userAgentHeaderText: Latin-1 text as is, beyond it its UTF-8 bytes', () => {
  assert.equal(userAgentHeaderText('Mozilla/5.0 Ã©'), 'Mozilla/5.0 Ã©');
  const header = userAgentHeaderText('SmartTV™/2');
  assert.equal(header, 'SmartTVâ\u0084¢/2');
  assert.equal(Buffer.from(header, 'latin1').toString('utf8'), 'SmartTV™/2');
});
