import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { MAX_FOLLOW_UPS, MAX_REQUEST_DELAY_MS, type PluginContext, type PluginDefinition } from '../sdk/types.ts';
import { fixturePlugin } from '../../test/helpers/fixture-plugin.ts';
import { deliverBatch, eventKeys, isNoRateLimit, MAX_BODY_IN_LOG, MAX_RESENDS, type DeliveryDeps, type DeliveryTarget } from './deliver-batch.ts';
import type { NewDeadLetter } from './dead-letters.ts';
import type { Exchange } from './delivery-log.ts';
import { createEventMapper } from './mapper.ts';
import { REDACTED, redactRequest, redactText } from './redact.ts';

/** A target of the fixture plugin, with `plugin` overriding its definition. */
function fixtureTarget(plugin: PluginDefinition = fixturePlugin): DeliveryTarget {
  const ctx: PluginContext = { config: { api_key: 'k-1234', region: 'https://eu.fixture.test/events' }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 };
  return {
    integrationId: '00000000-0000-0000-0000-000000000001', pipelineId: '00000000-0000-0000-0000-000000000002', templateId: 't', revisionId: 'r',
    plugin, ctx, map: createEventMapper(plugin, { variant: 'default', blueprint: null } as Parameters<typeof createEventMapper>[1], ctx),
    settings: { rateLimit: { rps: 0, burst: 0, daily: 0 }, retry: { attempts: 6, baseSeconds: 4, capSeconds: 256 } },
    consentCategories: [], secretValues: [],
  } as DeliveryTarget;
}

/** Deps whose vendor accepts everything; `letters` and `deferred` collect what they are given. */
function acceptingDeps(overrides: Partial<DeliveryDeps> = {}) {
  const letters: NewDeadLetter[] = [];
  const deferred: Array<{ events: CanonicalEvent[]; delayMs: number }> = [];
  const deps: DeliveryDeps = {
    perform: async () => ({ response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 }),
    classify: () => ({ status: 'delivered' }),
    takeTokens: async (_target, wanted) => wanted,
    defer: async (_target, events, _attempt, delayMs) => void deferred.push({ events, delayMs }),
    throttle: async () => {},
    retryDelayMs: () => 1,
    throttledRetryDelayMs: () => 1,
    scheduleRetry: async () => {},
    deadLetter: async (added) => void letters.push(...added),
    record: async () => {},
    addStats: async () => {},
    redact: redactRequest,
    redactText,
    ...overrides,
  };
  return { deps, letters, deferred };
}

const trackEvent = (messageId: string, event = 'Order Completed') => ({ type: 'track', event, messageId, userId: 'u', context: {} }) as unknown as CanonicalEvent;

test('a large request body is kept as a redacted 16 KB preview in logs and dead letters', () => {
  const small = { method: 'POST' as const, url: 'https://x.test/', headers: {}, body: { events: [1, 2] }, eventIds: [] };
  assert.deepEqual(redactRequest(small, [], { maxBodyChars: MAX_BODY_IN_LOG }), { method: 'POST', url: 'https://x.test/', headers: {}, body: { events: [1, 2] } });
  const events = Array.from({ length: 2000 }, (_, i) => ({ event_type: 'Page Viewed', insert_id: `id-${i}`, note: 'sk_live_12345' }));
  for (const body of [{ api_key: 'k-123456', events }, JSON.stringify({ api_key: 'k-123456', events })]) {
    const big = redactRequest({ method: 'POST', url: 'https://x.test', body, eventIds: [] }, ['sk_live_12345'], { maxBodyChars: MAX_BODY_IN_LOG }) as { body: { $truncated: boolean; bytes: number; preview: string } };
    assert.equal(big.body.$truncated, true);
    assert.equal(big.body.bytes, JSON.stringify({ api_key: 'k-123456', events }).length);
    assert.ok(big.body.preview.startsWith(`{"api_key":"${REDACTED}","events":[{"event_type":"Page Viewed"`), big.body.preview.slice(0, 80));
    assert.equal(big.body.preview.includes('sk_live_12345'), false);
    assert.equal(big.body.preview.includes('k-123456'), false);
  }
  // A secret straddling the cut leaves no half behind.
  const secret = 'sk_live_ABCDEFGHIJKLMNOP';
  const padded = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_IN_LOG - 30), note: secret, more: 'y'.repeat(100) });
  const cut = redactRequest({ method: 'POST', url: 'https://x.test', body: padded, eventIds: [] }, [secret], { maxBodyChars: MAX_BODY_IN_LOG }) as { body: { preview: string } };
  assert.equal(cut.body.preview.includes('sk_live_'), false);
});

test('every event of a delivery gets its own key, even when messageIds repeat or read like a key', () => {
  const events = ['a', 'b', 'a', 'a#2', 'a'].map((messageId) => ({ messageId }) as CanonicalEvent);
  assert.deepEqual(eventKeys(events), ['a', 'b', 'a#2', 'a#2#2', 'a#3']);
});

test('a plugin hook throwing a string dead-letters the event with that reason, not a silent drop', async () => {
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    map: (payload) => {
      // Plain-JS plugins throw strings; the reason must survive.
      if (payload.name === 'Bad') throw 'user_id missing'; // eslint-disable-line no-throw-literal
      return payload;
    },
  };
  const { deps, letters } = acceptingDeps();
  const summary = await deliverBatch(fixtureTarget(plugin), [trackEvent('m-bad', 'Bad'), trackEvent('m-good')], 1, deps);
  assert.equal(summary.deadLettered, 1);
  assert.equal(summary.dropped, 0);
  assert.equal(summary.delivered, 1);
  assert.equal(letters[0]!.reason, 'user_id missing');
});

