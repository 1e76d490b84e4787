import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonValue, type MappedEvent, type PluginContext, type VendorResponse } from '../../core/sdk/index.ts';
import slack, { classifySlack, validateSlackConfig, webhookUrlProblem } from './index.ts';
import { cutSlackText, MAX_TEXT_CHARS } from './message.ts';
import { namePattern } from './rules.ts';
import { escapeSlackText, MAX_VALUE_CHARS, parseTemplate } from './template.ts';

const URL_ = 'https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/abcdefghijklmnopqrstuvwx';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const ORDER_RULE = { events: ['Order Completed'], where: [{ field: 'properties.revenue', op: '>=', value: '500' }], template: 'Order {{properties.order_id}}: *{{properties.revenue}} {{properties.currency}}* by {{traits.email}}' };
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ webhook_url: URL_, rules: [ORDER_RULE], ...extra });
const ctx = (c: Record<string, JsonValue> = config()): PluginContext => ({ config: c, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const track = (event: string, properties: Record<string, JsonValue> = {}, extra: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event, properties, messageId: 'm-1', anonymousId: 'df_visitor', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z', ...extra,
} as CanonicalEvent);
/** Maps an event as delivery does (the variant's code mapper, warnings gathered). */
const mapped = (event: CanonicalEvent, c: Record<string, JsonValue> = config()) => createEventMapper(slack, { variant: 'default', blueprint: null }, ctx(c))(event);
const answer = (status: number, body: string, headers: Record<string, string> = {}): VendorResponse => {
  let json: unknown;
  try { json = JSON.parse(body); } catch { json = undefined; }
  return { status, headers, body, ...(json === undefined ? {} : { json }) };
};
const classify = (response: VendorResponse): Classification => classifySlack(response, slack.send([{ id: 'm-1', event: track('X'), payload: { text: 'x' } }], ctx())[0]!);

test('an Order Completed over the threshold: one message whose values are escaped, the admin\'s own markup kept; traits read from context.traits for a track event', () => {
  const result = mapped(track('Order Completed', { order_id: 'A<1>', revenue: 600, currency: 'USD' }, { context: { traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>));
  assert.deepEqual(result, { payload: { text: 'Order A&lt;1&gt;: *600 USD* by jane@example.com' } });
});

test('an event cannot mention @channel or add a link: <, > and & in its values reach Slack as entities', () => {
  const result = mapped(track('Order Completed', { order_id: '<!channel> <https://evil.example|click> & more', revenue: 900, currency: 'EUR' }));
  assert.equal(result.payload!.text, 'Order &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; more: *900 EUR* by (none)');
  assert.deepEqual(result.warnings, ['rules[0]: traits.email not in the event, shown as (none)']);
});

test('events no rule matches map to null (not sent; counted as dropped by the mapping): another name, a condition that does not hold, another type', () => {
  // Counted as dropped, and the delivery log names the plugin as the one that dropped it.
  const NOT_SENT = { payload: null, dropReason: "the slack plugin's mapping sent nothing for this event" };
  assert.deepEqual(mapped(track('Product Viewed', { revenue: 900 })), NOT_SENT);
  assert.deepEqual(mapped(track('Order Completed', { revenue: 499.99 })), NOT_SENT);
  assert.deepEqual(mapped(track('Order Completed', { revenue: 'a lot' })), NOT_SENT, 'not a number: the condition does not hold');
  assert.deepEqual(mapped(track('Order Completed', {})), NOT_SENT, 'no revenue');
  assert.deepEqual(mapped({ ...track('Order Completed', { revenue: 900 }), type: 'page' } as CanonicalEvent), NOT_SENT);
  assert.equal(mapped(track('Order Completed', { revenue: '500.00' })).payload!.text, 'Order (none): *500.00 (none)* by (none)', 'numeric text compares as a number');
});

test('neverSends: an event no rule takes by its type and name is not queued; one a rule takes is, whatever its conditions will say', () => {
  const never = (event: CanonicalEvent, c: Record<string, JsonValue> = config()) => slack.neverSends!(event, ctx(c));
  assert.equal(never(track('Product Viewed', { revenue: 900 })), 'no rule in config.rules takes its type and name');
  assert.equal(never({ ...track('Order Completed', { revenue: 900 }), type: 'page' } as CanonicalEvent), 'no rule in config.rules takes its type and name');
  assert.equal(never(track('Order Completed', { revenue: 1 })), undefined, 'the rule takes it: its condition decides at delivery (and drops it)');
  assert.deepEqual(mapped(track('Order Completed', { revenue: 1 })).payload, null);
  const c = config({ rules: [{ events: ['Checkout *'], template: '{{event}}' }, { type: 'identify', where: [{ field: 'traits.plan', op: '=', value: 'enterprise' }], template: '{{userId}}' }, { type: 'page', events: ['Pricing'], template: 'pricing' }] });
  assert.equal(never(track('Checkout Started'), c), undefined, 'a pattern takes it');
  assert.equal(never({ ...track('x'), type: 'identify', traits: { plan: 'free' } } as CanonicalEvent, c), undefined, 'an identify rule takes every identify (its condition decides)');
  assert.equal(never({ ...track('x'), type: 'page', name: 'Pricing' } as CanonicalEvent, c), undefined);
  assert.ok(never({ ...track('x'), type: 'page', name: 'Home' } as CanonicalEvent, c), 'a page of another name');
  assert.ok(never({ ...track('x'), type: 'page' } as CanonicalEvent, c), 'a page without a name, when every page rule names pages');
  assert.ok(never({ ...track('x'), type: 'screen', name: 'Pricing' } as CanonicalEvent, c), 'a screen, when no rule is of type screen');
  // Every event it refuses, the mapping drops.
  for (const event of [track('Product Viewed'), { ...track('x'), type: 'page', name: 'Home' } as CanonicalEvent, { ...track('x'), type: 'group' } as CanonicalEvent]) {
    assert.ok(never(event, c));
    assert.equal(mapped(event, c).payload, null);
  }
});

test('the first matching rule wins; patterns with *, identify and page rules, = and exists conditions', () => {
  const c = config({
    rules: [
      { events: ['Checkout *'], where: [{ field: 'properties.coupon', op: 'exists' }], template: '{{event}} with coupon {{properties.coupon}}' },
      { events: ['Checkout *', 'Cart Viewed'], template: '{{event}}' },
      { type: 'identify', where: [{ field: 'traits.plan', op: '=', value: 'enterprise' }], template: 'New enterprise user {{userId}} ({{traits.company}})' },
      { type: 'page', events: ['Pricing'], template: 'Someone is on {{context.page.path}}' },
    ],
  });
  assert.equal(mapped(track('Checkout Started', { coupon: 'SPRING' }), c).payload!.text, 'Checkout Started with coupon SPRING');
  assert.equal(mapped(track('Checkout Started', { coupon: '' }), c).payload!.text, 'Checkout Started', 'an empty value does not exist');
  assert.equal(mapped(track('Cart Viewed'), c).payload!.text, 'Cart Viewed');
  assert.equal(mapped(track('checkout started'), c).payload, null, 'names are case-sensitive');
  const identify = { type: 'identify', userId: 'u-1', traits: { plan: 'enterprise', company: 'Acme & Co' }, messageId: 'm-2', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.000Z' } as unknown as CanonicalEvent;
  assert.equal(mapped(identify, c).payload!.text, 'New enterprise user u-1 (Acme &amp; Co)');
  assert.equal(mapped({ ...identify, traits: { plan: 'free' } } as unknown as CanonicalEvent, c).payload, null);
  const page = { type: 'page', name: 'Pricing', context: { page: { path: '/pricing' } }, messageId: 'm-3', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.000Z' } as unknown as CanonicalEvent;
  assert.equal(mapped(page, c).payload!.text, 'Someone is on /pricing');
});

test('values: numbers and booleans as written, lists joined, objects as JSON, long values cut', () => {
  const c = config({ rules: [{ events: ['X'], template: '{{properties.n}} {{properties.b}} {{properties.list}} {{properties.obj}} {{properties.products[].sku}}' }] });
  const result = mapped(track('X', { n: 12.5, b: false, list: ['a', 1, null], obj: { k: 'v' }, products: [{ sku: 'S1' }, { sku: 'S2' }] }), c);
  assert.equal(result.payload!.text, '12.5 false a, 1 {"k":"v"} S1, S2');
  assert.equal(mapped(track('X', { n: 'half \ud83d', b: '😀' }), c).payload!.text, 'half \ufffd 😀 (none) (none) (none)', 'a lone surrogate replaced, a whole emoji kept');
  const long = mapped(track('X', { n: 'y'.repeat(5000) }), c).payload!.text as string;
  assert.equal(long.split(' ')[0], `${'y'.repeat(MAX_VALUE_CHARS - 1)}…`);
});

test('a title: a plain-text header block (not escaped: Slack does not read plain text for mentions) above a section with the text; text is the notification\'s', () => {
  const c = config({ rules: [{ ...ORDER_RULE, title: 'Big order from {{properties.store}}' }] });
  const result = mapped(track('Order Completed', { order_id: '1001', revenue: 600, currency: 'USD', store: 'A&B <Main>' }), c);
  assert.deepEqual(result.payload, {
    text: 'Big order from A&amp;B &lt;Main&gt;\nOrder 1001: *600 USD* by (none)',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Big order from A&B <Main>' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Order 1001: *600 USD* by (none)' } },
    ],
  });
});

test('Slack formatting off: mrkdwn false, values still escaped in text (Slack reads <!channel> there whatever mrkdwn says); username and icon sent when set', () => {
  const c = config({ mrkdwn: false, username: 'Signal', icon_emoji: ':moneybag:' });
  assert.deepEqual(mapped(track('Order Completed', { order_id: '<!channel> A&1', revenue: 600, currency: 'USD' }), c).payload, {
    text: 'Order &lt;!channel&gt; A&amp;1: *600 USD* by (none)', mrkdwn: false, username: 'Signal', icon_emoji: ':moneybag:',
  });
});

test('Slack formatting off with a title: the notification text escaped, the plain-text header and section as typed', () => {
  const c = config({ mrkdwn: false, rules: [{ ...ORDER_RULE, title: 'Order {{properties.order_id}}' }] });
  assert.deepEqual(mapped(track('Order Completed', { order_id: '<!here> 7', revenue: 600, currency: 'USD' }), c).payload, {
    text: 'Order &lt;!here&gt; 7\nOrder &lt;!here&gt; 7: *600 USD* by (none)',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Order <!here> 7' } },
      { type: 'section', text: { type: 'plain_text', text: 'Order <!here> 7: *600 USD* by (none)' } },
    ],
    mrkdwn: false,
  });
});

test('a message longer than 4,000 characters is cut with a warning, never inside an entity or a link', () => {
  const c = config({ rules: [{ events: ['X'], template: `${'a'.repeat(3000)} {{properties.a}} {{properties.b}} {{properties.c}}` }] });
  const result = mapped(track('X', { a: '&'.repeat(1000), b: 'b'.repeat(1000), c: 'c' }), c);
  const text = result.payload!.text as string;
  assert.ok(Array.from(text).length <= MAX_TEXT_CHARS);
  assert.ok(text.endsWith('…'));
  assert.deepEqual(result.warnings, ['rules[0].template: the message cut to 4000 characters (Slack\'s advice for a message\'s text)']);
  assert.equal(cutSlackText('ab &amp; c', 6), 'ab …', 'not inside &amp;');
  assert.equal(cutSlackText('see <https://example.com|x> now', 12), 'see …', 'not inside a link');
});

test('send: one POST per event to the webhook URL as configured, the message as JSON, its event id', () => {
  const events: MappedEvent[] = [
    { id: 'm-1', event: track('X'), payload: { text: 'one' } },
    { id: 'm-1#2', event: track('X'), payload: { text: 'two' } },
  ];
  assert.deepEqual(slack.send(events, ctx()), [
    { method: 'POST', url: URL_, headers: { 'content-type': 'application/json' }, body: { text: 'one' }, eventIds: ['m-1'] },
    { method: 'POST', url: URL_, headers: { 'content-type': 'application/json' }, body: { text: 'two' }, eventIds: ['m-1#2'] },
  ]);
  assert.throws(() => slack.send(events, ctx(config({ webhook_url: 'https://example.com/hook' }))), { name: 'PermanentError', message: /^config\.webhook_url must be a Slack incoming webhook URL/ }, 'a stale revision never posts elsewhere');
  assert.throws(() => slack.send(events, ctx(config({ webhook_url: `${URL_}\n` }))), { name: 'PermanentError', message: /^config\.webhook_url holds white space/ }, 'sent exactly as stored, or not at all');
});

test('webhook URLs: Slack\'s and GovSlack\'s incoming webhooks only; messages never repeat the URL', () => {
  assert.equal(webhookUrlProblem(URL_), undefined);
  assert.equal(webhookUrlProblem('https://hooks.slack-gov.com/services/T024BE7LD/B01ABCDEF12/abcdefghijklmnopqrstuvwx'), undefined);
  const problems: Array<[string, RegExp]> = [
    ['http://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/abcdefghijklmnopqrstuvwx', /must be a Slack incoming webhook URL/],
    ['https://hooks.slack.com.evil.example/services/T1/B1/abcdefghijkl', /must be a Slack incoming webhook URL/],
    ['https://hooks.slack.com/triggers/T024BE7LD/123456/abcdef0123456789', /Workflow Builder webhook/],
    ['https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12', /three parts/],
    ['https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/abcdefghijklmnop?x=1', /without user name, query or fragment/],
    ['https://hooks.slack.com/services/T024BE7LD/B01ABCDEF12/abc def', /white space/],
    [`${URL_}\n`, /white space/],
    ['hooks.slack.com/services/T1/B1/x', /must be the incoming webhook's URL/],
  ];
  for (const [url, message] of problems) {
    const problem = webhookUrlProblem(url);
    assert.match(problem ?? '', message, url);
    assert.ok(!problem!.includes('abcdef'), 'the token is never repeated');
  }
});

test('validateConfig: each problem names the rule, its field and what was expected; template errors name the placeholder', () => {
  assert.deepEqual(validateSlackConfig(config()), []);
  assert.deepEqual(validateSlackConfig({
    webhook_url: '',
    rules: [
      { events: ['Order Completed'], template: 'Total {{properties.}} now' },
      { type: 'identify', events: ['Signed Up'], template: 'x' },
      { events: ['A'], where: [{ field: 'properties.revenue', op: '>', value: 'lots' }], template: 'x' },
      { events: ['A'], template: 'Hello {{propreties.name}}' },
      { events: ['A'], template: 'Hello {{ properties.name' },
      { events: ['A'], template: 'x', title: 'T {{}}' },
      { type: 'click', template: 'x' },
      { events: ['A'], where: [{ field: 'properties.x', op: 'exists', value: '1' }], template: 'x' },
    ],
    icon_emoji: ':x:', icon_url: 'https://example.com/i.png',
  }), [
    { field: 'webhook_url', message: 'is required: the incoming webhook\'s URL, https://hooks.slack.com/services/T…/B…/…' },
    { field: 'rules[0].template', message: 'placeholder {{properties.}} is not a path: "" in "properties." is not a valid path segment (letters, digits, _ $ @ -, optionally ending in [])' },
    { field: 'rules[1].events', message: 'must be left out for identify rules: only track (event), page and screen (name) events have names' },
    { field: 'rules[2].where[0].value', message: 'must be a number with > (got "lots")' },
    { field: 'rules[3].template', message: 'placeholder {{propreties.name}} does not start with a field of the event: use one of type, event, name, category, userId, anonymousId, groupId, previousId, messageId, timestamp, receivedAt, originalTimestamp, sentAt, properties, traits, context (e.g. {{properties.propreties}})' },
    { field: 'rules[4].template', message: 'placeholder {{ properties.name is not closed: write a placeholder as {{properties.name}}' },
    { field: 'rules[5].title', message: 'placeholder {{}} is empty: name an event field, e.g. {{properties.revenue}}' },
    { field: 'rules[6].type', message: 'must be one of track, page, screen, identify, group, alias (got "click")' },
    { field: 'rules[7].where[0].value', message: 'must be left out with exists' },
    { field: 'icon_url', message: 'cannot be set with icon_emoji: Slack shows one icon; keep one of them' },
  ]);
  assert.deepEqual(validateSlackConfig({ webhook_url: URL_, rules: [] }).map((p) => p.field), ['rules']);
});

test('the schema: the examples are a valid config; a rule with an unknown key is refused', () => {
  const validate = createConfigAjv().compile(slack.config);
  const example = Object.fromEntries(Object.entries(slack.config.properties).map(([key, field]) => [key, structuredClone(field.examples![0]!)]));
  delete example.icon_url;
  assert.ok(validate(example), JSON.stringify(validate.errors));
  assert.deepEqual(validateSlackConfig(example as Record<string, JsonValue>), []);
  assert.equal(validate({ webhook_url: URL_, rules: [{ template: 'x', channel: '#sales' }] }), false);
});

test('templates: the parser keeps literal text and single braces; escapeSlackText escapes &, < and >', () => {
  const parsed = parseTemplate('{ "a": 1 } {{event}}!');
  assert.ok('parts' in parsed);
  assert.deepEqual(parsed.parts.map((p) => ('text' in p ? p.text : `[${p.path}]`)), ['{ "a": 1 } ', '[event]', '!']);
  assert.equal(escapeSlackText('a < b && c > d'), 'a &lt; b &amp;&amp; c &gt; d');
  assert.ok(namePattern('Order (new) *').test('Order (new) Completed'), 'regex characters are literal');
  assert.ok(!namePattern('Order.Completed').test('Order Completed'));
});

test('name patterns: * for any characters (none included), the rest literal; linear on a long name a visitor sends', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', '', true], ['*', 'Anything', true], ['Order *', 'Order ', true], ['Order *', 'Order', false],
    ['* Completed', 'Order Completed', true], ['Order*Completed', 'OrderCompleted', true], ['a*a', 'a', false], ['a*a', 'aa', true],
    ['*Order*Completed*', 'New Order was Completed today', true], ['*Completed*Order*', 'Order Completed', false],
    ['Checkout **', 'Checkout Started', true], ['ab*bc', 'abc', false], ['*b*b*', 'bb', true], ['*b*b*', 'b', false],
  ];
  for (const [pattern, name, expected] of cases) assert.equal(namePattern(pattern).test(name), expected, `${pattern} ~ ${name}`);
  const started = performance.now();
  assert.equal(namePattern('*a*a*a*a*a*a*a*a*b').test('a'.repeat(200)), false);
  assert.ok(performance.now() - started < 50, 'no backtracking');
});

