// An Elastic Cloud ID — what a deployment's page shows beside its endpoints — read into the
// deployment's Elasticsearch endpoint: `<name>:<base64 of "host[:port]$es-uuid$kibana-uuid">`,
// the endpoint being `https://<es-uuid>.<host>[:port]` (port 443 unless the host names one).
// The same reading as Elastic's clients; admins paste either the ID or the endpoint URL.

/**
 * The Elasticsearch endpoint of an Elastic Cloud ID, or undefined when the text is not one.
 *
 * @example
 * cloudIdEndpoint('shop:ZXUtd2VzdC0xLmF3cy5mb3VuZC5pbyRhYmMxMjMkZGVmNDU2'); // 'https://abc123.eu-west-1.aws.found.io'
 * cloudIdEndpoint('https://es.example.com');                                  // undefined
 */
export function cloudIdEndpoint(cloudId: string): string | undefined {
  const text = cloudId.trim();
  // The deployment's name may itself hold a colon: the encoded part is after the last one.
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || text.includes('//')) return undefined;
  const encoded = text.slice(colon + 1);
  if (!/^[A-Za-z0-9+/=_-]+$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const [hostPart, esUuid] = decoded.split('$');
  if (hostPart === undefined || esUuid === undefined || hostPart === '' || !/^[A-Za-z0-9-]+$/.test(esUuid)) return undefined;
  const [host, port] = hostPart.split(':');
  if (host === undefined || !/^[A-Za-z0-9.-]+$/.test(host) || (port !== undefined && !/^\d{1,5}$/.test(port))) return undefined;
  return `https://${esUuid}.${host}${port === undefined || port === '443' ? '' : `:${port}`}`;
}
