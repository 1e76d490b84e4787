import { createHash } from 'node:crypto';
import type { Pool } from '../db/pool.ts';
import { storableText } from '../db/storable-strings.ts';
import { isDistinctiveId } from './person-deletion-statements.ts';
import type { PerformResult } from '../delivery/deliver-batch.ts';
import { defaultForgetRead } from '../sdk/default-forget-read.ts';
import { trimmedText } from '../sdk/config-text.ts';
import { escapeRegExp } from '../sdk/escape-regexp.ts';
import type { ForgetOutcome, NamedPerson, NotedForgetRequests, PersonForgetting, PluginContext, PluginDefinition, RequestDescriptor, VendorResponse } from '../sdk/types.ts';
import { signedNow } from '../delivery/sign-request.ts';

/** Tries of a vendor's deletion request before it is given up as failed. */
export const FORWARD_ATTEMPTS = 6;
/** Requests of one chain: a request `request` built, and the `next` ones its answers ask for (a lookup, then the deletion). */
export const MAX_CHAINED_REQUESTS = 3;
/** The wait before the next try: 30 s, doubling (six tries over about 15 minutes). */
export function forwardBackoffSeconds(attempt: number, vendorSeconds?: number): number {
  const own = Math.min(600, 30 * 2 ** (attempt - 1));
  // The vendor's wait wins when longer (a Retry-After, a buffer that must empty), up to 6 hours.
  return vendorSeconds !== undefined && Number.isFinite(vendorSeconds) && vendorSeconds > own ? Math.min(MAX_VENDOR_WAIT_SECONDS, Math.ceil(vendorSeconds)) : own;
}

/** The longest a vendor may have a deletion wait between tries. */
export const MAX_VENDOR_WAIT_SECONDS = 6 * 3600;

/** A pipeline integration, and how a deletion reaches its vendor (or why not). */
export interface Forgetter {
  integrationId: string;
  vendor: string;
  /** The integration's name (its template's). */
  name: string;
  forget?: PersonForgetting;
  ctx?: PluginContext;
  /** Secret config values: never kept in a message. */
  secretValues: string[];
  /** Why it cannot forward for now (its revision cannot be opened, …): tried again. */
  error?: string;
  /** Why it does not forward at all (its plugin cannot, its config does not turn it on). */
  skipped?: string;
  /** The integration's access token, for plugins whose exchange serves `forgetPerson` (see `AccessTokens.get`). */
  accessToken?: (refused?: string) => Promise<string>;
  /** The plugin's `accessToken.refused`: an answer (a 2xx for some vendors) that refuses the token is treated as a 401. */
  tokenRefused?: (response: VendorResponse, request: RequestDescriptor) => boolean;
  /** The plugin's `sign`: each deletion request is signed as it goes, as deliveries are. */
  sign?: PluginDefinition['sign'];
}

/** What forwarding needs from the delivery side: the integrations that forward, and how a request is sent (egress guard, timeout, vendor redirects). */
export interface DeletionForwarding {
  forgetters(pipelineId: string): Promise<Forgetter[]>;
  perform(request: RequestDescriptor): Promise<PerformResult>;
}

/** A vendor asked to delete the person, as a deletion shows it. */
export interface VendorDeletion {
  integrationId: string;
  vendor: string;
  name: string;
  /** pending, sent, skipped (no request can be made for the ids named), failed. */
  status: 'pending' | 'sent' | 'skipped' | 'failed';
  attempts: number;
  responseStatus: number | null;
  /** The vendor's answer or the failure, without the person's ids or secrets. */
  message: string | null;
  /** When it is tried again (pending only). */
  nextAttemptAt: string | null;
  updatedAt: string;
}

interface VendorRow {
  deletion_id: string;
  pipeline_integration_id: string;
  vendor: string;
  name: string;
  status: VendorDeletion['status'];
  attempts: number;
  response_status: number | null;
  message: string | null;
  next_attempt_at: Date;
  updated_at: Date;
}

