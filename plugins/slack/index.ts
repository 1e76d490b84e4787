import { definePlugin, PermanentError, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { classifySlack } from './classify.ts';
import { CONFIG_SCHEMA, optionsOf, validateSlackConfig, webhookUrlProblem } from './config.ts';
import { mapToMessage } from './message.ts';
import { noRuleTakes } from './rules.ts';

export { classifySlack } from './classify.ts';
export { validateSlackConfig, webhookUrlProblem } from './config.ts';
export { mapToMessage } from './message.ts';

/** A message's JSON stays far below this (4,000 characters of text, a 150-character header). */
const MAX_BYTES = 100_000;

/**
 * The request posting one message: the webhook URL exactly as configured (so the core's
 * redaction of the secret finds it in what it keeps). A config that
 * validation would refuse (a stale revision) dead-letters the event naming the field, and
 * sends nothing elsewhere.
 */
function postMessage(event: MappedEvent, ctx: PluginContext): RequestDescriptor {
  const url = typeof ctx.config.webhook_url === 'string' ? ctx.config.webhook_url : '';
  const problem = url === '' ? 'is required' : webhookUrlProblem(url);
  if (problem) throw new PermanentError(`config.webhook_url ${problem}`);
  return { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: event.payload, eventIds: [event.id] };
}

/**
 * Slack: a message in a channel for the events an admin chooses ("Order Completed with a
 * revenue of 500 or more → #sales"), through a Slack app's incoming webhook. Rules in the
 * config pick events by type, name (or `*` pattern) and conditions on their fields; the first
 * that matches words the message from its template (`{{properties.revenue}}`), values escaped
 * so an event cannot mention `@channel` or add links. Events no rule matches are not sent
 * (counted as dropped; those no rule takes by type and name are not even queued). One message
 * per request, one a second by default.
 *
 * @example
 * // config: { webhook_url: 'https://hooks.slack.com/services/T…/B…/…', rules: [{ events: ['Order Completed'], where: [{ field: 'properties.revenue', op: '>=', value: '500' }], template: 'Order {{properties.order_id}}: {{properties.revenue}} {{properties.currency}}' }] }
 * slack.send([{ id: 'm1', event, payload: { text: 'Order 1001: 600 USD' } }], ctx);
 * // [{ method: 'POST', url: 'https://hooks.slack.com/services/T…/B…/…', body: { text: 'Order 1001: 600 USD' }, eventIds: ['m1'] }]
 */
export default definePlugin({
  id: 'slack',
  name: 'Slack',
  category: 'other',
  description: 'A Slack message for the events you choose, through an incoming webhook: rules by event type, name or pattern and conditions on fields (e.g. Order Completed with revenue ≥ 500), each with a message template reading the event ({{properties.revenue}}, {{traits.email}}), values escaped so an event cannot mention @channel or add links; an optional header; one message a second by default.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSlackConfig,
  variants: {
    // A code mapper, not a blueprint: the message is the admin's own template in the config
    // (per rule), which also chooses the events; a blueprint would be a second, fixed mapping
    // of fields no message reads.
    default: { description: 'The rules of the config: the first rule an event matches posts its template\'s message; other events are not sent.', map: mapToMessage },
  },
  vendorFields: {
    text: { required: true, description: 'The message (mrkdwn unless Slack formatting is off); with blocks, the notification\'s text.' },
    blocks: { required: false, description: 'A header (the rule\'s title) and a section with the text.' },
    mrkdwn: { required: false, description: 'false when Slack formatting is off.' },
    username: { required: false, description: 'The sender\'s name (legacy custom-integration webhooks only).' },
    icon_emoji: { required: false, description: 'The sender\'s icon as an emoji (legacy webhooks only).' },
    icon_url: { required: false, description: 'The sender\'s icon as an image URL (legacy webhooks only).' },
  },
  // A message tells a channel what a person did: it goes where analytics may go.
  consent: ['analytics'],
  // Slack: incoming webhooks take about one message a second, short bursts allowed.
  rateLimit: { rps: 1, burst: 3 },
  batch: { maxEvents: 1, maxBytes: MAX_BYTES },
  // An event no rule takes by its type and name (a page view, for a rule on orders) is not
  // queued; one a rule takes is queued, and the rule's conditions decide at delivery.
  neverSends: (event, ctx) => noRuleTakes(optionsOf(ctx.config).rules, event),
  send: (batch, ctx) => batch.map((event) => postMessage(event, ctx)),
  classify: classifySlack,
  successAnswer: { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' },
});
