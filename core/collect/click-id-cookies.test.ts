import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../sdk/types.ts';
import type { Pool } from '../db/pool.ts';
import { clickIdsOf, createClickIdKeeper, type RegisteredClickId } from './click-id-cookies.ts';

const declared: RegisteredClickId[] = [
  { vendor: 'meta_capi', param: 'fbclid', cookie: '_fbc', days: 90, value: (id, now) => `fb.1.${now}.${id}` },
  { vendor: 'snapchat', param: 'ScCid', anyCase: true, cookie: '_scclid', days: 28 },
];
const event = (page: Record<string, unknown>, extra: Partial<CanonicalEvent> = {}) => ({ type: 'track', context: { page }, ...extra }) as unknown as CanonicalEvent;

test('click ids come from the page URL or its search string, each parameter by its declaration', () => {
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/landing?utm_source=fb&fbclid=IwAR2F4-dbP0l7Mn1_x#top' }), declared).map((f) => [f.declared.vendor, f.clickId]), [['meta_capi', 'IwAR2F4-dbP0l7Mn1_x']]);
  assert.deepEqual(clickIdsOf(event({ search: '?SCCID=7d4b2c1a-0f3e' }), declared).map((f) => [f.declared.vendor, f.clickId]), [['snapchat', '7d4b2c1a-0f3e']], 'ScCid in any case');
  assert.deepEqual(clickIdsOf(event({ search: '?FBCLID=x1' }), declared), [], 'fbclid is case-sensitive: Meta\'s ids are exact');
  // A page call's own properties, too.
  assert.deepEqual(clickIdsOf({ type: 'page', context: {}, properties: { url: 'https://shop.example/?fbclid=abc123' } } as unknown as CanonicalEvent, declared).map((f) => f.clickId), ['abc123']);
});

test('no click id: no URL, no parameter, an empty one, or a value that is not a URL-safe token', () => {
  assert.deepEqual(clickIdsOf({ type: 'track', context: {} } as unknown as CanonicalEvent, declared), []);
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/?fbclid=' }), declared), []);
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/?xfbclid=1' }), declared), [], 'another parameter whose name ends in fbclid');
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/?fbclid=a%20b%3Cscript%3E' }), declared), []);
  assert.deepEqual(clickIdsOf(event({ url: `https://shop.example/?fbclid=${'a'.repeat(501)}` }), declared), []);
});

test('a declaration that says padded takes a click id ending in base64 padding (OpenAI\'s oppref); `=` elsewhere, or in other click ids, is none', () => {
  const padded: RegisteredClickId[] = [{ vendor: 'openai_ads', param: 'oppref', cookie: '_dfoppref', days: 30, padded: true }, ...declared];
  const found = (query: string) => clickIdsOf(event({ search: query }), padded).map((f) => [f.declared.vendor, f.clickId]);
  assert.deepEqual(found('?oppref=gAAAAABn3kZ1x0_Q-abc%3D'), [['openai_ads', 'gAAAAABn3kZ1x0_Q-abc=']], 'one = (percent-encoded)');
  assert.deepEqual(found('?oppref=gAAAAABn3kZ1x0_Q-abc==&utm_source=chatgpt.com'), [['openai_ads', 'gAAAAABn3kZ1x0_Q-abc==']], 'two, as the link wrote them');
  assert.deepEqual(found('?oppref=gAAAAABn3kZ1x0_Q-abc'), [['openai_ads', 'gAAAAABn3kZ1x0_Q-abc']], 'none');
  for (const junk of ['abc===', 'a%3Db', '%3D%3D', 'undefined%3D', 'oppref%3D']) assert.deepEqual(found(`?oppref=${junk}`), [], junk);
  assert.deepEqual(found(`?oppref=${'a'.repeat(499)}%3D%3D`), [], 'padding counts towards the 500 characters');
  assert.deepEqual(found('?fbclid=IwAR1%3D'), [], 'a declaration that does not say padded keeps its rule: no =');
  assert.deepEqual(found('?fbclid=IwAR1=='), [], 'nor as the link wrote it');
});

test('no click id either: a placeholder an empty variable left, or the parameter\'s own name (a macro left unexpanded)', () => {
  for (const value of ['undefined', 'null', 'fbclid', 'FBCLID']) {
    assert.deepEqual(clickIdsOf(event({ url: `https://shop.example/?fbclid=${value}` }), declared), [], value);
  }
  assert.deepEqual(clickIdsOf(event({ search: '?ScCid=sc_cid' }), declared), [], 'the name in another spelling');
  assert.deepEqual(clickIdsOf(event({ url: 'https://shop.example/?fbclid=undefined', search: '?fbclid=IwAR1' }), declared).map((f) => f.clickId), ['IwAR1'], 'a later real one is kept');
});

test('two plugins declaring the same cookie alike (google_ads and google_data_manager: _dfgclid): one Set-Cookie, one value, whichever integrations are enabled', async () => {
  const both: RegisteredClickId[] = [
    { vendor: 'google_ads', param: 'gclid', cookie: '_dfgclid', days: 90 },
    { vendor: 'google_data_manager', param: 'gclid', cookie: '_dfgclid', days: 90 },
  ];
  const keep = async (enabled: Array<{ vendor: string; consent_categories: string[] }>) => {
    const pool = { query: async () => ({ rows: enabled }) } as unknown as Pool;
    const keeper = createClickIdKeeper({ pool, declared: () => both, now: () => 1796032800000 });
    const landing = { type: 'page', messageId: 'm', context: { consent: { advertising: true }, page: { url: 'https://shop.example/?gclid=EAIaIQobChMIsameClick' } } } as unknown as CanonicalEvent;
    const headers: string[] = [];
    await keeper.keep('p-1', [landing], { secure: true, setCookie: (header) => headers.push(header) });
    return { headers, cookies: landing.context.cookies };
  };
  for (const enabled of [
    [{ vendor: 'google_ads', consent_categories: ['advertising'] }, { vendor: 'google_data_manager', consent_categories: ['advertising'] }],
    [{ vendor: 'google_data_manager', consent_categories: ['advertising'] }],
    [{ vendor: 'google_ads', consent_categories: ['marketing'] }, { vendor: 'google_data_manager', consent_categories: ['advertising'] }],
  ]) {
    const { headers, cookies } = await keep(enabled);
    assert.equal(headers.length, 1, `one Set-Cookie with ${enabled.map((e) => e.vendor).join(' and ')}`);
    assert.match(headers[0]!, /^_dfgclid=EAIaIQobChMIsameClick; Max-Age=7776000;/);
    assert.deepEqual(cookies, { _dfgclid: 'EAIaIQobChMIsameClick' });
  }
  assert.deepEqual((await keep([{ vendor: 'google_ads', consent_categories: ['marketing'] }])).headers, [], 'no integration the landing passes: none');
});
