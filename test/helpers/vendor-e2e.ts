// What a vendor plugin's end-to-end test does around its assertions: install the plugin from
// the catalog on a pipeline of its own, send browser calls through the collect API as a site's
// SDK sends them (the visitor cookie, the visitor's IP through the trusted proxy), and read
// what came of them: an event's dead letter, the integration's counters, a person deletion's
// outcome per vendor.
import assert from 'node:assert/strict';
import type { DeadLetter } from '../../core/delivery/dead-letters.ts';
import type { TestSignal } from './signal.ts';
import { waitUntil } from './wait.ts';

/** A visitor's browser: its `_dfdid` id, IP (via `X-Forwarded-For`), user agent and other cookies. */
export interface Visitor {
  id: string;
  ip: string;
  userAgent?: string;
  /** More cookies after `_dfdid`, as a Cookie header's text (`_ttp=…; _epik=…`). */
  cookies?: string;
}

/**
 * An admin REST call with the test Signal's token; asserts a 2xx and returns the JSON answer.
 *
 * @example
 * const result = await adminCall<{ assignment: { id: string } }>(signal, 'POST', '/v1/admin/integration-catalog/braze/install', body);
 */
export async function adminCall<T>(signal: TestSignal, method: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${signal.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json: unknown = await res.json();
  assert.ok(res.status < 300, JSON.stringify(json));
  return json as T;
}

/**
 * A new pipeline named `name` with `vendor` installed on it from the catalog (server side);
 * the pipeline and its pipeline integration id.
 *
 * @example
 * const { site, integrationId } = await installOnNewPipeline(signal, 'mixpanel', 'Shop', { config, consentCategories: ['analytics'] });
 */
export async function installOnNewPipeline(
  signal: TestSignal,
  vendor: string,
  name: string,
  install: { config: Record<string, unknown>; variant?: string; consentCategories?: string[] },
): Promise<{ site: { id: string; key: string }; integrationId: string }> {
  const site = await signal.pipeline(name);
  const result = await adminCall<{ assignment: { id: string } }>(signal, 'POST', `/v1/admin/integration-catalog/${vendor}/install`, {
    name, variant: install.variant ?? 'default', config: install.config, delivery_mode: 'server_side', pipeline_id: site.id,
    ...(install.consentCategories ? { consent_categories: install.consentCategories } : {}),
  });
  return { site, integrationId: result.assignment.id };
}

/**
 * A browser call as datafly.js sends it — `text/plain` JSON with the `writeKey`, `Origin`, the
 * visitor cookie, the visitor's IP through the proxy — asserting its 200. `defaults` go under
 * the call's own fields (a timestamp; context fields such as `consent` or `page`, which the
 * call's own context replaces key by key).
 *
 * @example
 * await sendBrowserCall(signal, site.key, { type: 'track', event: 'Signed Up' }, visitor, { timestamp: '2024-03-24T16:00:00.000Z', context: { consent: { analytics: true } } });
 */
export async function sendBrowserCall(
  signal: TestSignal,
  key: string,
  call: Record<string, unknown>,
  visitor: Visitor,
  defaults: { timestamp?: string; context?: Record<string, unknown> } = {},
): Promise<void> {
  const context = defaults.context ? { context: { ...defaults.context, ...(call.context as object | undefined) } } : {};
  const res = await fetch(`${signal.collectUrl}/v1/${String(call.type)}`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': visitor.ip,
      ...(visitor.userAgent ? { 'user-agent': visitor.userAgent } : {}),
      cookie: `_dfdid=${visitor.id}${visitor.cookies ? `; ${visitor.cookies}` : ''}`,
    },
    body: JSON.stringify({ writeKey: key, ...(defaults.timestamp ? { timestamp: defaults.timestamp } : {}), ...call, ...context }),
  });
  assert.equal(res.status, 200, await res.text());
}