test('events the mapping drops get one log entry saying which and why (a plugin hook with its warnings, a blueprint filter with its text)', async () => {
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    map: (payload, _event, ctx) => {
      if (payload.name !== 'Skipped') return payload;
      ctx.warn?.('not sent to Fixture: no click id');
      return null;
    },
  };
  const recorded: Exchange[] = [];
  const { deps } = acceptingDeps({ record: async (exchanges) => void recorded.push(...exchanges) });
  const summary = await deliverBatch(fixtureTarget(plugin), [trackEvent('m-skip', 'Skipped'), trackEvent('m-sent'), trackEvent('m-skip', 'Skipped')], 2, deps);
  assert.equal(summary.dropped, 2);
  assert.equal(summary.delivered, 1);
  const drops = recorded.filter((e) => e.outcome === 'dropped');
  assert.equal(drops.length, 1, 'one entry for the delivery, not one per event');
  assert.deepEqual({ ...drops[0], pipelineIntegrationId: undefined }, {
    pipelineIntegrationId: undefined, revisionId: 'r', eventIds: ['m-skip', 'm-skip#2'], attempt: 2,
    request: null, responseStatus: null, responseBody: null, durationMs: 0, outcome: 'dropped',
    error: 'not sent: the mapping dropped these 2 events (why, by event id, in warnings)',
    warnings: {
      'm-skip': ["dropped: the fixture plugin's mapping sent nothing for this event (see its warnings)", 'not sent to Fixture: no click id'],
      'm-skip#2': ["dropped: the fixture plugin's mapping sent nothing for this event (see its warnings)", 'not sent to Fixture: no click id'],
    },
  });
  assert.deepEqual(recorded.filter((e) => e.outcome !== 'dropped').map((e) => e.eventIds), [['m-sent']]);

  // A blueprint's filter: the reason names the handler and quotes the filter.
  const filtered = fixtureTarget();
  filtered.map = createEventMapper(fixturePlugin, { variant: 'default', blueprint: 'events:\n  Order Completed:\n    filter: userId exists\n    mappings:\n      - { source: event, target: name }\n' }, filtered.ctx);
  recorded.length = 0;
  const anonymous = { ...trackEvent('m-anon'), userId: undefined, anonymousId: 'a' } as unknown as CanonicalEvent;
  await deliverBatch(filtered, [anonymous], 1, deps);
  assert.deepEqual(recorded.map((e) => [e.outcome, e.error, e.warnings]), [['dropped', 'not sent: the mapping dropped this event (why, by event id, in warnings)',
    { 'm-anon': ['dropped: blueprint: the "Order Completed" handler\'s filter did not match: userId exists'] }]]);
});

test('a retry the classifier marks throttled is handled as a 429 whatever the status: the integration paused, no try used up', async () => {
  const paused: number[] = [];
  const retried: Array<{ attempt: number; delayMs: number; throttledSince?: number }> = [];
  const { deps, letters } = acceptingDeps({
    perform: async () => ({ response: { status: 400, headers: {}, body: '{"error":{"code":17}}' }, durationMs: 1 }),
    classify: () => ({ status: 'retry', reason: 'rate limited (code 17)', retryAfterMs: 60_000, throttled: true }),
    throttle: async (_target, pauseMs) => void paused.push(pauseMs),
    throttledRetryDelayMs: () => 60_000,
    scheduleRetry: async (_target, _events, attempt, delayMs, throttledSince) => void retried.push({ attempt, delayMs, ...(throttledSince === undefined ? {} : { throttledSince }) }),
  });
  // The last try: an ordinary retry would be dead-lettered now.
  await deliverBatch(fixtureTarget(), [trackEvent('m-throttled')], 6, deps);
  assert.deepEqual(paused, [60_000]);
  assert.equal(letters.length, 0);
  assert.equal(retried.length, 1);
  assert.equal(retried[0]!.attempt, 6, 'the same try again');
  assert.ok(retried[0]!.throttledSince !== undefined);
});

test('a 429 the classifier says is no rate limit (throttled: false) is an ordinary retry: the integration not paused, a try used up', async () => {
  const paused: number[] = [];
  const retried: Array<{ attempt: number; delayMs: number; throttledSince?: number }> = [];
  const { deps, letters } = acceptingDeps({
    perform: async () => ({ response: { status: 429, headers: {}, body: '{"errors":[{"code":"too_many_requests","message":"Too many concurrent requests for the same subscriber"}]}' }, durationMs: 1 }),
    classify: () => ({ status: 'retry', reason: 'another request for this subscriber', retryAfterMs: 3_000, throttled: false }),
    throttle: async (_target, pauseMs) => void paused.push(pauseMs),
    retryDelayMs: (_retry, _settings, retryAfterMs) => retryAfterMs ?? 1,
    scheduleRetry: async (_target, _events, attempt, delayMs, throttledSince) => void retried.push({ attempt, delayMs, ...(throttledSince === undefined ? {} : { throttledSince }) }),
  });
  await deliverBatch(fixtureTarget(), [trackEvent('m-busy')], 1, deps);
  assert.deepEqual(paused, [], 'the integration is not slowed down');
  assert.deepEqual(retried, [{ attempt: 2, delayMs: 3_000 }], 'the next try, after the wait asked');
  // On the last try it is dead-lettered like any retry.
  await deliverBatch(fixtureTarget(), [trackEvent('m-busy-last')], 6, deps);
  assert.equal(letters.length, 1);
});

test('isNoRateLimit: only when every retried event of the answer says throttled: false', () => {
  assert.equal(isNoRateLimit(new Map([['a', { status: 'retry', reason: 'busy', throttled: false }], ['b', { status: 'delivered' }]])), true);
  assert.equal(isNoRateLimit(new Map([['a', { status: 'retry', reason: 'busy', throttled: false }], ['b', { status: 'retry', reason: 'limit' }]])), false);
  assert.equal(isNoRateLimit(new Map([['a', { status: 'retry', reason: 'limit' }]])), false);
  assert.equal(isNoRateLimit(new Map([['a', { status: 'delivered' }]])), false);
  assert.equal(isNoRateLimit('split'), false);
});

test("a plugin's mapping sees the delivery's time as ctx.now, the same the request builder and the classifier see", async () => {
  const seen: Array<[string, number]> = [];
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    variants: { default: { description: 'as is', map: (event, ctx) => (seen.push(['variant', ctx.now]), { name: String(event.event) }) } },
    map: (payload, _event, ctx) => (seen.push(['hook', ctx.now]), payload),
    send: (batch, ctx) => (seen.push(['send', ctx.now]), fixturePlugin.send(batch, ctx)),
  };
  const before = Date.now();
  const { deps } = acceptingDeps({ classify: (_response, _request, target) => (seen.push(['classify', target.ctx.now]), { status: 'delivered' }) });
  await deliverBatch(fixtureTarget(plugin), [trackEvent('m-1')], 1, deps);
  assert.deepEqual(seen.map(([where]) => where), ['variant', 'hook', 'send', 'classify']);
  assert.ok(seen.every(([, now]) => now >= before && now === seen[0]![1]), JSON.stringify(seen));
});

