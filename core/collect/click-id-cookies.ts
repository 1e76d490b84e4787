import type { Pool } from '../db/pool.ts';
import { isConsentGranted } from '../pipeline/consent-gate.ts';
import { namesNoOne } from '../sdk/placeholder-ids.ts';
import type { CanonicalEvent, ClickIdCookie } from '../sdk/types.ts';
import { serializeCookie } from './cookies.ts';

/** A plugin's click id, with the vendor that declared it. */
export interface RegisteredClickId extends ClickIdCookie {
  vendor: string;
}

/** A click id found in an event's landing page URL. */
export interface FoundClickId {
  declared: RegisteredClickId;
  clickId: string;
}

/** What a click id may be: vendors' ids are URL-safe tokens; anything else is not kept. */
const CLICK_ID = /^[A-Za-z0-9._~:\-|]{1,500}$/;
/** …and, for a declaration that says `padded`, the same token ending in base64 padding (`=`, `==`): `=` nowhere else. */
const PADDED_CLICK_ID = /^(?=.{1,500}$)[A-Za-z0-9._~:\-|]+={0,2}$/;

/**
 * Whether a landing URL's value is a click id to keep: a URL-safe token (with trailing base64
 * padding only where the declaration says `padded`), and not what a misconfigured campaign
 * writes instead of one — a placeholder an empty variable left (`undefined`, `null`:
 * `namesNoOne`) or the parameter's own name, a macro left unexpanded with its braces lost
 * (`ob_click_id=ob_click_id`). Kept, it would replace the click id an earlier real click left.
 */
