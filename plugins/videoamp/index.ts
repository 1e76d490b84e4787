import { defaultClassify, definePlugin, excerpt, type Classification } from '../../core/sdk/index.ts';

export const VIDEOAMP_URL = 'https://api.videoamp.com/v1/conversions';

/**
 * Whether an answer is a web page: a body that is HTML. Read from the body alone: a content
 * type says little (some APIs answer `text/html` by default, Slack its `ok`). VideoAmp
 * documents no success answer, so no body can be required; but a JSON API never answers a page
 * — a proxy or a captive portal between Signal and VideoAmp does.
 */
function isWebPage(response: { body: string }): boolean {
  const body = response.body ?? '';
  return /^\s*<(?:!doctype|html|head|body)\b/i.test(body) || /<\/(?:html|body)>/i.test(body);
}

/**
 * VideoAmp's answers: a 2xx delivered, unless it is a web page (a proxy's: sent again, quoting
 * it); 401/403 mean the token, whatever VideoAmp's body says; the rest is the core's default
 * (429 and 5xx retried, other 4xx dead-lettered).
 *
 * @example
 * classifyVideoAmp({ status: 401, body: '{}', headers: {} });
 * // { status: 'dead_letter', reason: 'VideoAmp refused the api_token (HTTP 401): it is invalid, expired, or scoped to another advertiser. …' }
 */
export function classifyVideoAmp(response: { status: number; body: string; headers: Record<string, string> }): Classification {
  if (response.status >= 200 && response.status < 300 && isWebPage(response)) {
    return { status: 'retry', reason: `HTTP ${response.status} with a web page (${excerpt(response.body ?? '')}): not VideoAmp's Conversions API answering — a proxy? — so the conversion is sent again` };
  }
  if (response.status === 401 || response.status === 403) {
    return {
      status: 'dead_letter',
      reason: `VideoAmp refused the api_token (HTTP ${response.status}): it is invalid, expired, or scoped to another advertiser. Ask your VideoAmp rep to re-issue it, then update config.api_token.`,
    };
  }
  return defaultClassify(response);
}

export default definePlugin({
  id: 'videoamp',
  name: 'VideoAmp',
  category: 'advertising',
  description: 'Conversion events to VideoAmp via the Conversions API, closing the attribution loop for cross-platform video and CTV campaigns (alpha).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['advertiser_id', 'api_token'],
    properties: {
      advertiser_id: { type: 'string', title: 'Advertiser ID', description: 'Your VideoAmp advertiser ID (numeric).', pattern: '^[0-9]+$', examples: ['1234567'] },
      api_token: { type: 'string', title: 'API Token', description: 'Bearer token authorising server-side conversion writes. Treat as a secret.', secret: true, minLength: 8 },
    },
  },
  variants: {
    retail: { description: 'Retail preset: Order Completed → conversion, Lead Submitted → lead.', blueprint: 'videoamp/retail.yaml' },
  },
  vendorFields: {
    event: { required: true, description: 'conversion or lead.' },
    advertiser_id: { required: true },
    external_id: { required: false, description: 'The anonymous id: a stable cross-session identifier.' },
    email: { required: false, description: 'SHA-256 of the trimmed, lower-cased email.' },
    phone: { required: false, description: 'SHA-256 of the E.164 phone.' },
    ip: { required: false },
    user_agent: { required: false },
    transaction_id: { required: false },
    value: { required: false },
    currency: { required: false },
  },
  consent: ['marketing'],
  rateLimit: { rps: 50 },
  batch: { maxEvents: 1, maxBytes: 64_000 },
  send: (batch, ctx) =>
    batch.map((event) => ({
      method: 'POST' as const,
      url: VIDEOAMP_URL,
      headers: { authorization: `Bearer ${String(ctx.config.api_token)}`, 'content-type': 'application/json' },
      body: event.payload,
      eventIds: [event.id],
    })),
  classify: (response) => classifyVideoAmp(response),
  // No successAnswer: VideoAmp documents none (its reference is not public); any 2xx but a web page is taken.
});