test('a batch stops sending when its time is up and puts the rest back at once, each event in one place only', async () => {
  const sent: string[] = [];
  const { deps, deferred } = acceptingDeps({
    batchBudgetMs: 100,
    requestConcurrency: 1,
    perform: async (request) => {
      sent.push(...request.eventIds);
      await new Promise((resolve) => setTimeout(resolve, 40));
      return { response: { status: 200, headers: {}, body: '{}' }, durationMs: 40 };
    },
  });
  const events = Array.from({ length: 100 }, (_, i) => trackEvent(`m-${i}`));
  const summary = await deliverBatch(fixtureTarget(), events, 1, deps);
  // Ten requests of ten events would take 400 ms: about three fit in the budget.
  assert.ok(summary.requests >= 2 && summary.requests <= 4, `${summary.requests} requests`);
  assert.equal(summary.delivered, sent.length);
  assert.equal(deferred.length, 1);
  assert.equal(deferred[0]!.delayMs, 0, 'fetched again at once: nothing waits for a rate');
  const putBack = deferred[0]!.events.map((e) => e.messageId);
  assert.equal(putBack.length + sent.length, 100);
  assert.deepEqual(putBack.filter((id) => sent.includes(id)), []);
});

test("the delivery log reads dead_letter for a failing event's last try, retry before it", async () => {
  const logged: string[] = [];
  const { deps } = acceptingDeps({
    perform: async () => ({ response: { status: 503, headers: {}, body: 'down' }, durationMs: 1 }),
    classify: () => ({ status: 'retry', reason: 'HTTP 503' }),
    record: async (exchanges) => void logged.push(...exchanges.map((e) => e.outcome)),
  });
  await deliverBatch(fixtureTarget(), [trackEvent('m-1')], 1, deps);
  await deliverBatch(fixtureTarget(), [trackEvent('m-1')], 6, deps);
  assert.deepEqual(logged, ['retry', 'dead_letter']);
});

test('an event the vendor declines is counted dropped, its reason kept with the exchange (secrets redacted), never dead-lettered or retried', async () => {
  const logged: Array<{ outcome: string; warnings?: Record<string, string[]> }> = [];
  const stats: Array<Record<string, unknown>> = [];
  const retried: CanonicalEvent[] = [];
  const { deps, letters } = acceptingDeps({
    classify: (_response, request) => ({ perEvent: Object.fromEntries(request.eventIds.filter((id) => id !== 'm-1').map((id) => [id, { status: 'declined', reason: 'dropped as a bot (key k-1234)' }])) }),
    record: async (exchanges) => void logged.push(...exchanges.map((e) => ({ outcome: e.outcome, ...(e.warnings ? { warnings: e.warnings } : {}) }))),
    addStats: async (_target, counts) => void stats.push({ ...counts }),
    scheduleRetry: async (_target, events) => void retried.push(...events),
  });
  const target = { ...fixtureTarget(), secretValues: ['k-1234'] };
  const summary = await deliverBatch(target, [trackEvent('m-1'), trackEvent('m-2'), trackEvent('m-3')], 1, deps);
  assert.deepEqual([summary.delivered, summary.dropped, summary.deadLettered, summary.retried], [1, 2, 0, 0]);
  assert.deepEqual([letters.length, retried.length], [0, 0]);
  assert.deepEqual(logged, [{ outcome: 'partial: 1 delivered, 0 retry, 0 dead_letter, 2 declined', warnings: { 'm-2': ['declined: dropped as a bot (key [REDACTED])'], 'm-3': ['declined: dropped as a bot (key [REDACTED])'] } }]);
  assert.equal(stats[0]!.dropped, 2);
  logged.length = 0;
  await deliverBatch(target, [trackEvent('m-2')], 1, deps);
  assert.equal(logged[0]!.outcome, 'declined', 'an exchange whose events were all declined');
});

test('events a vendor refused only for another of their request are sent again at once without it, using no try', async () => {
  const sent: string[][] = [];
  const logged: string[] = [];
  const retried: Array<{ ids: string[]; attempt: number }> = [];
  const { deps, letters } = acceptingDeps({
    perform: async (request) => {
      sent.push([...request.eventIds]);
      return { response: { status: 400, headers: {}, body: '{}' }, durationMs: 1 };
    },
    // As Google Sheets does: the whole request refused, naming the one bad row.
    classify: (_response, request) => request.eventIds.includes('m-bad')
      ? { perEvent: Object.fromEntries(request.eventIds.map((id) => [id, id === 'm-bad' ? { status: 'dead_letter', reason: 'row 2: bad value' } : { status: 'resend', reason: 'refused for another row' }])) }
      : { status: 'delivered' },
    record: async (exchanges) => void logged.push(...exchanges.map((e) => e.outcome)),
    scheduleRetry: async (_target, events, attempt) => void retried.push({ ids: events.map((e) => String(e.messageId)), attempt }),
  });
  const summary = await deliverBatch(fixtureTarget(), [trackEvent('m-1'), trackEvent('m-bad'), trackEvent('m-3')], 2, deps);
  assert.deepEqual(sent, [['m-1', 'm-bad', 'm-3'], ['m-1', 'm-3']]);
  assert.deepEqual([summary.delivered, summary.deadLettered, summary.retried], [2, 1, 0]);
  assert.deepEqual(letters.map((l) => [l.event.messageId, l.reason]), [['m-bad', 'row 2: bad value']]);
  assert.deepEqual(retried, []);
  assert.deepEqual(logged, ['partial: 0 delivered, 0 retry, 1 dead_letter, 2 sent again', 'delivered']);
});