function toVendorDeletion(row: VendorRow): VendorDeletion {
  return {
    integrationId: row.pipeline_integration_id, vendor: row.vendor, name: row.name, status: row.status, attempts: row.attempts,
    responseStatus: row.response_status, message: row.message, nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * The vendors asked by each of `deletionIds`, by deletion id.
 *
 * @example
 * const vendors = await vendorDeletionsOf(pool, [deletion.id]);
 */
export async function vendorDeletionsOf(pool: Pool, deletionIds: string[]): Promise<Map<string, VendorDeletion[]>> {
  const byDeletion = new Map<string, VendorDeletion[]>(deletionIds.map((id) => [id, []]));
  if (deletionIds.length === 0) return byDeletion;
  const { rows } = await pool.query<VendorRow>('SELECT * FROM signal.person_deletion_vendors WHERE deletion_id = ANY($1::uuid[]) ORDER BY name, pipeline_integration_id', [deletionIds]);
  for (const row of rows) byDeletion.get(row.deletion_id)?.push(toVendorDeletion(row));
  return byDeletion;
}


/** A form to hide, and how `hideForms` finds it. */
interface HiddenForm {
  form: string;
  /** Undefined: replaced wherever found, as written. */
  pattern?: RegExp;
  /** A person's distinctive id found whatever its letter case: another case is marked apart. */
  anyCase?: true;
}

/** What a hidden id or secret reads as in kept answers and messages. */
const HIDDEN = '[…]';
/**
 * A person's distinctive id echoed in another letter case (`U-AIR-CASE` for `u-air-case`):
 * hidden too, but marked apart, so a plugin that takes a value equal to `[…]` for the person's
 * own id (Airtable, Attio, Zoho CRM reading their records back) never deletes a record whose id
 * only resembles it, while one looking for a hidden part (`includes('[…]')`) still finds it.
 */
const HIDDEN_OTHER_CASE = '[…]≈';

/** The text with its percent-escapes upper-cased: `%2b` and `%2B` are the same character. */
const sameEscapes = (text: string): string => text.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());

/**
 * The forms a value takes in a vendor's answer or an error: as given, URL-encoded, escaped
 * inside a JSON string, and (for a credential header such as `Basic …`) its token — each with
 * how `hideForms` finds it, compiled once (a JSON answer is cleaned string by string).
 * `secrets` (the integration's secret config values, 4 characters or more) are hidden wherever
 * found whatever their length, as delivery logs redact them: `key_ab12` still holds the key.
 */
function hiddenForms(values: readonly string[], secrets: readonly string[] = []): HiddenForm[] {
  const forms = new Map<string, { anywhere: boolean; person: boolean }>();
  const add = (form: string, anywhere: boolean) => {
    if (form.length === 0) return;
    const known = forms.get(form);
    forms.set(form, { anywhere: anywhere || known?.anywhere === true, person: !anywhere || known?.person === true });
  };
  for (const [list, anywhere] of [[values, false], [secrets, true]] as const) {
    for (const value of list) {
      if (value.length === 0) continue;
      add(value, anywhere);
      add(encodeURIComponent(value), anywhere);
      add(JSON.stringify(value).slice(1, -1), anywhere);
      for (const token of value.split(' ')) if (token.length >= 8) add(token, anywhere);
    }
  }
  return [...forms].sort(([a], [b]) => b.length - a.length).map(([form, { anywhere, person }]): HiddenForm => {
    const escaped = escapeRegExp(form);
    if (form.includes('@') || form.includes('%40')) return { form, pattern: new RegExp(escaped, 'giu') };
    if (person && isDistinctiveId(form)) return { form, pattern: new RegExp(escaped, 'giu'), anyCase: true };
    if (anywhere) return { form };
    return { form, pattern: new RegExp(`${STANDS_AFTER}${escaped}(?!${TOKEN_CHARACTER})`, 'gu') };
  });
}

/** What a short form must not touch to stand alone: a letter, a digit (or a mark of either), `_` or `-`. */
const TOKEN_CHARACTER = '[\\p{L}\\p{M}\\p{N}_-]';

/**
 * Where a short form may start: after no letter, digit, `_` or `-` — or right after a
 * percent-escape (`%2F7` is `/7`) or a JSON escape (`\n7`, `\u00227`), whose hex digits and
 * letters are the escape's, not a word's. Without that, a vendor echoing a URL-encoded path or
 * query (`%2Fusers%2F7`, `uid%3D7`) kept the id.
 */
const STANDS_AFTER = `(?:(?<!${TOKEN_CHARACTER})|(?<=%[0-9A-Fa-f]{2}|\\\\[bfnrt]|\\\\u[0-9A-Fa-f]{4}))`;

/**
 * `text` with every hidden form replaced by `[…]`. A form holding an `@` (an email address, as
 * given or encoded) is hidden wherever found, whatever its letter case: Signal lower-cases the
 * emails it finds, while a vendor may answer with the address as its contact was written
 * (`Jane@Example.com`). Another form is hidden wherever found when it is distinctive (8
 * characters or more, `isDistinctiveId`: a UUID, a token — found inside another word, it is
 * still the person's or a secret) or a secret's, else only standing alone — not touching a
 * letter, digit, `_` or `-` (an escape's excepted, see `STANDS_AFTER`): a short userId such as
 * `7` is hidden in "user 7 not found", `/users/7`, `%2Fusers%2F7` or `"7"`, while a vendor's
 * record id holding the digit (`rec7Gx…`, Zendesk's `3742981`) stays whole, for a plugin
 * reading ids back to name them. A distinctive id of the person is hidden whatever its letter
 * case too (a vendor may echo a UUID upper-cased, an id lower-cased, `%2b` for `%2B`): eight
 * characters long, it is that id in any case, not a vendor's word; as written (or with its
 * percent-escapes in another case) it reads `[…]`, in another letter case `[…]≈`, which no plugin
 * takes for the person's id. A short one is hidden only as written, and a
 * secret too: `ok` or `id` in other cases are a vendor's `OK` and `Id`, which plugins read.
 */
function hideForms(text: string, forms: readonly HiddenForm[]): string {
  let out = text;
  for (const { form, pattern, anyCase } of forms) {
    if (anyCase) {
      const written = sameEscapes(form);
      out = out.replace(pattern!, (found) => (found === form || sameEscapes(found) === written ? HIDDEN : HIDDEN_OTHER_CASE));
    } else out = pattern ? out.replace(pattern, HIDDEN) : out.split(form).join(HIDDEN);
  }
  return out;
}

/**
 * A text without the person's ids, the integration's secrets and credentials (in any of the
 * forms `hiddenForms` lists; `secrets` wherever found) or control characters, cut to `max`
 * characters: kept after the deletion forgot the ids.
 *
 * @example
 * withoutIds('no user u%2B1', ['u+1'], 500); // 'no user […]'
 */
export function withoutIds(text: string, hidden: string[], max = 500, secrets: readonly string[] = []): string {
  const out = hideForms(text, hiddenForms(hidden, secrets));
  return storableText(out.replace(/[\u0000-\u001f\u007f]+/g, ' ')).slice(0, max);
}

/**
 * A JSON answer with the hidden values (as `withoutIds` hides them) taken out of its strings
 * and keys: the structure and the numbers stay. Hiding in the answer's text instead broke it
 * for a short id — userId `1` turned `"totalSize":1` into `"totalSize":[…]`, so Salesforce's
 * lookup answer could not be read and the deletion failed after every try.
 *
 * @example
 * jsonWithoutIds({ totalSize: 1, records: [{ Email: '1' }] }, ['1']); // { totalSize: 1, records: [{ Email: '[…]' }] }
 */
export function jsonWithoutIds(value: unknown, hidden: string[], secrets: readonly string[] = []): unknown {
  const forms = hiddenForms(hidden, secrets);
  const clean = (text: string): string => storableText(hideForms(text, forms));
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return clean(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) out[clean(key)] = walk(item);
      return out;
    }
    return node;
  };
  return walk(value);
}

