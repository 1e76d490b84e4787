// ActiveCampaign's answers to the delivery requests, as its API reference documents them: the
// contact sync answers 201 with `{ contact: { id, … }, fieldValues }`; a contact's memberships
// 200 `{ contactLists: [ … ] }`; a list status 200 `{ contacts, contactList }`; Event Tracking
// 200 `{ success: 1, message: "Event spawned" }`. Errors (developers.activecampaign.com,
// "Errors"): 402 "account payment issues", 403 "could not be authenticated or the authenticated
// user is not authorized", 404 "The requested resource does not exist", 422 "usually due to a
// missing or invalid parameter" with `errors[]` of `title`, `detail`, `code` and
// `source.pointer`, 429 over the rate limit ("5 requests per second per account", with
// `Retry-After`).
//
// An identify with a list is a chain of delivery follow-ups, each built by requests.ts from the
// request's memo: the sync's answer names the contact → its memberships (for "subscribed") →
// the list status, only when the list is not among them; or the list status at once (for
// "unsubscribed"). A failure at any step retries or dead-letters the identify as usual, and a
// retry starts again from the sync: every step is safe to repeat (the sync is an upsert, the
// memberships a read, the list status the same status again).
import { transientRetry, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, errorsOf, isActiveCampaignAnswer, membershipOf, pointedField, syncedContactId, trackedOf, wordsOf } from './answers.ts';
import { joinRequest, MEMBERSHIPS_PAGE, membershipsRequest, memoOf, type Memo } from './requests.ts';

/** What to check when ActiveCampaign refuses the API key. */
const API_CREDENTIALS = 'check config.api_key (the key of Settings > Developer, of a user who still exists: each user has their own key, and a deleted user\'s stops working) and config.api_url (that account\'s API URL)';
/** What to check when Event Tracking refuses an event. */
const EVENT_TRACKING = 'check that Event Tracking is switched on (Website > Site Tracking > Event Tracking), and config.actid and config.event_key (the values shown there)';
/** The way back after a dead letter. */
const REPLAY = 'then replay the dead letter (replayDeadLetters)';

/** What a request is, in words: the step of its memo, else its URL. */
function whatOf(memo: Memo | undefined, request: RequestDescriptor): string {
  switch (memo?.activecampaign) {
    case 'sync': return 'the contact';
    case 'memberships': return 'the lookup of the contact\'s lists';
    case 'join': return `the list status (list ${memo.list?.list ?? '?'})`;
    case 'event': return 'the event';
    default: return /trackcmp\.net/.test(request.url) ? 'the event' : 'the request';
  }
}

/** What to fix for a 422, by the step and the field ActiveCampaign names. */
function advice(memo: Memo | undefined, response: VendorResponse): string {
  const fields = errorsOf(response).map((error) => pointedField(error.pointer) ?? '').join(' ');
  if (memo?.activecampaign === 'join' || memo?.activecampaign === 'memberships') return `check config.list_id (a list of the account: Contacts > Lists), ${REPLAY}`;
  if (/email/i.test(fields)) return `the contact's email (traits.email, or context.traits.email) is refused: fix it at the source, ${REPLAY}`;
  if (/field/i.test(fields) || /field/i.test(answered(response))) return `check config.custom_fields and config.user_id_field (ids of the account's custom fields: Contacts > Fields) and the traits' values (a date field takes YYYY-MM-DD, a list field its options), ${REPLAY}`;
  if (memo?.activecampaign === 'sync') return `check the contact's fields (the blueprint's email, firstName, lastName and phone rows, config.custom_fields), ${REPLAY}`;
  return REPLAY;
}

