import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBatchContext } from './batch-context.ts';

test('an event\'s own consent keeps the batch\'s gpc, categories and Consent Mode signals it does not state', () => {
  const batch = { consent: { gpc: true, marketing: false, categories: { C0002: true, C0004: false }, google: { ad_storage: 'denied' as const, ad_user_data: 'denied' as const } } };
  const own = { consent: { analytics: true, categories: { C0004: true }, google: { analytics_storage: 'granted' as const } } };
  assert.deepEqual(withBatchContext(batch, own).consent, {
    gpc: true, marketing: false, analytics: true,
    categories: { C0002: true, C0004: true },
    google: { ad_storage: 'denied', ad_user_data: 'denied', analytics_storage: 'granted' },
  });
});

test('the event\'s own consent values win, gpc: false included', () => {
  const merged = withBatchContext({ consent: { gpc: true, analytics: false, categoryPreferences: { Advertising: true } } }, { consent: { gpc: false, analytics: true, categoryPreferences: { Advertising: false } } });
  assert.deepEqual(merged.consent, { gpc: false, analytics: true, categoryPreferences: { Advertising: false } });
});

test('an event\'s own iab replaces the batch\'s whole: its strings are one CMP snapshot', () => {
  const merged = withBatchContext({ consent: { iab: { gdprApplies: true, tcString: 'CBatch' } } }, { consent: { iab: { usPrivacy: '1YNN' } } });
  assert.deepEqual(merged.consent?.iab, { usPrivacy: '1YNN' });
});

test('other context fields the event has win whole; the batch fills the rest; inputs are not changed', () => {
  const batch = { locale: 'fr-FR', page: { url: 'https://a.example/', title: 'A' }, consent: { gpc: true, google: { ad_storage: 'denied' as const } } };
  const own = { page: { url: 'https://b.example/' }, consent: { google: { ad_storage: 'granted' as const } } };
  const merged = withBatchContext(batch, own);
  assert.deepEqual(merged, { locale: 'fr-FR', page: { url: 'https://b.example/' }, consent: { gpc: true, google: { ad_storage: 'granted' } } });
  assert.deepEqual(batch.consent, { gpc: true, google: { ad_storage: 'denied' } });
  assert.deepEqual(own.consent, { google: { ad_storage: 'granted' } });
});

test('without one side, the other is taken as is', () => {
  assert.deepEqual(withBatchContext(undefined, { consent: { analytics: true } }), { consent: { analytics: true } });
  assert.deepEqual(withBatchContext({ consent: { gpc: false } }, { locale: 'en' }), { consent: { gpc: false }, locale: 'en' });
  assert.deepEqual(withBatchContext(undefined, undefined), {});
});
