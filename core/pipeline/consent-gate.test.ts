import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { COMMON_CONSENT_CATEGORIES, consentCategoryWarnings, isConsentGranted } from './consent-gate.ts';

const withConsent = (consent: CanonicalEvent['context']['consent']) =>
  ({ type: 'track', messageId: 'm', timestamp: '', receivedAt: '', context: consent === undefined ? {} : { consent } }) as CanonicalEvent;

test("the spec's example: analytics and marketing required, marketing false → not delivered", () => {
  const event = withConsent({ analytics: true, marketing: false, advertising: true });
  assert.equal(isConsentGranted(event, ['analytics', 'marketing']), false);
  assert.equal(isConsentGranted(event, ['analytics', 'advertising']), true);
});

test('absent means not granted; no categories configured delivers all', () => {
  assert.equal(isConsentGranted(withConsent(undefined), ['analytics']), false);
  assert.equal(isConsentGranted(withConsent({ analytics: true }), ['marketing']), false);
  assert.equal(isConsentGranted(withConsent(undefined), []), true);
  assert.equal(isConsentGranted(withConsent({ marketing: false }), []), true);
});

test('CMP category codes count as granted when true', () => {
  const event = withConsent({ categories: { C0004: true, C0002: false } });
  assert.equal(isConsentGranted(event, ['C0004']), true);
  assert.equal(isConsentGranted(event, ['C0002']), false);
  assert.equal(isConsentGranted(withConsent({ analytics: 'yes' as unknown as boolean }), ['analytics']), false, 'only true grants');
});

test("Segment's consent object (categoryPreferences) grants like CMP codes", () => {
  const event = withConsent({ categoryPreferences: { Advertising: true, Analytics: false }, defaultDestinationBehavior: null, destinationPreferences: null });
  assert.equal(isConsentGranted(event, ['Advertising']), true);
  assert.equal(isConsentGranted(event, ['Analytics']), false);
});

test('a denial in any of the three places wins over a grant in another', () => {
  assert.equal(isConsentGranted(withConsent({ marketing: false, categoryPreferences: { marketing: true } }), ['marketing']), false);
  assert.equal(isConsentGranted(withConsent({ marketing: true, categories: { marketing: false } }), ['marketing']), false);
  assert.equal(isConsentGranted(withConsent({ categories: { marketing: true }, categoryPreferences: { marketing: false } }), ['marketing']), false);
  assert.equal(isConsentGranted(withConsent({ marketing: true, categoryPreferences: { marketing: true } }), ['marketing']), true, 'agreeing grants');
});

test('Google Consent Mode signals are categories too: granted grants, denied refuses, wherever else they are', () => {
  const event = withConsent({ google: { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'denied' } });
  assert.equal(isConsentGranted(event, ['ad_storage', 'ad_user_data']), true);
  assert.equal(isConsentGranted(event, ['ad_user_data', 'ad_personalization']), false);
  assert.equal(isConsentGranted(event, ['analytics_storage']), false, 'absent is not granted');
  assert.equal(isConsentGranted(withConsent({ ad_storage: true, google: { ad_storage: 'denied' } }), ['ad_storage']), false, 'a denial in google wins');
  assert.equal(isConsentGranted(withConsent({ categories: { ad_storage: false }, google: { ad_storage: 'granted' } }), ['ad_storage']), false, 'a denial elsewhere wins');
  assert.equal(isConsentGranted(withConsent({ google: { ad_storage: 'granted' } }), ['advertising']), false, 'a signal is not a category of another name');
});

test('consent categories that look mistyped are warned about; a CMP code is not', () => {
  const warnings = consentCategoryWarnings(['analytcs', 'Marketing', 'C0004', 'advertising', 'ad_storag', 'sale_of_data'], COMMON_CONSENT_CATEGORIES);
  assert.deepEqual(warnings, [
    '"analytcs" is not a category events usually carry: did you mean "analytics"? Until an event grants "analytcs", this integration receives nothing',
    '"Marketing" differs from the usual "marketing" only in case: categories are matched exactly, so events granting "marketing" will not reach this integration',
    '"ad_storag" is not a category events usually carry: did you mean "ad_storage"? Until an event grants "ad_storag", this integration receives nothing',
  ]);
  assert.deepEqual(consentCategoryWarnings([], COMMON_CONSENT_CATEGORIES), []);
});

test('GPC under opt_out refuses advertising and Google\'s ad_user_data / ad_personalization only; restrict and ignore gate nothing', () => {
  const event = withConsent({ analytics: true, advertising: true, marketing: true, gpc: true, google: { ad_user_data: 'granted', ad_personalization: 'granted', ad_storage: 'granted' } });
  for (const category of ['advertising', 'ad_user_data', 'ad_personalization']) assert.equal(isConsentGranted(event, [category], 'opt_out'), false, category);
  for (const category of ['analytics', 'marketing', 'ad_storage']) assert.equal(isConsentGranted(event, [category], 'opt_out'), true, category);
  assert.equal(isConsentGranted(event, [], 'opt_out'), true, 'an integration gated on nothing receives every event');
  for (const rule of ['restrict', 'ignore'] as const) assert.equal(isConsentGranted(event, ['advertising', 'ad_user_data'], rule), true, rule);
  assert.equal(isConsentGranted(withConsent({ advertising: true, gpc: false }), ['advertising'], 'opt_out'), true, 'gpc false is no opt-out');
});
