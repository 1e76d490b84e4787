import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeRegExp } from '../sdk/escape-regexp.ts';
import { cookieDomainFor, parseCookieDomains } from './cookie-domain.ts';

test('SIGNAL_COOKIE_DOMAIN takes domain names, a leading dot dropped, in lower case', () => {
  assert.deepEqual(parseCookieDomains('example.com, .Shop.Example.DE'), { domains: ['example.com', 'shop.example.de'] });
  assert.deepEqual(parseCookieDomains(''), { domains: [] });
});

test('SIGNAL_COOKIE_DOMAIN refuses what a browser would not take as a cookie domain, naming it', () => {
  for (const bad of ['https://example.com', 'example.com:8080', 'example.com/path', 'localhost', '10.0.0.1', 'exa mple.com', '-bad.com', '*.example.com']) {
    const parsed = parseCookieDomains(bad);
    assert.ok('problem' in parsed, bad);
    assert.match(parsed.problem, new RegExp(`has "${escapeRegExp(bad)}"; expected a domain name such as example.com`));
  }
});

test('a host gets the configured domain it belongs to, the longest first, else none', () => {
  const domains = ['example.com', 'shop.example.com', 'example.de'];
  assert.equal(cookieDomainFor('collect.example.com', domains), 'example.com');
  assert.equal(cookieDomainFor('example.com', domains), 'example.com');
  assert.equal(cookieDomainFor('t.shop.example.com', domains), 'shop.example.com');
  assert.equal(cookieDomainFor('Collect.Example.DE.', domains), 'example.de', 'case and a trailing dot do not matter');
  assert.equal(cookieDomainFor('notexample.com', domains), undefined, 'a suffix is not a parent domain');
  assert.equal(cookieDomainFor('collect.other.org', domains), undefined);
  assert.equal(cookieDomainFor(undefined, domains), undefined);
  assert.equal(cookieDomainFor('collect.example.com', []), undefined);
});
