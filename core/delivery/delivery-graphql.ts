import type { IResolvers } from 'mercurius';
import { guard } from '../admin/graphql-errors.ts';
import { parseDeadLetterFilter, parseDeadLetterId, type DeadLetterFilter, type FilterCriteria } from './dead-letters.ts';
import type { DeliveryAdmin } from './delivery-admin.ts';
import type { EventTraceService } from './event-trace.ts';

export const deliveryTypeDefs = /* GraphQL */ `
  "Which dead letters an operation applies to. All conditions must hold; none given means all."
  input DeadLetterFilter {
    ids: [ID!]
    messageId: String
    "Case-insensitive part of the reason."
    reasonContains: String
    "ISO 8601 bounds on when the event was dead-lettered."
    since: String
    until: String
  }

  "An event that could not be delivered, kept 7 days."
  type DeadLetter {
    id: ID!
    pipelineIntegrationId: ID!
    revisionId: ID
    messageId: String!
    event: JSON!
    reason: String!
    attempts: Int!
    "The last request sent for it (secrets redacted)."
    lastRequest: JSON
    "The vendor's last answer: { status, body }."
    lastResponse: JSON
    createdAt: String!
  }

  type DeadLetterPage {
    items: [DeadLetter!]!
    total: Int!
    hasMore: Boolean!
    "Pass as 'after' for the next page."
    endCursor: ID
  }

  type ReplayResult {
    replayed: Int!
    "Dead letters whose consent no longer allows delivery: removed, not sent."
    skippedForConsent: Int!
    "Dead letters that matched when the replay began and are still there: those past \`limit\`, or all left when the integration was disabled meanwhile. 0 when everything was replayed."
    remaining: Int!
  }

  "Delivery counters of a pipeline integration."
  type IntegrationStats {
    pipelineIntegrationId: ID!
    delivered: Float!
    "Events waiting for another try."
    retrying: Float!
    retried: Float!
    deadLettered: Float!
    skippedConsent: Float!
    "Events whose \`integrations\` object (Segment's destination selection) turned this integration off."
    skippedRouting: Float!
    "Events not delivered because they repeated the messageId of one the pipeline had already fanned out within its deduplication window (an SDK's retry)."
    skippedDuplicate: Float!
    "Events of a person whose deletion was requested (deletePerson): held back at the pipeline stage or before a send."
    skippedSuppressed: Float!
    "Events the pipeline's tracking plan blocked (an unplanned or invalid event, as the plan says): delivered to no integration."
    skippedTrackingPlan: Float!
    "Delivered events the vendor's processing report (asked for later, for vendors that process after accepting) says it failed: they are in the delivery log's report entries."
    processingFailed: Float!
    "Events the mapping dropped on purpose (filters, drop defaults)."
    dropped: Float!
    requests: Float!
    failedRequests: Float!
    "delivered / (delivered + dead-lettered); null before any outcome."
    successRate: Float
    "Jobs waiting or running in the integration's queue (a job holds up to a few hundred events)."
    queueDepth: Int!
    "Events in those jobs: waiting, being delivered, or waiting for a retry."
    queuedEvents: Int!
    deadLetterCount: Int!
    lastError: String
    lastErrorAt: String
    "Partner enrichment (an integration whose plugin enriches, e.g. Amperity with the Profile API): events given the partner's attributes."
    enriched: Float!
    "Events looked up whose visitor no identity found, or that had none to look up by."
    enrichmentNotFound: Float!
    "Events whose partner lookup failed or met the partner paused after failures: they went on without its attributes."
    enrichmentFailed: Float!
    lastEnrichmentError: String
    lastEnrichmentErrorAt: String
    lastDeliveredAt: String
  }

  "One vendor exchange, as the live debugger shows it."
  type DeliveryExchange {
    id: ID!
    revisionId: ID
    eventIds: [String!]!
    attempt: Int!
    "The request as sent, secrets masked; null on the entry of events the mapping dropped (outcome 'dropped': no request was made)."
    request: JSON
    responseStatus: Int
    responseBody: String
    error: String
    "delivered, retry, dead_letter, declined (the vendor will never record them), dropped (the mapping sent nothing), split, next, report, or partial: 2 delivered, 1 retry, 0 dead_letter (, 2 sent again: refused only for other events of the request, and re-sent at once without them) (, 1 declined)."
    outcome: String!
    durationMs: Int!
    createdAt: String!
    "What the pipeline's transformations (as 'transformation: …', on an event's first try) and the mapping left out of this request, by event id (a phone a transformation could not hash; a blueprint row whose transform failed, e.g. a total of 1,299.00 that is not a number); null when nothing was."
    warnings: JSON
  }

  "A stored copy of a traced event."
  type TracedStoredEvent {
    "Its row in signal.events."
    id: ID!
    receivedAt: String!
    "Held back by deduplication as a repeat of an event already fanned out."
    duplicate: Boolean!
    "Handed to the pipeline stage (false: the ingest dispatcher has not reached it yet)."
    dispatched: Boolean!
  }

  "The pipeline's tracking plan's latest finding on a traced event."
  type TracedPlanFinding {
    "unplanned or invalid."
    kind: String!
    blocked: Boolean!
    planVersion: Int!
    seenAt: String!
  }

  type TracedDeadLetter {
    id: ID!
    reason: String!
    attempts: Int!
    createdAt: String!
  }

  "A delivery job that holds the traced event now."
  type TracedJob {
    "created (waiting, maybe for a retry's time), retry (pg-boss's own retry of a failed job) or active (being sent)."
    state: String!
    "The delivery's try."
    attempt: Int!
    "Not before then."
    startAfter: String!
  }

  "What became of a traced event for one of the pipeline's integrations."
  type IntegrationTrace {
    integrationId: ID!
    name: String!
    vendor: String!
    enabled: Boolean!
    "waiting (not yet through the pipeline stage), queued, delivering, retrying, delivered, dead_lettered, dropped (by the mapping, not queued because the integration never sends it, or declined by the vendor), not_sent (a repeat, the tracking plan, the event's integrations object, consent or a disabled integration), unknown."
    status: String!
    "Why, in words: the dead letter's reason, the drop's, the answer, what decided it would not be sent (routing and consent decided again now, on the event as stored)."
    reason: String!
    "The delivery log's exchanges that carried it, newest first (the log keeps the newest 1,000 of an integration)."
    exchanges: [DeliveryExchange!]!
    deadLetters: [TracedDeadLetter!]!
    jobs: [TracedJob!]!
  }

  "Where one event went: its stored copies, the tracking plan's finding, and each integration's part."
  type EventTrace {
    pipelineId: ID!
    messageId: String!
    "Copies stored in the hours searched, newest first (an event sent twice has two)."
    stored: [TracedStoredEvent!]!
    trackingPlan: TracedPlanFinding
    integrations: [IntegrationTrace!]!
  }

  extend type Query {
    "Where did this event go? Follows one messageId of a pipeline through what Signal keeps: stored copies received in the last hours (1 to 744, default 24), the tracking plan's finding, and for each of the pipeline's integrations the jobs holding it, the exchanges that carried it, its dead letters and a status with its reason. Reads only."
    eventTrace(pipelineId: ID!, messageId: String!, hours: Int = 24): EventTrace!
    "Dead letters of a pipeline integration, oldest first, 1 to 500 a page."
    deadLetters(integrationId: ID!, filter: DeadLetterFilter, first: Int = 50, after: ID): DeadLetterPage!
    "The dead letters as NDJSON, one per line, up to 10 MB (else a 400 SIGNAL_EXPORT_TOO_LARGE). Any size streams from GET /v1/admin/integrations/{id}/dead-letters/export."
    exportDeadLetters(integrationId: ID!, filter: DeadLetterFilter): String!
    integrationStats(integrationId: ID!): IntegrationStats!
    "The latest vendor exchanges of a pipeline integration, newest first."
    deliveryLog(integrationId: ID!, limit: Int = 50): [DeliveryExchange!]!
  }

  extend type Mutation {
    "Re-delivers dead letters through the integration's current revision (same event ids, consent re-checked), all that match unless \`limit\` is given, in transactions of 1,000. A disabled integration is a 409."
    replayDeadLetters(integrationId: ID!, ids: [ID!], filter: DeadLetterFilter, "At most this many dead letters (oldest first); the rest are counted in \`remaining\`." limit: Int): ReplayResult!
    "Deletes dead letters; returns how many."
    purgeDeadLetters(integrationId: ID!, ids: [ID!], filter: DeadLetterFilter): Int!
  }
`;

