import assert from 'node:assert/strict';
import { test } from 'node:test';
import { googleConsentAnswer, googleConsentStatus } from './google-consent.ts';

test('googleConsentAnswer: granted/denied in any case or with Google\'s CONSENT_ prefix, and booleans; anything else is no answer', () => {
  assert.deepEqual(['granted', ' DENIED ', 'Consent_Granted', 'CONSENT_DENIED', true, false].map(googleConsentAnswer), ['GRANTED', 'DENIED', 'GRANTED', 'DENIED', 'GRANTED', 'DENIED']);
  assert.deepEqual(['yes', '', 'CONSENT_UNSPECIFIED', 1, null, undefined, { granted: true }].map(googleConsentAnswer), [undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
});

test('googleConsentStatus: the mapped answer and every place the consent gate reads; a denial anywhere wins, then a grant', () => {
  assert.equal(googleConsentStatus('granted', undefined, 'ad_user_data'), 'GRANTED', 'the blueprint\'s alone');
  assert.equal(googleConsentStatus(undefined, { google: { ad_personalization: 'granted' } }, 'ad_personalization'), 'GRANTED');
  assert.equal(googleConsentStatus(undefined, { categoryPreferences: { ad_personalization: true } }, 'ad_personalization'), 'GRANTED');
  for (const consent of [{ ad_user_data: false }, { categories: { ad_user_data: false } }, { categoryPreferences: { ad_user_data: false } }, { google: { ad_user_data: 'denied' as const } }]) {
    assert.equal(googleConsentStatus('granted', consent, 'ad_user_data'), 'DENIED', JSON.stringify(consent));
  }
  assert.equal(googleConsentStatus('denied', { google: { ad_user_data: 'granted' } }, 'ad_user_data'), 'DENIED', 'the mapped denial wins too');
  assert.equal(googleConsentStatus(undefined, { google: { ad_user_data: 'denied' } }, 'ad_personalization'), undefined, 'one signal says nothing of the other');
  assert.equal(googleConsentStatus(42, {}, 'ad_user_data'), undefined);
});
