// The `allow_private_targets` config field of plugins that may deliver to a server on the
// customer's own network (a self-hosted ClickHouse, Elasticsearch, Kafka REST Proxy, Splunk):
// the core's egress guard refuses loopback, private and link-local addresses unless the
// integration's config lists them, and plain http is allowed only to such a host.
import { literalHostProblem } from '../delivery/egress-guard.ts';
import type { ConfigFieldSchema, ConfigProblem, JsonValue } from './types.ts';

/** The config field listing the private hosts a plugin may reach. */
export const PRIVATE_TARGETS_FIELD = 'allow_private_targets';

/** A hostname (underscores allowed: container names), an IP address, or a CIDR range. */
const ALLOW_ENTRY = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?|[0-9a-fA-F:.]+(?:\/\d{1,3})?)$/;

/**
 * The `allow_private_targets` field's schema; `what` names the server in the plugin's words,
 * `aside` adds a case in parentheses.
 *
 * @example
 * properties: { …, allow_private_targets: privateTargetsField('a self-hosted server') }
 */
export function privateTargetsField(what: string, aside?: string): ConfigFieldSchema {
  return {
    type: 'array', title: 'Allowed Private Targets',
    description: `Hostnames, IP addresses or CIDR ranges of ${what} on your own network${aside ? ` (${aside})` : ''} that Signal may reach although they are loopback or private addresses (refused otherwise). Plain http is allowed only to these.`,
    items: { type: 'string', maxLength: 253 }, maxItems: 32, examples: [['10.0.0.0/16']],
  };
}

function entryProblem(entry: JsonValue, exampleHost: string): string | null {
  if (typeof entry !== 'string' || entry.trim() === '') return 'must be a hostname, an IP address or a CIDR range';
  if (entry.length > 253 || !ALLOW_ENTRY.test(entry.trim())) return `is ${JSON.stringify(entry.slice(0, 80))}: give a hostname (${exampleHost}), an IP address (10.0.3.7) or a CIDR range (10.0.0.0/16)`;
  if (/\/0$/.test(entry.trim())) return 'must not allow every address (/0): list the ranges your server is on';
  return null;
}

/**
 * The private targets a config allows (its valid entries, trimmed): what the requests' guard
 * lets through.
 *
 * @example
 * allowedPrivateTargets({ allow_private_targets: [' 10.0.0.0/16 ', 'not a host!'] }); // ['10.0.0.0/16']
 */
export function allowedPrivateTargets(config: Record<string, JsonValue>): string[] {
  const list = config[PRIVATE_TARGETS_FIELD];
  return Array.isArray(list) ? list.filter((entry): entry is string => entryProblem(entry, 'x') === null).map((entry) => entry.trim()) : [];
}

/**
 * The problems of a config's `allow_private_targets`, each naming the entry
 * (`allow_private_targets[2]`); `exampleHost` is the hostname the message suggests.
 *
 * @example
 * privateTargetsProblems({ allow_private_targets: ['10.0.0.0/16', 'a b'] }, 'splunk.internal');
 * // [{ field: 'allow_private_targets[1]', message: 'is "a b": give a hostname (splunk.internal), an IP address (10.0.3.7) or a CIDR range (10.0.0.0/16)' }]
 */
export function privateTargetsProblems(config: Record<string, JsonValue>, exampleHost: string): ConfigProblem[] {
  const targets = config[PRIVATE_TARGETS_FIELD];
  if (targets === undefined || targets === null) return [];
  if (!Array.isArray(targets)) return [{ field: PRIVATE_TARGETS_FIELD, message: 'must be a list of hostnames, IP addresses or CIDR ranges' }];
  const problems: ConfigProblem[] = [];
  targets.forEach((entry, i) => {
    const problem = entryProblem(entry, exampleHost);
    if (problem !== null) problems.push({ field: `${PRIVATE_TARGETS_FIELD}[${i}]`, message: problem });
  });
  return problems;
}

/**
 * What is wrong with an endpoint URL's host for a config allowing `allow`: a private address
 * not listed, or plain http to a host not on the customer's own network (the credential and
 * the events would travel in clear). `what` names the server ("a Splunk instance");
 * `useHttps` says how to fix plain http.
 *
 * @example
 * privateTargetProblem(new URL('http://search.example.com'), [], 'a cluster');
 * // 'uses plain http to search.example.com: use https, or list a cluster on your own network in allow_private_targets'
 */
export function privateTargetProblem(url: URL, allow: readonly string[], what: string, useHttps = 'use https'): string | undefined {
  const problem = literalHostProblem(url.hostname, allow);
  if (problem !== null) return `${problem}; add it to ${PRIVATE_TARGETS_FIELD} to reach ${what} on your own network`;
  // A private address got here only allow-listed; a name counts as on the own network when listed by name.
  const onOwnNetwork = literalHostProblem(url.hostname, []) !== null || allow.some((entry) => entry.toLowerCase() === url.hostname.toLowerCase());
  if (url.protocol === 'http:' && !onOwnNetwork) return `uses plain http to ${url.hostname}: ${useHttps}, or list ${what} on your own network in ${PRIVATE_TARGETS_FIELD}`;
  return undefined;
}
