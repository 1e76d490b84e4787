import type { IResolvers } from 'mercurius';
import { guard } from '../admin/graphql-errors.ts';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { SignalError } from '../errors.ts';
import { checkPageSize } from '../services/page-size.ts';
import type { TrackingPlanService } from '../services/tracking-plans.ts';

export const trackingPlanTypeDefs = /* GraphQL */ `
  "A revision of a pipeline's tracking plan. An empty source: no plan from this revision on."
  type TrackingPlanRevision {
    id: ID!
    pipelineId: ID!
    version: Int!
    "The plan's YAML (see the README's Tracking plans)."
    source: String!
    note: String
    createdAt: String!
    "The planned track event names."
    eventNames: [String!]!
    "allow, flag or block: what happens to a track event the plan does not name (null: no plan)."
    unplanned: String
    "allow, flag or block: what happens to a planned event that does not fit (null: no plan)."
    violations: String
  }

  "A field of an event that does not fit the plan, and what was expected (never the value sent)."
  type TrackingPlanViolation {
    field: String!
    message: String!
  }

  "What the plan makes of one event: pass, flag (delivered with context.violations) or block (delivered to no integration)."
  type TrackingPlanVerdict {
    action: String!
    "unplanned or invalid; null when the event passes."
    kind: String
    violations: [TrackingPlanViolation!]!
  }

  "An event of the pipeline the checks found fault with."
  type TrackingPlanFinding {
    messageId: String!
    eventType: String!
    eventName: String
    kind: String!
    blocked: Boolean!
    planVersion: Int!
    violations: [TrackingPlanViolation!]!
    seenAt: String!
  }

  type TrackingPlanFieldCount {
    field: String!
    message: String!
    events: Int!
  }

  "Per event name and kind over a time window: how many events did not fit, how many were blocked, and the fields most often wrong (at most five)."
  type TrackingPlanSummary {
    eventType: String!
    eventName: String
    kind: String!
    events: Int!
    blocked: Int!
    lastSeenAt: String!
    fields: [TrackingPlanFieldCount!]!
  }

  extend type Query {
    "The pipeline's tracking plan (its latest revision; null before the first)."
    pipelineTrackingPlan(pipelineId: ID!): TrackingPlanRevision
    "Every revision of the pipeline's tracking plan, oldest first."
    trackingPlanHistory(pipelineId: ID!): [TrackingPlanRevision!]!
    "Checks events (canonical or as an SDK sends them: type, event, properties, traits) against a draft plan (source) or the pipeline's plan in force, storing nothing: for a site's tests, and to try a plan before setting it."
    checkTrackingPlan(pipelineId: ID, source: String, events: [JSON!]!): [TrackingPlanVerdict!]!
    "The latest events of the pipeline the checks found fault with, newest first (limit 1 to 500), optionally of one track event name."
    trackingPlanFindings(pipelineId: ID!, limit: Int = 50, eventName: String): [TrackingPlanFinding!]!
    "What the checks found over the last hours (1 to 720, default 24), per event name and kind, most events first."
    trackingPlanSummary(pipelineId: ID!, hours: Int = 24): [TrackingPlanSummary!]!
  }

  extend type Mutation {
    "Sets the pipeline's tracking plan: a new revision, checked first (errors give line and column). An empty source ends the plan. Worker nodes apply it within 5 s to the events they take in from then on."
    setPipelineTrackingPlan(pipelineId: ID!, source: String!, note: String): TrackingPlanRevision!
  }
`;

const EVENT_TYPES = new Set(['track', 'page', 'identify', 'screen', 'group', 'alias']);

/** The events of a check as the plan reads them, each refused naming its index when it cannot be read. */
function eventsToCheck(events: unknown[]): CanonicalEvent[] {
  if (events.length > 500) throw new SignalError('SIGNAL_VALIDATION_FAILED', `events may hold at most 500 events, got ${events.length}`, [{ field: 'events', message: 'at most 500' }]);
  return events.map((event, i) => {
    const field = `events[${i}]`;
    if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be an event object`, [{ field, message: 'must be an object' }]);
    const { type, event: name } = event as { type?: unknown; event?: unknown };
    if (typeof type !== 'string' || !EVENT_TYPES.has(type)) throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field}.type must be one of: ${[...EVENT_TYPES].join(', ')}`, [{ field: `${field}.type`, message: `must be one of: ${[...EVENT_TYPES].join(', ')}` }]);
    if (type === 'track' && typeof name !== 'string') throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field}.event is required for a track event`, [{ field: `${field}.event`, message: 'is required (a string)' }]);
    return { context: {}, ...(event as object) } as CanonicalEvent;
  });
}

/**
 * GraphQL resolvers of tracking plans.
 *
 * @example
 * buildAdminApp({ …, graphql: [{ typeDefs: trackingPlanTypeDefs, resolvers: createTrackingPlanResolvers(plans) }] });
 */
export function createTrackingPlanResolvers(plans: TrackingPlanService): IResolvers {
  return {
    Query: {
      pipelineTrackingPlan: guard(async (_: unknown, args: { pipelineId: string }) => plans.current(args.pipelineId)),
      trackingPlanHistory: guard(async (_: unknown, args: { pipelineId: string }) => plans.history(args.pipelineId)),
      checkTrackingPlan: guard(async (_: unknown, args: { pipelineId?: string | null; source?: string | null; events: unknown[] }) =>
        plans.check({ pipelineId: args.pipelineId ?? null, source: args.source ?? null }, eventsToCheck(args.events))),
      trackingPlanFindings: guard(async (_: unknown, args: { pipelineId: string; limit: number; eventName?: string | null }) => {
        checkPageSize(args.limit);
        return plans.findings(args.pipelineId, args.limit, args.eventName ?? null);
      }),
      trackingPlanSummary: guard(async (_: unknown, args: { pipelineId: string; hours: number }) => {
        if (!Number.isInteger(args.hours) || args.hours < 1 || args.hours > 720) {
          throw new SignalError('SIGNAL_VALIDATION_FAILED', `hours must be a whole number from 1 to 720, got ${args.hours}`, [{ field: 'hours', message: 'must be 1 to 720' }]);
        }
        return plans.summary(args.pipelineId, args.hours);
      }),
    },
    Mutation: {
      setPipelineTrackingPlan: guard(async (_: unknown, args: { pipelineId: string; source: string; note?: string | null }) => plans.set(args.pipelineId, args.source, args.note ?? null)),
    },
  } as IResolvers;
}
