// The tracking pixel routes (Segment's Tracking Pixel API, RudderStack's /pixel/v1/*) through a
// real Signal: the event in base64 `data` or as query parameters, stored before the GIF is
// answered; never cached; no event from a HEAD; errors with their status and message, as JSON
// or, for an image request, as the GIF with the message in X-Signal-Error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PIXEL_GIF } from '../core/collect/collect-routes.ts';
import { noPlugins, startTestSignal, type TestSignal } from './helpers/signal.ts';

let signal: TestSignal;
let site: { id: string; key: string };

before(async () => {
  signal = await startTestSignal({ SIGNAL_TRUST_PROXY: '127.0.0.1' }, { plugins: noPlugins, label: 'pixel' });
  site = await signal.pipeline('Newsletter');
});
after(() => signal.close());

const IMG_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const pixel = (path: string, init: RequestInit = {}) => fetch(`${signal.collectUrl}${path}`, init);

async function storedPayload(messageId: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await signal.pool.query<{ payload: Record<string, unknown> }>('SELECT payload FROM signal.events WHERE pipeline_id = $1 AND message_id = $2', [site.id, messageId]);
  return rows[0]?.payload;
}

test("Segment's documented Email Opened: base64 data with the writeKey, stored before a 1×1 GIF nobody caches", async () => {
  const data = base64({ writeKey: site.key, userId: 'user_123', event: 'Email Opened', messageId: 'px-open-1', properties: { subject: 'The Electric Daily', email: 'jane.kim@example.com' } });
  const res = await pixel(`/v1/pixel/track?data=${data}`, { headers: { accept: IMG_ACCEPT, 'user-agent': 'GoogleImageProxy', 'x-forwarded-for': '203.0.113.7' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/gif');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PIXEL_GIF);
  assert.match(res.headers.get('cache-control') ?? '', /no-store/);
  const payload = await storedPayload('px-open-1');
  assert.ok(payload, 'committed before the answer');
  assert.equal(payload.type, 'track');
  assert.equal(payload.event, 'Email Opened');
  assert.equal(payload.userId, 'user_123');
  assert.deepEqual(payload.properties, { subject: 'The Electric Daily', email: 'jane.kim@example.com' });
  assert.equal((payload.context as { ip?: string }).ip, '203.0.113.7');
  assert.equal((payload.context as { userAgent?: string }).userAgent, 'GoogleImageProxy');
  assert.equal(payload.writeKey, undefined, 'the key is not stored with the event');
});

test('URL-safe base64 and unencoded JSON in data; a writeKey parameter beside data', async () => {
  const urlSafe = base64({ userId: 'u-2', name: 'Pricing?', messageId: 'px-page-1' }).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  assert.equal((await pixel(`/v1/pixel/page?data=${urlSafe}&writeKey=${site.key}`)).status, 200);
  assert.equal((await storedPayload('px-page-1'))?.name, 'Pricing?');
  const raw = encodeURIComponent(JSON.stringify({ writeKey: site.key, userId: 'u-3', traits: { plan: 'pro' }, messageId: 'px-identify-1' }));
  assert.equal((await pixel(`/v1/pixel/identify?data=${raw}`)).status, 200);
  assert.deepEqual((await storedPayload('px-identify-1'))?.traits, { plan: 'pro' });
});

test("query parameters, dotted for nested fields (RudderStack's /pixel/v1/page too), read as the types the schema asks for", async () => {
  const query = new URLSearchParams({ writeKey: site.key, anonymousId: 'anon-px-1', event: 'Ad Impression', messageId: 'px-params-1', 'properties.campaign': 'spring', 'properties.slot': '3', 'context.consent.advertising': 'true', 'context.page.url': 'https://news.example.com/a' });
  assert.equal((await pixel(`/v1/pixel/track?${query}`)).status, 200);
  const payload = await storedPayload('px-params-1');
  assert.deepEqual(payload?.properties, { campaign: 'spring', slot: '3' }, 'free-form properties stay text');
  assert.equal((payload?.context as { consent: { advertising: unknown } }).consent.advertising, true, 'a boolean the schema asks for');
  const page = new URLSearchParams({ writeKey: site.key, anonymousId: 'anon-px-1', name: 'Home', messageId: 'px-rudder-1', 'context.page.path': '/' });
  assert.equal((await pixel(`/pixel/v1/page?${page}`)).status, 200);
  assert.equal((await storedPayload('px-rudder-1'))?.type, 'page');
});

test('a HEAD records nothing; POST is not a pixel method', async () => {
  const data = base64({ writeKey: site.key, userId: 'u-4', event: 'Email Opened', messageId: 'px-head-1' });
  const head = await pixel(`/v1/pixel/track?data=${data}`, { method: 'HEAD' });
  assert.equal(head.status, 405);
  assert.equal(await storedPayload('px-head-1'), undefined);
  const post = await pixel(`/v1/pixel/track?data=${data}`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET');
  assert.equal(await storedPayload('px-head-1'), undefined);
});

test('errors keep their status and say what is wrong: JSON for a program, the GIF with X-Signal-Error for an image', async () => {
  const noIds = base64({ writeKey: site.key, event: 'Email Opened' });
  const json = await pixel(`/v1/pixel/track?data=${noIds}`);
  assert.equal(json.status, 400);
  const body = await json.json() as { error: { code: string; message: string; fields: Array<{ field: string }> } };
  assert.equal(body.error.code, 'SIGNAL_INVALID_EVENT');
  assert.deepEqual(body.error.fields.map((f) => f.field), ['userId']);

  const image = await pixel(`/v1/pixel/track?data=${noIds}`, { headers: { accept: IMG_ACCEPT } });
  assert.equal(image.status, 400);
  assert.equal(image.headers.get('content-type'), 'image/gif');
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), PIXEL_GIF, 'no broken image in the email');
  assert.match(image.headers.get('x-signal-error') ?? '', /^SIGNAL_INVALID_EVENT: userId is required when there is no anonymousId/);

  const noEvent = await pixel(`/v1/pixel/track?data=${base64({ writeKey: site.key, userId: 'u-5' })}`);
  assert.equal(noEvent.status, 400);
  assert.match(((await noEvent.json()) as { error: { message: string } }).error.message, /event/);

  const unknownKey = await pixel(`/v1/pixel/track?data=${base64({ writeKey: 'nope', userId: 'u-5', event: 'X' })}`);
  assert.equal(unknownKey.status, 401);
  const noKey = await pixel(`/v1/pixel/track?data=${base64({ userId: 'u-5', event: 'X' })}`, { headers: { accept: IMG_ACCEPT } });
  assert.equal(noKey.status, 401);
  assert.match(noKey.headers.get('x-signal-error') ?? '', /^SIGNAL_UNAUTHORIZED: No pipeline key/);

  const garbage = await pixel('/v1/pixel/track?data=%25%25%25');
  assert.equal(garbage.status, 400);
  assert.match(((await garbage.json()) as { error: { message: string } }).error.message, /^data must be the event as a JSON object, base64-encoded/);

  const twice = await pixel(`/v1/pixel/track?writeKey=${site.key}&userId=a&userId=b&event=X`);
  assert.equal(twice.status, 400);
  assert.match(((await twice.json()) as { error: { message: string } }).error.message, /^userId is given 2 times/);

  const proto = await pixel(`/v1/pixel/track?writeKey=${site.key}&userId=a&event=X&properties.__proto__.polluted=1`);
  assert.equal(proto.status, 400);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);

  const empty = await pixel('/v1/pixel/track');
  assert.equal(empty.status, 400);
  assert.match(((await empty.json()) as { error: { message: string } }).error.message, /^data is required/);
});

test('the pixel routes are in the OpenAPI document', async () => {
  const doc = await (await fetch(`${signal.collectUrl}/openapi.json`)).json() as { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }> };
  for (const type of ['track', 'page', 'identify', 'screen', 'group', 'alias']) {
    const get = doc.paths[`/v1/pixel/${type}`]?.get;
    assert.ok(get, `/v1/pixel/${type}`);
    assert.ok(get.responses['200']?.content?.['image/gif'], 'answers a GIF');
  }
});
