-- signal:no-transaction
-- A pipeline's identify calls, found without a scan: whether a pipeline has sent any decides
-- whether its fan-outs look for remembered traits (remembered-traits.ts), so an identify and
-- the event right after it, fanned out at the same moment, find each other from the very first
-- one. Built CONCURRENTLY, outside a transaction: collect goes on writing events during an
-- upgrade. An interrupted build leaves an invalid index; this migration was then not recorded,
-- and the next start drops it and builds it again.
DROP INDEX CONCURRENTLY IF EXISTS signal.events_identify;
CREATE INDEX CONCURRENTLY events_identify ON signal.events (pipeline_id, id) WHERE type = 'identify';
