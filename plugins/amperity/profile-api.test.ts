import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { CanonicalEvent, JsonValue, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import amperity from './index.ts';
import { amperityEnrichment, linkingValue, personalizationContext, readProfileAnswer, validateProfileConfig } from './profile-api.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const config: Record<string, JsonValue> = {
  tenant_subdomain: 'acme', tenant_id: 'acme-tenant', api_key: 'eyJ.streaming-ingest', event_stream_id: 'esm-2VP6va3Zn', source_value: 'DATAFLY',
  profile_api_key: 'eyJ.profile-read', profile_collection_id: 'apc-vPsQheAm',
  linking_keys: [{ source: 'email', key: 'email_sha256', hash: 'sha256' }, { source: 'canonical_id', key: '_dfdid' }, { source: 'user_id', key: 'customer_id' }],
  browser_attribute_allowlist: 'Persona, LifetimeTier',
};
const ctx = (overrides: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...config, ...overrides }, variant: 'retail', integrationId: 'i-1', revisionId: 'r-1', options: {}, now: 0 });
const event = (fields: Record<string, unknown>) => ({ type: 'track', event: 'Viewed', messageId: 'm-1', timestamp: '', receivedAt: '', context: {}, ...fields }) as unknown as CanonicalEvent;
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json !== undefined ? { json } : {}) });
const lookupOf = (key: string, value: string): RequestDescriptor => amperityEnrichment.lookup({ key, value }, ctx());

test('identities follow the linking keys in order, hashed where asked, skipping sources the event lacks', () => {
  const visitor = event({ anonymousId: 'dfid_abc123', userId: 'user-9', context: { traits: { email: ' Jane@Example.com ' } } });
  assert.deepEqual(amperityEnrichment.identities(visitor, ctx()), [
    { key: 'email_sha256', value: sha256('jane@example.com') },
    { key: '_dfdid', value: 'dfid_abc123' },
    { key: 'customer_id', value: 'user-9' },
  ]);
  assert.deepEqual(amperityEnrichment.identities(event({ anonymousId: 'dfid_abc123' }), ctx()), [{ key: '_dfdid', value: 'dfid_abc123' }], 'an anonymous visitor: the cookie only');
  assert.deepEqual(amperityEnrichment.identities(event({}), ctx()), []);
});

test('linking sources: canonical id is the cookie, anonymous id the SDK\'s own, email and phone from traits or context traits, never properties', () => {
  const replaced = event({ anonymousId: 'dfid_1', context: { clientAnonymousId: 'sdk-anon-7' } });
  assert.equal(linkingValue(replaced, 'canonical_id'), 'dfid_1');
  assert.equal(linkingValue(replaced, 'anonymous_id'), 'sdk-anon-7');
  assert.equal(linkingValue(event({ anonymousId: 'server-anon' }), 'anonymous_id'), 'server-anon');
  assert.equal(linkingValue(event({ type: 'identify', traits: { email: 'a@b.co' }, context: { traits: { email: 'old@b.co' } } }), 'email'), 'a@b.co', 'the identify call\'s own traits first');
  assert.equal(linkingValue(event({ context: { traits: { phone: '+44 7700 900123' } } }), 'phone'), '+44 7700 900123');
  assert.equal(linkingValue(event({ event: 'Invitation Sent', properties: { email: 'friend@example.com' } }), 'email'), undefined, 'an invitee\'s email is not the visitor\'s');
  assert.equal(linkingValue(event({ userId: '   ' }), 'user_id'), undefined, 'blank is no value');
});

test('the lookup: GET /prof/profiles/{collection}/lookup?{key}={value} with the tenant header and the Profile API key', () => {
  assert.deepEqual(lookupOf('email_sha256', 'abc'), {
    method: 'GET',
    url: 'https://acme.amperity.com/prof/profiles/apc-vPsQheAm/lookup',
    headers: { 'amperity-tenant': 'acme-tenant', authorization: 'Bearer eyJ.profile-read', accept: 'application/json' },
    query: [['email_sha256', 'abc']],
    eventIds: [],
  });
});

