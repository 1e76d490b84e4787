import type { IResolvers } from 'mercurius';
import { guard } from '../admin/graphql-errors.ts';
import type { PersonLookupService } from './person-lookup.ts';

export const personLookupTypeDefs = /* GraphQL */ `
  "Who an email address belongs to in a pipeline's stored events (one call's share of the scan)."
  type PersonLookup {
    "The address looked for, trimmed and lower-cased."
    email: String!
    "Stored events carrying the address (identify traits.email, context.traits.email, properties.email; any letter case), among those this call scanned."
    events: Float!
    "The userId and anonymousId pairs those events were sent with, the most recently seen first (at most 100): delete each person with deletePerson(pipelineId, userId, anonymousId)."
    people: [PersonIdsFound!]!
    "More pairs were found than people lists (an address many people typed: check before deleting)."
    morePeople: Boolean!
    "Stored events this call scanned."
    scanned: Float!
    "True once every stored event of the pipeline, up to the newest when the call began, was scanned; else call again with after: nextCursor."
    complete: Boolean!
    nextCursor: String
  }

  "A pair of ids stored events carrying the address were sent with."
  type PersonIdsFound {
    userId: String
    anonymousId: String
    events: Float!
    firstSeen: String!
    lastSeen: String!
  }

  extend type Query {
    "Finds the userIds and anonymousIds a pipeline's stored events carrying an email address were sent with, for a privacy request naming a person by email only (then deletePerson with those ids). Reads only; scans the stored events in slices for up to 10 s a call: when complete is false, call again with after: nextCursor."
    personIdsByEmail(pipelineId: ID!, email: String!, after: String): PersonLookup!
  }
`;

/**
 * GraphQL resolvers of the person lookup by email.
 *
 * @example
 * buildAdminApp({ …, graphql: [{ typeDefs: personLookupTypeDefs, resolvers: createPersonLookupResolvers(createPersonLookup({ pool })) }] });
 */
export function createPersonLookupResolvers(lookup: PersonLookupService): IResolvers {
  return {
    Query: {
      personIdsByEmail: guard(async (_: unknown, args: { pipelineId: string; email: string; after?: string | null }) => lookup.find(args.pipelineId, args.email, args.after)),
    },
  } as IResolvers;
}