test('a resend blaming no other event is a retry; one bad record at a time is followed MAX_RESENDS times, then the rest waits for its next try', async () => {
  const retried: Array<{ ids: string[]; attempt: number }> = [];
  let requests = 0;
  const { deps, letters } = acceptingDeps({
    perform: async () => {
      requests++;
      return { response: { status: 400, headers: {}, body: '{}' }, durationMs: 1 };
    },
    classify: (_response, request) => ({ perEvent: Object.fromEntries(request.eventIds.map((id) => [id, { status: 'resend', reason: 'refused for another event' }])) }),
    scheduleRetry: async (_target, events, attempt) => void retried.push({ ids: events.map((e) => String(e.messageId)), attempt }),
  });
  await deliverBatch(fixtureTarget(), [trackEvent('m-1'), trackEvent('m-2')], 1, deps);
  assert.equal(requests, 1, 'nothing blamed: not sent again now');
  assert.deepEqual(retried, [{ ids: ['m-1', 'm-2'], attempt: 2 }]);

  // One bad record at a time (each answer blames the first event and resends the rest): followed
  // MAX_RESENDS times, then what is left waits for the next try.
  retried.length = 0;
  requests = 0;
  deps.classify = (_response, request) => ({ perEvent: Object.fromEntries(request.eventIds.map((id, i) => [id, i === 0 ? { status: 'dead_letter', reason: 'bad record' } : { status: 'resend', reason: 'refused for another event' }])) });
  const events = Array.from({ length: MAX_RESENDS + 2 }, (_, i) => trackEvent(`m-${i}`));
  const oneRequest = fixtureTarget({ ...fixturePlugin, send: (batch) => [{ method: 'POST', url: 'https://fixture.test/events', body: {}, eventIds: batch.map((m) => m.id) }] });
  const summary = await deliverBatch(oneRequest, events, 1, deps);
  assert.equal(requests, 1 + MAX_RESENDS);
  assert.deepEqual(letters.map((l) => l.event.messageId), Array.from({ length: 1 + MAX_RESENDS }, (_, i) => `m-${i}`));
  assert.deepEqual(retried, [{ ids: [`m-${MAX_RESENDS + 1}`], attempt: 2 }]);
  assert.equal(summary.retried, 1);
});

test('a sender that throws on one event fails that event only: the batch is built again in halves', async () => {
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    send: (batch, ctx) => {
      if (batch.some((m) => m.event.messageId === 'm-poison')) throw new TypeError("Cannot read properties of undefined (reading 'ip')");
      return fixturePlugin.send(batch, ctx);
    },
  };
  const sent: string[] = [];
  const { deps, letters } = acceptingDeps({
    perform: async (request) => {
      sent.push(...request.eventIds);
      return { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 };
    },
  });
  const events = Array.from({ length: 9 }, (_, i) => trackEvent(i === 4 ? 'm-poison' : `m-${i}`));
  const summary = await deliverBatch(fixtureTarget(plugin), events, 1, deps);
  assert.equal(summary.delivered, 8);
  assert.deepEqual(letters.map((l) => [l.event.messageId, l.reason]), [['m-poison', "request builder failed: Cannot read properties of undefined (reading 'ip')"]]);
  assert.equal(sent.length, 8);
});

test("what the mapping left out is kept with the exchange, by event id, secrets redacted", async () => {
  const plugin: PluginDefinition = { ...fixturePlugin, send: (batch, ctx) => fixturePlugin.send(batch, ctx) };
  const target = fixtureTarget(plugin);
  // A mapping that leaves a field out warns, as a blueprint row whose transform fails does.
  target.map = (event) => ({ payload: { name: String(event.event) }, ...(event.messageId === 'm-1' ? { warnings: ['revenue: to_number: "1,299.00" is not a number; the field was left out (key k-1234)'] } : {}) });
  target.secretValues = ['k-1234'];
  const recorded: Array<Record<string, string[]> | undefined> = [];
  const { deps } = acceptingDeps({ record: async (exchanges) => void recorded.push(...exchanges.map((e) => e.warnings)) });
  await deliverBatch(target, [trackEvent('m-1'), trackEvent('m-2')], 1, deps);
  assert.deepEqual(recorded, [{ 'm-1': ['revenue: to_number: "1,299.00" is not a number; the field was left out (key [REDACTED])'] }]);
});

test('a map hook or code mapper tells what it left out with ctx.warn: kept with the exchange beside the blueprint\'s, the payload unchanged', async () => {
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    variants: { default: { description: 'code', map: (event, ctx) => (ctx.warn?.('code mapper: properties.note left out'), { name: String(event.event) }) } },
    map: (payload, event, ctx) => {
      if (event.messageId === 'm-1') ctx.warn?.('hook: properties.Bad Key left out: names are letters, digits and _');
      return payload;
    },
  };
  const recorded: Array<Record<string, string[]> | undefined> = [];
  const sent: unknown[] = [];
  const { deps } = acceptingDeps({
    perform: async (request) => (sent.push(request.body), { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 }),
    record: async (exchanges) => void recorded.push(...exchanges.map((e) => e.warnings)),
  });
  await deliverBatch(fixtureTarget(plugin), [trackEvent('m-1'), trackEvent('m-2')], 1, deps);
  assert.deepEqual(recorded, [{ 'm-1': ['code mapper: properties.note left out', 'hook: properties.Bad Key left out: names are letters, digits and _'], 'm-2': ['code mapper: properties.note left out'] }]);
  assert.deepEqual(sent, [{ api_key: 'k-1234', events: [{ name: 'Order Completed' }, { name: 'Order Completed' }] }]);
});

test("a dead letter's reason quoting the vendor's answer has the integration's secrets redacted", async () => {
  const target = fixtureTarget();
  target.secretValues = ['k-1234-secret'];
  const { deps, letters } = acceptingDeps({
    perform: async () => ({ response: { status: 400, headers: {}, body: 'bad key k-1234-secret' }, durationMs: 1 }),
    classify: (response) => ({ status: 'dead_letter', reason: `HTTP 400: ${response.body}` }),
  });
  await deliverBatch(target, [trackEvent('m-1')], 1, deps);
  assert.equal(letters[0]!.reason, 'HTTP 400: bad key [REDACTED]');
});

test("an integration's last error never ends in an empty \"HTTP 500: \": an empty answer gives the classifier's reason", async () => {
  const lastErrors: Array<string | undefined> = [];
  const run = async (body: string, reason: string) => {
    const { deps } = acceptingDeps({
      perform: async () => ({ response: { status: 500, headers: {}, body }, durationMs: 1 }),
      classify: () => ({ status: 'retry', reason }),
      addStats: async (_target, delta) => void lastErrors.push(delta.lastError),
    });
    await deliverBatch(fixtureTarget(), [trackEvent('m-1')], 1, deps);
  };
  await run('', 'HTTP 500');
  await run('  ', 'Fixture is down for maintenance');
  await run('upstream overloaded', 'HTTP 500: upstream overloaded');
  assert.deepEqual(lastErrors.filter((e) => e !== undefined), ['HTTP 500', 'HTTP 500: Fixture is down for maintenance', 'HTTP 500: upstream overloaded']);
});