test('answers: a resolved amperity_id is fetched next; a profile with attributes is found; 404 is no profile', () => {
  const lookup = lookupOf('_dfdid', 'dfid_1');
  const next = readProfileAnswer(answer(200, { amperity_id: 'amp-42' }), lookup, config);
  assert.ok('next' in next);
  assert.equal(next.next.url, 'https://acme.amperity.com/prof/profiles/apc-vPsQheAm/amp-42');
  assert.equal(next.next.headers?.authorization, 'Bearer eyJ.profile-read');
  assert.deepEqual(readProfileAnswer(answer(200, { profile_id: 'amp-42', attributes: { Persona: 'Value Hunter' } }), next.next, config), { found: { attributes: { Persona: 'Value Hunter' }, profileId: 'amp-42' } });
  assert.deepEqual(readProfileAnswer(answer(200, { profile_id: 'amp-42', attributes: { Persona: 'x' } }), lookup, config), { found: { attributes: { Persona: 'x' }, profileId: 'amp-42' } }, 'a lookup answering the whole profile needs no second call');
  assert.deepEqual(readProfileAnswer(answer(404, { error: 'not-found' }), lookup, config), { notFound: true });

  // The keychain lookup answers with a Location: followed on the tenant's host only.
  const located = readProfileAnswer(answer(200, {}, { location: '/prof/profiles/apc-vPsQheAm/amp-7' }), lookup, config);
  assert.ok('next' in located && located.next.url === 'https://acme.amperity.com/prof/profiles/apc-vPsQheAm/amp-7');
  assert.throws(() => readProfileAnswer(answer(200, {}, { location: 'https://evil.example/steal' }), lookup, config), /points to https:\/\/evil\.example, not https:\/\/acme\.amperity\.com: not followed/);
  const redirected = readProfileAnswer(answer(303, undefined, { location: '/prof/profiles/apc-vPsQheAm/amp-8' }), lookup, config);
  assert.ok('next' in redirected && redirected.next.url === 'https://acme.amperity.com/prof/profiles/apc-vPsQheAm/amp-8', 'a redirect to the profile is followed');
  assert.throws(() => readProfileAnswer(answer(200, { ok: true }), lookup, config), /without a profile/);
  assert.throws(() => readProfileAnswer({ status: 200, headers: {}, body: '{"attributes": {"Pers' }, next.next, config), /without its attributes \(not JSON, or longer than the 64 KB/, 'a cut answer is not an empty profile');
});

test('failures say what to fix: a cross-scope key fails; a key outside the collection\'s linking keys is no profile by it, with a warning; 429 and 5xx may pass', () => {
  const lookup = lookupOf('email_sha256', 'abc');
  assert.throws(() => readProfileAnswer(answer(403, { message: 'forbidden' }), lookup, config), (error: Error) => error.name === 'PermanentError' && /profile_api_key \(HTTP 403: forbidden\).*not the Streaming Ingest key/.test(error.message));
  const refused = readProfileAnswer(answer(400, { error: 'invalid-lookup-key' }), lookup, config);
  assert.ok('notFound' in refused);
  assert.match(refused.warning ?? '', /lookup by "email_sha256" \(HTTP 400: invalid-lookup-key\): it must be one of the collection's linking_keys/);
  assert.throws(() => readProfileAnswer(answer(429, {}), lookup, config), (error: Error) => error.name === 'RetryableError');
  assert.throws(() => readProfileAnswer(answer(503, {}), lookup, config), (error: Error) => error.name === 'RetryableError');
});

test('personalization: the mapped context as query parameters of the profile request, keyed by its values', () => {
  const on = ctx({
    enable_context_personalization: true,
    personalization_context_mappings: [
      { source: 'properties.category', target: 'pageCategory' }, { source: 'properties.value', target: 'cartValue' },
      { source: 'context.page.path', target: 'pagePath' }, { source: 'partner_attrs.amperity.LifetimeTier', target: 'tierHint' },
      { source: 'properties.items', target: 'items' },
    ],
  });
  const viewed = event({ properties: { category: 'shoes', value: 120, items: [{ id: 1 }] }, context: { page: { path: '/shoes' } }, partner_attrs: { amperity: { LifetimeTier: 'Gold' } } });
  const expected: Array<[string, string]> = [['pageCategory', 'shoes'], ['cartValue', '120'], ['pagePath', '/shoes'], ['tierHint', 'Gold']];
  assert.deepEqual(personalizationContext(viewed, on.config.personalization_context_mappings as never), expected, 'a list is no context value');
  const ask = amperityEnrichment.personalize!(viewed, { attributes: {}, profileId: 'amp-42' }, on);
  assert.deepEqual(ask, { key: JSON.stringify(expected), request: { method: 'GET', url: 'https://acme.amperity.com/prof/profiles/apc-vPsQheAm/amp-42', headers: { 'amperity-tenant': 'acme-tenant', authorization: 'Bearer eyJ.profile-read', accept: 'application/json' }, query: expected, eventIds: [] } });
  assert.equal(amperityEnrichment.personalize!(viewed, { attributes: {} }, on), null, 'no profile id, nothing to ask');
  assert.equal(amperityEnrichment.personalize!(viewed, { attributes: {}, profileId: 'amp-42' }, ctx()), null, 'off unless enabled');
  assert.equal(amperityEnrichment.personalize!(event({}), { attributes: {}, profileId: 'amp-42' }, on), null, 'no context on this event');
  assert.deepEqual(amperityEnrichment.readPersonalized!(answer(200, { attributes: { Offer: 'free-shipping' } }), ask!.request, on), { Offer: 'free-shipping' });
  assert.deepEqual(amperityEnrichment.readPersonalized!(answer(404), ask!.request, on), {});
});

test('the browser sees the allow-listed attributes only', () => {
  assert.deepEqual(amperityEnrichment.browserAttributes!({ Persona: 'Value Hunter', LifetimeTier: 'Gold', Email: 'jane@example.com' }, ctx()), { Persona: 'Value Hunter', LifetimeTier: 'Gold' });
  assert.deepEqual(amperityEnrichment.browserAttributes!({ Persona: 'x' }, ctx({ browser_attribute_allowlist: '' })), {}, 'empty: nothing exposed');
});

test('enabled with the Profile API key, the collection and linking keys; the plugin schema and checks refuse half a setup', () => {
  assert.equal(amperityEnrichment.enabled(config), true);
  const { profile_api_key: _key, profile_collection_id: _collection, linking_keys: _linking, browser_attribute_allowlist: _allow, ...ingestOnly } = config;
  assert.equal(amperityEnrichment.enabled(ingestOnly), false);
  assert.deepEqual(validateProfileConfig(ingestOnly), []);
  assert.deepEqual(validateProfileConfig(config), []);
  const problems = (overrides: Record<string, JsonValue | undefined>) => Object.fromEntries(validateProfileConfig(Object.fromEntries(Object.entries({ ...config, ...overrides }).filter(([, v]) => v !== undefined)) as Record<string, JsonValue>).map((p) => [p.field, p.message]));
  assert.match(problems({ profile_api_key: 'eyJ.streaming-ingest' }).profile_api_key!, /is the same key as api_key/);
  assert.match(problems({ profile_collection_id: undefined }).profile_collection_id!, /required when profile_api_key is set/);
  assert.match(problems({ profile_collection_id: 'vPsQheAm' }).profile_collection_id!, /prefixed apc-/);
  assert.match(problems({ linking_keys: undefined }).linking_keys!, /at least one entry/);
  assert.match(problems({ profile_api_key: undefined }).profile_api_key!, /required when profile_collection_id is set/);
  assert.match(problems({ enable_context_personalization: true }).personalization_context_mappings!, /at least one \{source, target\}/);
  assert.match(problems({ personalization_context_mappings: [{ source: 'properties..x', target: 'x' }] })['personalization_context_mappings[0].source']!, /not a valid path segment/);
  assert.match(problems({ linking_keys: [{ source: 'email', key: 'email' }, { source: 'email', key: 'email' }] })['linking_keys[1]']!, /repeats/);
  assert.ok(amperity.enrich === amperityEnrichment);
  assert.equal(amperity.config.properties.profile_api_key?.secret, true, 'the Profile API key is a secret: encrypted, masked');
});
