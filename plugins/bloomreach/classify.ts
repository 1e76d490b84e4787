// Bloomreach's answers to a batch of commands, as its Tracking API pages document them (Tracking
// API error messages, Authorization errors, Request body errors, Tips and best practices):
// - a batch accepted: HTTP 200, `{ "success": true, "results": [ { "success": true }, { "success":
//   false, "errors": ["At least one id should be specified."] } ], "start_time", "end_time" }` —
//   "Each command shows its own success status in the results array … You can identify which
//   commands failed by checking the success property for each result"; a command's
//   `command_id` "will be returned in response with success status. Used to match errors with
//   the original command" (Batch commands), so results are matched by it (Bloomreach's Magento
//   connector does; its Python SDK reads them by position, the fallback here);
//   "HTTP 200 with success = false: Invalid request. Retrying will not help";
// - the whole batch refused "due to authorization or structural problems": a 4xx with
//   `{ "success": false, "message": "Invalid JSON" }` ("No commands"), or `"error": "Could not
//   authenticate"` / `"Invalid project id"` (HTTP 400); single-command answers say why in
//   `errors`, a list or an object (`{ "_global": ["Customer does not exist"] }`);
// - 401 "Access key not found", 403 "invalid secret" (Bloomreach support: Most common API requests
//   errors) or "You do not have the necessary permissions for this request"; 429 "over the rate
//   limits" (the request's data is ignored); 500 "API is unavailable … exponential backoff".
// Bloomreach does not deduplicate events (a command carries no dedup id), so nothing it accepted
// is sent again: a refused command is dead-lettered, never retried.
import { excerpt, isJsonObject, isWebPage, responseHeader, transientRetry, trimmedText, type Classification, type EventOutcome, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import type { BatchMemo } from './requests.ts';

/** Words of a refused credential or project token (Authorization errors; Bloomreach support's "Most common API requests errors": 401 "Access key not found", 403 "invalid secret"). */
export const CREDENTIAL_WORDS = /could not authenticate|invalid project id|access key|api key|invalid secret|unauthori[sz]ed|authentication/i;
/** Words of a key whose API group lacks a permission. */
export const PERMISSION_WORDS = /not authori[sz]ed|permission|forbidden/i;

/** What to check when Bloomreach refuses the credentials or the project. */
export const CREDENTIALS = 'check config.project_token (Project settings > Access management > API: the whole token), config.api_key_id and config.api_secret (a key of a Private access API group, not revoked) and config.api_base (the project\'s API Base URL)';
/** What to give the API group when Bloomreach refuses for a permission. */
export const PERMISSIONS = 'give the API key\'s group (Project settings > Access management > API > API groups) Customer properties > Set and Events > Set for what is sent (New properties and New events for ones not defined yet), and check config.project_token is the project the key belongs to, then replay';

interface Answer {
  success?: unknown;
  results?: unknown;
  error?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** The answer's JSON object, or undefined when it is none (text, a list, nothing). */
function answerOf(response: VendorResponse): Answer | undefined {
  return isJsonObject(response.json) ? (response.json as Answer) : undefined;
}

/**
 * Bloomreach's words in an `errors` value: a list of messages, or an object of lists by field
 * (`_global` for the request as a whole).
 *
 * @example
 * errorsText(['At least one id should be specified.']);        // 'At least one id should be specified.'
 * errorsText({ _global: ['Customer does not exist'], email: ['invalid'] }); // 'Customer does not exist; email: invalid'
 */
export function errorsText(errors: unknown): string {
  const texts = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).flatMap((e) => (typeof e === 'string' && e.trim() !== '' ? [e.trim()] : isJsonObject(e) || Array.isArray(e) ? [JSON.stringify(e)] : []));
  if (isJsonObject(errors)) return Object.entries(errors).flatMap(([field, value]) => texts(value).map((t) => (field === '_global' ? t : `${field}: ${t}`))).join('; ');
  return texts(errors).join('; ');
}

/**
 * What Bloomreach said in an answer (or one command's result): its `error`, `message` or
 * `errors`, else the body's start; '' when it said nothing.
 *
 * @example
 * saidBy({ status: 400, headers: {}, body, json: { success: false, error: 'Could not authenticate' } }); // 'Could not authenticate'
 */
export function saidBy(response: VendorResponse): string {
  const answer = answerOf(response);
  const said = answer ? wordsOf(answer) : '';
  return said !== '' ? said : excerpt(response.body ?? '');
}

/** The words of an answer or a result: `error`, `message`, `errors`. */
function wordsOf(answer: Answer): string {
  const words = [answer.error, answer.message].flatMap((w) => trimmedText(w) ?? []);
  const errors = errorsText(answer.errors);
  if (errors !== '') words.push(errors);
  return excerpt(words.join('; '));
}

/** The commands of a request the plugin built. */
function commandsOf(request: RequestDescriptor): Array<Record<string, unknown>> {
  const body: unknown = request.body;
  const commands: unknown = isJsonObject(body) ? body.commands : undefined;
  return Array.isArray(commands) ? commands.filter((command: unknown): command is Record<string, unknown> => isJsonObject(command)) : [];
}

/** A command in words: `the customer update`, `the event "Signed Up"`. */
function commandWord(command: Record<string, unknown> | undefined): string {
  if (command?.name === 'customers') return 'the customer update';
  const data = isJsonObject(command?.data) ? command.data : {};
  return typeof data.event_type === 'string' ? `the event "${data.event_type}"` : 'the command';
}

/** What a request carries, in words. */
function requestWord(request: RequestDescriptor): string {
  if (request.eventIds.length > 1) return `batch of ${request.eventIds.length} events`;
  const commands = commandsOf(request);
  return commands.length === 1 ? commandWord(commands[0]).replace(/^the /, '') : 'event';
}

/** The advice words a refusal calls for, if any. */
function adviceFor(words: string): string {
  if (PERMISSION_WORDS.test(words)) return `: ${PERMISSIONS}`;
  if (CREDENTIAL_WORDS.test(words)) return `: ${CREDENTIALS}`;
  return '';
}

/** The events each command is of, by position: the memo's, else one command per event. */
function commandEventsOf(request: RequestDescriptor, results: number): string[] | undefined {
  const memo = request.memo as Partial<BatchMemo> | undefined;
  if (isJsonObject(memo) && Array.isArray(memo.commandEvents) && memo.commandEvents.every((id) => typeof id === 'string')) return memo.commandEvents;
  return results === request.eventIds.length ? request.eventIds : undefined;
}

/**
 * Each command's result: the one whose `command_id` names the command's position (the plugin
 * sends it; Bloomreach returns it "to match errors with the original command"), else the
 * result at the command's position, as Bloomreach's Python SDK reads them; undefined for a
 * command the answer gives no result for.
 *
 * @example
 * resultOfEachCommand([{ command_id: '1', success: false }, { command_id: '0', success: true }], 2);
 * // [{ command_id: '0', success: true }, { command_id: '1', success: false }]
 */
export function resultOfEachCommand(results: unknown[], commands: number): Array<Record<string, unknown> | undefined> {
  const byCommand: Array<Record<string, unknown> | undefined> = Array.from({ length: commands }, () => undefined);
  results.forEach((result, position) => {
    if (!isJsonObject(result)) return;
    const named = typeof result.command_id === 'string' && /^\d{1,3}$/.test(result.command_id) ? Number(result.command_id) : undefined;
    const index = named !== undefined && named < commands ? named : position;
    if (index < commands && byCommand[index] === undefined) byCommand[index] = result;
  });
  return byCommand;
}

/** The words of an event's commands, joined for a reason. */
const listed = (words: string[]): string => words.join(', ');

/**
 * The outcome of each event from the per-command `results` of an accepted batch: an event
 * whose commands all succeeded is delivered; one with a refused command is dead-lettered with
 * Bloomreach's words ("HTTP 200 with success = false: Invalid request. Retrying will not
 * help"), saying which of its commands were recorded all the same (a replay would record them
 * again); one the answer gives no result for is sent again when none of its commands was
 * recorded, else dead-lettered saying which were (sending it again would record them twice).
 */
function perCommand(results: unknown[], request: RequestDescriptor, answered: string): Classification {
  const commandEvents = commandEventsOf(request, results.length);
  const commands = commandsOf(request);
  if (commandEvents === undefined) {
    // No memo (a request built elsewhere) and no one-to-one reading: every event is settled alike.
    const failed = results.filter((r) => isJsonObject(r) && r.success === false).map((r) => wordsOf(r as Answer));
    if (failed.length === 0) return { status: 'delivered' };
    return { status: 'dead_letter', reason: `Bloomreach refused ${failed.length} of the batch's ${results.length} commands (${answered}): ${excerpt(failed.join('; '))}` };
  }
  const byCommand = resultOfEachCommand(results, commandEvents.length);
  const refused = new Map<string, string[]>();
  const recorded = new Map<string, string[]>();
  const unanswered = new Map<string, string[]>();
  const add = (into: Map<string, string[]>, id: string, word: string) => into.set(id, [...(into.get(id) ?? []), word]);
  commandEvents.forEach((id, index) => {
    const result = byCommand[index];
    const word = commandWord(commands[index]);
    if (result?.success === false) add(refused, id, `${word}: ${wordsOf(result as Answer) || '(no message)'}`);
    else if (result?.success === true) add(recorded, id, word.replace(/^the /, ''));
    else add(unanswered, id, word.replace(/^the /, ''));
  });
  const perEvent: Record<string, EventOutcome> = {};
  for (const id of new Set(commandEvents)) {
    const problems = refused.get(id) ?? [];
    const kept = recorded.get(id) ?? [];
    const missing = unanswered.get(id) ?? [];
    const noResult = missing.length === 0 ? '' : `; Bloomreach's answer has no result for ${listed(missing)}`;
    if (problems.length > 0) {
      const also = kept.length === 0 ? '' : ` — its other commands were recorded (${listed(kept)}), so a replay records them again`;
      perEvent[id] = { status: 'dead_letter', reason: `Bloomreach refused ${problems.length === 1 ? problems[0] : `${problems.length} commands of this event: ${problems.join('; ')}`} (${answered})${adviceFor(problems.join(' '))}${noResult}${also}` };
    } else if (missing.length > 0 && kept.length === 0) {
      perEvent[id] = { status: 'retry', reason: `Bloomreach accepted the batch (${answered}) but its answer has no result for ${listed(missing)}: sent again` };
    } else if (missing.length > 0) {
      perEvent[id] = { status: 'dead_letter', reason: `Bloomreach recorded ${listed(kept)} (${answered}) but its answer has no result for ${listed(missing)}: not sent again, since a replay records ${listed(kept)} again` };
    }
  }
  return Object.keys(perEvent).length === 0 ? { status: 'delivered' } : { perEvent };
}

/**
 * Bloomreach's answers to a batch request. 2xx: per-command `results` (matched by
 * `command_id`) settle each event (refused commands dead-lettered with Bloomreach's words,
 * never retried: the others were recorded; an event without a result sent again unless some of
 * its commands were recorded); a top-level `success: false` refused the request — its
 * credentials or permissions named, else sent again in halves to find the command at fault (a
 * single event dead-lettered); an answer that is no JSON object (a proxy's page) or holds no
 * results sent again. 3xx and 404 dead-letter naming config.api_base; 400 or 403 naming the
 * credentials or the project token dead-letters saying what to check, another 400 in
 * Bloomreach's shape (`success: false`) splits, a single event's dead-letters with Bloomreach's
 * words; 401 names the credentials, another 403 the API group's permissions; 413 splits; 429
 * (throttled), 408 and 5xx retry after Retry-After.
 *
 * @example
 * classifyBloomreach({ status: 200, headers: {}, body, json: { success: true, results: [{ success: true }, { success: false, errors: ['At least one id should be specified.'] }] } }, request, ctx);
 * // { perEvent: { 'm-2': { status: 'dead_letter', reason: 'Bloomreach refused the event "Signed Up": At least one id should be specified. (HTTP 200)' } } }
 */
export function classifyBloomreach(response: VendorResponse, request: RequestDescriptor, _ctx?: PluginContext): Classification {
  const { status } = response;
  const answered = `HTTP ${status}`;
  const answer = answerOf(response);
  const said = saidBy(response);
  const what = requestWord(request);
  const several = request.eventIds.length > 1;
  if (status >= 200 && status < 300) {
    if (answer === undefined) {
      const page = isWebPage(response.body) ? 'a web page' : (response.body ?? '').trim() === '' ? 'no body' : excerpt(response.body);
      return { status: 'retry', reason: `${answered} without Bloomreach's answer (its JSON): ${page} — not the Tracking API's answer (a proxy?), so the request is sent again` };
    }
    if (Array.isArray(answer.results)) return perCommand(answer.results, request, answered);
    if (answer.success === false) {
      const advice = adviceFor(said);
      if (advice !== '') return { status: 'dead_letter', reason: `Bloomreach refused the ${what} (${answered}: ${said || 'success: false'})${advice}` };
      if (several) return { status: 'split', reason: `Bloomreach refused the batch (${answered}: ${said || 'success: false'}) without naming the command; sending it in halves to find it` };
      return { status: 'dead_letter', reason: `Bloomreach refused the ${what} (${answered}: ${said || 'success: false'})` };
    }
    // Bloomreach answers an accepted batch with a result per command (Tracking API error
    // messages; its Python SDK and Magento connector read `results` and take none as no answer).
    return { status: 'retry', reason: `${answered} without a result per command (${excerpt(response.body ?? '') || 'an empty object'}) — not the batch answer Bloomreach documents, so the request is sent again` };
  }
  const words = said ? `: ${said}` : '';
  if (status >= 300 && status < 400) {
    const location = responseHeader(response.headers, 'location');
    return { status: 'dead_letter', reason: `Bloomreach redirected the request (${answered}${location ? ` to ${location}` : ''}): check config.api_base, the project's API Base URL (Project settings > Access management > API), then replay` };
  }
  // A 403 names the secret as well as a missing permission (Bloomreach support: 403 "invalid secret").
  if (status === 401 || ((status === 400 || status === 403) && CREDENTIAL_WORDS.test(said) && !PERMISSION_WORDS.test(said))) {
    return { status: 'dead_letter', reason: `Bloomreach refused the credentials (${answered}${words}): ${CREDENTIALS}` };
  }
  if (status === 403) return { status: 'dead_letter', reason: `Bloomreach refused the ${what} (${answered}${words}): ${PERMISSIONS}` };
  if (status === 404) return { status: 'dead_letter', reason: `Bloomreach answered ${answered}${words}: check config.api_base (the project's API Base URL) and config.project_token, then replay` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `Bloomreach: the request is too large (${answered}${words}); sending it in halves` };
    return { status: 'dead_letter', reason: `Bloomreach refused this ${what} alone as too large (${answered}${words}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  const transient = transientRetry(response, 'Bloomreach', said || '(no body)');
  if (transient) return transient;
  if (status === 400 && several && answer?.success === false) {
    return { status: 'split', reason: `Bloomreach refused the batch (${answered}${words}) without naming the command; sending it in halves to find it` };
  }
  return { status: 'dead_letter', reason: `Bloomreach refused the ${what} (${answered}${words})${adviceFor(said)}` };
}

