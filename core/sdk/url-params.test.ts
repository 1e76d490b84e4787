import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalEvent } from './types.ts';
import { pageUrlParamOf, urlParamOf } from './url-params.ts';

const event = (fields: Record<string, unknown>) => ({ type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'a-1', receivedAt: '2026-12-02T10:00:00.000Z', timestamp: '2026-12-02T10:00:00.000Z', ...fields }) as unknown as CanonicalEvent;

describe('urlParamOf', () => {
  test('reads a URL, a query and a search string; never the fragment', () => {
    assert.equal(urlParamOf('https://shop.example/p?ttclid=E.C.P.abc&x=1#reviews', 'ttclid'), 'E.C.P.abc');
    assert.equal(urlParamOf('?ttclid=abc', 'ttclid'), 'abc');
    assert.equal(urlParamOf('ttclid=abc', 'ttclid'), 'abc');
    assert.equal(urlParamOf('https://shop.example/p#ttclid=abc', 'ttclid'), undefined);
    assert.equal(urlParamOf('https://shop.example/p?a=1#x?ttclid=abc', 'ttclid'), undefined);
  });

  test('decodes the value; an empty one is none and a later non-empty one wins', () => {
    assert.equal(urlParamOf('https://shop.example/?fbclid=Iw%2BAR1', 'fbclid'), 'Iw+AR1');
    assert.equal(urlParamOf('https://shop.example/?fbclid=', 'fbclid'), undefined);
    assert.equal(urlParamOf('https://shop.example/?fbclid=&fbclid=IwAR1', 'fbclid'), 'IwAR1');
  });

  test('the name exactly, or in any letter case with anyCase', () => {
    assert.equal(urlParamOf('https://shop.example/?SCCID=5e2b', 'ScCid'), undefined);
    assert.equal(urlParamOf('https://shop.example/?SCCID=5e2b', 'ScCid', { anyCase: true }), '5e2b');
    assert.equal(urlParamOf('https://shop.example/?xttclid=abc', 'ttclid'), undefined, 'another parameter ending in the name');
  });

  test('anything but text is no URL', () => {
    for (const source of [undefined, null, 42, true, ['?a=1'], { url: '?a=1' }]) assert.equal(urlParamOf(source as never, 'a'), undefined);
  });
});

describe('pageUrlParamOf', () => {
  test("the page URL first, then its search, then a page call's properties.url", () => {
    const both = event({ context: { page: { url: 'https://shop.example/?msclkid=from-url', search: '?msclkid=from-search' } } });
    assert.equal(pageUrlParamOf(both, 'msclkid'), 'from-url');
    assert.equal(pageUrlParamOf(event({ context: { page: { url: 'https://shop.example/', search: '?msclkid=from-search' } } }), 'msclkid'), 'from-search');
    const page = event({ type: 'page', name: 'Home', properties: { url: 'https://shop.example/?msclkid=from-properties' } });
    assert.equal(pageUrlParamOf(page, 'msclkid'), 'from-properties');
    assert.equal(pageUrlParamOf(page, 'msclkid', { propertiesUrl: 'never' }), undefined);
  });

  test("a track's properties.url only with propertiesUrl 'any' (a product's URL is no landing page)", () => {
    const track = event({ properties: { url: 'https://shop.example/p?li_fat_id=abc' } });
    assert.equal(pageUrlParamOf(track, 'li_fat_id'), undefined);
    assert.equal(pageUrlParamOf(track, 'li_fat_id', { propertiesUrl: 'any' }), 'abc');
  });

  test('accept turns the raw value into the id, and a value it refuses gives way to the next source', () => {
    const guid = (raw: string) => (/^[0-9a-f]{32}$/i.test(raw) ? raw.toLowerCase() : undefined);
    const clicked = event({ context: { page: { url: 'https://shop.example/?msclkid=%%MACRO%%', search: '?msclkid=B1240587F865192A03586C5B000314F5' } } });
    assert.equal(pageUrlParamOf(clicked, 'msclkid', { accept: guid }), 'b1240587f865192a03586c5b000314f5');
    assert.equal(pageUrlParamOf(event({}), 'msclkid', { accept: guid }), undefined, 'an event without a page');
  });
});
