// What Kafka REST's answers mean for the events. A 200 carries one delivery report per record,
// in the order sent (see delivery-reports.ts): each record settles by its own report — appended,
// sent again alone (a rate limit, a passing Kafka error, a report that did not come), or
// dead-lettered saying what to fix (a record too large for the topic, a missing topic, refused
// credentials or ACLs) — never the whole request for one record. Another status refuses the
// request as a whole, with one error object.
import { excerpt, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { clusterIdOf, recordsPerRequestOf, topicOf } from './config.ts';
import { errorOf, readReports, statusOfCode, type DeliveryReport } from './delivery-reports.ts';

const REPLAY = 'then replay the dead letters';

/** `HTTP 404 40403: This server does not host this topic-partition.` — what an answer said. */
function said(status: number, report: DeliveryReport): string {
  const words = [report.errorCode !== undefined && report.errorCode !== status ? String(report.errorCode) : '', excerpt(report.message, 240)].filter((part) => part !== '').join(': ');
  return words === '' ? `HTTP ${status}` : `HTTP ${status} ${words}`;
}

/** The retry of a rate-limited answer, after its Retry-After when it gives one. */
function throttledRetry(reason: string, response?: VendorResponse): EventOutcome {
  const retryAfterMs = response === undefined ? undefined : parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, throttled: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** The topic as messages name it: `topic signal-events of cluster lkc-abc123`. */
const topicWords = (config: Record<string, JsonValue>) => `topic ${topicOf(config)} of cluster ${clusterIdOf(config)}`;

/** A refusal that is the config's, whatever the record: credentials, ACLs, a topic not found. */
function configOutcome(status: number, report: DeliveryReport, words: string, config: Record<string, JsonValue>): EventOutcome | undefined {
  if (status === 401) {
    return { status: 'dead_letter', reason: `Kafka REST refused the credentials (${words}): check config.api_key and config.api_secret (Confluent Cloud: a Kafka API key of cluster ${clusterIdOf(config)}, not a Cloud API key; a REST Proxy: its user and password), ${REPLAY}` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Kafka REST denied the write (${words}): allow the principal of config.api_key to WRITE to the ${topicWords(config)} (an ACL, or the DeveloperWrite role), ${REPLAY}` };
  }
  if (status === 404) {
    const topic = report.errorCode === 40401 || report.errorCode === 40403 || /topic|partition/i.test(report.message);
    return {
      status: 'dead_letter',
      reason: topic
        ? `Kafka has no ${topicWords(config)} (${words}): create the topic, or check config.topic, ${REPLAY}`
        : `Kafka REST found no such cluster or API (${words}): check config.rest_endpoint (Confluent Cloud's REST endpoint, or the REST Proxy's URL) and config.cluster_id, ${REPLAY}`,
    };
  }
  return undefined;
}

/**
 * What one delivery report means for its record: undefined when it was appended.
 *
 * @example
 * reportOutcome({ errorCode: 42901, message: 'Throttling quota exceeded' }, config);
 * // { status: 'retry', reason: 'Kafka REST refused the record for its rate limit (HTTP 429 42901: Throttling quota exceeded); sent again later', throttled: true }
 */
export function reportOutcome(report: DeliveryReport, config: Record<string, JsonValue>): EventOutcome | undefined {
  if (report.errorCode === undefined) return { status: 'retry', reason: `Kafka REST's report for this record has no error_code (${excerpt(report.message, 200) || 'nothing said'}): whether it was appended is unknown, so it is sent again` };
  const status = statusOfCode(report.errorCode);
  if (status >= 200 && status < 300) return undefined;
  const words = said(status, report);
  if (status === 429) return throttledRetry(`Kafka REST refused the record for its rate limit (${words}); sent again later`);
  if (status === 408 || status >= 500) return { status: 'retry', reason: `Kafka did not append the record (${words}); sent again` };
  if (status === 413) {
    return { status: 'dead_letter', reason: `the record is larger than the ${topicWords(config)} takes (${words}): leave its largest properties out with a pipeline transformation or the blueprint, or raise the topic's max.message.bytes, ${REPLAY}` };
  }
  return configOutcome(status, report, words, config)
    ?? { status: 'dead_letter', reason: `Kafka REST refused the record (${words}): the topic's policy or a REST Proxy setting refuses it; check the ${topicWords(config)}, ${REPLAY}` };
}

/** A 2xx: each record's report, by position; the records whose report did not come are sent again. */
function classifyReports(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const reports = readReports(response.body);
  if (reports === undefined || reports.length === 0) {
    // Not Kafka REST's answer (a proxy's page, a captive portal): nothing says the records were
    // appended, so they are sent again (a consumer sees a copy at worst).
    return { status: 'retry', reason: `HTTP ${response.status} with ${response.body.trim() === '' ? 'an empty body' : `no delivery report (${excerpt(response.body.replace(/<[^>]*>/g, ' '), 120)})`}: not Kafka REST's answer (a proxy in the way? check config.rest_endpoint), so the records are sent again` };
  }
  const count = request.eventIds.length;
  if (reports.length > count) {
    return { status: 'retry', reason: `Kafka REST answered ${reports.length} delivery reports for a request of ${count} records: which were appended is unknown, so the request is sent again` };
  }
  const perEvent: Record<string, EventOutcome> = {};
  reports.forEach((report, index) => {
    const outcome = reportOutcome(report, config);
    if (outcome !== undefined) perEvent[request.eventIds[index]!] = outcome;
  });
  if (reports.length < count) {
    // The stream ended early (a REST endpoint taking one record a request, a connection closed,
    // an answer longer than the core reads): the rest are sent again.
    const hint = reports.length === 1 && recordsPerRequestOf(config) > 1 ? '; if this lasts, the endpoint may take one record a request: set config.records_per_request to 1' : '';
    for (const id of request.eventIds.slice(reports.length)) {
      perEvent[id] = { status: 'retry', reason: `Kafka REST's answer ended after ${reports.length} of ${count} delivery reports, before this record's: sent again${hint}` };
    }
  }
  return Object.keys(perEvent).length === 0 ? { status: 'delivered' } : { perEvent };
}

/**
 * Kafka REST's answer to a Produce Records request:
 * - 2xx: per record, by its delivery report — appended (error_code 200); 429 / 42901 / 429xxx
 *   sent again alone as a rate limit; 408 and 5xx (50002, 50003, 50302) sent again alone; 413
 *   (larger than the topic's max.message.bytes) dead-lettered; 401, 403, 404 dead-lettered
 *   naming the config field; other 4xx dead-lettered with Kafka's message. Records without a
 *   report are sent again; a 2xx that is no Kafka REST answer is retried;
 * - 429: retried as a rate limit, after Retry-After when given;
 * - 5xx, 408: retried;
 * - 413 and 422 of several records, and Kafka REST's own 400 (its error object): sent again in
 *   halves (one record may be the cause); of one record: dead-lettered saying so;
 * - 401, 403, 404: dead-lettered naming the config fields to fix; other 4xx dead-lettered with
 *   Kafka REST's words.
 *
 * @example
 * classifyProduce({ status: 200, headers: {}, body: '{"error_code":200,"offset":41}\n{"error_code":50003,"message":"NOT_ENOUGH_REPLICAS"}' }, { method: 'POST', url, eventIds: ['m-1', 'm-2'] }, config);
 * // { perEvent: { 'm-2': { status: 'retry', reason: 'Kafka did not append the record (HTTP 500 50003: NOT_ENOUGH_REPLICAS); sent again' } } }
 */
export function classifyProduce(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return classifyReports(response, request, config);
  const error = errorOf(response.body);
  const words = said(status, error);
  const several = request.eventIds.length > 1;
  if (status === 429) return throttledRetry(`Kafka REST's rate limit was reached (${words}); sent again later`, response);
  if (status === 408 || status >= 500) return { status: 'retry', reason: `Kafka REST failed (${words})` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `Kafka REST refused the request as too large (${words}): sending it in halves` };
    return { status: 'dead_letter', reason: `Kafka REST refused this record alone as too large (${words}): leave its largest properties out with a pipeline transformation or the blueprint, or raise the REST Proxy's or the topic's limit, ${REPLAY}` };
  }
  if (status === 422) {
    if (several) return { status: 'split', reason: `Kafka REST refused the request (${words}); one record may be the cause: sending it in halves` };
    return { status: 'dead_letter', reason: `Kafka REST refused this record (${words}): check its key and value, ${REPLAY}` };
  }
  if (status === 400 && error.errorCode !== undefined) {
    // Kafka REST's own 400 names no record ("an unexpected request body format or other forms of
    // request validation failure"): one record may be the cause, or an endpoint reading one
    // record a request — halves find out instead of refusing every record of the request.
    if (several) return { status: 'split', reason: `Kafka REST refused the request (${words}); one record may be the cause: sending it in halves` };
    return { status: 'dead_letter', reason: `Kafka REST refused this record (${words}): fix what its message names (the record's value, through the blueprint, or config.topic), ${REPLAY}` };
  }
  const refusal = configOutcome(status, error, words, config);
  if (refusal !== undefined) return refusal;
  if (status === 415) return { status: 'dead_letter', reason: `Kafka REST refused the request's content type (${words}): something between Signal and config.rest_endpoint changed it, or the endpoint is no Kafka REST v3 API; ${REPLAY}` };
  const hint = several ? '; if the endpoint takes one record a request, set config.records_per_request to 1' : '';
  return { status: 'dead_letter', reason: `Kafka REST refused the request (${words}): check config.rest_endpoint, config.cluster_id and config.topic${hint}, ${REPLAY}` };
}
