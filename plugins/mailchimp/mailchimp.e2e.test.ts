// Mailchimp end to end: browser calls through the real collect API, the pipeline stage, the
// queue and the delivery engine; the vendor simulator stands in for the Marketing API of the
// key's data center (us21.api.mailchimp.com) and must receive the requests its reference
// documents: the batch subscribe/update, member events, the permanent delete.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, exchangeOutcomes, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';
import { DELETED } from './forget-person.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = '0123456789abcdef0123456789abcdef-us21';
const AUTHORIZATION = `Basic ${Buffer.from(`signal:${KEY}`).toString('base64')}`;
const AUDIENCE = 'a1b2c3d4e5';
const LIST = `/3.0/lists/${AUDIENCE}`;
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const md5 = (email: string) => createHash('md5').update(email.toLowerCase()).digest('hex');
const eventsPath = (email: string) => `${LIST}/members/${md5(email)}/events`;
const BATCH_OK = { new_members: [], updated_members: [], errors: [], total_created: 1, total_updated: 0, error_count: 0 };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://us21.api.mailchimp.com=${sim.url}`,
  }, { label: 'mailchimp', vendors: ['mailchimp'] });
  sim.setDefault('POST', LIST, { status: 200, body: BATCH_OK });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_mailchimp0visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'mailchimp', name, { config: { api_key: KEY, audience_id: AUDIENCE, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
/** Every member the batch endpoint received, with its request. */
const members = () => sim.requests({ path: LIST }).flatMap((request) => ((request.json as { members?: Array<Record<string, unknown>> } | undefined)?.members ?? []).map((member) => ({ request, member })));

describe('Mailchimp', () => {
  test('an identify to the batch subscribe/update and a track to the member\'s events, exactly as Mailchimp documents them, with HTTP Basic and the key\'s data center', async () => {
    const { site } = await installed('Mailchimp', { new_member_status: 'subscribed', tags: ['website'] });
    sim.setDefault('POST', eventsPath('jane@example.com'), { status: 204, body: '' });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'mc-identify-1', traits: { email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', phone: '+1 404 555 0100', plan: 'premium' } });
    const { request, member } = await waitUntil(async () => members().find(({ member }) => member.email_address === 'Jane@Example.com'), 'the member');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers.authorization, AUTHORIZATION);
    assert.match(request.headers['content-type']!, /^application\/json/);
    assert.deepEqual(request.json, {
      members: [{ email_address: 'Jane@Example.com', status_if_new: 'pending', merge_fields: { FNAME: 'Jane', LNAME: 'Doe', PHONE: '+1 404 555 0100' }, tags: ['website'] }],
      update_existing: true, sync_tags: false,
    }, 'marketing consent and double opt-in (default): pending, Mailchimp asks the person to confirm');
    assert.equal(member.status, undefined, 'never status: an existing member\'s is kept');

    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'mc-track-1', properties: { plan: 'pro', seats: 3, email: 'someone@example.com' } });
    const [event] = await sim.waitFor(1, 15_000, { path: eventsPath('jane@example.com') });
    assert.equal(event!.method, 'POST');
    assert.equal(event!.headers.authorization, AUTHORIZATION);
    assert.deepEqual(event!.json, { name: 'Signed_Up', properties: { plan: 'pro', seats: '3' }, occurred_at: '2024-03-24T16:00:00Z', is_syncing: false }, 'the email Signal remembers from the identify names the member');
  });

  test('a batch answer naming one refused member dead-letters exactly that identify with Mailchimp\'s reason; the other member was added and is not sent again', async () => {
    const { site, integrationId } = await installed('Mailchimp partial');
    sim.script('POST', LIST, [{ status: 200, body: { new_members: [{ email_address: 'ok@example.com' }], updated_members: [], errors: [{ email_address: 'fake@example.com', error: 'fake@example.com looks fake or invalid, please enter a real email address.', error_code: 'ERROR_GENERIC' }], total_created: 1, total_updated: 0, error_count: 1 } }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['ok', 'fake'].map((x) => ({ type: 'identify', userId: `user-${x}`, messageId: `mc-partial-${x}`, timestamp: CALL_TIMESTAMP, traits: { email: `${x}@example.com` }, context: { consent: { marketing: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'mc-partial-fake');
    assert.equal(letter.reason, 'Mailchimp did not add or update the member: fake@example.com looks fake or invalid, please enter a real email address. (ERROR_GENERIC)');
    assert.equal(letter.attempts, 1, 'not retried: Mailchimp refused it for good');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the other member delivered');
    const sent = members().filter(({ member }) => ['ok@example.com', 'fake@example.com'].includes(String(member.email_address)));
    assert.equal(sent.length, 2, 'one request, nothing sent again');
    assert.equal(new Set(sent.map(({ request }) => request)).size, 1);
    assert.deepEqual(sent.map(({ member }) => member.status_if_new), ['transactional', 'transactional'], 'the default status for new members, consent or not');
  });

  test('a batch refused as a whole (400) for the member its errors name by index dead-letters that identify alone; the other is sent again without it and delivered', async () => {
    const { site, integrationId } = await installed('Mailchimp refused batch');
    sim.script('POST', LIST, [{ status: 400, body: { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title: 'Invalid Resource', status: 400, detail: 'The resource submitted could not be validated. For field-specific details, see the \'errors\' array.', errors: [{ field: 'members.item:1.merge_fields.FNAME', message: 'Please enter a value' }] } }]);
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['good', 'noname'].map((x) => ({ type: 'identify', userId: `user-${x}`, messageId: `mc-whole-${x}`, timestamp: CALL_TIMESTAMP, traits: { email: `${x}@example.com` }, context: { consent: { marketing: true } } })) }),
    });
    assert.equal(res.status, 200);
    const letter = await waitForDeadLetter(signal, integrationId, 'mc-whole-noname');
    assert.equal(letter.reason, 'Mailchimp refused the member (HTTP 400: Invalid Resource; merge_fields.FNAME: Please enter a value)');
    assert.equal(letter.attempts, 1, 'dead-lettered from the first answer');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the other member delivered');
    const sent = members().filter(({ member }) => ['good@example.com', 'noname@example.com'].includes(String(member.email_address)));
    assert.deepEqual(sent.map(({ member }) => member.email_address), ['good@example.com', 'noname@example.com', 'good@example.com'], 'refused together once, then the other alone: not halved request by request');
    assert.equal((await integrationStats(signal, integrationId)).retried, 0, 'sent again at once, using no try');
    assert.deepEqual(await exchangeOutcomes(signal, site.id, integrationId, 'mc-whole-good'), ['partial: 0 delivered, 0 retry, 1 dead_letter, 1 sent again', 'delivered']);
  });

  test('a 429 then a 503 on a member event are retried, then delivered once; a 400 is dead-lettered at once with Mailchimp\'s words', async () => {
    const { site, integrationId } = await installed('Mailchimp retried');
    sim.script('POST', eventsPath('retry@example.com'), [
      reply.tooMany(1, { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title: 'Too Many Requests', status: 429, detail: 'You have exceeded the limit of 10 simultaneous connections.' }),
      { status: 503, body: { title: 'Service Unavailable', status: 503, detail: 'Please try again later.' } },
      { status: 204, body: '' },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', messageId: 'mc-retried-1', context: { consent: { marketing: true }, traits: { email: 'retry@example.com' } } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    assert.equal(sim.requests({ path: eventsPath('retry@example.com') }).length, 3, 'two refusals, then the success; nothing after it');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });

    sim.script('POST', eventsPath('refused@example.com'), [reply.badRequest({ type: 'https://mailchimp.com/developer/marketing/docs/errors/', title: 'Invalid Resource', status: 400, detail: 'The resource submitted could not be validated.', errors: [{ field: 'properties', message: 'Schema describes string, object found instead' }] })]);
    await browser(site.key, { type: 'track', event: 'Refused', messageId: 'mc-400', context: { consent: { marketing: true }, traits: { email: 'refused@example.com' } } });
    const letter = await waitForDeadLetter(signal, integrationId, 'mc-400');
    assert.equal(letter.reason, 'Mailchimp refused the event (HTTP 400: Invalid Resource: The resource submitted could not be validated.; properties: Schema describes string, object found instead)');
    assert.equal(letter.attempts, 1);
  });

  test('a refused key (401) dead-letters at once naming api_key; an event of someone not in the audience (404) is dead-lettered after the retry policy\'s tries, saying why', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Mailchimp refused');
    sim.setDefault('POST', LIST, { status: 401, body: { title: 'API Key Invalid', status: 401, detail: 'Your API key may be invalid, or you\'ve attempted to access the wrong datacenter.' } });
    try {
      await browser(site.key, { type: 'identify', messageId: 'mc-401', traits: { email: 'key@example.com' } });
      const refused = await waitForDeadLetter(signal, integrationId, 'mc-401');
      assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
      assert.match(refused.reason, /^Mailchimp refused the API key \(HTTP 401: API Key Invalid: Your API key may be invalid.*\): check config\.api_key \(the whole key, with its data center suffix/);
    } finally {
      sim.setDefault('POST', LIST, { status: 200, body: BATCH_OK });
    }
    sim.setDefault('POST', eventsPath('stranger@example.com'), { status: 404, body: { title: 'Resource Not Found', status: 404, detail: 'The requested resource could not be found.' } });
    await browser(site.key, { type: 'track', event: 'Stranger', messageId: 'mc-404', context: { consent: { marketing: true }, traits: { email: 'stranger@example.com' } } });
    const letter = await waitForDeadLetter(signal, integrationId, 'mc-404');
    assert.equal(letter.attempts, 6);
    assert.match(letter.reason, /^gave up after 6 tries: Mailchimp has no member with this email in the audience \(HTTP 404: Resource Not Found: The requested resource could not be found\.\): Signal records events of members only/);
  });

  test('person deletions: an email userId to delete-permanent by its subscriber hash; an anonymousId alone skipped; another userId tried as a contact_id and failed on 404', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Mailchimp deletions');
    const deletePath = `${LIST}/members/${md5('forget.me@example.com')}/actions/delete-permanent`;
    sim.setDefault('POST', deletePath, { status: 204, body: '' });
    const [sent] = await deletePerson(signal, site.id, { userId: 'Forget.Me@example.com', anonymousId: visitor.id });
    assert.deepEqual(sent, { integrationId, vendor: 'mailchimp', status: 'sent', responseStatus: 204, message: sent!.message });
    assert.match(String(sent!.message), /^accepted \(HTTP 204\): Mailchimp deleted the member and their personal data permanently/);
    const [request] = sim.requests({ path: deletePath });
    assert.equal(request!.method, 'POST');
    assert.equal(request!.headers.authorization, AUTHORIZATION);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: visitor.id });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Mailchimp members by email only/);

    sim.setDefault('POST', `${LIST}/members/u-forget-2/actions/delete-permanent`, { status: 404, body: { title: 'Resource Not Found', status: 404, detail: 'The requested resource could not be found.' } });
    const [failed] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /^HTTP 404: Mailchimp has no member whose contact_id is this userId/);

    // A userId shaped like a subscriber hash (a UUID without hyphens) is a contact_id all the same: its 404 fails too, never "no member with this email".
    const hexUserId = '3f2a9c4e8b1d4f6a9e2c7b5d1a3e8f40';
    sim.setDefault('POST', `${LIST}/members/${hexUserId}/actions/delete-permanent`, { status: 404, body: { title: 'Resource Not Found', status: 404, detail: 'The requested resource could not be found.' } });
    const [hexFailed] = await deletePerson(signal, site.id, { userId: hexUserId });
    assert.equal(sim.requests({ method: 'POST', path: `${LIST}/members/${hexUserId}/actions/delete-permanent` }).length, 1);
    assert.equal(hexFailed!.status, 'failed');
    assert.match(String(hexFailed!.message), /^HTTP 404: Mailchimp has no member whose contact_id is this userId/);
  });

  test('person deletions: a userId that is no email, whose identify gave traits.email — the member of that email permanently deleted, then the userId tried as a contact_id, whose 404 is nothing more to delete', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Mailchimp deletions by traits');
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'mc-del-traits', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } });
    await waitUntil(async () => members().find(({ member }) => member.email_address === 'Gus.Gone@Example.com'), 'the member');
    const byEmail = `${LIST}/members/${md5('gus.gone@example.com')}/actions/delete-permanent`;
    sim.setDefault('POST', byEmail, { status: 204, body: '' });
    sim.setDefault('POST', `${LIST}/members/u-gus-0042/actions/delete-permanent`, { status: 404, body: { title: 'Resource Not Found', status: 404, detail: 'The requested resource could not be found.' } });
    const [ended] = await deletePerson(signal, site.id, { userId: 'u-gus-0042' });
    assert.equal(sim.requests({ method: 'POST', path: byEmail }).length, 1, 'the member of the email Signal remembered deleted, though the deletion named the userId only');
    assert.equal(ended!.integrationId, integrationId);
    // After the emails, the contact_id's 404 is no failure: the member deleted by email has no other contact_id.
    assert.equal(sim.requests({ method: 'POST', path: `${LIST}/members/u-gus-0042/actions/delete-permanent` }).length, 1, 'the userId asked for as a contact_id after the email');
    assert.deepEqual([ended!.status, ended!.responseStatus], ['sent', 404]);
    assert.equal(ended!.message, `request 1 of 2: accepted (HTTP 204): ${DELETED}; request 2 of 2: no member has this userId as its contact_id (Mailchimp keys members by email; the person's emails were asked for before it): nothing more to delete`);
  });
});
