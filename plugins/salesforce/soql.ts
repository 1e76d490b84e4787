// SOQL as the plugin writes it: string literals escaped as the SOQL reference says ("Quoted
// String Escape Sequences": \n \r \t \b \f \" \' \\), and the lookups of people by a field's
// value, kept within the URI length Salesforce's REST API takes.
import type { SalesforceObject } from './config.ts';

/**
 * The longest URL (path and query, form-encoded) a lookup is given: Salesforce answers 414 past
 * 16,384 bytes of URI and 431 past 16,384 bytes of URI and headers together, and the
 * Authorization header's token and the other headers need room.
 */
export const MAX_LOOKUP_URL_BYTES = 12_000;

const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '"': '\\"', '\'': '\\\'', '\\': '\\\\' };

/**
 * A SOQL string literal of `value`, quotes included; undefined when the value holds a control
 * character SOQL has no escape for (no key Signal sends holds one).
 *
 * @example
 * soqlString("o'neil@example.com"); // "'o\\'neil@example.com'"
 */
export function soqlString(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0007\u000b\u000e-\u001f\u007f]/.test(value)) return undefined;
  return `'${value.replace(/[\n\r\t\b\f"'\\]/g, (char) => ESCAPES[char]!)}'`;
}

/** The bytes `text` takes as a form-encoded query value (how the core writes query pairs: URLSearchParams). */
export function formEncodedLength(text: string): number {
  return new URLSearchParams([['q', text]]).toString().length - 2;
}

/**
 * The lookup of the records of `object` whose Email is one of `literals` (SOQL string literals):
 * Salesforce compares text without case; the newest first, so that of several records holding one
 * email the one edited last is updated. A Lead says whether it was converted (a converted lead is
 * read-only).
 *
 * @example
 * emailLookupQuery('Lead', ["'jane@example.com'"]);
 * // "SELECT Id, Email, IsConverted FROM Lead WHERE Email IN ('jane@example.com') ORDER BY LastModifiedDate DESC"
 */
export function emailLookupQuery(object: SalesforceObject, literals: readonly string[]): string {
  return `SELECT Id, Email${object === 'Lead' ? ', IsConverted' : ''} FROM ${object} WHERE Email IN (${literals.join(', ')}) ORDER BY LastModifiedDate DESC`;
}

/** The parts of an email lookup's query around its literals, for measuring it as it grows. */
export function emailLookupFrame(object: SalesforceObject): { before: string; after: string } {
  const [before, after] = emailLookupQuery(object, ['\u0000']).split('\u0000') as [string, string];
  return { before, after };
}

/**
 * The lookup of the records a person deletion deletes: those whose `field` is `literal`, up to 200
 * (one sObject Collections delete).
 *
 * @example
 * deletionLookupQuery('Lead', 'Signal_User_Id__c', "'u-1'"); // "SELECT Id FROM Lead WHERE Signal_User_Id__c = 'u-1' LIMIT 200"
 */
export function deletionLookupQuery(object: SalesforceObject, field: string, literal: string): string {
  return `SELECT Id FROM ${object} WHERE ${field} = ${literal} LIMIT 200`;
}