function isClickId(value: string, entry: ClickIdCookie): boolean {
  const bare = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  if (!(entry.padded ? PADDED_CLICK_ID : CLICK_ID).test(value)) return false;
  // The token without its padding is what may be a placeholder (`undefined=`) or the name.
  const token = entry.padded ? value.replace(/=+$/, '') : value;
  return !namesNoOne(token) && bare(token) !== bare(entry.param);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The query strings an event's page gives: `context.page.search`, `context.page.url`'s, a page call's `properties.url`/`search`. */
function queriesOf(event: CanonicalEvent): string[] {
  const page = event.context?.page as Record<string, unknown> | undefined;
  const properties = event.type === 'page' ? (event.properties as Record<string, unknown> | undefined) : undefined;
  const queries: string[] = [];
  for (const search of [page?.search, properties?.search]) {
    const value = text(search);
    if (value !== undefined) queries.push(value);
  }
  for (const url of [page?.url, properties?.url]) {
    const value = text(url);
    const start = value?.indexOf('?') ?? -1;
    if (value !== undefined && start >= 0) queries.push(value.slice(start));
  }
  return queries;
}

/**
 * The click ids an event's landing page URL carries, by the loaded plugins' declarations (the
 * first value of each parameter; ids that are not URL-safe tokens are left out).
 *
 * @example
 * clickIdsOf({ type: 'page', context: { page: { url: 'https://shop.example/?fbclid=IwAR1' } } } as CanonicalEvent, [{ vendor: 'meta_capi', param: 'fbclid', cookie: '_fbc', days: 90 }]);
 * // [{ declared: { vendor: 'meta_capi', param: 'fbclid', … }, clickId: 'IwAR1' }]
 */
export function clickIdsOf(event: CanonicalEvent, declared: readonly RegisteredClickId[]): FoundClickId[] {
  const queries = queriesOf(event);
  if (queries.length === 0) return [];
  const found: FoundClickId[] = [];
  for (const entry of declared) {
    const name = entry.anyCase ? entry.param.toLowerCase() : entry.param;
    // Most events carry none: a plain search first, parsing only when the name appears.
    const candidates = queries.filter((query) => (entry.anyCase ? query.toLowerCase() : query).includes(`${name}=`));
    for (const query of candidates) {
      const params = new URLSearchParams(query.replace(/^[^?]*\?/, '').split('#')[0]);
      let value: string | undefined;
      for (const [key, raw] of params) {
        if ((entry.anyCase ? key.toLowerCase() : key) === name && raw !== '') {
          value = raw;
          break;
        }
      }
      if (value !== undefined && isClickId(value, entry)) {
        found.push({ declared: entry, clickId: value });
        break;
      }
    }
  }
  return found;
}

/** The consent categories of a pipeline's enabled integrations, by vendor. */
export function enabledVendorsStatement(): string {
  return `SELECT t.vendor, r.consent_categories
            FROM signal.pipeline_integrations a
            JOIN signal.integration_revisions r ON r.id = a.revision_id
            JOIN signal.integration_templates t ON t.id = a.template_id
           WHERE a.pipeline_id = $1 AND a.enabled`;
}

export interface ClickIdKeeper {
  /**
   * For each event whose landing page URL carries a click id of a vendor enabled on the
   * pipeline, and that passes that integration's consent categories: sets the vendor's
   * cookie (`setCookie` gets the header's value) and puts the value in the event's
   * `context.cookies`. A cookie already holding the same click id is left as it is (its
   * creation time is part of some values). Never throws: a failed look-up keeps no cookie.
   * Undefined (no promise, no wait) when no event carries a click id: the common case.
   */
  keep(pipelineId: string, events: CanonicalEvent[], options: KeepOptions): Promise<void> | undefined;
}

/** How the cookies are set: `domain` is `SIGNAL_COOKIE_DOMAIN`'s match for the request's host (absent: host-only). */
export interface KeepOptions {
  secure: boolean;
  domain?: string;
  setCookie: (header: string) => void;
}

/**
 * Keeps ad click ids in first-party cookies set by the collect endpoint (see `ClickIdCookie`).
 * Which vendors a pipeline has enabled is read at most every 5 s per pipeline, and only for
 * events that carry a click id.
 *
 * @example
 * const keeper = createClickIdKeeper({ pool, declared: () => registry.clickIds() });
 * await keeper.keep(pipelineId, [event], { secure: true, setCookie: (header) => reply.header('set-cookie', header) });
 */
export function createClickIdKeeper(deps: { pool: Pool; declared: () => readonly RegisteredClickId[]; cacheMs?: number; now?: () => number }): ClickIdKeeper {
  const cacheMs = deps.cacheMs ?? 5000;
  const now = deps.now ?? Date.now;
  const gates = new Map<string, { vendors: Map<string, string[][]>; expires: number }>();

  async function vendorsOf(pipelineId: string): Promise<Map<string, string[][]>> {
    const cached = gates.get(pipelineId);
    if (cached && cached.expires > now()) return cached.vendors;
    const { rows } = await deps.pool.query<{ vendor: string; consent_categories: string[] }>(enabledVendorsStatement(), [pipelineId]);
    const vendors = new Map<string, string[][]>();
    for (const row of rows) vendors.set(row.vendor, [...(vendors.get(row.vendor) ?? []), row.consent_categories]);
    if (gates.size > 10_000) gates.clear(); // many pipelines: start over rather than grow
    gates.set(pipelineId, { vendors, expires: now() + cacheMs });
    return vendors;
  }

  return {
    keep(pipelineId, events, options) {
      const declared = deps.declared();
      if (declared.length === 0) return undefined;
      const found = events.map((event) => clickIdsOf(event, declared));
      if (found.every((ids) => ids.length === 0)) return undefined;
      return setCookies(pipelineId, events, found, options);
    },
  };

  async function setCookies(pipelineId: string, events: CanonicalEvent[], found: FoundClickId[][], options: KeepOptions): Promise<void> {
    let vendors: Map<string, string[][]>;
    try {
      vendors = await vendorsOf(pipelineId);
    } catch {
      return; // the event is what matters; the cookie can wait for the next click
    }
    const set = new Set<string>();
    events.forEach((event, i) => {
      for (const { declared: entry, clickId } of found[i]!) {
        const integrations = vendors.get(entry.vendor);
        // Installed and enabled, and an integration of it may receive this event.
        if (!integrations || !integrations.some((categories) => isConsentGranted(event, categories))) continue;
        const cookies = (event.context.cookies ?? {}) as Record<string, string>;
        const existing = cookies[entry.cookie];
        if (existing !== undefined && existing.endsWith(clickId)) continue;
        let value: string;
        try {
          value = entry.value ? entry.value(clickId, now()) : clickId;
        } catch {
          continue;
        }
        if (typeof value !== 'string' || value === '' || value.length > 1000) continue;
        event.context.cookies = { ...cookies, [entry.cookie]: value };
        if (set.has(entry.cookie)) continue; // one Set-Cookie per name: a batch's first landing wins
        set.add(entry.cookie);
        // Not HttpOnly: the vendor's own tag on the page reads the same cookie (with a domain
        // covering the page's host: SIGNAL_COOKIE_DOMAIN when Signal answers on a subdomain).
        options.setCookie(serializeCookie(entry.cookie, value, {
          maxAgeSeconds: entry.days * 86_400,
          secure: options.secure,
          httpOnly: false,
          ...(options.domain ? { domain: options.domain } : {}),
        }));
      }
    });
  }
}