/** The fixture plugin sending with `ctx.accessToken` as its bearer token. */
const tokenPlugin: PluginDefinition = {
  ...fixturePlugin,
  // The token in the query too, as some vendors take it: only the redaction keeps it out of the log there.
  send: (batch, ctx) => [{ method: 'POST', url: 'https://api.fixture.test/events', query: [['access_token', String(ctx.accessToken)]], headers: { authorization: `Bearer ${ctx.accessToken}` }, body: batch.map((m) => m.payload), eventIds: batch.map((m) => m.id) }],
};

/** A target of `tokenPlugin`, and deps whose vendor accepts only `valid` tokens; `asked`: the tokens requested (refused one or undefined). */
function tokenDelivery(tokens: Array<string | Error>, valid: (token: string) => boolean) {
  const target = { ...fixtureTarget(tokenPlugin), usesAccessToken: true };
  const asked: Array<string | undefined> = [];
  const sent: string[] = [];
  const retried: CanonicalEvent[] = [];
  const logged: Array<{ outcome: string; error: string | null; auth: unknown; request: string }> = [];
  const { deps, letters } = acceptingDeps({
    accessToken: async (_target, refused) => {
      asked.push(refused);
      const next = tokens.shift();
      if (next === undefined) throw new Error('no more tokens in this test');
      if (next instanceof Error) throw next;
      return next;
    },
    perform: async (request) => {
      const auth = String(request.headers?.authorization);
      sent.push(auth);
      return valid(auth.replace('Bearer ', '')) ? { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 } : { response: { status: 401, headers: {}, body: '{"message":"Invalid access token"}' }, durationMs: 1 };
    },
    classify: (response) => (response.status === 401 ? { status: 'dead_letter', reason: 'HTTP 401: check the token' } : { status: 'delivered' }),
    scheduleRetry: async (_target, events) => void retried.push(...events),
    record: async (exchanges) => void logged.push(...exchanges.map((e) => ({ outcome: e.outcome, error: e.error, auth: (e.request as { headers?: Record<string, unknown> }).headers?.authorization, request: JSON.stringify(e.request) }))),
  });
  return { target, deps, letters, asked, sent, retried, logged };
}

test('a plugin with an access token exchange builds its requests with the token; the log shows it redacted', async () => {
  const run = tokenDelivery(['tok-first-123'], () => true);
  const summary = await deliverBatch(run.target, [trackEvent('m1'), trackEvent('m2')], 1, run.deps);
  assert.equal(summary.delivered, 2);
  assert.deepEqual(run.asked, [undefined]);
  assert.deepEqual(run.sent, ['Bearer tok-first-123']);
  assert.equal(run.logged.length, 1);
  assert.doesNotMatch(JSON.stringify(run.logged), /tok-first-123/);
});

test('a 401 to a request made with the token renews it once and sends the request again', async () => {
  const run = tokenDelivery(['tok-expired-1', 'tok-fresh-22'], (token) => token === 'tok-fresh-22');
  const summary = await deliverBatch(run.target, [trackEvent('m1'), trackEvent('m2')], 1, run.deps);
  assert.equal(summary.delivered, 2);
  assert.equal(summary.deadLettered, 0);
  assert.deepEqual(run.asked, [undefined, 'tok-expired-1'], 'renewed with the refused token named');
  assert.deepEqual(run.sent, ['Bearer tok-expired-1', 'Bearer tok-fresh-22']);
  // The log reads what became of the events (delivered), the refusal in the first exchange's error.
  assert.deepEqual(run.logged.map((e) => [e.outcome, e.error]), [['delivered', 'the vendor refused the access token: renewed, and the request sent again'], ['delivered', null]]);
  assert.doesNotMatch(JSON.stringify(run.logged), /tok-expired-1|tok-fresh-22/);
});

test('a renewed token refused too goes to the classifier: no second renewal, no loop', async () => {
  const run = tokenDelivery(['tok-a-1111', 'tok-b-2222', 'tok-c-3333'], () => false);
  const summary = await deliverBatch(run.target, [trackEvent('m1')], 1, run.deps);
  assert.equal(summary.deadLettered, 1);
  assert.deepEqual(run.asked, [undefined, 'tok-a-1111']);
  assert.equal(run.sent.length, 2);
  assert.equal(run.letters[0]?.reason, 'HTTP 401: check the token');
});

/** `tokenDelivery` against a vendor answering a refused token in an HTTP 200 (Marketo's 601/602), read by `accessToken.refused`. */
function refusedIn200Delivery(tokens: Array<string | Error>, valid: (token: string) => boolean) {
  const run = tokenDelivery(tokens, valid);
  const refusedBody = '{"requestId":"e42b#1","success":false,"errors":[{"code":"601","message":"Access token invalid"}]}';
  const plugin: PluginDefinition = {
    ...tokenPlugin,
    accessToken: { usedBy: ['delivery'], enabled: () => true, request: () => ({ method: 'POST', url: 'https://api.fixture.test/token', eventIds: [] }), refused: (response) => response.status === 200 && response.body.includes('"code":"601"') },
  };
  const deps: DeliveryDeps = {
    ...run.deps,
    perform: async (request) => {
      const auth = String(request.headers?.authorization);
      run.sent.push(auth);
      return { response: { status: 200, headers: {}, body: valid(auth.replace('Bearer ', '')) ? '{"success":true}' : refusedBody }, durationMs: 1 };
    },
    // The plugin's own reading of a token error it is handed: retried (the renewal did not help).
    classify: (response) => (response.body.includes('"success":false') ? { status: 'retry', reason: 'Marketo error 601: Access token invalid' } : { status: 'delivered' }),
  };
  return { ...run, target: { ...run.target, plugin }, deps };
}

test('a 2xx that accessToken.refused reads as a refused token renews it once and sends the request again', async () => {
  const run = refusedIn200Delivery(['tok-expired-1', 'tok-fresh-22'], (token) => token === 'tok-fresh-22');
  const summary = await deliverBatch(run.target, [trackEvent('m1'), trackEvent('m2')], 1, run.deps);
  assert.equal(summary.delivered, 2);
  assert.equal(summary.retried, 0);
  assert.deepEqual(run.asked, [undefined, 'tok-expired-1'], 'renewed with the refused token named');
  assert.deepEqual(run.sent, ['Bearer tok-expired-1', 'Bearer tok-fresh-22']);
  assert.deepEqual(run.logged.map((e) => [e.outcome, e.error]), [['delivered', 'the vendor refused the access token (in its HTTP 200 answer): renewed, and the request sent again'], ['delivered', null]]);
  assert.doesNotMatch(JSON.stringify(run.logged), /tok-expired-1|tok-fresh-22/);
});

