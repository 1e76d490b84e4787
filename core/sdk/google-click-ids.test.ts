import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from './types.ts';
import { GOOGLE_CLICK_ID_COOKIES, GOOGLE_TAG_GCLID_COOKIES, gclidOfCookie, googleClickId, googleClickIdFromUrl, googleClickIdOf } from './google-click-ids.ts';

const GCLID = 'EAIaIQobChMI8eGclidFromTheAd';
const event = (page: Record<string, unknown>, extra: Partial<CanonicalEvent> = {}) => ({ type: 'track', messageId: 'm', timestamp: '', receivedAt: '', context: { page }, ...extra }) as unknown as CanonicalEvent;

test('the cookies: Signal\'s own, the click id as it is, 90 days each; the Google tags\' gclid cookies read, never written', () => {
  assert.deepEqual(GOOGLE_CLICK_ID_COOKIES.map((c) => [c.param, c.cookie, c.days, c.value]), [['gclid', '_dfgclid', 90, undefined], ['gbraid', '_dfgbraid', 90, undefined], ['wbraid', '_dfwbraid', 90, undefined]]);
  assert.deepEqual(GOOGLE_TAG_GCLID_COOKIES, ['_gcl_aw', 'FPGCLAW']);
  assert.ok(Object.isFrozen(GOOGLE_CLICK_ID_COOKIES) && Object.isFrozen(GOOGLE_CLICK_ID_COOKIES[0]) && Object.isFrozen(GOOGLE_TAG_GCLID_COOKIES), 'no plugin can change the shared declaration');
});

test('click ids: trimmed URL-safe tokens; placeholders and mangled text are none; cookies read as _dfgclid, _gcl_aw or FPGCLAW values', () => {
  assert.deepEqual([googleClickIdOf(` ${GCLID} `), googleClickIdOf('undefined'), googleClickIdOf('short'), googleClickIdOf('a b c d e f g h'), googleClickIdOf(42)], [GCLID, undefined, undefined, undefined, undefined]);
  assert.deepEqual([gclidOfCookie(GCLID), gclidOfCookie(`GCL.1796032800.${GCLID}`), gclidOfCookie(`GCL.1796032800.${GCLID}.extra`), gclidOfCookie('GCL.x.abcdefghij'), gclidOfCookie('GCL.1796032800'), gclidOfCookie(null)], [GCLID, GCLID, GCLID, undefined, undefined, undefined]);
  assert.deepEqual([gclidOfCookie(`2.1.k${GCLID}$i1796032800`), gclidOfCookie(`2.1.k${GCLID}`), gclidOfCookie('2.1.kshort$i1'), gclidOfCookie('2.1.$i1796032800')], [GCLID, GCLID, undefined, undefined], 'server-side GTM\'s FPGCLAW');
});

test('from the page: the URL, its search string, a page call\'s properties.url; the URL\'s click id before the mapped one, gclid before gbraid before wbraid', () => {
  assert.equal(googleClickIdFromUrl(event({ url: `https://shop.example/?utm_source=google&gclid=${GCLID}#top` }), 'gclid'), GCLID);
  assert.equal(googleClickIdFromUrl(event({ search: '?gbraid=0AAAAAbraid123' }), 'gbraid'), '0AAAAAbraid123');
  assert.equal(googleClickIdFromUrl(event({}, { type: 'page', properties: { url: `https://shop.example/?gclid=${GCLID}` } }), 'gclid'), GCLID);
  assert.equal(googleClickIdFromUrl(event({ url: 'https://shop.example/?gclid=undefined' }), 'gclid'), undefined);
  assert.equal(googleClickIdFromUrl(event({ url: 'https://shop.example/' }), 'gclid'), undefined);
  assert.deepEqual(googleClickId(event({ url: `https://shop.example/?gclid=${GCLID}-new` }), { gclid: `GCL.1.${GCLID}` }), { param: 'gclid', id: `${GCLID}-new` }, 'the newer click');
  assert.deepEqual(googleClickId(event({}), { gclid: `GCL.1.${GCLID}` }), { param: 'gclid', id: GCLID });
  assert.deepEqual(googleClickId(event({}), { gbraid: '0AAAAAbraid123', wbraid: '0AAAAAwbraid12' }), { param: 'gbraid', id: '0AAAAAbraid123' });
  assert.deepEqual(googleClickId(event({}), { gclid: 'null', wbraid: '0AAAAAwbraid12' }), { param: 'wbraid', id: '0AAAAAwbraid12' });
  assert.equal(googleClickId(event({}), {}), undefined);
});
