import { createHash } from 'node:crypto';
import { withTransaction, type Pool } from '../db/pool.ts';
import { PermanentError, RetryableError } from '../sdk/errors.ts';
import { readOAuthTokenAnswer } from '../sdk/oauth.ts';
import type { AccessTokenExchange, IssuedAccessToken, PluginContext, RequestDescriptor } from '../sdk/types.ts';
import type { SecretBox, SealedValue } from '../services/secret-box.ts';
import type { PerformResult } from './deliver-batch.ts';

/** Whose token: the revision (its config holds the credential) and how to get one. */
export interface TokenOwner {
  revisionId: string;
  /** The integration (template) and vendor the sealed token is bound to. */
  templateId: string;
  vendor: string;
  exchange: AccessTokenExchange;
  /** The revision's context (config with secrets opened); `now` is set per exchange. */
  ctx: PluginContext;
}

export interface AccessTokens {
  /**
   * A token of `owner` usable for at least a minute more (or half its lifetime, if shorter):
   * this process's, another node's from PostgreSQL, or a new one from the vendor. `refused`:
   * the token the vendor just answered 401 to, which is then not handed out again. Throws
   * `RetryableError` (the token endpoint failed) or `PermanentError` (the credential is
   * refused), with messages starting `access token:`; a database error escapes as it is.
   */
  get(owner: TokenOwner, refused?: string): Promise<string>;
  /** Deletes tokens expired for a day (their revisions' rows go with the revisions). */
  prune(): Promise<void>;
  /** What an admin may know of a revision's token (never the token): null before the first exchange. */
  status(revisionId: string): Promise<AccessTokenStatus | null>;
}

/** A revision's token as admins see it: when it was obtained and expires, and when the credential behind it ends. */
export interface AccessTokenStatus {
  obtainedAt: string;
  expiresAt: string;
  /** When the credential itself ends (a refresh token's lifetime), when the vendor said. */
  credentialExpiresAt: string | null;
  /** When the vendor last replaced the refresh token this token was obtained with (`rotates`); null if never. */
  credentialRotatedAt: string | null;
  /** Set within 30 days of `credentialExpiresAt`, or after it: what to do. */
  warning: string | null;
}

/** How long before a credential ends its status carries a warning. */
export const CREDENTIAL_WARNING_DAYS = 30;

export interface AccessTokensOptions {
  pool: Pool;
  secrets: SecretBox;
  /** Performs the token request like any vendor request (egress guard, timeout, redirects). */
  perform(request: RequestDescriptor): Promise<PerformResult>;
  /** How long before its expiry a token is renewed (default a minute). */
  renewBeforeMs?: number;
  /** How long a refused credential is not asked about again (default 30 s). */
  refusedForMs?: number;
  now?: () => number;
}

interface HeldToken {
  token: string;
  obtainedAt: number;
  expiresAt: number;
  credentialExpiresAt?: number;
  /** A refresh token the vendor issued with it. */
  refreshToken?: string;
}

/** A rotating credential's chain: the config field as first configured. */
interface CredentialChain {
  field: string;
  /** SHA-256 of the field's configured value. */
  origin: Buffer;
}

/** The row of `revisionId`'s token. */
export function readTokenStatement(): string {
  return 'SELECT token, obtained_at, expires_at FROM signal.access_tokens WHERE revision_id = $1';
}

/** Saves `revisionId`'s token; nothing when the revision is gone (deleted meanwhile). */
export function saveTokenStatement(): string {
  return `INSERT INTO signal.access_tokens (revision_id, token, obtained_at, expires_at, credential_expires_at, credential_rotated_at)
          SELECT id, $2, to_timestamp($3::double precision / 1000), to_timestamp($4::double precision / 1000), to_timestamp($5::double precision / 1000), $6
            FROM signal.integration_revisions WHERE id = $1
          ON CONFLICT (revision_id) DO UPDATE SET token = EXCLUDED.token, obtained_at = EXCLUDED.obtained_at, expires_at = EXCLUDED.expires_at,
            credential_expires_at = EXCLUDED.credential_expires_at, credential_rotated_at = EXCLUDED.credential_rotated_at`;
}

