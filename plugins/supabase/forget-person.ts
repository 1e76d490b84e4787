// Person deletions forwarded to the table: one `DELETE {url}/rest/v1/{table}?or=(…)` through the
// Data API, the rows whose user_id — or an alias's previous_id — is the person's userId, and
// those whose anonymous_id (or previous_id) is their anonymousId (the SDK's rule for every
// warehouse table). Each id goes into PostgREST's filter as a double-quoted value, a `"` or `\`
// in it escaped: inside `or=(…)` a comma, a dot, a colon or a parenthesis would otherwise end the
// value (PostgREST's reserved characters), and quoted it is read as written. The URL encoding of
// the query does the rest. Deleting rows already gone deletes nothing and succeeds, so a
// deletion sent again is harmless.
import { allowedPrivateTargets, configApiKey, defaultForgetRead, eventRowsOfPerson, parseRetryAfter, PLACEHOLDER_IDS_SKIPPED, responseHeader, type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { authHeaders, forwardsDeletions, tableName, tableOf, tableUrl } from './config.ts';
import { missingColumn, notDataApiAnswer, postgrestError, said, sqlStateClass, unknownRole } from './postgrest-error.ts';

/** A filter value as PostgREST reads it inside `or=(…)`: double-quoted, a `"` or `\` escaped with `\`. */
export const quotedValue = (value: string): string => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * The `or` filter of the person's rows (placeholders left out), or null when no usable id is named.
 *
 * @example
 * personFilter({ userId: 'u-1', anonymousId: 'df_1' });
 * // '(user_id.eq."u-1",previous_id.eq."u-1",anonymous_id.eq."df_1",previous_id.eq."df_1")'
 */
export function personFilter(person: NamedPerson): string | null {
  const rows = eventRowsOfPerson(person, () => '');
  if (rows === null) return null;
  const terms = rows.ids.flatMap(({ name, value }) => [`${name}.eq.${quotedValue(value)}`, `previous_id.eq.${quotedValue(value)}`]);
  return `(${terms.join(',')})`;
}

/**
 * The request deleting the person's rows, or why none can be made.
 *
 * @example
 * deletionRequest({ userId: 'u-1', anonymousId: null }, ctx);
 * // { method: 'DELETE', url: 'https://abcdefghijklmnopqrst.supabase.co/rest/v1/events', query: [['or', '(user_id.eq."u-1",previous_id.eq."u-1")']],
 * //   headers: { apikey: …, 'content-profile': 'public', prefer: 'return=minimal' }, eventIds: [] }
 */
export function deletionRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  const filter = personFilter(person);
  if (filter === null) return { skipped: PLACEHOLDER_IDS_SKIPPED };
  const allow = allowedPrivateTargets(ctx.config);
  return {
    method: 'DELETE',
    url: tableUrl(ctx.config),
    query: [['or', filter]],
    headers: { ...authHeaders(ctx.config), prefer: 'return=minimal' },
    eventIds: [],
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  };
}

/**
 * Reads the Data API's answer to the DELETE:
 * - 2xx: done (204 with `return=minimal`: the rows are gone) — unless it is a web page (a proxy's: tried again);
 * - 408, 429, 5xx and passing database failures: tried again (after Retry-After);
 * - a refused key, Row Level Security, a missing grant, schema, table or column: failed, saying what to fix.
 *
 * @example
 * readDeletionAnswer({ status: 403, headers: {}, body: '{"code":"42501","message":"permission denied for table events"}' }, request, ctx);
 * // { failed: 'HTTP 403, 42501: permission denied for table events — run GRANT SELECT, DELETE ON public.events TO service_role, or turn config.forward_deletions off' }
 */
export function readDeletionAnswer(response: VendorResponse, _request?: RequestDescriptor, ctx?: Pick<PluginContext, 'config'>): ForgetOutcome {
  const config: Record<string, JsonValue> = ctx?.config ?? {};
  const error = postgrestError(response);
  const answered = said(response, error);
  const ok = response.status >= 200 && response.status < 300;
  if (ok && notDataApiAnswer(response)) return { retry: `the answer to the DELETE is a web page, not the Data API's (${answered}): check config.url and config.api_path` };
  if (ok) return { done: true, message: 'Supabase deleted the person\'s rows from the table' };
  const table = ctx === undefined ? 'the table' : tableName(config);
  const schema = ctx === undefined ? 'the schema' : tableOf(config).schema;
  const { code } = error;
  if (code.startsWith('PGRST30') || sqlStateClass(code) === '28' || unknownRole(error) || (code === '' && response.status === 401)) {
    return { failed: `${answered} — check config.api_key (a secret key, sb_secret_…, or the legacy service_role key${ctx !== undefined && configApiKey(config) === '' ? ', which is empty' : ''})` };
  }
  if (code === '42501') {
    return /row-level security/i.test(error.message)
      ? { failed: `${answered} — config.api_key is not a secret or service_role key, which deletes past Row Level Security` }
      : { failed: `${answered} — run GRANT SELECT, DELETE ON ${table} TO service_role, or turn config.forward_deletions off` };
  }
  if (code === 'PGRST106' || code === '3F000') return { failed: `${answered} — check config.schema (${schema}), or expose it to the Data API` };
  if (code === '42P01' || code === 'PGRST205') return { failed: `${answered} — check config.schema and config.table` };
  if (missingColumn(error) !== undefined || code === '42703') {
    return { failed: `${answered} — the table lacks a column the deletion reads (user_id, anonymous_id, previous_id): see the CREATE TABLE of the plugin README` };
  }
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) {
    const afterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
    return afterMs === undefined ? { retry: answered } : { retry: answered, afterSeconds: Math.ceil(afterMs / 1000) };
  }
  if ('failed' in outcome) return { failed: answered };
  return outcome;
}

/** The plugin's forwarding of person deletions: on with a key, unless config.forward_deletions is false. */
export const supabaseForgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config) && configApiKey(config) !== '',
  request: deletionRequest,
  read: readDeletionAnswer,
  // PostgREST's answer to a DELETE with Prefer: return=minimal: 204, no body.
  successAnswer: { status: 204, headers: {}, body: '' },
};