/** A 2xx to a step of the chain (or the event): the next request, or the outcome. */
function answeredStep(response: VendorResponse, request: RequestDescriptor, memo: Memo | undefined, ctx: PluginContext): ClassifyResult {
  const said = answered(response);
  if (!isActiveCampaignAnswer(response)) {
    return { status: 'retry', reason: `${said}: not ActiveCampaign's answer (its JSON, or none) — a proxy or firewall in between? — so it is sent again` };
  }
  const ids = request.eventIds;
  switch (memo?.activecampaign) {
    case 'event': {
      const tracked = trackedOf(response);
      if (tracked === undefined) return { status: 'retry', reason: `${said}: not Event Tracking's answer ({"success": 1, …}), so the event is sent again` };
      if ('refused' in tracked) return { status: 'dead_letter', reason: `ActiveCampaign did not record the event (${said}): ${EVENT_TRACKING}; ${REPLAY}` };
      return { status: 'delivered' };
    }
    case 'sync': {
      if (memo.list === undefined) return { status: 'delivered' };
      const contact = syncedContactId(response);
      if (contact === undefined) return { status: 'retry', reason: `${said}: the sync's answer names no contact id, which the list step needs, so the identify is sent again` };
      return { next: [memo.list.status === 2 ? joinRequest(contact, memo.list, ids, ctx) : membershipsRequest(contact, memo.list, ids, ctx)] };
    }
    case 'memberships': {
      if (memo.list === undefined || memo.contact === undefined) return { status: 'delivered' };
      const membership = membershipOf(response, memo.list.list, Number(MEMBERSHIPS_PAGE));
      // A membership of any status stays as it is: "If you change a status from unsubscribed to
      // active, you can re-subscribe a contact to a list from which they had manually
      // unsubscribed." A page that cannot say subscribes no one either.
      if ('none' in membership) return { next: [joinRequest(memo.contact, memo.list, ids, ctx)] };
      return { status: 'delivered' };
    }
    default:
      return { status: 'delivered' };
  }
}

/**
 * ActiveCampaign's answer to a delivery request (one event a request):
 *
 * - 2xx: the chain's next request, else delivered (Event Tracking's `success: 0` dead-lettered
 *   with its message; an answer that is not ActiveCampaign's, a proxy's page, retried);
 * - 429: ActiveCampaign's rate limit, after `Retry-After`;
 * - 408, 5xx: retried, after `Retry-After` when there is one;
 * - 401, 403: dead-lettered naming config.api_key and config.api_url (Event Tracking: actid, event_key);
 * - 402: dead-lettered: the account's payment;
 * - 404 to the memberships (the contact deleted since the sync): retried from the sync;
 *   other 404: dead-lettered naming what to check;
 * - 422: dead-lettered with ActiveCampaign's titles, details and fields, and what to fix;
 * - other 4xx: dead-lettered with ActiveCampaign's words.
 *
 * @example
 * classifyActiveCampaign({ status: 201, headers: {}, body: '…', json: { contact: { id: '113' } } }, sync, ctx);
 * // { next: [{ method: 'GET', url: 'https://acme.api-us1.com/api/3/contacts/113/contactLists', … }] }
 */
export function classifyActiveCampaign(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const memo = memoOf(request);
  if (status >= 200 && status < 300) return answeredStep(response, request, memo, ctx);
  const said = answered(response);
  const what = whatOf(memo, request);
  const isEvent = memo?.activecampaign === 'event' || (memo === undefined && /trackcmp\.net/.test(request.url));
  // 429 (ActiveCampaign's "5 requests per second per account", with Retry-After), 408, 5xx.
  const transient = transientRetry(response, 'ActiveCampaign', wordsOf(response) || '(no message)');
  if (transient !== undefined) return transient;
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `ActiveCampaign refused ${what} (${said}): ${isEvent ? EVENT_TRACKING : API_CREDENTIALS}; ${REPLAY}` };
  }
  if (status === 402) return { status: 'dead_letter', reason: `ActiveCampaign refused ${what} for the account's payment (${said}): settle the account's billing in ActiveCampaign, ${REPLAY}` };
  if (status === 404 && memo?.activecampaign === 'memberships') return { status: 'retry', reason: `${said}: the contact is gone from ActiveCampaign since the sync (deleted meanwhile?), so the identify is sent again from the sync` };
  if (status === 404 && memo?.activecampaign === 'join') return { status: 'dead_letter', reason: `ActiveCampaign refused ${what} (${said}): check config.list_id (a list of the account: Contacts > Lists), ${REPLAY}` };
  if (status === 404 && !isEvent) return { status: 'dead_letter', reason: `ActiveCampaign refused ${what} (${said}): check config.api_url (the API URL of Settings > Developer, e.g. https://acme.api-us1.com), ${REPLAY}` };
  if (status === 422) return { status: 'dead_letter', reason: `ActiveCampaign refused ${what} (${said}): ${advice(memo, response)}` };
  if (isEvent && status === 400) return { status: 'dead_letter', reason: `ActiveCampaign refused the event (${said}): ${EVENT_TRACKING}, and the event's name (at most 32 characters; config.event_names); ${REPLAY}` };
  return { status: 'dead_letter', reason: `ActiveCampaign refused ${what} (${said})` };
}
