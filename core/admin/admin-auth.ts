import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SignalError } from '../errors.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Paths served without the token: the IDE page (it holds no data) and the probes. */
const PUBLIC_PREFIXES = ['/graphiql', '/healthz', '/readyz'];

/**
 * An onRequest hook requiring `Authorization: Bearer <SIGNAL_ADMIN_TOKEN>`. GraphQL callers get
 * a GraphQL-shaped 401 (extensions.code UNAUTHENTICATED), REST callers Signal's JSON error.
 *
 * @example
 * app.addHook('onRequest', createAdminAuth(config.adminToken));
 */
export function createAdminAuth(token: string) {
  const expected = digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = request.url.split('?')[0]!;
    if (request.method === 'OPTIONS' || PUBLIC_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return;
    const header = request.headers.authorization ?? '';
    // The scheme name is case-insensitive (RFC 9110): `bearer` is Bearer too.
    const given = /^bearer /i.test(header) ? header.slice(7).trim() : '';
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (given !== '' && timingSafeEqual(digest(given), expected)) return;
    const message = given === '' ? 'Missing admin token: send Authorization: Bearer <SIGNAL_ADMIN_TOKEN>' : 'Invalid admin token';
    reply.header('www-authenticate', 'Bearer realm="signal-admin"');
    if (path === '/graphql') {
      await reply.code(401).send({ data: null, errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    await reply.code(401).send(new SignalError('SIGNAL_ADMIN_UNAUTHORIZED', message).toJSON());
  };
}