test('a renewed token refused in a 2xx too goes to the classifier: no second renewal, no loop', async () => {
  const run = refusedIn200Delivery(['tok-a-1111', 'tok-b-2222', 'tok-c-3333'], () => false);
  const summary = await deliverBatch(run.target, [trackEvent('m1')], 1, run.deps);
  assert.equal(summary.retried, 1);
  assert.deepEqual(run.asked, [undefined, 'tok-a-1111']);
  assert.equal(run.sent.length, 2);
  assert.equal(run.retried.length, 1);
  assert.deepEqual(run.logged.map((e) => e.outcome), ['retry', 'retry']);
});

test('an accessToken.refused that throws reads as false: reported, the answer classified, no renewal', async () => {
  const run = refusedIn200Delivery(['tok-a-1111'], () => false);
  const throwing: PluginDefinition = { ...run.target.plugin, accessToken: { ...run.target.plugin.accessToken!, refused: () => { throw new Error('bug'); } } };
  const errors: Error[] = [];
  const summary = await deliverBatch({ ...run.target, plugin: throwing }, [trackEvent('m1')], 1, { ...run.deps, onBookkeepingError: (error) => void errors.push(error) });
  assert.equal(summary.retried, 1);
  assert.deepEqual(run.asked, [undefined], 'no renewal');
  assert.match(errors[0]!.message, /accessToken\.refused failed: bug/);
});

test('requests of one delivery refused together share one renewal', async () => {
  const batched: PluginDefinition = { ...tokenPlugin, send: (batch, ctx) => batch.map((m) => ({ method: 'POST', url: 'https://api.fixture.test/event', headers: { authorization: `Bearer ${ctx.accessToken}` }, body: m.payload, eventIds: [m.id] })) };
  const run = tokenDelivery(['tok-old-0000', 'tok-new-1111'], (token) => token === 'tok-new-1111');
  const summary = await deliverBatch({ ...run.target, plugin: batched }, [trackEvent('m1'), trackEvent('m2'), trackEvent('m3')], 1, run.deps);
  assert.equal(summary.delivered, 3);
  assert.deepEqual(run.asked, [undefined, 'tok-old-0000']);
  assert.equal(run.sent.filter((s) => s === 'Bearer tok-new-1111').length, 3);
});

test('no token: a refused credential dead-letters the events with what to fix, a failing token endpoint retries them', async () => {
  const refused = Object.assign(new Error('access token: the token endpoint refused the credential (invalid_grant): authorise Signal again'), { name: 'PermanentError' });
  const run = tokenDelivery([refused], () => true);
  const summary = await deliverBatch(run.target, [trackEvent('m1'), trackEvent('m2')], 1, run.deps);
  assert.equal(summary.deadLettered, 2);
  assert.equal(summary.requests, 0);
  assert.match(run.letters[0]!.reason, /invalid_grant/);

  const failing = Object.assign(new Error('access token: the token endpoint failed (HTTP 503)'), { name: 'RetryableError', retryAfterMs: 5000 });
  const second = tokenDelivery([failing], () => true);
  const retry = await deliverBatch(second.target, [trackEvent('m1')], 1, second.deps);
  assert.equal(retry.retried, 1);
  assert.equal(second.retried.length, 1);
  assert.equal(second.sent.length, 0);
});

test('a renewal that fails settles the refused request with what the token endpoint said', async () => {
  const revoked = Object.assign(new Error('access token: the token endpoint refused the credential (invalid_grant: revoked)'), { name: 'PermanentError' });
  const run = tokenDelivery(['tok-old-0000', revoked], () => false);
  const summary = await deliverBatch(run.target, [trackEvent('m1')], 1, run.deps);
  assert.equal(summary.deadLettered, 1);
  assert.match(run.letters[0]!.reason, /invalid_grant: revoked/);
});

test('sign: each request signed as it goes, with the sending time, after the rate limiter\'s wait; what it sends is what is logged', async () => {
  const signedAt: number[] = [];
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    // One request per event, so two signatures.
    send: (batch, ctx) => batch.map((m) => ({ method: 'POST' as const, url: String(ctx.config.region), body: { events: [m.payload] }, eventIds: [m.id] })),
    sign: (request, ctx) => (signedAt.push(ctx.now), { ...request, headers: { ...request.headers, 'x-signature': `t=${ctx.now}` }, eventIds: [] }),
  };
  const sent: Array<Record<string, string>> = [];
  const logged: Array<Record<string, unknown>> = [];
  let waited = 0;
  const { deps } = acceptingDeps({
    perform: async (request) => (sent.push(request.headers ?? {}), { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 }),
    // Each slot of the rate limiter comes 30 ms after the last: the signatures must be that late.
    takeTokens: async () => (await new Promise((resolve) => setTimeout(resolve, 30)), (waited = Date.now()), 1),
    record: async (exchanges) => void logged.push(...exchanges.map((e) => e.request as Record<string, unknown>)),
  });
  const started = Date.now();
  const summary = await deliverBatch(fixtureTarget(plugin), [trackEvent('m-s1'), trackEvent('m-s2')], 1, deps);
  assert.equal(summary.delivered, 2, 'the events the builder put in each request, whatever the signer returned');
  assert.equal(signedAt.length, 2);
  assert.ok(signedAt[0]! >= started + 30 && signedAt[1]! >= signedAt[0]! + 30 && signedAt[1]! <= waited + 250, `signed after each wait: ${JSON.stringify(signedAt)}`);
  assert.deepEqual(sent.map((h) => h['x-signature']), signedAt.map((t) => `t=${t}`));
  assert.deepEqual(logged.map((r) => (r.headers as Record<string, string>)['x-signature']), signedAt.map((t) => `t=${t}`), 'the delivery log shows the signed request');
});

test('a sign that throws dead-letters that request\'s events with its message; nothing unsigned is sent', async () => {
  const plugin: PluginDefinition = { ...fixturePlugin, sign: () => { throw new Error('the consumer secret is not valid base64'); } };
  let performed = 0;
  const { deps, letters } = acceptingDeps({ perform: async () => (performed++, { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 }) });
  const summary = await deliverBatch(fixtureTarget(plugin), [trackEvent('m-unsigned')], 1, deps);
  assert.equal(performed, 0);
  assert.equal(summary.deadLettered, 1);
  assert.equal(letters[0]!.reason, 'request signing failed: the consumer secret is not valid base64');
});

