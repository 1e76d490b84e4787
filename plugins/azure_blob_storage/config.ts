// The integration's config: the storage account and container (Azure's naming rules), one of two
// credentials (a SAS token or the account's Shared Key), an optional blob service endpoint for
// Azure's sovereign clouds and Azurite, where and how blobs are written (prefix, partitions,
// compression, sizes); the schema the catalog shows and the checks the schema cannot make, each
// naming its field.
import { allowedPrivateTargets, archiveConfigFieldSchemas, ARCHIVE_OBJECT_BOUNDS, archivePrefixOf, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Most events in one blob (configurable below it: `max_events_per_object`). */
export const MAX_EVENTS = ARCHIVE_OBJECT_BOUNDS.maxEvents;
/**
 * Most bytes of NDJSON in one blob (configurable below it: `max_object_bytes`). Put Blob takes a
 * block blob of up to 5,000 MiB in one request (versions 2019-12-12 and later), far more; but one
 * request is sent again whole when it fails, as Cloud Storage's and S3's plugins cap it.
 */
export const MAX_BYTES = ARCHIVE_OBJECT_BOUNDS.maxBytes;
export const DEFAULT_OBJECT_BYTES = ARCHIVE_OBJECT_BOUNDS.defaultBytes;
export const MIN_OBJECT_BYTES = ARCHIVE_OBJECT_BOUNDS.minBytes;
/** The prefix when the config gives none. */
export const DEFAULT_PREFIX = 'signal';
/** Characters of a prefix: letters, digits, `/` and `! _ . ' ( ) -` (safe in URLs and in every tool's paths). */
export const PREFIX_PATTERN = "^[A-Za-z0-9!_.'()/-]*$";
/** Most characters of a prefix: a blob name has at most 1,024 characters, and the rest of it takes about 150. */
export const MAX_PREFIX_LENGTH = 512;
/** Most `/`-separated segments of a prefix: a blob name has at most 254, and dt=, hour= and the file take 3. */
export const MAX_PREFIX_SEGMENTS = 251;
/** The blob service's DNS suffix in Azure's public cloud. */
export const PUBLIC_BLOB_SUFFIX = 'blob.core.windows.net';

/** A storage account's name: 3–24 lower-case letters and digits. */
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
/** A container's name: 3–63 lower-case letters, digits and single hyphens, from and to a letter or digit. */
const CONTAINER_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;

/**
 * The configured storage account (trimmed).
 *
 * @example
 * accountOf({ account: ' acmeevents ' }); // 'acmeevents'
 */
export const accountOf = (config: Record<string, JsonValue>): string => trimmedText(config.account) ?? '';
/**
 * The configured container (trimmed, slashes taken off).
 *
 * @example
 * containerOf({ container: '/signal-events/' }); // 'signal-events'
 */
export const containerOf = (config: Record<string, JsonValue>): string => (trimmedText(config.container) ?? '').replace(/^\/+|\/+$/g, '');
/**
 * The prefix as blob names use it (see the SDK's archivePrefixOf): `signal` by default.
 *
 * @example
 * prefixOf({}); // 'signal'
 */
export const prefixOf = (config: Record<string, JsonValue>): string => archivePrefixOf(config, DEFAULT_PREFIX);

/** Which credential signs the requests: the SAS token when given, else the account key. */
export type Credential = { kind: 'sas'; token: string } | { kind: 'shared_key'; key: string };

/**
 * The config's credential: `sas_token` (its leading `?` taken off), else `account_key`.
 *
 * @example
 * credentialOf({ sas_token: '?sv=2022-11-02&sr=c&sp=cw&se=…&sig=…' }); // { kind: 'sas', token: 'sv=2022-11-02&sr=c&sp=cw&se=…&sig=…' }
 */
export function credentialOf(config: Record<string, JsonValue>): Credential {
  const sas = trimmedText(config.sas_token);
  if (sas !== undefined) return { kind: 'sas', token: sas.replace(/^\?/, '') };
  return { kind: 'shared_key', key: trimmedText(config.account_key) ?? '' };
}

/**
 * The blob service's base URL, without a trailing slash: `https://<account>.blob.core.windows.net`,
 * or the configured `endpoint` (`https://<account>.blob.core.chinacloudapi.cn`, Azurite's
 * `http://127.0.0.1:10000/devstoreaccount1`, whose path names the account).
 *
 * @example
 * serviceUrl({ account: 'acmeevents' }); // 'https://acmeevents.blob.core.windows.net'
 */
export function serviceUrl(config: Record<string, JsonValue>): string {
  const endpoint = trimmedText(config.endpoint);
  return (endpoint ?? `https://${accountOf(config)}.${PUBLIC_BLOB_SUFFIX}`).replace(/\/+$/, '');
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['account', 'container'],
  properties: {
    account: {
      type: 'string', title: 'Storage Account',
      description: 'The storage account\'s name (Azure portal > Storage accounts): 3 to 24 lower-case letters and digits, the first part of https://<account>.blob.core.windows.net.',
      minLength: 3, maxLength: 24, examples: ['acmeevents'],
    },
    container: {
      type: 'string', title: 'Container',
      description: 'The blob container the blobs are written in (Storage account > Data storage > Containers). Create it first, private (no anonymous access); Signal does not create containers.',
      minLength: 3, maxLength: 63, examples: ['signal-events'],
    },
    sas_token: {
      type: 'string', title: 'SAS Token', secret: true,
      description: 'A shared access signature for the container (Container > Shared access tokens), with the Create and Write permissions (sp=cw: Write lets a retried request replace the blob it may already have written), HTTPS only, and an expiry you will renew before: the query string, with or without its leading "?". Give this or Account Key; this is the narrower credential.',
      maxLength: 2048,
    },
    account_key: {
      type: 'string', title: 'Account Key', secret: true,
      description: 'One of the storage account\'s access keys (Storage account > Security + networking > Access keys), base64: Signal signs each request with it (Shared Key). Full access to the whole account: prefer a SAS token. Give this or SAS Token.',
      maxLength: 256,
    },
    endpoint: {
      type: 'string', title: 'Blob Service Endpoint',
      description: 'Only outside Azure\'s public cloud: the blob service\'s URL, e.g. https://<account>.blob.core.chinacloudapi.cn (Azure China), https://<account>.blob.core.usgovcloudapi.net (Azure Government), or Azurite on your own network, http://azurite:10000/devstoreaccount1 (http and private addresses need Allowed Private Targets). Empty: https://<account>.blob.core.windows.net.',
      pattern: '^https?://', maxLength: 2048, examples: ['https://acmeevents.blob.core.chinacloudapi.cn'],
    },
    allow_private_targets: privateTargetsField('an Azurite or Azure Stack Hub blob endpoint', 'set with Blob Service Endpoint'),
    prefix: {
      type: 'string', title: 'Blob Name Prefix',
      description: `Where in the container blobs go: <prefix>/dt=YYYY-MM-DD/hour=HH/<file>.ndjson.gz (default "${DEFAULT_PREFIX}"; empty for the container's root). Letters, digits, / and ! _ . ' ( ) -; at most ${MAX_PREFIX_LENGTH} characters.`,
      pattern: PREFIX_PATTERN, maxLength: MAX_PREFIX_LENGTH, default: DEFAULT_PREFIX, examples: ['signal/events'],
    },
    ...archiveConfigFieldSchemas({ object: 'blob', title: 'Blob', readers: 'Synapse, Fabric, Databricks, Data Factory and zcat' }),
  },
};

/**
 * Why a SAS token cannot write the blobs, or undefined: it must be a query string with a
 * signature (`sig`) and a version (`sv`), allow writing (`sp` with `w`: Create alone cannot
 * replace a blob a first try wrote; Write creates too; no `sp` with a stored access policy, `si`), be for blobs (a service SAS, `sr=c` or `b`, or an account
 * SAS with `ss` holding `b` and `srt` holding `o`), and not be expired at `now`. The message
 * never quotes the token.
 *
 * @example
 * sasProblem('sv=2022-11-02&sr=c&sp=r&se=2030-01-01T00:00:00Z&sig=abc', Date.now());
 * // 'allows sp=r: it needs Write (w), best with Create (sp=cw) …'
 */
export function sasProblem(token: string, now: number): string | undefined {
  const bare = token.replace(/^\?/, '');
  if (/^https?:\/\//i.test(bare)) return 'is a URL: give the SAS token alone, the query string after "?" (sv=…&sig=…)';
  if (/\s/.test(bare)) return 'holds white space or a line break (copied with the text around it?): give the query string alone';
  const params = new URLSearchParams(bare);
  if (!params.get('sig') || !params.get('sv')) return 'is not a SAS token: it must be the query string of a shared access signature, with sv= and sig= (Container > Shared access tokens > Generate)';
  const permissions = params.get('sp') ?? '';
  // Write: "create or write content"; Create alone writes only new blobs, and a retry must replace one.
  // A SAS tied to a stored access policy (si=) may leave sp and se to the policy: not checkable here.
  const policyHoldsPermissions = permissions === '' && (params.get('si') ?? '') !== '';
  if (!permissions.includes('w') && !policyHoldsPermissions) return `allows sp=${permissions}: it needs Write (w), best with Create (sp=cw) — Create alone writes only new blobs, and a retried request replaces the blob a first try may have written`;
  const resource = params.get('sr');
  if (resource === null) {
    if (!(params.get('ss') ?? '').includes('b') || !(params.get('srt') ?? '').includes('o')) return 'is an account SAS without the Blob service (ss=b) and object resources (srt=o): give a container SAS (sr=c)';
  } else if (resource !== 'c' && resource !== 'b' && resource !== 'd') {
    return `is for sr=${resource}: give a container SAS (sr=c)`;
  } else if (resource === 'b') {
    return 'is for one blob (sr=b): give a container SAS (sr=c), as each delivery writes new blobs';
  }
  if (params.get('spr') === 'http') return 'allows http only (spr=http): Signal writes over https; generate it with HTTPS allowed';
  const expiry = Date.parse(params.get('se') ?? '');
  if (Number.isFinite(expiry) && expiry <= now) return `expired at ${new Date(expiry).toISOString()} (se): generate a new one`;
  return undefined;
}

/**
 * Why an endpoint is refused, or undefined: an http(s) URL without credentials, query or
 * fragment; a private address or plain http only when listed in allow_private_targets.
 */
function endpointProblem(value: string, config: Record<string, JsonValue>): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https URL, e.g. https://acmeevents.blob.core.chinacloudapi.cn';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use http or https (got ${url.protocol.replace(/:$/, '')})`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: they go in sas_token or account_key';
  if (url.search !== '' || url.hash !== '') return 'must be the blob service\'s URL without a query (a SAS token goes in sas_token)';
  return privateTargetProblem(url, allowedPrivateTargets(config), 'an Azurite or Azure Stack Hub endpoint');
}

/**
 * Config problems the schema cannot say in words, each naming its field: the account's and
 * container's names by Azure's rules, exactly one credential (a SAS token that can write, or a
 * base64 account key), the endpoint, the prefix's segments and the private targets. Messages
 * never quote a secret.
 *
 * @example
 * validateAzureBlobConfig({ account: 'Acme_Events', container: 'signal-events', account_key: '…' });
 * // [{ field: 'account', message: 'is "Acme_Events": a storage account name has 3 to 24 lower-case letters and digits' }]
 */
export function validateAzureBlobConfig(config: Record<string, JsonValue>, now = Date.now()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const account = trimmedText(config.account);
  if (account === undefined) problems.push({ field: 'account', message: 'is required: the storage account\'s name (e.g. acmeevents)' });
  else if (!ACCOUNT_NAME.test(account)) problems.push({ field: 'account', message: `is ${JSON.stringify(account.slice(0, 80))}: a storage account name has 3 to 24 lower-case letters and digits (the name alone, not its URL)` });
  const container = trimmedText(config.container);
  if (container === undefined) problems.push({ field: 'container', message: 'is required: the blob container\'s name (e.g. signal-events)' });
  else if (!CONTAINER_NAME.test(container)) {
    problems.push({ field: 'container', message: `is ${JSON.stringify(container.slice(0, 80))}: a container name has 3 to 63 lower-case letters, digits and hyphens, starts and ends with a letter or digit, and has no two hyphens in a row (a path goes in prefix)` });
  }
  const sas = trimmedText(config.sas_token);
  const key = trimmedText(config.account_key);
  if (sas === undefined && key === undefined) {
    problems.push({ field: 'sas_token', message: 'or account_key is required: a container SAS token with Create and Write permissions (sp=cw), or the storage account\'s access key (see the plugin README)' });
  } else if (sas !== undefined && key !== undefined) {
    problems.push({ field: 'account_key', message: 'must be empty when sas_token is given: give one credential (the SAS token is the narrower)' });
  } else if (sas !== undefined) {
    const problem = sasProblem(sas, now);
    if (problem !== undefined) problems.push({ field: 'sas_token', message: problem });
  } else if (key !== undefined && !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) {
    problems.push({ field: 'account_key', message: 'is not an access key: give the key alone as the portal shows it (base64, e.g. 88 characters ending in ==), not the connection string' });
  }
  const endpoint = trimmedText(config.endpoint);
  if (endpoint !== undefined) {
    const problem = endpointProblem(endpoint, config);
    if (problem !== undefined) problems.push({ field: 'endpoint', message: problem });
  }
  if (typeof config.prefix === 'string') {
    const trimmed = config.prefix.replace(/^\/+|\/+$/g, '');
    if (trimmed !== '' && trimmed.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
      problems.push({ field: 'prefix', message: 'must not have empty, "." or ".." segments (//, /./, /../): URL paths drop them, and tools that read blob names as paths do not keep them' });
    } else if (/\.$/.test(trimmed) || trimmed.split('/').some((segment) => segment.endsWith('.'))) {
      problems.push({ field: 'prefix', message: 'must not have a segment ending with a dot: Azure advises against blob names whose path segments end with "."' });
    } else if (trimmed.split('/').length > MAX_PREFIX_SEGMENTS) {
      problems.push({ field: 'prefix', message: `has more than ${MAX_PREFIX_SEGMENTS} segments: a blob name has at most 254, and dt=, hour= and the file take 3` });
    }
  }
  problems.push(...privateTargetsProblems(config, 'azurite'));
  return problems;
}

/** How long before a SAS token's expiry the catalog starts warning, in ms (30 days). */
export const SAS_EXPIRY_WARNING_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Warnings that depend on the time: a SAS token expiring within 30 days (every write is refused
 * with 403 AuthenticationFailed from then on). Pure: the same config and `now` give the same
 * warnings.
 *
 * @example
 * azureBlobConfigWarnings({ sas_token: 'sv=…&se=2024-04-01T00:00:00Z&sig=…' }, Date.parse('2024-03-24T00:00:00Z'));
 * // [{ field: 'sas_token', message: 'expires at 2024-04-01T00:00:00.000Z (in 8 days): …' }]
 */
export function azureBlobConfigWarnings(config: Record<string, JsonValue>, now: number): ConfigProblem[] {
  const credential = credentialOf(config);
  if (credential.kind !== 'sas') return [];
  const expiry = Date.parse(new URLSearchParams(credential.token).get('se') ?? '');
  if (!Number.isFinite(expiry) || expiry <= now || expiry - now > SAS_EXPIRY_WARNING_MS) return [];
  const days = Math.ceil((expiry - now) / (24 * 60 * 60 * 1000));
  return [{ field: 'sas_token', message: `expires at ${new Date(expiry).toISOString()} (in ${days} day${days === 1 ? '' : 's'}): from then on every write is refused (403 AuthenticationFailed) and dead-lettered; generate a new token and store it in a new revision before` }];
}
