// The Slack plugin's config: the incoming webhook's URL (a credential: whoever has it posts to
// the channel), the rules that choose events and word their messages, and the message's
// options. The schema says the shapes; `validateSlackConfig` what a schema cannot.
import { configText } from '../../core/sdk/index.ts';
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { EVENT_TYPES, OPERATORS, readRules, type CompiledRule } from './rules.ts';

/** Slack's own placeholder webhook URL, from its incoming webhooks page. */
export const EXAMPLE_WEBHOOK_URL = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
/** Hosts of incoming webhooks: Slack's, and GovSlack's. */
export const WEBHOOK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'] as const;
/** Most rules in one integration. */
export const MAX_RULES = 50;
/** Most characters of a rule's template (Slack's messages are cut past 4,000 anyway). */
export const MAX_TEMPLATE_CHARS = 4000;
/** Slack's limit for a header block's text. */
export const MAX_TITLE_CHARS = 150;

const SERVICES_PATH = /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{8,}$/;

export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['webhook_url', 'rules'],
  properties: {
    webhook_url: {
      type: 'string', title: 'Incoming webhook URL', secret: true, maxLength: 300,
      description: 'The URL of a Slack app\'s incoming webhook (api.slack.com/apps > your app > Incoming Webhooks > Add New Webhook to Workspace): https://hooks.slack.com/services/T…/B…/…. It posts to the one channel chosen when it was created; whoever holds it can post there, so it is kept encrypted and never shown again.',
      examples: [EXAMPLE_WEBHOOK_URL],
    },
    rules: {
      type: 'array', title: 'Rules', minItems: 1, maxItems: MAX_RULES,
      description: 'Which events post a message, and its text: the first rule an event matches posts one message; events no rule matches post nothing. type: track (default), page, screen, identify, group or alias; events: names or patterns (* for any characters; none: every event of the type); where: conditions that must all hold ({ field, op, value }, op one of =, !=, >, >=, <, <=, exists, not_exists; value as text); template: the message, with {{path}} placeholders read from the event ({{event}}, {{properties.revenue}}, {{traits.email}}, {{context.page.url}}); title: an optional header, in plain text.',
      items: {
        type: 'object', required: ['template'], additionalProperties: false,
        properties: {
          type: { type: 'string', enum: [...EVENT_TYPES], default: 'track' },
          events: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 100 },
          where: {
            type: 'array', maxItems: 10,
            items: {
              type: 'object', required: ['field', 'op'], additionalProperties: false,
              properties: { field: { type: 'string', minLength: 1, maxLength: 200 }, op: { type: 'string', enum: [...OPERATORS] }, value: { type: 'string', maxLength: 200 } },
            },
          },
          template: { type: 'string', minLength: 1, maxLength: MAX_TEMPLATE_CHARS },
          title: { type: 'string', minLength: 1, maxLength: MAX_TITLE_CHARS },
        },
      },
      examples: [[
        { events: ['Order Completed'], where: [{ field: 'properties.revenue', op: '>=', value: '100' }], title: 'Big order', template: ':tada: Order {{properties.order_id}}: {{properties.revenue}} {{properties.currency}}' },
        { type: 'identify', where: [{ field: 'traits.plan', op: '=', value: 'enterprise' }], template: 'New enterprise sign-up: {{traits.company}}' },
      ]],
    },
    mrkdwn: {
      type: 'boolean', title: 'Slack formatting', default: true,
      description: 'On: Slack reads the templates\' *bold*, _italic_, `code`, <https://example.com|links> and <!here> (an event\'s values are always escaped, so they cannot add mentions or links). Off: mrkdwn false, *, _ and ` show as typed (values are escaped all the same: Slack reads <…> mentions and links in a message\'s text with formatting off too).',
      examples: [true],
    },
    username: {
      type: 'string', title: 'Sender name (legacy webhooks only)', maxLength: 80,
      description: 'The name the message is posted under. Slack honours it only for legacy custom-integration webhooks: a Slack app\'s webhook always posts under the app\'s name (set it in the app\'s settings).',
      examples: ['Signal'],
    },
    icon_emoji: {
      type: 'string', title: 'Sender icon emoji (legacy webhooks only)', pattern: '^:[a-z0-9_+\\-\']+:$', maxLength: 100,
      description: 'An emoji code as the sender\'s icon, e.g. :moneybag:. Legacy custom-integration webhooks only (a Slack app\'s webhook uses the app\'s icon); not with icon_url.',
      examples: [':moneybag:'],
    },
    icon_url: {
      type: 'string', title: 'Sender icon URL (legacy webhooks only)', pattern: '^https://', maxLength: 2048,
      description: 'An https URL of an image as the sender\'s icon. Legacy custom-integration webhooks only (a Slack app\'s webhook uses the app\'s icon); not with icon_emoji.',
      examples: ['https://www.example.com/signal-icon.png'],
    },
  },
};

