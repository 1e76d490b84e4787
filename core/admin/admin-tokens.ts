// Named admin tokens beside SIGNAL_ADMIN_TOKEN: one per person or tool, so the audit log says
// who changed what, each revocable alone, and a read_only role for dashboards, Prometheus and
// on-call people who look but do not change. Kept as SHA-256 digests; shown once.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from '../db/pool.ts';
import { SignalError } from '../errors.ts';
import { assertUuid, validateName } from '../services/pipelines.ts';

export const ADMIN_TOKEN_ROLES = ['admin', 'read_only'] as const;
export type AdminTokenRole = (typeof ADMIN_TOKEN_ROLES)[number];

/** Who is calling the admin APIs: the root token (SIGNAL_ADMIN_TOKEN) or a named token. */
export interface AdminActor {
  /** The token's name; `SIGNAL_ADMIN_TOKEN` for the root token. */
  name: string;
  role: AdminTokenRole;
  /** The named token's id; absent for the root token. */
  tokenId?: string;
}

/** The actor of the root token, SIGNAL_ADMIN_TOKEN. */
export const ROOT_ACTOR: AdminActor = { name: 'SIGNAL_ADMIN_TOKEN', role: 'admin' };

/** A named token as admins see it (never the token). */
export interface AdminToken {
  id: string;
  name: string;
  role: AdminTokenRole;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** How long a node trusts a token it resolved before asking PostgreSQL again (a revocation on another node takes this long). */
export const TOKEN_CACHE_MS = 5_000;

interface TokenRow {
  id: string;
  name: string;
  role: AdminTokenRole;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = 'id, name, role, created_by, created_at, last_used_at, revoked_at';

/** A new admin token: `sig_admin_` and 43 random url-safe characters (256 bits). */
export function generateAdminToken(): string {
  return `sig_admin_${randomBytes(32).toString('base64url')}`;
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The statement resolving a presented token to its active row, noting its use. */
export function resolveTokenStatement(digest: Buffer): { text: string; values: unknown[] } {
  return {
    text: `UPDATE signal.admin_tokens SET last_used_at = now() WHERE token_digest = $1 AND revoked_at IS NULL RETURNING ${TOKEN_COLUMNS}`,
    values: [digest],
  };
}

/** The statement inserting a token row. */
export function insertTokenStatement(row: { id: string; name: string; role: AdminTokenRole; digest: Buffer; createdBy: string }): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO signal.admin_tokens (id, name, role, token_digest, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${TOKEN_COLUMNS}`,
    values: [row.id, row.name, row.role, row.digest, row.createdBy],
  };
}

function toToken(row: TokenRow): AdminToken {
  return {
    id: row.id, name: row.name, role: row.role, createdBy: row.created_by, createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null, revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export interface AdminTokens {
  /** The actor a presented token (not the root token) belongs to; null when unknown or revoked. */
  resolve(token: string): Promise<AdminActor | null>;
  /** A new named token; `token` is shown this once. A name an active token has is a 409. */
  create(input: { name: string; role: string }, by: AdminActor): Promise<AdminToken & { token: string }>;
  /** Every token, active first, newest first. */
  list(): Promise<AdminToken[]>;
  /** Revokes a token at once on this node (within TOKEN_CACHE_MS on others); revoking twice is harmless. */
  revoke(id: string): Promise<AdminToken>;
}

/**
 * The named admin tokens kept in PostgreSQL.
 *
 * @example
 * const tokens = createAdminTokens(pool);
 * const { token } = await tokens.create({ name: 'grafana', role: 'read_only' }, ROOT_ACTOR);
 * await tokens.resolve(token); // { name: 'grafana', role: 'read_only', tokenId: '…' }
 */
export function createAdminTokens(pool: Pool, options: { cacheMs?: number } = {}): AdminTokens {
  const cacheMs = options.cacheMs ?? TOKEN_CACHE_MS;
  const cache = new Map<string, { actor: AdminActor | null; until: number }>();

  return {
    async resolve(token) {
      const key = digestOf(token).toString('base64');
      const cached = cache.get(key);
      if (cached && cached.until > Date.now()) return cached.actor;
      const { rows } = await pool.query<TokenRow>(resolveTokenStatement(digestOf(token)));
      const row = rows[0];
      const actor: AdminActor | null = row ? { name: row.name, role: row.role, tokenId: row.id } : null;
      // Unknown tokens are not cached: a guessing client must not grow the map.
      if (actor) cache.set(key, { actor, until: Date.now() + cacheMs });
      return actor;
    },

    async create(input, by) {
      const name = validateName(input.name);
      if (!(ADMIN_TOKEN_ROLES as readonly string[]).includes(input.role)) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `role must be one of ${ADMIN_TOKEN_ROLES.join(', ')}, got "${String(input.role).slice(0, 40)}"`, [{ field: 'role', message: `must be one of ${ADMIN_TOKEN_ROLES.join(', ')}` }]);
      }
      const token = generateAdminToken();
      try {
        const { rows } = await pool.query<TokenRow>(insertTokenStatement({ id: randomUUID(), name, role: input.role as AdminTokenRole, digest: digestOf(token), createdBy: by.name }));
        return { ...toToken(rows[0]!), token };
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new SignalError('SIGNAL_CONFLICT', `an active admin token is already named "${name}": give another name, or revoke that token first (adminTokens lists them)`, [{ field: 'name', message: 'is taken by an active token' }]);
        }
        throw error;
      }
    },

    async list() {
      const { rows } = await pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM signal.admin_tokens ORDER BY revoked_at IS NOT NULL, created_at DESC`);
      return rows.map(toToken);
    },

    async revoke(id) {
      assertUuid(id, 'id');
      const { rows } = await pool.query<TokenRow>(
        `UPDATE signal.admin_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`, [id]);
      if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `no admin token with id ${id}`, [{ field: 'id', message: 'no such admin token' }]);
      for (const [key, entry] of cache) if (entry.actor?.tokenId === id) cache.delete(key);
      return toToken(rows[0]);
    },
  };
}
