// The message an event posts: its rule's template rendered into `text`, and with a title, a
// header block above a section holding the same text (Slack then uses `text` for
// notifications). Within Slack's limits, cut with a warning rather than refused.
import type { CanonicalEvent, JsonObject, PluginContext } from '../../core/sdk/index.ts';
import { MAX_TITLE_CHARS, optionsOf, type SlackOptions } from './config.ts';
import { matchingRule, type CompiledRule } from './rules.ts';
import { escapeSlackText, renderTemplate } from './template.ts';

/** Characters of `text` at most: Slack advises under 4,000 and cuts a message's text at 40,000. */
export const MAX_TEXT_CHARS = 4000;
/** Slack's limit for a section block's text. */
export const MAX_SECTION_CHARS = 3000;

/**
 * Cuts Slack text at `max` characters, never inside an entity (`&amp;`) or a `<…>` of the
 * admin's markup (a cut link would show its raw form), ending with "…".
 */
export function cutSlackText(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  let kept = chars.slice(0, max - 1).join('');
  kept = kept.replace(/&[a-z]*$/, '');
  const open = kept.lastIndexOf('<');
  if (open > kept.lastIndexOf('>')) kept = kept.slice(0, open);
  return `${kept}…`;
}

function cutPlain(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/**
 * The Slack message of an event for its rule, warnings by `warn` (placeholders the event
 * lacked, text cut to Slack's limits).
 *
 * @example
 * slackMessage(rule, event, { rules, mrkdwn: true }); // { text: 'Order 1001: 600 USD' }
 */
export function slackMessage(rule: CompiledRule, event: CanonicalEvent, options: SlackOptions, warn: (message: string) => void = () => {}): JsonObject {
  // Values are escaped in `text` and in a mrkdwn section whatever `mrkdwn` says: Slack reads
  // `<!channel>`, `<@U…>` and links in a message's text with formatting off too (mrkdwn only
  // turns off *bold*, _italic_ and `code`), and decodes the entities for display either way.
  const rendered = renderTemplate(rule.template, event, true);
  const missing = [...rendered.missing];
  let text = rendered.text.trim();
  const message: JsonObject = {};
  if (rule.title) {
    // A header is plain text, which Slack does not read for mentions or links: not escaped.
    const title = renderTemplate(rule.title, event, false);
    missing.push(...title.missing);
    const header = cutPlain(title.text.trim().replace(/\s+/g, ' '), MAX_TITLE_CHARS);
    if (title.text.trim().length > MAX_TITLE_CHARS) warn(`rules[${rule.index}].title: cut to Slack's ${MAX_TITLE_CHARS} characters of a header`);
    if (Array.from(text).length > MAX_SECTION_CHARS) warn(`rules[${rule.index}].template: the message cut to Slack's ${MAX_SECTION_CHARS} characters of a section`);
    text = cutSlackText(text, MAX_SECTION_CHARS);
    message.text = `${escapeSlackText(header)}\n${text}`;
    // With formatting off the section is plain text, shown as typed: its values unescaped.
    const section = options.mrkdwn
      ? { type: 'mrkdwn', text }
      : { type: 'plain_text', text: cutPlain(renderTemplate(rule.template, event, false).text.trim(), MAX_SECTION_CHARS) };
    message.blocks = [
      { type: 'header', text: { type: 'plain_text', text: header } },
      { type: 'section', text: section },
    ];
  } else {
    if (Array.from(text).length > MAX_TEXT_CHARS) warn(`rules[${rule.index}].template: the message cut to ${MAX_TEXT_CHARS} characters (Slack's advice for a message's text)`);
    message.text = cutSlackText(text, MAX_TEXT_CHARS);
  }
  if (!options.mrkdwn) message.mrkdwn = false;
  if (options.username) message.username = options.username;
  if (options.iconEmoji) message.icon_emoji = options.iconEmoji;
  if (options.iconUrl) message.icon_url = options.iconUrl;
  if (missing.length > 0) warn(`rules[${rule.index}]: ${[...new Set(missing)].join(', ')} not in the event, shown as (none)`);
  return message;
}

/**
 * The variant's code mapper: the message of the first rule the event matches, or null (no
 * rule matches: not sent, counted as dropped by the mapping).
 *
 * @example
 * mapToMessage(orderCompleted, ctx); // { text: 'Order 1001: 600 USD' }
 * mapToMessage(pageView, ctx); // null
 */
export function mapToMessage(event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const options = optionsOf(ctx.config);
  const rule = matchingRule(options.rules, event);
  if (!rule) return null;
  return slackMessage(rule, event, options, (message) => ctx.warn?.(message));
}