/** A vendor with no upsert: a lookup by the event's user, then an update by the id found or a create. */
function lookupThenWriteDeps(answers: Record<string, { status: number; body: unknown }>, overrides: Partial<DeliveryDeps> = {}) {
  const sent: string[] = [];
  const bodies: unknown[] = [];
  const exchanges: Array<{ url: string; outcome: string; logged: Record<string, unknown> }> = [];
  let tokensAsked = 0;
  const scheduled: Array<{ ids: string[]; attempt: number }> = [];
  const made = acceptingDeps({
    perform: async (request) => {
      const key = `${request.method} ${new URL(request.url).pathname}`;
      sent.push(key);
      bodies.push(request.body);
      const answer = answers[key] ?? { status: 500, body: { error: 'not scripted' } };
      return { response: { status: answer.status, headers: {}, body: JSON.stringify(answer.body), json: answer.body }, durationMs: 1 };
    },
    takeTokens: async (_target, wanted) => ((tokensAsked += wanted), wanted),
    classify: (response, request) => {
      const path = new URL(request.url).pathname;
      const id = (response.json as { id?: string } | undefined)?.id;
      if (path.startsWith('/lookup/')) {
        if (response.status === 200 && id) return { next: [{ method: 'PUT', url: `https://v.test/contacts/${id}`, body: request.memo ?? null, eventIds: request.eventIds }] };
        if (response.status === 404) return { next: [{ method: 'POST', url: 'https://v.test/contacts', body: request.memo ?? null, eventIds: request.eventIds, ...(request.memo !== undefined ? { memo: request.memo } : {}) }] };
      }
      if (path === '/contacts' && response.status === 409 && id) return { next: [{ method: 'PUT', url: `https://v.test/contacts/${id}`, body: request.memo ?? null, eventIds: request.eventIds }] };
      return response.status < 300 ? { status: 'delivered' } : response.status >= 500 ? { status: 'retry', reason: `HTTP ${response.status}` } : { status: 'dead_letter', reason: `HTTP ${response.status}` };
    },
    record: async (added) => void exchanges.push(...added.map((e) => ({ url: String((e.request as { url: string }).url), outcome: e.outcome, logged: e.request as Record<string, unknown> }))),
    scheduleRetry: async (_target, events, attempt) => void scheduled.push({ ids: events.map((e) => String(e.messageId)), attempt }),
    ...overrides,
  });
  return { ...made, sent, bodies, exchanges, scheduled, tokensAsked: () => tokensAsked };
}

const lookupPlugin: PluginDefinition = {
  ...fixturePlugin,
  // The update the lookup leads to rides along as the request's memo.
  send: (batch) => batch.map((m) => ({ method: 'GET' as const, url: `https://v.test/lookup/${String(m.event.userId)}`, eventIds: [m.id], memo: m.payload })),
};

test('follow-ups: a lookup that finds nobody, a create that answers "exists", then the update; each request rate-limited and logged', async () => {
  const { deps, letters, sent, bodies, exchanges, tokensAsked } = lookupThenWriteDeps({
    'GET /lookup/u': { status: 404, body: {} },
    'POST /contacts': { status: 409, body: { id: 'c-9' } },
    'PUT /contacts/c-9': { status: 200, body: { id: 'c-9' } },
  });
  const summary = await deliverBatch(fixtureTarget(lookupPlugin), [trackEvent('m-chain')], 1, deps);
  assert.deepEqual(sent, ['GET /lookup/u', 'POST /contacts', 'PUT /contacts/c-9']);
  assert.equal(summary.delivered, 1);
  assert.equal(summary.requests, 3);
  assert.equal(letters.length, 0);
  assert.equal(tokensAsked(), 3, 'every follow-up waits for the rate limit like any request');
  assert.deepEqual(exchanges.map((e) => e.outcome), ['next', 'next', 'delivered']);
  assert.deepEqual(bodies, [undefined, { name: 'Order Completed', id: 'm-chain' }, { name: 'Order Completed', id: 'm-chain' }], 'the follow-ups send what the memo kept');
  assert.ok(exchanges.every((e) => !('memo' in e.logged)), 'a memo is never logged');
});

test('follow-ups: a failure late in the chain retries the events (from send again), a 4xx dead-letters them with that answer', async () => {
  const failing = lookupThenWriteDeps({ 'GET /lookup/u': { status: 200, body: { id: 'c-1' } }, 'PUT /contacts/c-1': { status: 503, body: {} } });
  const retried = await deliverBatch(fixtureTarget(lookupPlugin), [trackEvent('m-late')], 1, failing.deps);
  assert.equal(retried.retried, 1);
  assert.deepEqual(failing.scheduled, [{ ids: ['m-late'], attempt: 2 }]);
  assert.deepEqual(failing.exchanges.map((e) => e.outcome), ['next', 'retry']);

  const refused = lookupThenWriteDeps({ 'GET /lookup/u': { status: 200, body: { id: 'c-1' } }, 'PUT /contacts/c-1': { status: 400, body: {} } });
  await deliverBatch(fixtureTarget(lookupPlugin), [trackEvent('m-refused')], 1, refused.deps);
  assert.equal(refused.letters.length, 1);
  assert.equal(refused.letters[0]!.reason, 'HTTP 400');
  assert.equal((refused.letters[0]!.lastRequest as { url: string }).url, 'https://v.test/contacts/c-1', 'the dead letter keeps the request that failed');
});

test('follow-ups: a classify that keeps asking is cut after MAX_FOLLOW_UPS, its events dead-lettered saying so', async () => {
  const { deps, letters, sent } = lookupThenWriteDeps({}, {
    perform: async (request) => (sent.push(request.url), { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 }),
    classify: (_response, request) => ({ next: [{ ...request, url: `${request.url}+` }] }),
  });
  const summary = await deliverBatch(fixtureTarget(lookupPlugin), [trackEvent('m-loop')], 1, deps);
  assert.equal(sent.length, 1 + MAX_FOLLOW_UPS);
  assert.equal(summary.deadLettered, 1);
  assert.match(letters[0]!.reason, new RegExp(`^the fixture plugin asked for more than ${MAX_FOLLOW_UPS} follow-up requests in a row`));
});