/**
 * One pass of forwarding a deletion: records the vendors to ask (the first time), then sends
 * every request that is due and records how it ended. Returns the seconds until the next try
 * of one still pending, or null when every vendor has an outcome.
 *
 * @example
 * const wait = await forwardDeletion(pool, forwarding, { id, pipelineId }, { userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] });
 */
export async function forwardDeletion(pool: Pool, forwarding: DeletionForwarding, deletion: { id: string; pipelineId: string }, person: NamedPerson): Promise<number | null> {
  const forgetters = await forwarding.forgetters(deletion.pipelineId);
  const byIntegration = new Map(forgetters.map((f) => [f.integrationId, f]));
  // Recorded once: a vendor added later is not asked by an older deletion.
  const { rows: [seen] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM signal.person_deletion_vendors WHERE deletion_id = $1', [deletion.id]);
  if (seen?.n === 0 && forgetters.length > 0) {
    await pool.query(
      `INSERT INTO signal.person_deletion_vendors (deletion_id, pipeline_integration_id, vendor, name)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [deletion.id, forgetters.map((f) => f.integrationId), forgetters.map((f) => f.vendor), forgetters.map((f) => f.name)],
    );
  }
  // Claimed for a while: two passes at once (a job run twice) do not both ask the vendor. A
  // pass that dies after asking leaves the claim to expire: the vendor is asked again then.
  const { rows: due } = await pool.query<{ pipeline_integration_id: string; attempts: number; requests_done: number; requests_digest: string | null }>(
    `UPDATE signal.person_deletion_vendors SET next_attempt_at = now() + interval '5 minutes'
      WHERE deletion_id = $1 AND status = 'pending' AND next_attempt_at <= now()
      RETURNING pipeline_integration_id, attempts, requests_done, requests_digest`,
    [deletion.id],
  );
  for (const row of due) {
    const forgetter = byIntegration.get(row.pipeline_integration_id);
    const ended = await askVendor(forwarding, forgetter, person, deletion.id, { done: row.requests_done, digest: row.requests_digest });
    const hidden = [person.userId ?? '', person.anonymousId ?? '', ...(person.emails ?? []), ...ended.credentials];
    // A skip is no try.
    const attempt = ended.status === 'skipped' ? row.attempts : row.attempts + 1;
    const status = 'retry' in ended && attempt >= FORWARD_ATTEMPTS ? 'failed' : ended.status;
    const message = 'retry' in ended ? (status === 'failed' ? `gave up after ${attempt} tries: ${ended.retry}` : ended.retry) : ended.message;
    await pool.query(
      `UPDATE signal.person_deletion_vendors
          SET status = $3, attempts = $4, response_status = $5, message = $6, updated_at = now(),
              next_attempt_at = now() + make_interval(secs => $7), requests_done = $8, requests_digest = $9
        WHERE deletion_id = $1 AND pipeline_integration_id = $2`,
      [deletion.id, row.pipeline_integration_id, status, attempt, ended.responseStatus ?? null, message === null ? null : withoutIds(message, hidden, undefined, forgetter?.secretValues), forwardBackoffSeconds(attempt, 'afterSeconds' in ended ? ended.afterSeconds : undefined),
        ended.progress?.done ?? 0, ended.progress?.digest ?? null],
    );
  }
  const { rows: [next] } = await pool.query<{ wait: number | null }>(
    // GREATEST skips a NULL: none pending must stay NULL.
    `SELECT CASE WHEN count(*) = 0 THEN NULL ELSE GREATEST(1, ceil(EXTRACT(EPOCH FROM min(next_attempt_at) - now())))::int END AS wait
       FROM signal.person_deletion_vendors WHERE deletion_id = $1 AND status = 'pending'`,
    [deletion.id],
  );
  return next?.wait ?? null;
}

type Asked = ({ status: 'sent' | 'skipped' | 'failed'; message: string | null; responseStatus?: number } | { status: 'pending'; retry: string; afterSeconds?: number; responseStatus?: number })
  & {
    /** The plugin's `read` answered `{ done: true, last: true }`: the requests after this one are not sent. */ last?: true;
    /** The request's header values (credentials): hidden from what is kept. */ credentials: string[];
    /** The answer refused the access token (`accessToken.refused`). */ tokenRefused?: true;
    /** Of the requests built (identified by `digest`), how many are done: a retry goes on from the next. */ progress?: RequestProgress;
  };
/** How far a vendor's list of deletion requests got (see `requestsDigest`). */
interface RequestProgress { done: number; digest: string | null }

/**
 * What identifies a list of deletion requests from one try to the next: their methods, URLs,
 * queries and bodies (headers left out: an access token changes between tries).
 *
 * @example
 * requestsDigest([{ method: 'DELETE', url: 'https://api.example.com/users/u-1', eventIds: [] }]); // '3f1c…' (SHA-256, hex)
 */
export function requestsDigest(requests: RequestDescriptor[]): string {
  const shape = requests.map((r) => [r.method, r.url, r.query ?? null, r.body instanceof Uint8Array ? Buffer.from(r.body).toString('base64') : r.body ?? null]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}
/** What one request's answer says: an end, or the next request of its chain. */
type Answered = Asked | { status: 'next'; next: RequestDescriptor; responseStatus: number; credentials: string[] };

/** How a deletion ends when no access token can be had: tried again, or failed for good. */
function withoutToken(error: unknown, credentials: string[]): Asked {
  const named = error as { name?: string; message?: string };
  if (named?.name === 'PermanentError') return { status: 'failed', message: named.message ?? 'access token: refused', credentials };
  return { status: 'pending', retry: named?.message ?? String(error), credentials };
}

/**
 * Builds, sends and reads one vendor's deletion requests, with the deletion's id in the
 * plugin's `ctx` (several are sent in order; the first that does not end done decides, and one
 * done with `last` ends the list; a plugin's `note` on them goes first in the message). The answer reaches the plugin's `read` with the
 * person's ids and emails and the request's credentials already hidden (a vendor may echo them), and a
 * plugin's bug ends as failed, not as a stuck deletion. An integration that cannot be
 * resolved (a database blip, a sealed secret) is tried again like a vendor's 5xx. With an
 * access token, a 401 (or an answer the plugin's `accessToken.refused` reads as a refused
 * token) renews it once and the requests are built and sent again.
 */
async function askVendor(forwarding: DeletionForwarding, forgetter: Forgetter | undefined, person: NamedPerson, deletionId: string, earlier: RequestProgress = { done: 0, digest: null }): Promise<Asked> {
  const credentials: string[] = [];
  if (!forgetter) return { status: 'skipped', message: 'the integration was removed, or no longer forwards deletions (its config changed)', credentials };
  if (forgetter.skipped !== undefined) return { status: 'skipped', message: forgetter.skipped, credentials };
  if (forgetter.error !== undefined || !forgetter.forget || !forgetter.ctx) return { status: 'pending', retry: forgetter.error ?? 'the plugin cannot forward deletions', credentials };
  const forget = forgetter.forget;
  // The deletion's id, the same on every try of it: the key of a vendor request id.
  let ctx: PluginContext = { ...forgetter.ctx, now: Date.now(), deletionId };
  let token: string | undefined;
  if (forgetter.accessToken) {
    try {
      token = await forgetter.accessToken();
    } catch (error) {
      return withoutToken(error, credentials);
    }
    ctx = { ...ctx, accessToken: token };
    credentials.push(token);
  }
  for (let renewed = false; ;) {
    let built: RequestDescriptor | RequestDescriptor[] | NotedForgetRequests | { skipped: string };
    try {
      built = forget.request(person, ctx);
    } catch (error) {
      return { status: 'failed', message: `the plugin could not build the request: ${(error as Error).message}`, credentials };
    }
    if (!Array.isArray(built) && 'skipped' in built) return { status: 'skipped', message: built.skipped, credentials };
    // What the plugin says the requests leave unasked (`NotedForgetRequests`): said first, whatever the outcome.
    const note = !Array.isArray(built) && 'requests' in built ? trimmedText(built.note) : undefined;
    const listed = !Array.isArray(built) && 'requests' in built ? built.requests : built;
    const requests = Array.isArray(listed) ? listed : [listed];
    const noted = (asked: Asked): Asked => (note === undefined ? asked
      : 'retry' in asked ? { ...asked, retry: `${note}; ${asked.retry}` } : { ...asked, message: asked.message ? `${note}; ${asked.message}` : note });
    if (requests.length === 0) return noted({ status: 'skipped', message: 'the plugin made no request for the ids named', credentials });
    // A try after a retry goes on from the first request not done, when the list is the one it
    // began (the same person and config build the same requests): a vendor with a low rate limit
    // (three deletion jobs a second) is not asked again for what it accepted.
    const digest = requestsDigest(requests);
    const skip = earlier.digest === digest && earlier.done > 0 && earlier.done < requests.length ? earlier.done : 0;
    const said: string[] = skip > 0 ? [`${skip > 1 ? `requests 1–${skip}` : 'request 1'} of ${requests.length}: done in an earlier try`] : [];
    let lastStatus: number | undefined;
    let refusedToken = false;
    for (const [index, request] of requests.entries()) {
      if (index < skip) continue;
      const which = requests.length > 1 ? `request ${index + 1} of ${requests.length}: ` : '';
      const asked = await sendChain(forwarding, forgetter, person, request, credentials, ctx, token !== undefined && !renewed);
      if ((asked.responseStatus === 401 || asked.tokenRefused === true) && token !== undefined && !renewed) {
        refusedToken = true;
        break;
      }
      if (asked.status !== 'sent') {
        const progress = { done: index, digest };
        return noted('retry' in asked ? { ...asked, retry: which + asked.retry, progress } : { ...asked, message: which + (asked.message ?? ''), progress });
      }
      said.push(which + (asked.message ?? ''));
      lastStatus = asked.responseStatus;
      // The vendor holds nothing more of the person (a lookup found nobody): the rest would ask in vain.
      if (asked.last === true && index + 1 < requests.length) {
        said.push(`${index + 2 < requests.length ? `requests ${index + 2}–${requests.length}` : `request ${requests.length}`} of ${requests.length}: not needed`);
        break;
      }
    }
    if (!refusedToken) return noted({ status: 'sent', message: said.join('; '), ...(lastStatus === undefined ? {} : { responseStatus: lastStatus }), credentials });
    // The token expired early or was revoked: renewed once, then every request again.
    renewed = true;
    try {
      token = await forgetter.accessToken!(token);
    } catch (error) {
      return withoutToken(error, credentials);
    }
    ctx = { ...ctx, accessToken: token };
    credentials.push(token);
  }
}

/** Sends a request and the `next` ones its answers ask for, up to `MAX_CHAINED_REQUESTS`; how the chain ended. */
async function sendChain(forwarding: DeletionForwarding, forgetter: Forgetter, person: NamedPerson, first: RequestDescriptor, credentials: string[], ctx: PluginContext, mayRenew: boolean): Promise<Asked> {
  let request = first;
  for (let step = 1; ; step++) {
    const answered = await sendOne(forwarding, forgetter, person, request, credentials, ctx, mayRenew);
    if (answered.status !== 'next') return answered;
    if (step >= MAX_CHAINED_REQUESTS) {
      return { status: 'failed', message: `the plugin asked for more than ${MAX_CHAINED_REQUESTS} requests in a row (HTTP ${answered.responseStatus})`, responseStatus: answered.responseStatus, credentials };
    }
    request = answered.next;
  }
}

/**
 * Sends one deletion request and reads the answer (see `askVendor`). With `mayRenew`, an
 * answer the plugin's `accessToken.refused` reads as a refused token ends as `tokenRefused`
 * (renewed and sent again by `askVendor`); without, it goes to the plugin's `read`.
 */
async function sendOne(forwarding: DeletionForwarding, forgetter: Forgetter, person: NamedPerson, built: RequestDescriptor, credentials: string[], ctx: PluginContext, mayRenew: boolean): Promise<Answered> {
  let request: RequestDescriptor;
  try {
    request = signedNow(forgetter.sign, built, ctx);
  } catch (error) {
    return { status: 'failed', message: `the plugin could not sign the request: ${(error as Error).message}`, credentials };
  }
  // Header values that may be credentials (not the content type's): never kept in a message.
  credentials.push(...Object.entries(request.headers ?? {}).filter(([name]) => !/^(content-type|accept|user-agent)$/i.test(name)).map(([, value]) => value));
  let result: PerformResult;
  try {
    result = await forwarding.perform(request);
  } catch (error) {
    return { status: 'pending', retry: `the request failed: ${(error as Error).message}`, credentials };
  }
  if (!result.response) {
    const failure = result.error ?? { kind: 'network', message: 'no answer' };
    // A refused target or a request that cannot be built will not get better by waiting.
    if (failure.kind === 'refused' || failure.kind === 'invalid') return { status: 'failed', message: failure.message, credentials };
    return { status: 'pending', retry: `${failure.kind}: ${failure.message}`, credentials };
  }
  if (mayRenew && result.response.status !== 401 && forgetter.tokenRefused) {
    let refused = false;
    try {
      refused = forgetter.tokenRefused(result.response, built) === true;
    } catch {
      refused = false;
    }
    if (refused) return { status: 'pending', retry: `the vendor refused the access token (HTTP ${result.response.status})`, responseStatus: result.response.status, tokenRefused: true, credentials };
  }
  const hidden = [person.userId ?? '', person.anonymousId ?? '', ...(person.emails ?? []), ...credentials];
  // A JSON answer is cleaned value by value (its text then written from it), any other as text.
  const json: unknown = result.response.json === undefined ? undefined : jsonWithoutIds(result.response.json, hidden, forgetter.secretValues);
  const body = json === undefined ? withoutIds(result.response.body, hidden, 64 * 1024, forgetter.secretValues) : JSON.stringify(json).slice(0, 64 * 1024);
  const response: VendorResponse = { ...result.response, body, ...(json === undefined ? {} : { json }) };
  if (json === undefined) delete response.json;
  let outcome: ForgetOutcome;
  try {
    outcome = forgetter.forget!.read ? forgetter.forget!.read(response, built, { ...ctx, now: Date.now() }) : defaultForgetRead(response);
  } catch (error) {
    return { status: 'failed', message: `the plugin could not read the answer (HTTP ${response.status}): ${(error as Error).message}`, responseStatus: response.status, credentials };
  }
  if ('done' in outcome) return { status: 'sent', message: outcome.message ?? `HTTP ${response.status}`, responseStatus: response.status, credentials, ...(outcome.last === true ? { last: true } : {}) };
  if ('retry' in outcome) return { status: 'pending', retry: outcome.retry, ...(typeof outcome.afterSeconds === 'number' ? { afterSeconds: outcome.afterSeconds } : {}), responseStatus: response.status, credentials };
  if ('next' in outcome) return { status: 'next', next: outcome.next, responseStatus: response.status, credentials };
  return { status: 'failed', message: outcome.failed, responseStatus: response.status, credentials };
}
