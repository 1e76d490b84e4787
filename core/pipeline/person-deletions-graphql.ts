import type { IResolvers } from 'mercurius';
import { guard } from '../admin/graphql-errors.ts';
import type { PersonDeletions } from './person-deletions.ts';

export const personDeletionTypeDefs = /* GraphQL */ `
  "A request to delete a person's data in a pipeline (a privacy request), with its progress."
  type PersonDeletion {
    id: ID!
    pipelineId: ID!
    "The ids as given, while the deletion runs; null once it is done (Signal keeps no clear id of the person)."
    userId: String
    anonymousId: String
    "Which ids the request named (kept after it is done)."
    byUserId: Boolean!
    byAnonymousId: Boolean!
    "Whether the person's later events are held back too, until unsuppressPerson."
    suppress: Boolean!
    "running, then done; or failed (a step failed every try: retryPersonDeletion)."
    status: String!
    "events (stored events walked), queued (delivery jobs scrubbed, once the deliveries already running are over), dead_letters, delivery_log, vendors (deletion requests to vendors whose plugin forwards them), then done."
    step: String!
    "Stored events deleted."
    events: Float!
    deadLetters: Float!
    deliveryLogEntries: Float!
    "Their events taken out of delivery jobs still waiting (transformed events and retries travel in their jobs; counted as skippedSuppressed too). Copies pg-boss keeps of jobs that ran are erased too, uncounted."
    queuedEvents: Float!
    "Entries of remembered identify traits erased: the named ids' at once, and those under the _dfdid cookies of events matched by the id their SDK sent at the end."
    traits: Int!
    "Email addresses found for the person (in their remembered identify traits and the traits of the events deleted, at most 20): passed to the plugins that forward deletions, for vendors that know people by email only (ActiveCampaign, Mailchimp, SendGrid…). Not shown, and forgotten once the deletion is done."
    emailsFound: Int!
    "The vendors of the pipeline's integrations: asked to delete the person too once nothing of theirs was on its way to them (step vendors), or skipped with why. done means Signal's own data is erased: check here for a vendor that failed."
    vendors: [PersonDeletionVendor!]!
    "Why it failed."
    reason: String
    createdAt: String!
    finishedAt: String
  }

  "A vendor of the pipeline's integrations, and whether it was asked to delete the person too (its plugin forwards deletions and the integration's config turns it on) or why not."
  type PersonDeletionVendor {
    integrationId: ID!
    vendor: String!
    "The integration's name."
    name: String!
    "pending (tried again later), sent (the vendor accepted it), skipped (no request can be made for the ids named, with why), failed (refused, or its tries used up)."
    status: String!
    attempts: Int!
    responseStatus: Int
    "The vendor's answer, the failure or why it was skipped, without the person's ids."
    message: String
    "When it is tried again (pending only)."
    nextAttemptAt: String
    updatedAt: String!
  }

  extend type Query {
    "One person deletion."
    personDeletion(id: ID!): PersonDeletion!
    "A pipeline's person deletions, newest first (1 to 500)."
    personDeletions(pipelineId: ID!, limit: Int = 20): [PersonDeletion!]!
  }

  extend type Mutation {
    "Deletes a person's data in a pipeline, named by userId, anonymousId (the _dfdid visitor id or the one the site's SDK sent) or both (name both: a userId alone misses the events sent before login): at once their remembered identify traits and what pages can read of partner profiles; their events still on their way are held back from delivery (within 2 s on every worker); then, in the background, their stored events, dead letters and delivery-log entries are deleted and their events taken out of waiting delivery jobs. suppress: true holds back their later events too (not delivered, not kept) until unsuppressPerson. Follow it with personDeletion. Vendors keep what they received: use each vendor's own deletion tools."
    deletePerson(pipelineId: ID!, userId: String, anonymousId: String, suppress: Boolean = false): PersonDeletion!
    "Lets the later events of a person suppressed by deletePerson through again; returns how many of the ids named were suppressed. What was deleted stays deleted."
    unsuppressPerson(pipelineId: ID!, userId: String, anonymousId: String): Int!
    "Runs a failed person deletion again from where it stopped."
    retryPersonDeletion(id: ID!): PersonDeletion!
  }
`;

/**
 * GraphQL resolvers of person deletions.
 *
 * @example
 * buildAdminApp({ …, graphql: [{ typeDefs: personDeletionTypeDefs, resolvers: createPersonDeletionResolvers(deletions) }] });
 */
export function createPersonDeletionResolvers(deletions: PersonDeletions): IResolvers {
  type PersonArgs = { pipelineId: string; userId?: string | null; anonymousId?: string | null };
  return {
    Query: {
      personDeletion: guard(async (_: unknown, args: { id: string }) => deletions.get(args.id)),
      personDeletions: guard(async (_: unknown, args: { pipelineId: string; limit: number }) => deletions.list(args.pipelineId, args.limit)),
    },
    Mutation: {
      deletePerson: guard(async (_: unknown, args: PersonArgs & { suppress?: boolean | null }) =>
        deletions.request(args.pipelineId, { userId: args.userId ?? null, anonymousId: args.anonymousId ?? null }, { suppress: args.suppress === true })),
      unsuppressPerson: guard(async (_: unknown, args: PersonArgs) => deletions.unsuppress(args.pipelineId, { userId: args.userId ?? null, anonymousId: args.anonymousId ?? null })),
      retryPersonDeletion: guard(async (_: unknown, args: { id: string }) => deletions.retry(args.id)),
    },
  } as IResolvers;
}
