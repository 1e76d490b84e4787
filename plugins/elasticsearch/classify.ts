// The cluster's answer to a bulk request. The bulk API runs each action on its own: a 200 whose
// `errors` is true still indexed every item whose own `status` is 2xx, so outcomes are read per
// item, in the order of the request's actions (`items[i]` is `eventIds[i]`). A `create` refused
// with 409 (version_conflict_engine_exception) found the document's `_id` already there: this
// event was indexed by an earlier try whose answer was lost, so it is delivered. A 429 item
// (es_rejected_execution_exception: the write thread pool's queue is full) is the cluster asking
// Signal to slow down. A document the mapping cannot take (mapper_parsing_exception, named
// document_parsing_exception since 8.x) is that event's own problem: dead-lettered naming the
// field, the others indexed.
import { defaultClassify, isJsonObject, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { credentialFields, indexPatternOf } from './config.ts';
import { answerError, errorWords, isWebPage, readError, said, type ElasticError } from './elastic-error.ts';

type Config = Record<string, JsonValue>;


/** Error types of a document the index's mapping cannot take: that event's alone. */
const DOCUMENT_REFUSED = new Set(['mapper_parsing_exception', 'document_parsing_exception', 'strict_dynamic_mapping_exception', 'illegal_argument_exception', 'x_content_parse_exception']);
/** Error types of a request body the cluster could not read, which one document's line may cause: found by splitting. */
const BODY_UNREADABLE = new Set(['x_content_parse_exception', 'json_parse_exception', 'parse_exception', 'mapper_parsing_exception', 'document_parsing_exception', 'not_x_content_exception']);

/**
 * The field a refusal names: `failed to parse field [properties.price] of type [float]`,
 * `dynamic introduction of [colour] within [properties] is not allowed`,
 * `object mapping for [properties.size] tried to parse field [size] as object`.
 *
 * @example
 * refusedField({ type: 'document_parsing_exception', reason: "[1:80] failed to parse field [properties.price] of type [float] in document with id 'x'" }); // 'properties.price'
 */
export function refusedField(error: ElasticError): string | undefined {
  const within = /introduction of \[([^\]]+)\] within \[([^\]]+)\]/.exec(error.reason);
  if (within) return within[2] === '_doc' ? within[1] : `${within[2]}.${within[1]}`;
  return (/failed to parse field \[([^\]]+)\]/.exec(error.reason) ?? /(?:object mapping for|field) \[([^\]]+)\]/.exec(error.reason))?.[1];
}

/** A retry after the answer's Retry-After, when it gives one. */
function retry(response: VendorResponse, reason: string, throttled = false): EventOutcome {
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, ...(throttled ? { throttled: true } : {}), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** The outcome of a refusal Elasticsearch made about the index or the credential (for an item or the whole request), or undefined. */
function configRefusal(error: ElasticError, answered: string, config: Config): EventOutcome | undefined {
  const index = indexPatternOf(config);
  switch (error.type) {
    case 'index_not_found_exception':
      return { status: 'dead_letter', reason: `the index does not exist and the cluster did not create it (${answered}): check config.index (${index}), or create the index, data stream or index template — or let action.auto_create_index create names like it; then replay the dead letters` };
    case 'index_closed_exception':
      return { status: 'dead_letter', reason: `the index is closed (${answered}): open it (POST /<index>/_open), or check config.index (${index}); then replay the dead letters` };
    case 'invalid_index_name_exception':
      return { status: 'dead_letter', reason: `Elasticsearch refused the index name (${answered}): fix config.index (${index}), then replay the dead letters` };
    case 'security_exception':
      return { status: 'dead_letter', reason: `Elasticsearch denied the write (${answered}): give the key or user of ${credentialFields(config)} the create_doc and auto_configure privileges on ${index.replace(/\{[^}]*\}/g, '*')} (see the plugin README), then replay the dead letters` };
    case 'cluster_block_exception':
      // A block passes: flood-stage disk watermark (read-only until disk is freed), a cluster recovering.
      return { status: 'retry', reason: `the index is blocked for writes (${answered}): a disk over the flood-stage watermark, or an index made read-only — free disk space or lift the block` };
    default:
      return undefined;
  }
}

/** One bulk item's outcome: its status, and its error when it has one. */
function itemOutcome(item: unknown, response: VendorResponse, config: Config): EventOutcome {
  // Each item holds one key, the action's name (create here).
  const result = isJsonObject(item) ? Object.values(item)[0] : undefined;
  if (!isJsonObject(result) || typeof result.status !== 'number') return { status: 'retry', reason: `the bulk answer's item for this event has no status (HTTP ${response.status}): sent again (create makes a re-send safe)` };
  const status = result.status;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  // create found the _id there: indexed by an earlier try.
  if (status === 409) return { status: 'delivered' };
  const error = readError(result.error) ?? { type: '', reason: `status ${status}` };
  const answered = `item status ${status}, ${errorWords(error)}`;
  if (status === 429) return retry(response, `Elasticsearch rejected the document for now (${answered}): the cluster cannot keep up with the indexing rate`, true);
  const refusal = configRefusal(error, answered, config);
  if (refusal !== undefined) return refusal;
  if (status === 408 || status >= 500) return retry(response, `Elasticsearch could not index the document for now (${answered})`);
  if (/Limit of total fields \[\d+\]/.test(error.reason) || /Limit of total fields/.test(error.cause?.reason ?? '')) {
    return { status: 'dead_letter', reason: `the index has no room for this document's new fields (${answered}): map properties, traits and context as flattened (OpenSearch: flat_object) in the index template, see the plugin README, or raise index.mapping.total_fields.limit; then replay the dead letter` };
  }
  if (/no write index is defined for alias/.test(error.reason)) {
    return { status: 'dead_letter', reason: `Elasticsearch refused the document (${answered}): config.index names an alias without a write index — name the index or data stream, or set is_write_index on one of the alias's indices; then replay the dead letter` };
  }
  if (DOCUMENT_REFUSED.has(error.type)) {
    const field = refusedField(error);
    const where = field === undefined ? 'a value does not fit the index\'s mapping' : `the value of ${field} does not fit the index's mapping of it`;
    return { status: 'dead_letter', reason: `Elasticsearch refused the document (${answered}): ${where} — fix what the blueprint maps there, or the mapping in the index template (see the plugin README), then replay the dead letter` };
  }
  return { status: 'dead_letter', reason: `Elasticsearch refused the document (${answered}): check config.index and the index's mapping, then replay the dead letter` };
}

/** Per-event outcomes of an accepted bulk request, from its `items`. */
function itemOutcomes(response: VendorResponse, request: RequestDescriptor, config: Config): Classification {
  const json = response.json;
  const items = isJsonObject(json) ? json.items : undefined;
  if (!isJsonObject(json) || !Array.isArray(items) || typeof json.errors !== 'boolean') {
    const what = isWebPage(response) ? 'a web page' : 'not the bulk API\'s answer (took, errors, items)';
    return { status: 'retry', reason: `the answer to the bulk request is ${what} (${said(response)}): check that config.url is the cluster's Elasticsearch endpoint, not Kibana's or a proxy's` };
  }
  if (items.length !== request.eventIds.length) {
    return { status: 'retry', reason: `the bulk answer has ${items.length} items for ${request.eventIds.length} documents: sent again (create makes a re-send safe)` };
  }
  if (json.errors === false) return { status: 'delivered' };
  const perEvent: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, i) => {
    perEvent[id] = itemOutcome(items[i], response, config);
  });
  return { perEvent };
}

