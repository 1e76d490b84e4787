import { createHash } from 'node:crypto';
import type { JsonValue, RequestDescriptor } from '../sdk/types.ts';
import { buildUrl } from './http-performer.ts';

export const REDACTED = '[REDACTED]';
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'cookie', 'x-signal-signature']);
/**
 * Header names that say they carry a credential (`X-Auth-Token`, `Private-Token`,
 * `X-Webhook-Secret`, `X-Amz-Security-Token` …): masked like the names above, for requests whose
 * credential is not a secret field's value (a webhook's plain `headers` written before
 * `secret_headers` existed).
 */
const SECRET_HEADER_WORDS = /(^|-)(auth|token|secret|password|passwd|apikey|api-key|access-key|credentials?|session)($|-)/i;

/** Fewest characters a secret value needs to be redacted by text (shorter ones match too much). */
const MIN_SECRET_LENGTH = 4;
// `sig`: a shared access signature's signature in a URL's query (Azure Storage SAS tokens). Masked
// by its name: the token's own text is not found once the query is re-encoded below (a portal
// token's raw colons become %3A), and a signature a plugin derives is no configured secret at all.
const SECRET_KEYS = /^(api_?key|apikey|access_?token|token|password|secret|client_secret|signing_secret|sig)$/i;

/** Replaces every occurrence of each secret (4+ characters) in a text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * The texts to redact for an integration: the values of its secret fields, and of a secret
 * field holding an object or a list (a webhook's `secret_headers`) every string inside it —
 * each also trimmed and percent-encoded, the forms a plugin may send it in. Texts shorter than
 * 4 characters are left out, as `redactText` would ignore them.
 *
 * @example
 * secretValuesOf(['whsec-0123456789abcdef', { 'X-Auth-Token': 'erp-token-123' }, undefined]);
 * // ['whsec-0123456789abcdef', 'erp-token-123']
 */
export function secretValuesOf(values: ReadonlyArray<JsonValue | undefined>): string[] {
  const found: string[] = [];
  const collect = (value: JsonValue | undefined): void => {
    if (typeof value === 'string') {
      // Also as a plugin may send it: trimmed (a key pasted with its newline), or
      // percent-encoded in a URL's path or query.
      for (const form of [value, value.trim(), encodeURIComponent(value.trim())]) {
        if (form.length >= MIN_SECRET_LENGTH) found.push(form);
      }
    } else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  values.forEach(collect);
  return [...new Set(found)];
}

/**
 * A copy of a JSON value with each secret replaced in texts and keys, at any depth; with
 * `credentialKeys`, also the scalar values of keys that name a credential (`api_key`, `token`).
 * `fromEntries` defines own properties: a `__proto__` key stays a key.
 */
function redactJson(value: JsonValue, secrets: readonly string[], credentialKeys: boolean): JsonValue {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, secrets, credentialKeys));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [
      redactText(key, secrets),
      credentialKeys && SECRET_KEYS.test(key) && inner !== null && typeof inner !== 'object' ? REDACTED : redactJson(inner, secrets, credentialKeys),
    ]));
  }
  return value;
}

/**
 * A copy of a JSON value with every occurrence of each secret (4+ characters) replaced by
 * `[REDACTED]`, in texts and keys alike. A preview's vendor event, warnings and errors are
 * redacted with this, as its requests are: a plugin's code mapper or `map` hook sees the
 * config, secrets included.
 *
 * @example
 * redactSecretValues({ auth: 'Bearer whsec_0123456789abcdef' }, ['whsec_0123456789abcdef']);
 * // { auth: 'Bearer [REDACTED]' }
 */
export function redactSecretValues<T extends JsonValue>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  // The walk keeps each value's kind (text stays text, a list a list), so T holds.
  return redactJson(value, secrets, false) as T;
}

/** `"api_key": "…"` and the like inside JSON text (for a preview, which no longer parses). */
const SECRET_KEY_IN_TEXT = /("(?:api_?key|apikey|access_?token|token|password|secret|client_secret|signing_secret)"\s*:\s*)("(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false)/gi;

/**
 * JSON text redacted by text (secret values, values of credential keys), then cut to
 * `maxChars`: redacting before cutting keeps a secret that straddles the cut from leaving its
 * first half in the preview.
 */
function redactedPreview(text: string, maxChars: number, secrets: readonly string[]): JsonValue {
  const preview = redactText(text, secrets).replace(SECRET_KEY_IN_TEXT, `$1"${REDACTED}"`).slice(0, maxChars);
  return { $truncated: true, bytes: Buffer.byteLength(text), preview };
}

export interface RedactOptions {
  /**
   * A body whose JSON text is longer is kept as `{ $truncated, bytes, preview }` with the first
   * `maxBodyChars` characters (a 2,000-event batch would otherwise be stored with every log
   * entry and dead letter). Cutting first also spares parsing and walking the whole body.
   */
  maxBodyChars?: number;
}

/**
 * A copy of a request safe to keep in the delivery log and dead letters: the integration's
 * secret values replaced wherever they appear, credential headers masked (keeping the scheme,
 * e.g. `Bearer [REDACTED]`), and JSON keys that name credentials masked.
 *
 * @example
 * redactRequest({ method: 'POST', url: 'https://x.test', headers: { authorization: 'Bearer abc123' }, eventIds: [] }, ['abc123']);
 * // { method: 'POST', url: 'https://x.test/', headers: { authorization: 'Bearer [REDACTED]' }, body: null }
 */
export function redactRequest(request: RequestDescriptor, secrets: readonly string[], options: RedactOptions = {}): JsonValue {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (SECRET_HEADERS.has(name.toLowerCase()) || SECRET_HEADER_WORDS.test(name)) {
      const scheme = /^(Bearer|Basic|Token)\s+/i.exec(value)?.[0] ?? '';
      headers[name] = `${scheme}${REDACTED}`;
    } else headers[name] = redactText(value, secrets);
  }
  let body: JsonValue = null;
  const limit = options.maxBodyChars ?? Infinity;
  const text = request.body === undefined || request.body instanceof Uint8Array ? '' : typeof request.body === 'string' ? request.body : limit === Infinity ? '' : JSON.stringify(request.body);
  // Bytes (a compressed archive) are described, never kept: they may hold anything.
  if (request.body instanceof Uint8Array) body = { $binary: true, bytes: request.body.byteLength, sha256: createHash('sha256').update(request.body).digest('hex') };
  else if (text.length > limit) body = redactedPreview(text, limit, secrets);
  else if (typeof request.body === 'string') {
    try {
      body = redactJson(JSON.parse(request.body) as JsonValue, secrets, true);
    } catch {
      body = redactText(request.body, secrets);
    }
  } else if (request.body !== undefined) body = redactJson(request.body, secrets, true);
  const url = buildUrl(request);
  for (const [key, value] of [...url.searchParams]) {
    if (SECRET_KEYS.test(key)) url.searchParams.set(key, REDACTED);
    else url.searchParams.set(key, redactText(value, secrets));
  }
  return { method: request.method, url: redactText(url.href, secrets), headers, body };
}
