import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignalError } from '../errors.ts';
import { ROOT_ACTOR, type AdminActor, type AdminTokens } from './admin-tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the admin token belongs to; set by the admin auth hook on every authenticated request. */
    adminActor?: AdminActor;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Paths served without the token: the IDE page (it holds no data) and the probes. */
const PUBLIC_PREFIXES = ['/graphiql', '/healthz', '/readyz'];

/** Methods that change nothing: a read_only token may use them on the REST routes. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refused admin requests since the process started, by why: for `signal_admin_auth_failures_total` (a token being guessed, a tool with a revoked one). */
export interface AdminAuthFailures {
  /** No token sent. */
  missing: number;
  /** A token that is neither SIGNAL_ADMIN_TOKEN nor an active named one. */
  invalid: number;
  /** A read_only token asking for a REST change (its GraphQL mutations are counted by the audit wrapper). */
  readOnly: number;
}

/** The actor of an authenticated admin request (the root token's when the hook did not run, as in tests of a bare app). */
export function actorOf(request: FastifyRequest): AdminActor {
  return request.adminActor ?? ROOT_ACTOR;
}

/**
 * An onRequest hook requiring `Authorization: Bearer <token>`: SIGNAL_ADMIN_TOKEN, or a named
 * admin token (`createAdminToken`) that is not revoked. It sets `request.adminActor`. GraphQL
 * callers get a GraphQL-shaped 401 (extensions.code UNAUTHENTICATED), REST callers Signal's JSON
 * error; a read_only token's REST call other than GET is a 403 (its GraphQL mutations are
 * refused by the audit wrapper). Both are recorded in the audit log as refused.
 *
 * @example
 * app.addHook('onRequest', createAdminAuth(config.adminToken, createAdminTokens(pool)));
 */
export function createAdminAuth(token: string, named?: Pick<AdminTokens, 'resolve'>, failures?: AdminAuthFailures) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = request.url.split('?')[0]!;
    if (request.method === 'OPTIONS' || PUBLIC_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return;
    const header = request.headers.authorization ?? '';
    // The scheme name is case-insensitive (RFC 9110): `bearer` is Bearer too.
    const given = /^bearer /i.test(header) ? header.slice(7).trim() : '';
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    const actor = given === '' ? null
      : timingSafeEqual(digest(given), expected) ? ROOT_ACTOR
        : await named?.resolve(given) ?? null;
    if (actor !== null) {
      request.adminActor = actor;
      if (actor.role === 'read_only' && !READ_METHODS.has(request.method) && path !== '/graphql') {
        if (failures) failures.readOnly++;
        await reply.code(403).send(new SignalError('SIGNAL_ADMIN_FORBIDDEN', `the admin token "${actor.name}" is read_only: ${request.method} ${path} changes things, which takes an admin token`).toJSON());
      }
      return;
    }
    if (failures) failures[given === '' ? 'missing' : 'invalid']++;
    const message = given === '' ? 'Missing admin token: send Authorization: Bearer <SIGNAL_ADMIN_TOKEN or an admin token>' : 'Invalid admin token (unknown or revoked)';
    reply.header('www-authenticate', 'Bearer realm="signal-admin"');
    if (path === '/graphql') {
      await reply.code(401).send({ data: null, errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    await reply.code(401).send(new SignalError('SIGNAL_ADMIN_UNAUTHORIZED', message).toJSON());
  };
}
