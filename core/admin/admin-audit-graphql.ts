import type { FastifyRequest } from 'fastify';
import mercurius, { type IResolvers } from 'mercurius';
import { guard } from './graphql-errors.ts';
import { actorOf, type AdminAuthFailures } from './admin-auth.ts';
import type { AdminActor, AdminTokens } from './admin-tokens.ts';
import type { AuditLog } from './audit-log.ts';

export const adminAuditTypeDefs = /* GraphQL */ `
  "What a named admin token may do: admin, everything; read_only, queries (and REST GETs, /metrics) only."
  enum AdminTokenRole { admin read_only }

  "A named admin token (never the token itself)."
  type AdminToken {
    id: ID!
    name: String!
    role: AdminTokenRole!
    "The token that created it (its name, or SIGNAL_ADMIN_TOKEN)."
    createdBy: String!
    createdAt: String!
    "When it was last presented (to within a few seconds); null if never."
    lastUsedAt: String
    revokedAt: String
  }

  "A new admin token: token is shown this once and cannot be read again."
  type NewAdminToken {
    id: ID!
    name: String!
    role: AdminTokenRole!
    createdAt: String!
    "Send as Authorization: Bearer <token>."
    token: String!
  }

  "One change made through the admin APIs."
  type AdminAuditEntry {
    "Increasing; pass the last one of a page as before to read the next."
    id: ID!
    at: String!
    "The token's name, or SIGNAL_ADMIN_TOKEN."
    actor: String!
    tokenId: ID
    role: String!
    "graphql or rest."
    via: String!
    "The mutation (setIntegrationEnabled) or REST route (POST /v1/admin/integrations)."
    operation: String!
    "The arguments, without secrets, config values (a config's field names only: the revision keeps it) or personal data."
    arguments: JSON!
    "Ids of what the change made or touched (from its answer)."
    resultIds: [String!]!
    "ok; error (the change failed, see error); refused (a read_only token tried a change)."
    outcome: String!
    error: String
    clientIp: String
    userAgent: String
  }

  extend type Query {
    "The named admin tokens, active first, newest first."
    adminTokens: [AdminToken!]!
    "The admin audit log, newest first (1 to 500 entries a page; before: the last id of the previous page). Filters: operation (a mutation's name or a REST route as shown), actor (a token's name), since (ISO 8601, UTC when it carries no zone). Kept SIGNAL_AUDIT_RETENTION_DAYS."
    adminAuditLog(limit: Int = 50, before: ID, operation: String, actor: String, since: String): [AdminAuditEntry!]!
  }

  extend type Mutation {
    "A named admin token for a person or a tool (role admin or read_only): its changes are recorded under its name in the audit log, and it can be revoked alone. The token is in the answer only."
    createAdminToken(name: String!, role: AdminTokenRole!): NewAdminToken!
    "Revokes a named token: refused at once on this node, within 5 s on others. SIGNAL_ADMIN_TOKEN itself is changed in the environment, not here."
    revokeAdminToken(id: ID!): AdminToken!
  }
`;

interface ResolverContext {
  reply: { request: FastifyRequest };
}

/**
 * Resolvers of admin tokens and the audit log.
 *
 * @example
 * { typeDefs: adminAuditTypeDefs, resolvers: createAdminAuditResolvers(tokens, audit) }
 */
export function createAdminAuditResolvers(tokens: AdminTokens, audit: AuditLog): IResolvers {
  return {
    Query: {
      adminTokens: guard(async () => tokens.list()),
      adminAuditLog: guard(async (_: unknown, args: { limit: number; before?: string | null; operation?: string | null; actor?: string | null; since?: string | null }) => audit.list({
        limit: args.limit,
        ...(args.before ? { before: args.before } : {}),
        ...(args.operation ? { operation: args.operation } : {}),
        ...(args.actor ? { actor: args.actor } : {}),
        ...(args.since ? { since: args.since } : {}),
      })),
    },
    Mutation: {
      createAdminToken: guard(async (_: unknown, args: { name: string; role: string }, ctx: ResolverContext) => tokens.create(args, actorOf(ctx.reply.request))),
      revokeAdminToken: guard(async (_: unknown, args: { id: string }) => tokens.revoke(args.id)),
    },
  } as IResolvers;
}

type Resolver = (root: unknown, args: Record<string, unknown>, ctx: ResolverContext, info: unknown) => unknown;

function whereFrom(request: FastifyRequest): { clientIp: string; userAgent?: string } {
  const userAgent = request.headers['user-agent'];
  return { clientIp: request.ip, ...(userAgent ? { userAgent } : {}) };
}

/**
 * Wraps every Mutation resolver: a read_only token's call is refused (403, FORBIDDEN) and
 * recorded as refused; any other is run and recorded with its outcome and the ids its answer
 * names. Queries are neither refused nor recorded.
 *
 * @example
 * const resolvers = auditMutations(merged, audit);
 */
export function auditMutations(resolvers: IResolvers, audit: AuditLog, failures?: AdminAuthFailures): IResolvers {
  const mutations = resolvers.Mutation;
  if (typeof mutations !== 'object' || mutations === null) return resolvers;
  const wrapped: Record<string, Resolver> = {};
  for (const [operation, resolver] of Object.entries(mutations as Record<string, Resolver>)) {
    wrapped[operation] = async (root, args, ctx, info) => {
      const request = ctx.reply.request;
      const actor: AdminActor = actorOf(request);
      const base = { actor, via: 'graphql' as const, operation, arguments: args, ...whereFrom(request) };
      if (actor.role !== 'admin') {
        if (failures) failures.readOnly++;
        const message = `the admin token "${actor.name}" is read_only: ${operation} changes things, which takes an admin token`;
        await audit.record({ ...base, outcome: 'refused', error: message });
        throw new mercurius.ErrorWithProps(message, { code: 'FORBIDDEN', signalCode: 'SIGNAL_ADMIN_FORBIDDEN' }, 403);
      }
      try {
        const result = await resolver(root, args, ctx, info);
        await audit.record({ ...base, result, outcome: 'ok' });
        return result;
      } catch (error) {
        await audit.record({ ...base, outcome: 'error', error: (error as Error).message });
        throw error;
      }
    };
  }
  return { ...resolvers, Mutation: wrapped } as IResolvers;
}