/** GraphQL's DeadLetterFilter input: the criteria as received. */
type FilterInput = FilterCriteria;

/** `ids` given beside the filter (replay, purge) take the place of `filter.ids`. */
function toFilter(input: FilterInput | null | undefined, ids?: string[] | null): DeadLetterFilter {
  return parseDeadLetterFilter({ ...input, ids: ids ?? input?.ids ?? null }, (key) => (key === 'ids' && ids ? 'ids' : `filter.${key}`));
}

/**
 * GraphQL resolvers of the delivery engine (dead letters, stats, delivery log, event traces).
 *
 * @example
 * buildAdminApp({ …, graphql: { typeDefs: deliveryTypeDefs, resolvers: createDeliveryResolvers(admin, createEventTrace({ pool, bossSchema, plugins })) } });
 */
export function createDeliveryResolvers(admin: DeliveryAdmin, trace: EventTraceService): IResolvers {
  return {
    Query: {
      eventTrace: guard(async (_: unknown, args: { pipelineId: string; messageId: string; hours: number }) => trace.find(args.pipelineId, args.messageId, args.hours)),
      deadLetters: guard(async (_: unknown, args: { integrationId: string; filter?: FilterInput; first: number; after?: string | null }) => {
        const page = await admin.list(args.integrationId, toFilter(args.filter), args.first, args.after ? parseDeadLetterId(args.after, 'after') : undefined);
        return { ...page, endCursor: page.items.at(-1)?.id ?? null };
      }),
      exportDeadLetters: guard(async (_: unknown, args: { integrationId: string; filter?: FilterInput }) => admin.exportNdjson(args.integrationId, toFilter(args.filter))),
      integrationStats: guard(async (_: unknown, args: { integrationId: string }) => admin.health(args.integrationId)),
      deliveryLog: guard(async (_: unknown, args: { integrationId: string; limit: number }) => admin.recentExchanges(args.integrationId, args.limit)),
    },
    Mutation: {
      replayDeadLetters: guard(async (_: unknown, args: { integrationId: string; ids?: string[] | null; filter?: FilterInput; limit?: number | null }) =>
        admin.replay(args.integrationId, toFilter(args.filter, args.ids), args.limit ?? undefined)),
      purgeDeadLetters: guard(async (_: unknown, args: { integrationId: string; ids?: string[] | null; filter?: FilterInput }) =>
        admin.purge(args.integrationId, toFilter(args.filter, args.ids))),
    },
  } as IResolvers;
}