/** The newest credential of a chain (template, field, digest of the configured value), and when it was issued. */
export function readRotatedStatement(): string {
  return 'SELECT credential, rotated_at FROM signal.rotated_credentials WHERE template_id = $1 AND field = $2 AND origin_digest = $3';
}

/** Keeps a chain's newest credential; nothing when the template is gone (deleted meanwhile). */
export function saveRotatedStatement(): string {
  return `INSERT INTO signal.rotated_credentials (template_id, field, origin_digest, credential, rotated_at)
          SELECT id, $2, $3, $4, to_timestamp($5::double precision / 1000) FROM signal.integration_templates WHERE id = $1
          ON CONFLICT (template_id, field, origin_digest) DO UPDATE SET credential = EXCLUDED.credential, rotated_at = EXCLUDED.rotated_at`;
}

/** When `revisionId`'s token was obtained and expires, without the token. */
export function tokenStatusStatement(): string {
  return 'SELECT obtained_at, expires_at, credential_expires_at, credential_rotated_at FROM signal.access_tokens WHERE revision_id = $1';
}

/**
 * Two nodes renewing the same revision's token take turns; the second finds the first's. For a
 * rotating credential the lock is the chain's (`$1` names it), which revisions may share: each
 * exchange must use the token the one before it received.
 */
export function lockTokenStatement(): string {
  return "SELECT pg_advisory_xact_lock(hashtextextended('signal.access_token:' || $1, 0))";
}

export function pruneTokensStatement(): string {
  return "DELETE FROM signal.access_tokens WHERE expires_at < now() - interval '1 day'";
}

/** The field a sealed token is bound to (with its template and vendor): a token opens only for its revision. */
function sealField(revisionId: string): string {
  return `access_token:${revisionId}`;
}

/** The field a chain's rotated credential is sealed for: it opens only for its chain. */
function chainSealField(chain: CredentialChain): string {
  return `rotated:${chain.field}:${chain.origin.toString('hex')}`;
}

/** The chain of a rotating exchange's credential, from the config as the revision holds it. */
function chainOf(owner: TokenOwner): CredentialChain | undefined {
  const field = owner.exchange.rotates;
  if (field === undefined) return undefined;
  const configured = owner.ctx.config[field];
  return { field, origin: createHash('sha256').update(typeof configured === 'string' ? configured : '').digest() };
}

/**
 * Access tokens of plugins' `accessToken` exchanges: obtained through the plugin's token
 * request, kept sealed in PostgreSQL so every node shares one, renewed a minute before they
 * expire, and renewed early when a vendor refuses one (`refused`). One exchange at a time per
 * revision: in this process (callers share the one under way) and across nodes (an advisory
 * lock, then a second look at the stored token). A credential the vendor refused is not asked
 * about again for 30 s, so a revoked refresh token does not cost a token request per batch.
 *
 * @example
 * const tokens = createAccessTokens({ pool, secrets, perform: (request) => http.perform(request) });
 * const token = await tokens.get({ revisionId, templateId, vendor: 'linkedin', exchange: plugin.accessToken!, ctx });
 */
