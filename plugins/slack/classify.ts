// Slack's answers to an incoming webhook: 200 with the text `ok`; otherwise a status and one
// error code as text — 400 invalid_payload, no_text, invalid_blocks, user_not_found, …; 403
// action_prohibited, invalid_token, posting_to_general_channel_denied; 404 channel_not_found,
// no_service; 410 channel_is_archived; 429 with Retry-After; 500 rollup_error. One message per
// request: an answer is about one event, never a batch.
import { excerpt, defaultClassify, type Classification, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** How much of an answer that is no error code a reason quotes. */
const EXCERPT_CHARS = 200;

/** What to fix for a webhook Slack no longer takes: a new one, in config.webhook_url. */
const NEW_WEBHOOK = 'create a new incoming webhook (your Slack app > Incoming Webhooks > Add New Webhook to Workspace) and set it as config.webhook_url, then replay the dead letters';

/** Slack's error codes, what they mean for this integration and what to fix. */
const SAID: Record<string, string> = {
  invalid_payload: 'Slack could not read the message: check the matching rule\'s template and title in config.rules (the integration\'s preview shows the message)',
  no_text: 'the message has no text: check the matching rule\'s template in config.rules',
  invalid_blocks: 'Slack refused the message\'s blocks: check the matching rule\'s title in config.rules (plain text, at most 150 characters)',
  invalid_blocks_format: 'Slack refused the message\'s blocks: check the matching rule\'s title in config.rules (plain text, at most 150 characters)',
  too_many_attachments: 'Slack refused the message\'s attachments',
  user_not_found: `Slack knows no user for this webhook (its creator left the workspace?): ${NEW_WEBHOOK}`,
  no_team: `Slack knows no workspace for config.webhook_url: ${NEW_WEBHOOK}`,
  team_not_found: `Slack knows no workspace for config.webhook_url: ${NEW_WEBHOOK}`,
  no_service_id: `config.webhook_url names no webhook: ${NEW_WEBHOOK}`,
  no_service: `there is no incoming webhook at config.webhook_url (disabled, removed, or its app uninstalled): ${NEW_WEBHOOK}`,
  invalid_token: `config.webhook_url's token is not valid (the webhook was revoked or regenerated): ${NEW_WEBHOOK}`,
  team_disabled: 'the Slack workspace of config.webhook_url is disabled',
  action_prohibited: 'the workspace does not allow this webhook to post here (an admin\'s restriction, e.g. who may post in the channel): ask a Slack admin, or use a webhook for another channel in config.webhook_url',
  posting_to_general_channel_denied: 'only admins may post in the webhook\'s channel (#general): ask a Slack admin, or use a webhook for another channel in config.webhook_url',
  channel_not_found: `the webhook's channel is gone (deleted, or the app lost access to it): ${NEW_WEBHOOK}`,
  channel_is_archived: 'the webhook\'s channel is archived: unarchive it in Slack and replay the dead letters, or use a webhook for another channel in config.webhook_url',
};

/** Slack's error code in an answer: its text (`no_service`), or a JSON answer's `error`. */
export function errorCodeOf(response: VendorResponse): string | undefined {
  const text = (response.body ?? '').trim();
  if (/^[a-z][a-z0-9_]{1,63}$/.test(text)) return text;
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const error = (json as Record<string, unknown>).error;
    if (typeof error === 'string' && /^[a-z][a-z0-9_]{1,63}$/.test(error)) return error;
  }
  return undefined;
}

/**
 * A 2xx that is a web page: the address answering is no Slack webhook (a proxy or a captive
 * portal between Signal and Slack). Counted delivered, the message would be lost unseen. Read
 * from the body alone: Slack itself answers `ok` (and its error codes) as `text/html`.
 */
function isWebPage(response: VendorResponse): boolean {
  const body = response.body ?? '';
  return /^\s*<(?:!doctype|html|head|body)\b/i.test(body) || /<\/(?:html|body)>/i.test(body);
}

/**
 * Slack's answer to one message. 2xx: delivered, unless a web page (no Slack answer: dead
 * letter). A known error code: dead-lettered saying what to fix (a 5xx one, such as
 * rollup_error, retried). 408, 429 (after Retry-After, using up no try) and 5xx: retried. Any
 * other 4xx: dead-lettered with Slack's words. Reasons never quote the webhook URL.
 *
 * @example
 * classifySlack({ status: 410, headers: {}, body: 'channel_is_archived' }, request);
 * // { status: 'dead_letter', reason: 'Slack refused the message (HTTP 410 channel_is_archived): the webhook\'s channel is archived: …' }
 */
export function classifySlack(response: VendorResponse, _request?: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (!isWebPage(response)) return { status: 'delivered' };
    return { status: 'dead_letter', reason: `Slack did not answer (HTTP ${status} with a web page, not Slack's "ok"): something between Signal and hooks.slack.com answered instead (a proxy?); check config.webhook_url and the network, then replay the dead letters` };
  }
  const code = errorCodeOf(response);
  const answered = code ? `HTTP ${status} ${code}` : `HTTP ${status}${response.body?.trim() ? `: ${excerpt(response.body, EXCERPT_CHARS)}` : ''}`;
  const classified = defaultClassify(response);
  if (classified.status === 'retry') {
    const what = status === 429 ? 'rate-limited the webhook (about one message a second, short bursts allowed)' : 'failed';
    return { ...classified, reason: `Slack ${what} (${answered})` };
  }
  if (classified.status === 'delivered') return classified;
  const fix = code ? SAID[code] : undefined;
  if (fix) return { status: 'dead_letter', reason: `Slack refused the message (${answered}): ${fix}` };
  if (status === 404) return { status: 'dead_letter', reason: `Slack refused the message (${answered}): there is no incoming webhook at config.webhook_url: ${NEW_WEBHOOK}` };
  return { status: 'dead_letter', reason: `Slack refused the message (${answered})` };
}
