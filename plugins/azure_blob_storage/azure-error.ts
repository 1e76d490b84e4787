// Azure Storage's error answers ("Status and error codes" of the Storage REST API): an XML body
// `<?xml version="1.0" encoding="utf-8"?><Error><Code>ContainerNotFound</Code><Message>The
// specified container does not exist.\nRequestId:…\nTime:…</Message></Error>`, the code also in
// the `x-ms-error-code` header (a HEAD answer has no body); an authentication failure adds
// `<AuthenticationErrorDetail>` saying what did not match.
import { excerpt, responseHeader, type VendorResponse } from '../../core/sdk/index.ts';

/** What Azure Storage said; `azure` false when the answer carries neither its code header nor its XML error (a proxy's page). */
export interface StorageError {
  azure: boolean;
  /** The error code: `AuthenticationFailed`, `ContainerNotFound`, `ServerBusy`…, or ''. */
  code: string;
  /** The message without its RequestId/Time lines, and the authentication detail when given. */
  message: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** An XML element's text, entities decoded, or undefined. */
function element(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match?.[1]?.replace(/&(lt|gt|amp|quot|apos);/g, (_, entity: string) => ENTITIES[entity]!).trim();
}

/**
 * The error of an answer: its code (the `x-ms-error-code` header, else the XML's `<Code>`) and
 * message (the XML's `<Message>` without the RequestId and Time lines, then its
 * `<AuthenticationErrorDetail>`), else the body's text.
 *
 * @example
 * storageError({ status: 404, headers: { 'x-ms-error-code': 'ContainerNotFound' }, body: '<?xml version="1.0" encoding="utf-8"?><Error><Code>ContainerNotFound</Code><Message>The specified container does not exist.\nRequestId:…\nTime:…</Message></Error>' });
 * // { azure: true, code: 'ContainerNotFound', message: 'The specified container does not exist.' }
 */
export function storageError(response: VendorResponse): StorageError {
  const body = response.body ?? '';
  const isXml = /<Error>[\s\S]*<\/Error>/.test(body);
  const code = responseHeader(response.headers, 'x-ms-error-code') ?? (isXml ? element(body, 'Code') : undefined) ?? '';
  if (!isXml) return { azure: code !== '', code, message: excerpt(body.replace(/\s+/g, ' ').trim()) };
  const message = (element(body, 'Message') ?? '').split('\n').filter((line) => !/^(?:RequestId|Time):/.test(line.trim())).join(' ').trim();
  const detail = element(body, 'AuthenticationErrorDetail');
  return { azure: true, code, message: excerpt(detail ? `${message} ${detail}`.trim() : message) };
}

/**
 * Azure Storage's answer in words for a reason: `HTTP 404 ContainerNotFound: The specified container does not exist.`.
 *
 * @example
 * said({ status: 503, headers: {}, body: '' }, { azure: false, code: '', message: '' }); // 'HTTP 503'
 */
export function said(response: VendorResponse, error: StorageError): string {
  return `HTTP ${response.status}${error.code === '' ? '' : ` ${error.code}`}${error.message === '' ? '' : `: ${error.message}`}`;
}