/**
 * Why a webhook URL cannot be a Slack incoming webhook's, or undefined. The message never
 * repeats the URL: it is a credential.
 *
 * @example
 * webhookUrlProblem('https://hooks.slack.com/triggers/T1/123/abc'); // 'is a Workflow Builder webhook …'
 */
export function webhookUrlProblem(raw: string): string | undefined {
  // White space even around it is refused, not trimmed: the URL is sent exactly as stored, so
  // the core's redaction of the secret value finds it in the delivery log and dead letters.
  const text = raw;
  if (/\s/.test(text)) return 'holds white space or a line break (copied with the text around it?): give the webhook URL alone';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be the incoming webhook\'s URL, https://hooks.slack.com/services/T…/B…/…';
  }
  if (url.protocol !== 'https:' || !(WEBHOOK_HOSTS as readonly string[]).includes(url.hostname) || url.port !== '') {
    return 'must be a Slack incoming webhook URL, https://hooks.slack.com/services/T…/B…/… (or hooks.slack-gov.com for GovSlack); for another endpoint use the Custom Webhook plugin';
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return 'must be the webhook URL as Slack gives it, without user name, query or fragment';
  if (/^\/(?:triggers|workflows)\//.test(url.pathname)) {
    return 'is a Workflow Builder webhook, which takes the workflow\'s own variables rather than a message: create an incoming webhook (your Slack app > Incoming Webhooks > Add New Webhook to Workspace)';
  }
  if (!SERVICES_PATH.test(url.pathname)) return 'must be https://hooks.slack.com/services/T…/B…/… with its three parts (workspace, webhook and token): copy the whole URL from the app\'s Incoming Webhooks page';
  return undefined;
}

/**
 * Checks beyond the JSON Schema: the webhook URL is an incoming webhook's, each rule's type,
 * names, conditions and templates read (a bad placeholder named with the rule's index), and
 * icon_emoji and icon_url are not both set.
 *
 * @example
 * validateSlackConfig({ webhook_url: EXAMPLE_WEBHOOK_URL, rules: [{ template: 'Total: {{properties.}}' }] });
 * // [{ field: 'rules[0].template', message: 'placeholder {{properties.}} is not a path: …' }]
 */
export function validateSlackConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.webhook_url !== 'string' || config.webhook_url.trim() === '') {
    problems.push({ field: 'webhook_url', message: 'is required: the incoming webhook\'s URL, https://hooks.slack.com/services/T…/B…/…' });
  } else {
    const problem = webhookUrlProblem(config.webhook_url);
    if (problem) problems.push({ field: 'webhook_url', message: problem });
  }
  problems.push(...readRules(config.rules).problems);
  if (configText(config, 'icon_emoji') !== undefined && configText(config, 'icon_url') !== undefined) problems.push({ field: 'icon_url', message: 'cannot be set with icon_emoji: Slack shows one icon; keep one of them' });
  return problems;
}

/** What the message builder reads from a config. */
export interface SlackOptions {
  rules: CompiledRule[];
  mrkdwn: boolean;
  username?: string;
  iconEmoji?: string;
  iconUrl?: string;
}

// Compiled once per config object: the mapper runs for every event of a delivery.
const compiled = new WeakMap<object, SlackOptions>();

/**
 * The options of a config, rules compiled (those with a problem left out: validation refuses
 * them, so only a stale revision has one).
 *
 * @example
 * optionsOf({ rules: [{ events: ['Order Completed'], template: 'Order!' }] }).rules.length; // 1
 */
export function optionsOf(config: Record<string, JsonValue>): SlackOptions {
  const cached = compiled.get(config);
  if (cached) return cached;
  const username = configText(config, 'username');
  const iconEmoji = configText(config, 'icon_emoji');
  const iconUrl = configText(config, 'icon_url');
  const options: SlackOptions = {
    rules: readRules(config.rules).rules,
    mrkdwn: config.mrkdwn !== false,
    ...(username !== undefined ? { username } : {}),
    ...(iconEmoji !== undefined ? { iconEmoji } : iconUrl !== undefined ? { iconUrl } : {}),
  };
  compiled.set(config, options);
  return options;
}