/**
 * A server SDK's `/v1/batch` of track calls with the pipeline key as Basic auth, each call
 * completed by `defaults` (its own fields win), with `headers` added to the request (the
 * visitor's `x-forwarded-for` or `user-agent` a server passes on); fails unless collect answers 200.
 *
 * @example
 * await sendServerBatch(signal, site.key, [{ event: 'Signed Up', messageId: 'm-1' }], { anonymousId: 'v-1', context: { consent: { analytics: true } } });
 * await sendServerBatch(signal, site.key, [{ event: 'Order Completed' }], { anonymousId: 'v-1' }, { 'x-forwarded-for': '203.0.113.7' });
 */
export async function sendServerBatch(signal: TestSignal, key: string, events: Array<Record<string, unknown>>, defaults: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(`${signal.collectUrl}/v1/batch`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, ...headers },
    body: JSON.stringify({ batch: events.map((e) => ({ type: 'track', ...defaults, ...e })) }),
  });
  assert.equal(res.status, 200, await res.text());
}

/**
 * The dead letter of the event `messageId` at the integration, once it is there (the only one
 * for that messageId); fails after waitUntil's timeout.
 *
 * @example
 * const letter = await waitForDeadLetter(signal, integrationId, 'bz-401');
 * assert.match(letter.reason, /api_key/);
 */
export async function waitForDeadLetter(signal: TestSignal, integrationId: string, messageId: string): Promise<DeadLetter> {
  return waitUntil(async () => {
    const page = await signal.delivery.list(integrationId, { messageId }, 5);
    if (page.total !== 1) return false;
    // The delivery's counters are written after its dead letters (bookkeeping last): wait for
    // them too, so a test's integrationStats right after sees this letter counted.
    const letters = (await signal.delivery.list(integrationId, {}, 1)).total;
    return (await integrationStats(signal, integrationId, ['deadLettered'])).deadLettered >= letters && page.items[0]!;
  }, `${messageId} dead-lettered`);
}

/** A counter of `integrationStats` (GraphQL). */
export type IntegrationStatName = 'delivered' | 'dropped' | 'retrying' | 'retried' | 'deadLettered' | 'skippedTrackingPlan' | 'processingFailed';

/**
 * The integration's counters through GraphQL's `integrationStats`: `delivered`, `retried` and
 * `deadLettered`, or the `fields` named (an assertion on the whole object compares just those).
 *
 * @example
 * assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 2, deadLettered: 0 });
 * assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
 */
export async function integrationStats(signal: TestSignal, integrationId: string): Promise<Record<'delivered' | 'retried' | 'deadLettered', number>>;
export async function integrationStats<F extends IntegrationStatName>(signal: TestSignal, integrationId: string, fields: readonly F[]): Promise<Record<F, number>>;
export async function integrationStats(
  signal: TestSignal,
  integrationId: string,
  fields: readonly IntegrationStatName[] = ['delivered', 'retried', 'deadLettered'],
): Promise<Partial<Record<IntegrationStatName, number>>> {
  const { body } = await signal.graphql<{ integrationStats: Partial<Record<IntegrationStatName, number>> }>(
    `query($id: ID!) { integrationStats(integrationId: $id) { ${fields.join(' ')} } }`, { id: integrationId });
  return body.data!.integrationStats;
}

/** The fields of a person deletion's `vendors` entries that `deletePerson` selects unless told. */
const DELETION_VENDOR_FIELDS = ['integrationId', 'vendor', 'status', 'responseStatus', 'message'] as const;

/**
 * Deletes a person of the pipeline through GraphQL's `deletePerson` (asserting the call's 200),
 * then polls `personDeletion` until it is no longer `running` (up to `timeoutMs`, 30 s unless
 * told: a vendor's retry waits 30 s); its `vendors` entries, with the `vendorFields` selected
 * (integrationId, vendor, status, responseStatus and message unless told).
 *
 * @example
 * assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }), [{ integrationId, vendor: 'braze', status: 'sent', responseStatus: 201, message: '…' }]);
 * const [vendor] = await deletePerson(signal, site.id, { userId: 'u-2' }, ['vendor', 'status', 'responseStatus', 'message']);
 */
