// What a vendor plugin's end-to-end test does around its assertions: install the plugin from
// the catalog on a pipeline of its own, and send browser calls through the collect API as a
// site's SDK sends them (the visitor cookie, the visitor's IP through the trusted proxy).
import assert from 'node:assert/strict';
import type { TestSignal } from './signal.ts';

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
