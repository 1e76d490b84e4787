// HEC's answer to an event request. HEC answers the request as a whole, with a status code of
// its own beside the HTTP status (Splunk's "Possible error codes" table): 0 Success; 1 token
// disabled, 2 token required, 3 invalid authorization, 4 invalid token (and 21 invalid token,
// 22 token disabled, which newer Splunk versions answer with a 400) — the token's problem,
// dead-lettered naming config.token; 5 no data — the body did not arrive as sent (a proxy), naming
// config.url and config.gzip; 6 invalid data format, 12 event field required, 13 event
// field blank, 15 error in handling indexed fields — one event's, named by
// `invalid-event-number`, dead-lettered alone while the request's other events are sent again;
// 7 incorrect index — config.index; 10 data channel missing, 11 invalid data channel, 14 ACK
// disabled — indexer acknowledgment set differently here and on the token; 8 internal error
// retried; 9 server busy and 18–20 unhealthy (503, HEC's queues full) retried as a rate limit.
// A 2xx that is not HEC's `{"text":"Success","code":0}` (a proxy's or Splunk Web's page) is
// retried, saying to check config.url.
import { configText, defaultClassify, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { hecAnswer, isWebPage, said } from './hec-answer.ts';

type Config = Record<string, JsonValue>;

/** Codes HEC answers about one event of the request, which `invalid-event-number` names. */
const EVENT_CODES = new Set([6, 12, 13, 15]);
/** Codes of an HEC whose queues are full: Splunk asks its clients to slow down and send again. */
const BUSY_CODES = new Set([9, 18, 20]);

/** A retry after the answer's Retry-After, when it gives one. */
function retry(response: VendorResponse, reason: string, throttled = false): EventOutcome {
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, ...(throttled ? { throttled: true } : {}), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** HEC's token codes: 1–4, and 21 (invalid token) and 22 (token disabled), their 400 forms. */
const TOKEN_CODES = new Set([1, 2, 3, 4, 21, 22]);

/** Where the token is refused, what to fix. */
function tokenRefusal(code: number, answered: string): string {
  switch (code) {
    case 22:
    case 1: return `HEC refused the token (${answered}): the token is disabled — enable it in Splunk (Settings > Data Inputs > HTTP Event Collector, the token's Enable), or give an enabled one in config.token; then replay the dead letters`;
    case 2: return `HEC received no token (${answered}): Signal sends config.token as Authorization: Splunk <token> — a proxy in front of HEC may drop the header; check config.url, then replay the dead letters`;
    case 3: return `HEC could not read the token (${answered}): check config.token — the Token Value alone, a GUID — then replay the dead letters`;
    default: return `HEC does not know the token (${answered}): check config.token (the Token Value shown in Settings > Data Inputs > HTTP Event Collector, of a token not deleted) and that config.url is the same Splunk deployment's HEC; then replay the dead letters`;
  }
}

/** What one event's refusal means, naming what to fix. */
function eventRefusal(code: number, answered: string): string {
  // Splunk answers 15 for the indexed fields and for a `time` it cannot read as a number.
  if (code === 15) return `HEC refused this event's indexed fields or time (${answered}): check config.indexed_fields (or send none with an empty list) and what the blueprint maps to timestamp, then replay the dead letter`;
  if (code === 12 || code === 13) return `HEC found this event empty (${answered}): check what the blueprint maps (the event record needs at least message_id and type), then replay the dead letter`;
  return `HEC could not read this event (${answered}): check what the blueprint maps to it (a time Splunk cannot read, a value it refuses), then replay the dead letter`;
}

/** A refusal for the request's size: sent again in halves, the event dead-lettered when alone. */
function tooLarge(request: RequestDescriptor, answered: string): Classification {
  if (request.eventIds.length > 1) return { status: 'split', reason: `HEC refused the request as too large (${answered}, over max_content_length): sending it in halves` };
  return { status: 'dead_letter', reason: `HEC refused this event alone as too large (${answered}): leave its largest properties out with a pipeline transformation or the blueprint's exclude (or raise max_content_length in limits.conf [http_input] on Splunk Enterprise), then replay` };
}

/**
 * One event of the request refused (HEC's `invalid-event-number`): that event dead-lettered
 * with the reason, the others sent again — HEC stops at the event it cannot read, and does not
 * say whether the ones before it were indexed, so they are re-sent rather than risked (see the
 * README: a search can drop a repeat by its message_id).
 */
function oneEventRefused(request: RequestDescriptor, place: number, reason: string): Classification {
  const refused = request.eventIds[place];
  if (request.eventIds.length === 1) return { status: 'dead_letter', reason };
  // A number past the request's events names none of them: halves find the event instead.
  if (refused === undefined) return { status: 'split', reason: `HEC refused event ${place} of a request of ${request.eventIds.length} events: sending them again in halves to find it` };
  const perEvent: Record<string, EventOutcome> = {};
  for (const id of request.eventIds) {
    perEvent[id] = id === refused ? { status: 'dead_letter', reason } : { status: 'resend', reason: `sent again: HEC refused another event of the request (event ${place}) and stopped there` };
  }
  return { perEvent };
}

/**
 * HEC's answer to an event request (see the file's comment):
 * - 2xx with code 0: delivered (with indexer acknowledgment on, the ackId is followed up by the
 *   processing report); another 2xx retried, naming config.url;
 * - codes 1–4 (401/403), 21, 22 (their 400 forms): dead-lettered naming config.token;
 * - code 5 (no data): dead-lettered naming config.url and config.gzip;
 * - codes 6, 12, 13, 15 (400): the event `invalid-event-number` names dead-lettered alone, the
 *   others sent again; without a number, split until the event is alone;
 * - code 7: dead-lettered naming config.index; codes 10, 11, 14: naming config.indexer_acknowledgment;
 * - 413: split in halves, one event alone dead-lettered;
 * - 429, codes 9, 18, 20 (503: queues full): retried as a rate limit, after Retry-After;
 * - 408, 5xx, code 8: retried;
 * - 404: dead-lettered naming config.url; another 4xx dead-lettered with HEC's words.
 *
 * @example
 * classifyHec({ status: 400, headers: {}, body: '…', json: { text: 'Incorrect index', code: 7 } }, request, ctx);
 * // { status: 'dead_letter', reason: 'HEC refused the index (HTTP 400, code 7: Incorrect index): config.index (web_events) must exist and be one of the token\'s Allowed Indexes …' }
 */
export function classifyHec(response: VendorResponse, request: RequestDescriptor, ctx: { config: Config }): Classification {
  const { status } = response;
  const answer = hecAnswer(response);
  const answered = said(response);
  if (status >= 200 && status < 300) {
    if (answer?.code === 0) return { status: 'delivered' };
    const what = isWebPage(response) ? 'a web page' : answer === undefined ? 'not HEC\'s answer ({"text":"Success","code":0})' : `HEC's code ${answer.code}, not Success`;
    return { status: 'retry', reason: `the answer to the event request is ${what} (${answered}): check that config.url is HEC's (https://http-inputs-<stack>.splunkcloud.com, or port 8088 of Splunk Enterprise), not Splunk Web's or a proxy's` };
  }
  if (status === 413) return tooLarge(request, answered);
  if (status === 429) return retry(response, `Splunk asked Signal to slow down (${answered})`, true);
  const code = answer?.code;
  if (code !== undefined && BUSY_CODES.has(code)) return retry(response, `HEC is busy (${answered}): its queues are full, sending again later`, true);
  if (code !== undefined && TOKEN_CODES.has(code)) return { status: 'dead_letter', reason: tokenRefusal(code, answered) };
  if (code === 5) {
    return { status: 'dead_letter', reason: `HEC found no event in the request (${answered}): Signal sent its events, so something between Signal and HEC dropped or altered the body — check config.url (a proxy in front of HEC), or turn config.gzip off if that proxy does not pass Content-Encoding: gzip; then replay the dead letters` };
  }
  if (code !== undefined && EVENT_CODES.has(code)) {
    const reason = eventRefusal(code, answered);
    if (answer?.invalidEventNumber !== undefined) return oneEventRefused(request, answer.invalidEventNumber, reason);
    if (request.eventIds.length > 1) return { status: 'split', reason: `HEC refused an event of the request without naming it (${answered}): sending the events again in halves to find it` };
    return { status: 'dead_letter', reason };
  }
  if (code === 7) {
    const index = configText(ctx.config, 'index');
    return { status: 'dead_letter', reason: `HEC refused the index (${answered}): ${index === undefined ? 'config.index is empty, so the token\'s default index was used — give the token a Default Index, or set config.index' : `config.index (${index}) must exist and be one of the token's Allowed Indexes (Settings > Data Inputs > HTTP Event Collector, Edit)`}; then replay the dead letters` };
  }
  if (code === 10) {
    return { status: 'dead_letter', reason: `HEC wants a data channel (${answered}): the token has indexer acknowledgment on — turn on config.indexer_acknowledgment, or clear Enable indexer acknowledgment on the token; then replay the dead letters` };
  }
  if (code === 11) {
    return { status: 'dead_letter', reason: `HEC refused the data channel Signal sent (${answered}): with config.indexer_acknowledgment on, Signal sends one channel GUID per integration — check that the token has Enable indexer acknowledgment checked and that HEC's channel limits (max_number_of_ack_channel) are not reached, or turn config.indexer_acknowledgment off; then replay the dead letters` };
  }
  if (code === 14) {
    return { status: 'dead_letter', reason: `HEC has no indexer acknowledgment for this token (${answered}): turn config.indexer_acknowledgment off, or check Enable indexer acknowledgment on the token (Splunk Enterprise only); then replay the dead letters` };
  }
  if (code === 8) return retry(response, `HEC failed for now (${answered})`);
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: tokenRefusal(4, answered) };
  if (status === 404) {
    return { status: 'dead_letter', reason: `HEC's event endpoint was not found there (${answered}): check config.url — https://http-inputs-<stack>.splunkcloud.com on Splunk Cloud Platform, https://<host>:8088 on Splunk Enterprise (with HEC enabled in Global Settings) — then replay the dead letters` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  if (fallback.status === 'retry') return { ...fallback, reason: `Splunk failed for now (${answered})` };
  return { status: 'dead_letter', reason: `HEC refused the request (${answered}): check config.url, config.token and config.index, then replay the dead letters` };
}
