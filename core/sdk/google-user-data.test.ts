import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeGoogleConversionEmail, normalizeGoogleEmail, normalizeGoogleName, normalizeGooglePostalCode, normalizeGoogleRegionCode } from './google-user-data.ts';

test('emails: lower case without white space; Gmail and Googlemail without the dots and the +tag; other domains as written', () => {
  assert.equal(normalizeGoogleEmail(' Cloudy.SanFrancisco+shopping@gmail.com '), 'cloudysanfrancisco@gmail.com');
  assert.equal(normalizeGoogleEmail('jane.doe@GoogleMail.com'), 'janedoe@googlemail.com');
  assert.equal(normalizeGoogleEmail('User.Name+NYC@Example.com'), 'user.name+nyc@example.com');
  assert.equal(normalizeGoogleEmail('jane doe@example.com'), 'janedoe@example.com', 'white space within goes too');
  assert.deepEqual(['jane', 'a@b', '@example.com', 'a@@example.com', '+tag@gmail.com', '...@gmail.com', ''].map(normalizeGoogleEmail), [undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
});

test('conversion emails (Google Ads API, Campaign Manager 360): trimmed, lower case; Gmail and Googlemail without the dots before the @, the +tag kept', () => {
  assert.deepEqual([' Jane.Doe@GMail.com ', 'jane.doe+shop@googlemail.com', 'Jane.Doe+NYC@Example.com', ' \tJD@example.co.uk\n'].map(normalizeGoogleConversionEmail),
    ['janedoe@gmail.com', 'janedoe+shop@googlemail.com', 'jane.doe+nyc@example.com', 'jd@example.co.uk']);
  assert.deepEqual(['jane', 'a@b', '@example.com', 'a@@example.com', 'jane doe@example.com', 'jane@example.com.', '.@gmail.com', '...@googlemail.com', ''].map(normalizeGoogleConversionEmail),
    [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined], 'no address: white space within, no domain, a trailing dot, nothing before the @ of a Gmail address');
});

test('names: lower case, no title, no suffix, no punctuation; nothing left is none', () => {
  assert.deepEqual([' Mrs. Jane ', 'Dr Émile', 'Smith-Jones, Jr.', "O'Brien III", 'de la  Cruz', 'Smith PhD', 'JR', 'Mr.', '—'].map(normalizeGoogleName),
    ['jane', 'émile', 'smithjones', 'obrien', 'de la cruz', 'smith', 'jr', 'mr', undefined]);
});

test('region codes: ISO 3166-1 alpha-2 in upper case from a code or an English name; postal codes trimmed, in clear', () => {
  assert.deepEqual(['United Kingdom', ' us ', 'DE', 'Atlantis'].map(normalizeGoogleRegionCode), ['GB', 'US', 'DE', undefined]);
  assert.deepEqual([' SW1A  1AA ', '94043', ' - ', ''].map(normalizeGooglePostalCode), ['SW1A 1AA', '94043', undefined, undefined]);
});