export function createAccessTokens(options: AccessTokensOptions): AccessTokens {
  const { pool, secrets } = options;
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  const refusedForMs = options.refusedForMs ?? 30_000;
  const now = options.now ?? Date.now;
  const held = new Map<string, HeldToken>();
  const underWay = new Map<string, Promise<string>>();
  const refusals = new Map<string, { error: PermanentError; until: number }>();

  function usable(token: HeldToken | undefined, refused: string | undefined): token is HeldToken {
    if (!token || token.token === refused) return false;
    const margin = Math.min(renewBeforeMs, (token.expiresAt - token.obtainedAt) / 2);
    return now() < token.expiresAt - margin;
  }

  async function stored(db: Pick<Pool, 'query'>, owner: TokenOwner): Promise<HeldToken | undefined> {
    const { rows: [row] } = await db.query<{ token: SealedValue; obtained_at: Date; expires_at: Date }>(readTokenStatement(), [owner.revisionId]);
    if (!row) return undefined;
    try {
      const token = secrets.open(row.token, { vendor: owner.vendor, templateId: owner.templateId, field: sealField(owner.revisionId) });
      return typeof token === 'string' ? { token, obtainedAt: row.obtained_at.getTime(), expiresAt: row.expires_at.getTime() } : undefined;
    } catch {
      return undefined; // sealed under another key (SIGNAL_SECRET_KEY rotated): a new one is asked for
    }
  }

  async function rotated(db: Pick<Pool, 'query'>, owner: TokenOwner, chain: CredentialChain): Promise<{ credential: string; rotatedAt: Date } | undefined> {
    const { rows: [row] } = await db.query<{ credential: SealedValue; rotated_at: Date }>(readRotatedStatement(), [owner.templateId, chain.field, chain.origin]);
    if (!row) return undefined;
    try {
      const credential = secrets.open(row.credential, { vendor: owner.vendor, templateId: owner.templateId, field: chainSealField(chain) });
      return typeof credential === 'string' ? { credential, rotatedAt: row.rotated_at } : undefined;
    } catch {
      // Sealed under another key (SIGNAL_SECRET_KEY rotated): the configured token is tried; if
      // the vendor has replaced it, it refuses it, and the admin is told to authorise again.
      return undefined;
    }
  }

  async function exchange(owner: TokenOwner): Promise<HeldToken> {
    const obtainedAt = now();
    let request: RequestDescriptor;
    try {
      request = owner.exchange.request({ ...owner.ctx, now: obtainedAt });
    } catch (error) {
      throw new PermanentError(`access token: the plugin could not build the token request: ${(error as Error).message}`);
    }
    const result = await options.perform(request);
    if (!result.response) {
      const failure = result.error ?? { kind: 'network' as const, message: 'no answer' };
      const message = `access token: the token request failed (${failure.kind}: ${failure.message})`;
      // A refused target or a request that cannot be built will not get better by waiting.
      throw failure.kind === 'refused' || failure.kind === 'invalid' ? new PermanentError(message) : new RetryableError(message);
    }
    let issued: IssuedAccessToken;
    try {
      issued = (owner.exchange.read ?? readOAuthTokenAnswer)(result.response);
    } catch (error) {
      const named = error as { name?: string; message?: string; retryAfterMs?: number };
      if (named.name === 'RetryableError') throw new RetryableError(`access token: ${named.message}`, named.retryAfterMs);
      if (named.name === 'PermanentError') throw new PermanentError(`access token: ${named.message}`);
      throw new PermanentError(`access token: the plugin could not read the token answer (HTTP ${result.response.status}): ${named.message ?? String(error)}`);
    }
    if (typeof issued?.accessToken !== 'string' || issued.accessToken === '' || /[\r\n\0]/.test(issued.accessToken)) {
      throw new PermanentError('access token: the token answer holds no usable token (empty, or with a line break)');
    }
    const lifetime = Number.isFinite(issued.expiresInSeconds) && issued.expiresInSeconds > 0 ? issued.expiresInSeconds : 3600;
    const credential = issued.credentialExpiresInSeconds;
    const refreshToken = typeof issued.refreshToken === 'string' && issued.refreshToken !== '' && !/[\r\n\0]/.test(issued.refreshToken) ? issued.refreshToken : undefined;
    return {
      token: issued.accessToken, obtainedAt, expiresAt: obtainedAt + lifetime * 1000,
      ...(typeof credential === 'number' && Number.isFinite(credential) && credential > 0 ? { credentialExpiresAt: obtainedAt + credential * 1000 } : {}),
      ...(refreshToken === undefined ? {} : { refreshToken }),
    };
  }

  async function renew(owner: TokenOwner, refused: string | undefined): Promise<string> {
    const fromStore = await stored(pool, owner);
    if (usable(fromStore, refused)) {
      held.set(owner.revisionId, fromStore);
      return fromStore.token;
    }
    const chain = chainOf(owner);
    const token = await withTransaction(pool, async (client) => {
      await client.query(lockTokenStatement(), [chain ? `${owner.templateId}:${chainSealField(chain)}` : owner.revisionId]);
      // Another node may have renewed it while this one waited for the lock.
      const again = await stored(client, owner);
      if (usable(again, refused)) return again;
      // A rotating credential: the newest the vendor issued in this chain, else the configured one.
      const latest = chain ? await rotated(client, owner, chain) : undefined;
      const used = latest === undefined || chain === undefined ? owner : { ...owner, ctx: { ...owner.ctx, config: { ...owner.ctx.config, [chain.field]: latest.credential } } };
      const fresh = await exchange(used);
      let rotatedAt = latest?.rotatedAt ?? null;
      const replaced = chain !== undefined && fresh.refreshToken !== undefined && fresh.refreshToken !== used.ctx.config[chain.field];
      if (replaced) {
        // Kept in this transaction with the token: the vendor may already refuse the one just used.
        rotatedAt = new Date(fresh.obtainedAt);
        const sealedCredential = secrets.seal(fresh.refreshToken!, { vendor: owner.vendor, templateId: owner.templateId, field: chainSealField(chain) });
        await client.query(saveRotatedStatement(), [owner.templateId, chain.field, chain.origin, sealedCredential, fresh.obtainedAt]);
      }
      const sealed = secrets.seal(fresh.token, { vendor: owner.vendor, templateId: owner.templateId, field: sealField(owner.revisionId) });
      await client.query(saveTokenStatement(), [owner.revisionId, sealed, fresh.obtainedAt, fresh.expiresAt, fresh.credentialExpiresAt ?? null, rotatedAt]);
      return fresh;
    });
    held.set(owner.revisionId, token);
    return token.token;
  }

  async function get(owner: TokenOwner, refused?: string): Promise<string> {
    const mine = held.get(owner.revisionId);
    if (usable(mine, refused)) return mine.token;
    const refusal = refusals.get(owner.revisionId);
    if (refusal && refusal.until > now()) throw refusal.error;
    let pending = underWay.get(owner.revisionId);
    const joined = pending !== undefined;
    if (!pending) {
      pending = renew(owner, refused)
        .catch((error: unknown) => {
          if (error instanceof PermanentError) refusals.set(owner.revisionId, { error, until: now() + refusedForMs });
          throw error;
        })
        .finally(() => underWay.delete(owner.revisionId));
      underWay.set(owner.revisionId, pending);
    }
    const token = await pending;
    // Joined a renewal that was not about `refused`, and it kept that token: once more, without it.
    // A renewal of this call's own that got the refused token back (a vendor that reissues a
    // token until it expires, as Marketo does) hands it back: the caller sees no renewal and the
    // answer is classified; asking again would loop without end.
    return token === refused && joined ? get(owner, refused) : token;
  }

  return {
    get,
    async prune() {
      await pool.query(pruneTokensStatement());
    },
    async status(revisionId) {
      const { rows: [row] } = await pool.query<{ obtained_at: Date; expires_at: Date; credential_expires_at: Date | null; credential_rotated_at: Date | null }>(tokenStatusStatement(), [revisionId]);
      if (!row) return null;
      const ends = row.credential_expires_at;
      const daysLeft = ends === null ? undefined : Math.floor((ends.getTime() - now()) / 86_400_000);
      const warning = daysLeft === undefined || daysLeft > CREDENTIAL_WARNING_DAYS ? null
        : daysLeft < 0 ? `the credential ended on ${ends!.toISOString().slice(0, 10)}: authorise Signal again and store the new credential in a new revision`
        : `the credential ends on ${ends!.toISOString().slice(0, 10)} (in ${daysLeft} day${daysLeft === 1 ? '' : 's'}): authorise Signal again before then and store the new credential in a new revision`;
      return { obtainedAt: row.obtained_at.toISOString(), expiresAt: row.expires_at.toISOString(), credentialExpiresAt: ends?.toISOString() ?? null, credentialRotatedAt: row.credential_rotated_at?.toISOString() ?? null, warning };
    },
  };
}