test('follow-ups: delayMs holds a follow-up that long (clamped to MAX_REQUEST_DELAY_MS); a stop during the wait puts its events back unsent', async () => {
  const times: number[] = [];
  const { deps } = lookupThenWriteDeps({}, {
    perform: async () => (times.push(Date.now()), { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 }),
    classify: (_response, request) => (request.url.endsWith('/later') ? { status: 'delivered' } : { next: [{ ...request, url: 'https://v.test/later', delayMs: 300 }] }),
  });
  const summary = await deliverBatch(fixtureTarget(lookupPlugin), [trackEvent('m-wait')], 1, deps);
  assert.equal(summary.delivered, 1);
  assert.equal(times.length, 2);
  assert.ok(times[1]! - times[0]! >= 290, `the follow-up went ${times[1]! - times[0]!} ms after the first request`);

  const stop = new AbortController();
  const sentUrls: string[] = [];
  const stopped = lookupThenWriteDeps({}, {
    stopSignal: stop.signal,
    perform: async (request) => (sentUrls.push(request.url), { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 }),
    classify: (_response, request) => {
      setTimeout(() => stop.abort(), 50);
      return request.url.endsWith('/later') ? { status: 'delivered' } : { next: [{ ...request, url: 'https://v.test/later', delayMs: 60_000 }] };
    },
  });
  const started = Date.now();
  const cut = await deliverBatch(fixtureTarget(lookupPlugin), [trackEvent('m-stop')], 1, stopped.deps);
  assert.ok(Date.now() - started < MAX_REQUEST_DELAY_MS, 'a stop ends the wait at once, and no wait is longer than the cap');
  assert.deepEqual(sentUrls.filter((u) => u.endsWith('/later')), [], 'the follow-up was never sent');
  assert.deepEqual(stopped.deferred.map((d) => [d.events.map((e) => e.messageId), d.delayMs]), [[['m-stop'], 0]], 'its event put back at once');
  assert.equal(cut.delivered, 0);
});

test('follow-ups: events no follow-up carries settle by `settle` (delivered when not named); a follow-up with an event the request did not carry is refused', async () => {
  const batchPlugin: PluginDefinition = { ...fixturePlugin, send: (batch) => [{ method: 'POST' as const, url: 'https://v.test/batch', eventIds: batch.map((m) => m.id) }] };
  const { deps, letters, sent } = lookupThenWriteDeps({ 'POST /batch': { status: 200, body: {} }, 'POST /contacts': { status: 201, body: {} } }, {
    classify: (response, request) => (request.url.endsWith('/batch')
      ? { next: [{ method: 'POST', url: 'https://v.test/contacts', eventIds: [request.eventIds[0]!] }], settle: { [request.eventIds[1]!]: { status: 'dead_letter', reason: 'refused: no name' } } }
      : { status: response.status < 300 ? 'delivered' : 'dead_letter', reason: 'x' } as const),
  });
  const summary = await deliverBatch(fixtureTarget(batchPlugin), [trackEvent('m-a'), trackEvent('m-b'), trackEvent('m-c')], 1, deps);
  assert.deepEqual(sent, ['POST /batch', 'POST /contacts']);
  assert.equal(summary.delivered, 2, 'm-a through its follow-up, m-c by default');
  assert.deepEqual(letters.map((l) => [l.event.messageId, l.reason]), [['m-b', 'refused: no name']]);

  const foreign = lookupThenWriteDeps({ 'GET /lookup/u': { status: 200, body: {} } }, {
    classify: () => ({ next: [{ method: 'PUT', url: 'https://v.test/contacts/x', eventIds: ['someone-else'] }] }),
  });
  const refused = await deliverBatch(fixtureTarget(lookupPlugin), [trackEvent('m-own')], 1, foreign.deps);
  assert.equal(refused.deadLettered, 1);
  assert.equal(foreign.letters[0]!.reason, 'classifier failed: next[0] carries event "someone-else", which the answered request did not carry');
  assert.deepEqual(foreign.sent, ['GET /lookup/u']);
});

test("rate-limit endpoints: each run of requests waits for its endpoint's bucket, then the integration's; a 429 slows that endpoint alone", async () => {
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    rateLimit: { rps: 10, endpoints: { users: { rps: 5 }, events: { rps: 10 } } },
    send: (batch) => batch.map((m) => ({ method: 'POST' as const, url: `https://v.test/${m.event.type === 'identify' ? 'users' : 'events'}`, eventIds: [m.id], endpoint: m.event.type === 'identify' ? 'users' : 'events' })),
  };
  const asked: Array<[number, string | undefined]> = [];
  const throttled: Array<string | undefined> = [];
  const { deps } = acceptingDeps({
    perform: async (request) => ({ response: { status: request.url.endsWith('/users') ? 429 : 200, headers: {}, body: '{}' }, durationMs: 1 }),
    classify: (response) => (response.status === 429 ? { status: 'retry', reason: 'HTTP 429' } : { status: 'delivered' }),
    takeTokens: async (_target, wanted, _signal, endpoint) => (asked.push([wanted, endpoint]), wanted),
    throttle: async (_target, _pauseMs, endpoint) => void throttled.push(endpoint),
  });
  const identify = (messageId: string) => ({ type: 'identify', messageId, userId: 'u', context: {} }) as unknown as CanonicalEvent;
  await deliverBatch(fixtureTarget(plugin), [identify('m-1'), identify('m-2'), trackEvent('m-3')], 1, deps);
  assert.deepEqual(asked, [[2, 'users'], [2, undefined], [1, 'events'], [1, undefined]]);
  assert.deepEqual(throttled, ['users', 'users']);
});

test('rate-limit endpoints: a request naming one the plugin does not declare is dead-lettered, nothing sent', async () => {
  const plugin: PluginDefinition = {
    ...fixturePlugin,
    rateLimit: { rps: 10, endpoints: { users: { rps: 5 } } },
    send: (batch) => batch.map((m) => ({ method: 'POST' as const, url: 'https://v.test/x', eventIds: [m.id], endpoint: 'user' })),
  };
  let performed = 0;
  const { deps, letters } = acceptingDeps({ perform: async () => (performed++, { response: { status: 200, headers: {}, body: '{}' }, durationMs: 1 }) });
  const summary = await deliverBatch(fixtureTarget(plugin), [trackEvent('m-typo')], 1, deps);
  assert.equal(performed, 0);
  assert.equal(summary.deadLettered, 1);
  assert.equal(letters[0]!.reason, 'the fixture plugin built a request for rate-limit endpoint "user", which its rateLimit.endpoints does not declare (users)');
});