/** A refusal for the request's size: sent again in halves, the event dead-lettered when alone. */
function tooLarge(request: RequestDescriptor, answered: string): Classification {
  if (request.eventIds.length > 1) return { status: 'split', reason: `the cluster refused the bulk request as too large (${answered}, over http.max_content_length): sending it in halves` };
  return { status: 'dead_letter', reason: `the cluster refused this document alone as too large (${answered}): leave its largest properties out with a pipeline transformation or the blueprint's exclude (or raise http.max_content_length), then replay` };
}

/**
 * The cluster's answer to a bulk request:
 * - 2xx with the bulk API's answer: per item — 2xx and 409 (already indexed) delivered; 429
 *   retried as a rate limit (no try used up, the integration slowed down); 5xx, 408 and
 *   cluster_block_exception (flood-stage disk) retried; a document the mapping refuses
 *   dead-lettered naming the field; a missing index, a refused index name or a denied privilege
 *   dead-lettered naming config.index or the credential; a 2xx that is not the bulk API's answer
 *   (a proxy's page, Kibana's) retried, saying to check config.url;
 * - 413: split in halves, one document alone dead-lettered;
 * - 429 (circuit_breaking_exception, a proxy's rate limit): retried after Retry-After;
 * - 401: dead-lettered naming the credential's config fields; 403: naming the privileges;
 * - 404: dead-lettered naming config.url;
 * - 400 for a body the cluster could not read: split when several events (one document's line),
 *   dead-lettered alone; another 400 dead-lettered with Elasticsearch's words;
 * - 408, 5xx (503 unavailable_shards_exception, a cluster electing a master): retried.
 *
 * @example
 * classifyBulk({ status: 200, headers: {}, body: '…', json: { took: 3, errors: true, items: [{ create: { status: 201 } }, { create: { status: 409, error: { type: 'version_conflict_engine_exception', reason: '…' } } }] } }, request, ctx);
 * // { perEvent: { 'm-1': { status: 'delivered' }, 'm-2': { status: 'delivered' } } }
 */
export function classifyBulk(response: VendorResponse, request: RequestDescriptor, ctx: { config: Config }): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return itemOutcomes(response, request, ctx.config);
  const answered = said(response);
  const error = answerError(response);
  if (status === 413) return tooLarge(request, answered);
  if (status === 429) return retry(response, `Elasticsearch asked Signal to slow down (${answered})`);
  if (status === 401) {
    return { status: 'dead_letter', reason: `the cluster refused the credential (${answered}): check ${credentialFields(ctx.config)} (an API key revoked or expired needs a new one in a new revision), then replay the dead letters` };
  }
  const refusal = error === undefined ? undefined : configRefusal(error, answered, ctx.config);
  if (refusal !== undefined && (status >= 400 && status < 500)) return refusal;
  if (status === 403) {
    return { status: 'dead_letter', reason: `the cluster denied the bulk request (${answered}): give the key or user of ${credentialFields(ctx.config)} the create_doc and auto_configure privileges on the index (see the plugin README); Amazon OpenSearch Service: map it to a role with those, or allow it in the domain's access policy; then replay the dead letters` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `the bulk API was not found there (${answered}): check that config.url is the cluster's Elasticsearch endpoint (not Kibana's), with the path of a proxy that serves it under one; then replay the dead letters` };
  }
  if (status === 400 && error !== undefined && BODY_UNREADABLE.has(error.type)) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `the cluster could not read the bulk request (${answered}): sending the events again in halves to find the document` };
    return { status: 'dead_letter', reason: `the cluster could not read this document (${answered}): check what the blueprint maps, then replay the dead letter` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  if (fallback.status === 'retry') return { ...fallback, reason: `Elasticsearch failed for now (${answered})` };
  return { status: 'dead_letter', reason: `the cluster refused the bulk request (${answered}): check config.url and config.index, then replay the dead letters` };
}
