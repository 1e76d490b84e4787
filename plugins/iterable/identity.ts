// Who a record names, by the project's type (Iterable: Project Types and Unique Identifiers;
// Creating and Identifying Users with Iterable APIs). Iterable wants one identifier per user
// object — "Provide an email or a userId (but not both)" — and which one depends on how the
// project identifies users: userID-based projects by userId, email-based projects by email,
// hybrid projects by either. The plugin takes the userId from the canonical event (or the
// blueprint's userId) and the email from the blueprint's `email` (traits.email, else the
// context.traits.email Signal remembers from the person's identify), never from event
// properties; what Iterable would refuse as malformed is dead-lettered here, saying why.
import { isEmailAddress, PermanentError, usableId, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import type { ProjectType } from './config.ts';

/** Iterable: a userId has a "Maximum length of 52 characters" (Project Types and Unique Identifiers). */
export const MAX_USER_ID_CHARS = 52;

/** The identifier a record goes to Iterable under: exactly one of them. */
export type Identity = { userId: string } | { email: string };

/**
 * What the plugin knows of the person a record names: usable, well-formed values, and why a
 * value given could not be used (told only when the record needs that value: an event of a
 * userID-based project is not refused for a malformed email it does not send).
 */
export interface Person {
  userId?: string;
  email?: string;
  userIdProblem?: string;
  emailProblem?: string;
}

/**
 * Why Iterable would refuse a userId, or undefined: longer than 52 characters, or holding
 * anything but printable ASCII (Iterable: "Malformed userId values (e.g. empty, too long, or
 * containing non-ASCII or non-printable characters or a trailing space)"). The value is
 * trimmed before, so no trailing space is left.
 *
 * @example
 * userIdProblem('user-123'); // undefined
 * userIdProblem('usér');     // 'holds characters other than printable ASCII, which Iterable refuses'
 */
export function userIdProblem(userId: string): string | undefined {
  if (userId.length > MAX_USER_ID_CHARS) return `has ${userId.length} characters, and Iterable takes at most ${MAX_USER_ID_CHARS}`;
  if (/[^\x20-\x7e]/.test(userId)) return 'holds characters other than printable ASCII, which Iterable refuses';
  return undefined;
}

/**
 * An email address as the plugin sends it: trimmed and lower-cased, or undefined when the value
 * is not one address (Iterable refuses malformed addresses, in the identifier and in
 * dataFields alike).
 *
 * @example
 * normalizeEmail(' Jane@Example.COM '); // 'jane@example.com'
 * normalizeEmail('jane@example');       // undefined
 */
export function normalizeEmail(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return isEmailAddress(email) ? email : undefined;
}

/** Whether a value is blank: absent, null, or text of white space only. */
function blank(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * The person a record names: the blueprint's `userId` (else the event's userId) when usable —
 * not one of the placeholders SDKs write for no one ("null", "anonymous", "0", …; SDK
 * usableId) — and well-formed; the blueprint's `email` when given, normalised. A value
 * Iterable would refuse as malformed is kept out, with why (`userIdProblem`, `emailProblem`).
 *
 * @example
 * personOf({ userId: 'u-1', email: 'Jane@Example.com' }, event); // { userId: 'u-1', email: 'jane@example.com' }
 * personOf({ userId: 'null', email: 'jane@' }, event);            // { emailProblem: 'the email "jane@" (…) is not an email address Iterable accepts: …' }
 */
export function personOf(payload: JsonObject, event: CanonicalEvent): Person {
  const person: Person = {};
  const rawUserId: JsonValue | undefined = payload.userId !== undefined ? payload.userId : (event.userId as JsonValue | undefined);
  if (usableId(rawUserId)) {
    const userId = typeof rawUserId === 'number' ? String(rawUserId) : rawUserId.trim();
    const problem = userIdProblem(userId);
    if (problem) person.userIdProblem = `the userId ${problem}: fix it at the source, or map another id to userId in the blueprint`;
    else person.userId = userId;
  }
  if (!blank(payload.email)) {
    const email = normalizeEmail(payload.email);
    if (email === undefined) person.emailProblem = `the email ${JSON.stringify(payload.email)} (traits.email, or context.traits.email) is not an email address Iterable accepts: fix it at the source, or leave it out with a pipeline transformation`;
    else person.email = email;
  }
  return person;
}

/**
 * The identifier a record goes under in a project of this type: the userId in userID-based
 * projects, the email in email-based ones, the userId else the email in hybrid ones. A record
 * without it is an error saying which identifier the project needs and where the plugin looks
 * for it; `what` names the record (`identify`, `event`, `purchase`).
 *
 * @example
 * identityOf('hybrid', { email: 'jane@example.com' }, 'event', event); // { email: 'jane@example.com' }
 * identityOf('userid', {}, 'event', event); // throws PermanentError('Iterable\'s userID-based projects identify users by userId, …')
 */
export function identityOf(projectType: ProjectType, person: Person, what: string, event: CanonicalEvent): Identity {
  const named = `userId ${JSON.stringify(event.userId ?? null)}`;
  const byUserId = (): Identity | undefined => {
    if (person.userIdProblem !== undefined) throw new PermanentError(person.userIdProblem);
    return person.userId === undefined ? undefined : { userId: person.userId };
  };
  const byEmail = (): Identity | undefined => {
    if (person.emailProblem !== undefined) throw new PermanentError(person.emailProblem);
    return person.email === undefined ? undefined : { email: person.email };
  };
  if (projectType === 'userid') {
    const identity = byUserId();
    if (identity) return identity;
    throw new PermanentError(`Iterable's userID-based projects identify users by userId, and this ${what} has none (${named}: an anonymous visitor's, or a placeholder such as "null"): Signal sends Iterable the events of identified users only`);
  }
  if (projectType === 'email') {
    const identity = byEmail();
    if (identity) return identity;
    throw new PermanentError(`Iterable's email-based projects identify users by email, and this ${what} has none (neither traits.email nor context.traits.email, which Signal remembers from the person's identify): identify the person with their email first; events without one are not sent`);
  }
  const identity = byUserId() ?? byEmail();
  if (identity) return identity;
  throw new PermanentError(`Iterable identifies users by userId or email, and this ${what} has neither (${named}, no traits.email or context.traits.email): events of anonymous visitors are not sent to Iterable`);
}
