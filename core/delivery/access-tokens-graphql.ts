import type { IResolvers } from 'mercurius';
import { guard } from '../admin/graphql-errors.ts';
import type { AccessTokens } from './access-tokens.ts';

export const accessTokenTypeDefs = /* GraphQL */ `
  "The access token the core holds for a revision's credential (plugins with an OAuth exchange). Never the token itself."
  type AccessTokenStatus {
    obtainedAt: String!
    expiresAt: String!
    "When the credential itself ends (a refresh token's lifetime), when the vendor says; null otherwise."
    credentialExpiresAt: String
    "When the vendor last replaced the refresh token (plugins whose vendor rotates it on use: Signal keeps the newest, sealed); null if never."
    credentialRotatedAt: String
    "Within 30 days of credentialExpiresAt, or after it: what to do."
    warning: String
  }

  extend type IntegrationRevision {
    "The token obtained for this revision's credential; null before the first delivery (or deletion) needed one, or for plugins without an access token exchange."
    accessToken: AccessTokenStatus
  }
`;

/**
 * Resolvers of `IntegrationRevision.accessToken`.
 *
 * @example
 * { typeDefs: accessTokenTypeDefs, resolvers: createAccessTokenResolvers(accessTokens) }
 */
export function createAccessTokenResolvers(tokens: Pick<AccessTokens, 'status'>): IResolvers {
  return {
    IntegrationRevision: {
      accessToken: guard(async (revision: { id: string }) => tokens.status(revision.id)),
    },
  };
}