test('classify: Slack\'s answers, each saying what to fix; reasons never quote the webhook URL', () => {
  assert.deepEqual(classify(answer(200, 'ok')), { status: 'delivered' });
  // Slack answers its own "ok" (and its error codes) as text/html: that alone is no web page.
  assert.deepEqual(classify(answer(200, 'ok', { 'Content-Type': 'text/html' })), { status: 'delivered' });
  const html = classify(answer(200, '<!DOCTYPE html><html>portal</html>', { 'Content-Type': 'text/html' }));
  assert.equal((html as { status: string }).status, 'dead_letter');
  assert.match((html as { reason: string }).reason, /^Slack did not answer \(HTTP 200 with a web page, not Slack's "ok"\)/);
  const cases: Array<[number, string, string]> = [
    [400, 'invalid_payload', 'Slack refused the message (HTTP 400 invalid_payload): Slack could not read the message: check the matching rule\'s template and title in config.rules (the integration\'s preview shows the message)'],
    [400, 'no_text', 'Slack refused the message (HTTP 400 no_text): the message has no text: check the matching rule\'s template in config.rules'],
    [403, 'invalid_token', 'Slack refused the message (HTTP 403 invalid_token): config.webhook_url\'s token is not valid (the webhook was revoked or regenerated): create a new incoming webhook (your Slack app > Incoming Webhooks > Add New Webhook to Workspace) and set it as config.webhook_url, then replay the dead letters'],
    [403, 'action_prohibited', 'Slack refused the message (HTTP 403 action_prohibited): the workspace does not allow this webhook to post here (an admin\'s restriction, e.g. who may post in the channel): ask a Slack admin, or use a webhook for another channel in config.webhook_url'],
    [404, 'channel_not_found', 'Slack refused the message (HTTP 404 channel_not_found): the webhook\'s channel is gone (deleted, or the app lost access to it): create a new incoming webhook (your Slack app > Incoming Webhooks > Add New Webhook to Workspace) and set it as config.webhook_url, then replay the dead letters'],
    [404, 'no_service', 'Slack refused the message (HTTP 404 no_service): there is no incoming webhook at config.webhook_url (disabled, removed, or its app uninstalled): create a new incoming webhook (your Slack app > Incoming Webhooks > Add New Webhook to Workspace) and set it as config.webhook_url, then replay the dead letters'],
    [410, 'channel_is_archived', 'Slack refused the message (HTTP 410 channel_is_archived): the webhook\'s channel is archived: unarchive it in Slack and replay the dead letters, or use a webhook for another channel in config.webhook_url'],
    [400, 'something_new', 'Slack refused the message (HTTP 400 something_new)'],
    [401, '{"error":"HTTP 401"}', 'Slack refused the message (HTTP 401: {"error":"HTTP 401"})'],
  ];
  for (const [status, body, reason] of cases) {
    assert.deepEqual(classify(answer(status, body)), { status: 'dead_letter', reason }, `${status} ${body}`);
    assert.ok(!reason.includes('hooks.slack.com/services'));
  }
  assert.deepEqual(classify(answer(429, '{"ok":false,"error":"rate_limited"}', { 'Retry-After': '30' })), {
    status: 'retry', retryAfterMs: 30_000, reason: 'Slack rate-limited the webhook (about one message a second, short bursts allowed) (HTTP 429 rate_limited)',
  });
  assert.deepEqual(classify(answer(500, 'rollup_error')), { status: 'retry', reason: 'Slack failed (HTTP 500 rollup_error)' });
  assert.deepEqual(classify(answer(503, '')), { status: 'retry', reason: 'Slack failed (HTTP 503)' });
});

test('the definition: one message per request, one a second with short bursts, analytics consent, no deletion forwarding', () => {
  assert.deepEqual(slack.batch, { maxEvents: 1, maxBytes: 100_000 });
  assert.deepEqual(slack.rateLimit, { rps: 1, burst: 3 });
  assert.deepEqual(slack.consent, ['analytics']);
  assert.equal(slack.forgetPerson, undefined);
});
