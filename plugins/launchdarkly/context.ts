// The LaunchDarkly context an event is for, in the two shapes the events service takes (the
// SDKs' event output, go-sdk-events `events_output.go` and `context_formatter.go`):
// - `contextKeys` of a custom event: { <kind>: <key>, … }, one entry per kind ("user": the
//   userId, else the anonymousId, by config.context_key; the anonymousId under
//   config.anonymous_context_kind too when set);
// - the `context` of an identify event: { kind, key, anonymous?, …attributes, _meta?: {
//   redactedAttributes } }, or { kind: 'multi', <kind>: { key, … }, … } for several kinds.
// Attributes come from the person's traits: without contact information unless
// config.context_attributes names them; config.private_attributes are left out and listed in
// _meta.redactedAttributes, as the SDKs do with private attributes.
import { isJsonObject, recordWithoutContactInfo, usableId, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { RESERVED_ATTRIBUTES, type ContextKeyChoice, type LaunchDarklyOptions } from './config.ts';

type Warn = ((message: string) => void) | undefined;

/** One context of an event: its kind, its key, and whether the key is a visitor's anonymous id. */
export interface ContextPart {
  kind: string;
  key: string;
  anonymous: boolean;
}

function idOf(value: JsonValue | undefined): string | undefined {
  return usableId(value) ? String(value).trim() : undefined;
}

/**
 * The key config.context_key picks, and whether it is the anonymousId, or undefined when the
 * event has none of the ids allowed.
 *
 * @example
 * keyOf('u-1', 'a-1', 'anonymousId_then_userId'); // { key: 'a-1', anonymous: true }
 * keyOf(undefined, 'a-1', 'userId');             // undefined
 */
export function keyOf(userId: string | undefined, anonymousId: string | undefined, choice: ContextKeyChoice): { key: string; anonymous: boolean } | undefined {
  const user = userId === undefined ? undefined : { key: userId, anonymous: false };
  const visitor = anonymousId === undefined ? undefined : { key: anonymousId, anonymous: true };
  switch (choice) {
    case 'userId': return user;
    case 'anonymousId': return visitor;
    case 'anonymousId_then_userId': return visitor ?? user;
    default: return user ?? visitor;
  }
}

/**
 * The contexts of an event: the configured kind keyed by config.context_key's id, and the
 * anonymousId under config.anonymous_context_kind when set. Empty when the event has not the id
 * config.context_key asks for (the event is then not sent: LaunchDarkly counts it for no one).
 *
 * @example
 * contextsOf({ user_id: 'u-1', anonymous_id: 'a-1' }, { contextKind: 'user', contextKey: 'userId_then_anonymousId', anonymousKind: 'device' });
 * // [{ kind: 'user', key: 'u-1', anonymous: false }, { kind: 'device', key: 'a-1', anonymous: true }]
 */
export function contextsOf(payload: JsonObject, options: Pick<LaunchDarklyOptions, 'contextKind' | 'contextKey' | 'anonymousKind'>): ContextPart[] {
  const anonymousId = idOf(payload.anonymous_id);
  const main = keyOf(idOf(payload.user_id), anonymousId, options.contextKey);
  if (main === undefined) return [];
  const parts: ContextPart[] = [{ kind: options.contextKind, ...main }];
  if (options.anonymousKind !== undefined && anonymousId !== undefined) parts.push({ kind: options.anonymousKind, key: anonymousId, anonymous: true });
  return parts;
}

/**
 * A custom event's contextKeys: { <kind>: <key> } for each context.
 *
 * @example
 * contextKeysOf([{ kind: 'user', key: 'u-1', anonymous: false }]); // { user: 'u-1' }
 */
export function contextKeysOf(parts: ContextPart[]): JsonObject {
  return Object.fromEntries(parts.map((part) => [part.kind, part.key]));
}

/**
 * An attribute name as an attribute reference of `_meta.redactedAttributes`: the name itself,
 * or, when it starts with "/", escaped as a path ("~" → "~0", "/" → "~1") behind a "/".
 *
 * @example
 * attributeRef('plan');  // 'plan'
 * attributeRef('/a~b');  // '/~1a~0b'
 */
export function attributeRef(name: string): string {
  return name.startsWith('/') ? `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}` : name;
}

/**
 * The attributes of the person's traits for an identify event's context, with the private ones
 * listed apart: config.context_attributes' traits when it names some (as they are), else every
 * trait without contact information (the SDK's reading of a person's traits: emails, phone
 * numbers, names, addresses left out, URLs without queries). Reserved names (kind, key,
 * anonymous, _meta) and a `name` that is not text are left out, with a warning.
 *
 * @example
 * contextAttributesOf({ plan: 'pro', email: 'jane@example.com', company: 'Acme' }, { contextAttributes: undefined, privateAttributes: ['company'] }, warn);
 * // { attributes: { plan: 'pro' }, redacted: ['company'] }
 */
export function contextAttributesOf(traits: JsonValue | undefined, options: Pick<LaunchDarklyOptions, 'contextAttributes' | 'privateAttributes'>, warn: Warn): { attributes: JsonObject; redacted: string[] } {
  if (!isJsonObject(traits)) return { attributes: {}, redacted: [] };
  let chosen: JsonObject;
  if (options.contextAttributes !== undefined) {
    chosen = {};
    for (const name of options.contextAttributes) if (Object.hasOwn(traits, name) && traits[name] !== undefined) chosen[name] = traits[name]!;
  } else {
    const clean = recordWithoutContactInfo({ traits }, { valueChecked: [] }).traits;
    chosen = isJsonObject(clean) ? clean : {};
    const dropped = Object.keys(traits).filter((name) => !Object.hasOwn(chosen, name) && traits[name] !== null).length;
    if (dropped > 0) warn?.(`${dropped} trait(s) not sent as context attributes: contact information (emails, phone numbers, names, addresses) is left out unless config.context_attributes names the trait`);
  }
  const attributes: JsonObject = {};
  const redacted: string[] = [];
  const reserved: string[] = [];
  const privates = new Set(options.privateAttributes);
  for (const [name, value] of Object.entries(chosen)) {
    if (value === null) continue;
    if (RESERVED_ATTRIBUTES.has(name)) {
      reserved.push(name);
      continue;
    }
    if (name === 'name' && typeof value !== 'string') {
      warn?.('the trait "name" is not text, and LaunchDarkly\'s name attribute must be: not sent');
      continue;
    }
    if (privates.has(name)) redacted.push(attributeRef(name));
    else attributes[name] = value;
  }
  if (reserved.length > 0) warn?.(`trait(s) ${reserved.map((name) => `"${name}"`).join(', ')} not sent: a context sets kind, key, anonymous and _meta itself`);
  return { attributes, redacted };
}

/** One context's JSON body: key, anonymous, attributes, _meta (kind written by the caller). */
function contextBody(part: ContextPart, attributes: JsonObject, redacted: string[]): JsonObject {
  return {
    key: part.key,
    ...attributes,
    ...(part.anonymous ? { anonymous: true } : {}),
    ...(redacted.length > 0 ? { _meta: { redactedAttributes: redacted } } : {}),
  };
}

/**
 * An identify event's context: a single context { kind, key, …, anonymous? } carrying the
 * attributes, or a multi-context { kind: 'multi', <kind>: { key, … }, … } when the anonymousId
 * has a kind of its own (the attributes go with the first, the person's, context).
 *
 * @example
 * identifyContextOf([{ kind: 'user', key: 'u-1', anonymous: false }], { plan: 'pro' }, []);
 * // { kind: 'user', key: 'u-1', plan: 'pro' }
 */
export function identifyContextOf(parts: ContextPart[], attributes: JsonObject, redacted: string[]): JsonObject {
  const [first, ...others] = parts;
  if (first === undefined) return {};
  if (others.length === 0) return { kind: first.kind, ...contextBody(first, attributes, redacted) };
  const multi: JsonObject = { kind: 'multi', [first.kind]: contextBody(first, attributes, redacted) };
  for (const part of others) multi[part.kind] = contextBody(part, {}, []);
  return multi;
}
