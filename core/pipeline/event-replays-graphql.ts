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
    "running, then done; or cancelled (cancelEventReplay), or stopped (the integration was disabled)."
    status: String!
    "Stored events of the range walked so far."
    scanned: Float!
    "Of those, queued for the integration; the rest were dropped by a transformation, turned off by the event's integrations object, or lacked consent."
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
    "Sends the pipeline's stored events received in [since, until) (ISO 8601; until: now) to one of its integrations again, through the pipeline's current transformations, the events' integrations objects, consent and the integration's current revision, without deduplication. Runs in the background, 1,000 events per transaction: follow it with eventReplay. Only events still stored (SIGNAL_EVENT_RETENTION_HOURS) can be replayed. A disabled integration is a 409."
    replayEvents(integrationId: ID!, since: String!, until: String): EventReplay!
    "Stops a running replay: it queues nothing more (what it queued is delivered)."
    cancelEventReplay(id: ID!): EventReplay!
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
    },
  } as IResolvers;
}
