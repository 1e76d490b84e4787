import type { IResolvers } from 'mercurius';
import { guard } from '../admin/graphql-errors.ts';
import type { EventReplays } from './event-replays.ts';

export const replayTypeDefs = /* GraphQL */ `
  "A replay of stored events to one pipeline integration, with its progress."
  type EventReplay {
    id: ID!
    integrationId: ID!
    since: String!
    until: String!
    "running, then done; or cancelled (cancelEventReplay), stopped (the integration was disabled) or failed (a slice failed every try); those three can be resumed (resumeEventReplay)."
    status: String!
    "Stored events of the range walked so far (repeats that deduplication held back aside)."
    scanned: Float!
    "Of those, queued for the integration; the rest were dropped by a transformation, turned off by the event's integrations object, lacked consent, or were blocked by the pipeline's tracking plan."
    queued: Float!
    "Why the replay ended before the end of its range."
    reason: String
    createdAt: String!
    finishedAt: String
  }

  extend type Query {
    "One event replay."
    eventReplay(id: ID!): EventReplay!
    "A pipeline integration's event replays, newest first (1 to 500)."
    eventReplays(integrationId: ID!, limit: Int = 20): [EventReplay!]!
  }

  extend type Mutation {
    "Sends the pipeline's stored events received in [since, until) to one of its integrations, through the pipeline's current transformations, the events' integrations objects, consent and the integration's current revision (repeats that deduplication held back stay back). ISO 8601 date-times, UTC when they carry no zone; until: when the integration was added to the pipeline (a backfill), never in the future. Runs in the background, 1,000 events per transaction: follow it with eventReplay. Only events still stored (SIGNAL_EVENT_RETENTION_HOURS) can be replayed. A disabled integration is a 409."
    replayEvents(integrationId: ID!, since: String!, until: String): EventReplay!
    "Stops a running replay: it queues nothing more (what it queued is delivered)."
    cancelEventReplay(id: ID!): EventReplay!
    "Goes on with a cancelled, stopped or failed replay from where it ended: nothing is sent twice, and nothing still stored is skipped (while a replay is not running, the retention prune may take the rest of its range). A disabled integration is a 409."
    resumeEventReplay(id: ID!): EventReplay!
  }
`;

/**
 * GraphQL resolvers of event replays.
 *
 * @example
 * buildAdminApp({ …, graphql: [{ typeDefs: replayTypeDefs, resolvers: createReplayResolvers(replays) }] });
 */
export function createReplayResolvers(replays: EventReplays): IResolvers {
  return {
    Query: {
      eventReplay: guard(async (_: unknown, args: { id: string }) => replays.get(args.id)),
      eventReplays: guard(async (_: unknown, args: { integrationId: string; limit: number }) => replays.list(args.integrationId, args.limit)),
    },
    Mutation: {
      replayEvents: guard(async (_: unknown, args: { integrationId: string; since: string; until?: string | null }) => replays.start(args.integrationId, args.since, args.until ?? undefined)),
      cancelEventReplay: guard(async (_: unknown, args: { id: string }) => replays.cancel(args.id)),
      resumeEventReplay: guard(async (_: unknown, args: { id: string }) => replays.resume(args.id)),
    },
  } as IResolvers;
}
