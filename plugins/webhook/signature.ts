import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header with `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`. */
export const SIGNATURE_HEADER = 'x-signal-signature';
/** Header with the Unix time (seconds) the request was signed at; part of the signed string. */
export const TIMESTAMP_HEADER = 'x-signal-timestamp';

/**
 * The signature of a request body: hex HMAC-SHA256, keyed with the shared secret, of
 * `<timestamp>.<raw body>`. Signing the timestamp (Stripe's scheme) means a captured request
 * cannot be replayed later under a fresh timestamp; receivers refuse old timestamps.
 *
 * @example
 * signBody('a-long-random-secret-value', 1711296300, '{"batch":[]}'); // '5f0c…' (64 hex digits)
 */
export function signBody(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The two headers of a signed request, for a body serialised exactly as sent.
 *
 * @example
 * signatureHeaders(secret, ctx.now, raw); // { 'x-signal-timestamp': '1711296300', 'x-signal-signature': 'sha256=…' }
 */
export function signatureHeaders(secret: string, nowMs: number, body: string): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: `sha256=${signBody(secret, timestamp, body)}` };
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * What a receiver does (in Node): checks the signature over the raw body bytes, in constant
 * time, and refuses timestamps further than `toleranceSeconds` (default 300) from now.
 *
 * @example
 * if (!verifySignature(rawBody, req.headers, process.env.SIGNAL_SECRET!)) return res.writeHead(401).end();
 */
export function verifySignature(
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
  secret: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const timestampText = headerValue(headers, TIMESTAMP_HEADER) ?? '';
  if (!/^\d{1,12}$/.test(timestampText)) return false;
  const timestamp = Number(timestampText);
  if (Math.abs((options.now ?? Date.now()) / 1000 - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(`sha256=${signBody(secret, timestamp, rawBody)}`);
  const given = Buffer.from(headerValue(headers, SIGNATURE_HEADER) ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