export async function deletePerson(
  signal: TestSignal,
  pipelineId: string,
  person: { userId?: string; anonymousId?: string },
  vendorFields: readonly string[] = DELETION_VENDOR_FIELDS,
  timeoutMs = 30_000,
): Promise<Array<Record<string, unknown>>> {
  const started = await signal.graphql<{ deletePerson: { id: string } }>(
    'mutation($p: ID!, $u: String, $a: String) { deletePerson(pipelineId: $p, userId: $u, anonymousId: $a) { id } }',
    { p: pipelineId, u: person.userId, a: person.anonymousId });
  assert.equal(started.status, 200, JSON.stringify(started.body.errors));
  return waitUntil(async () => {
    const { body } = await signal.graphql<{ personDeletion: { status: string; vendors: Array<Record<string, unknown>> } }>(
      `query($id: ID!) { personDeletion(id: $id) { status vendors { ${vendorFields.join(' ')} } } }`, { id: started.body.data!.deletePerson.id });
    return body.data!.personDeletion.status !== 'running' && body.data!.personDeletion.vendors;
  }, 'the deletion to end', timeoutMs);
}

/**
 * What Signal kept of an event for an integration whose plugin never sends it (its
 * `neverSends`): the delivery-log entries naming it (none: it was never queued), and its
 * `eventTrace` status and reason for that integration (`dropped`, `not queued: …`).
 *
 * @example
 * const fate = await neverQueuedFate(signal, site.id, integrationId, 'page-1');
 * assert.deepEqual([fate.logged, fate.status], [0, 'dropped']);
 * assert.match(fate.reason, /^not queued: the integration never sends it \(/);
 */
export async function neverQueuedFate(signal: TestSignal, pipelineId: string, integrationId: string, messageId: string): Promise<{ logged: number; status: string; reason: string }> {
  const { body: log } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[] }> }>(
    'query($id: ID!) { deliveryLog(integrationId: $id, limit: 500) { eventIds } }', { id: integrationId });
  const logged = log.data!.deliveryLog.filter((entry) => entry.eventIds.some((id) => id === messageId || id.startsWith(`${messageId}#`))).length;
  const { body: trace } = await signal.graphql<{ eventTrace: { integrations: Array<{ integrationId: string; status: string; reason: string }> } }>(
    'query($p: ID!, $m: String!) { eventTrace(pipelineId: $p, messageId: $m) { integrations { integrationId status reason } } }', { p: pipelineId, m: messageId });
  const mine = trace.data!.eventTrace.integrations.find((i) => i.integrationId === integrationId);
  assert.ok(mine, `eventTrace names integration ${integrationId}`);
  return { logged, status: mine.status, reason: mine.reason };
}

/**
 * The outcomes of the delivery-log exchanges that carried one event to an integration, oldest
 * first, through GraphQL's `eventTrace` — e.g. an event refused for another of its request, then
 * sent again at once (`resend`) and delivered in the same delivery.
 *
 * @example
 * assert.deepEqual(await exchangeOutcomes(signal, site.id, integrationId, 'bq-rows-0'), ['partial: 0 delivered, 0 retry, 1 dead_letter, 2 sent again', 'delivered']);
 */
export async function exchangeOutcomes(signal: TestSignal, pipelineId: string, integrationId: string, messageId: string): Promise<string[]> {
  const { body } = await signal.graphql<{ eventTrace: { integrations: Array<{ integrationId: string; exchanges: Array<{ outcome: string }> }> } }>(
    'query($p: ID!, $m: String!) { eventTrace(pipelineId: $p, messageId: $m) { integrations { integrationId exchanges { outcome } } } }', { p: pipelineId, m: messageId });
  const mine = body.data!.eventTrace.integrations.find((i) => i.integrationId === integrationId);
  assert.ok(mine, `eventTrace names integration ${integrationId}`);
  // The trace lists the newest exchange first.
  return mine.exchanges.map((exchange) => exchange.outcome).reverse();
}
