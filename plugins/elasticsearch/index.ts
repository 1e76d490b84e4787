import { definePlugin } from '../../core/sdk/index.ts';
import { signRequest } from './aws-signing.ts';
import { bulkRequests, MAX_BYTES, MAX_DOCUMENTS } from './bulk-request.ts';
import { classifyBulk } from './classify.ts';
import { CONFIG_SCHEMA, elasticsearchConfigWarnings, validateElasticsearchConfig } from './config.ts';
import { eventDocument } from './document.ts';
import { elasticsearchForgetPerson } from './forget-person.ts';

export { bulkRequests, documentId } from './bulk-request.ts';
export { signRequest } from './aws-signing.ts';
export { classifyBulk } from './classify.ts';
export { validateElasticsearchConfig } from './config.ts';
export { eventDocument } from './document.ts';

/**
 * Elasticsearch and OpenSearch (Elastic Cloud, Amazon OpenSearch Service, self-managed): every
 * event indexed as one document through the `_bulk` API, as a `create` whose `_id` derives from
 * the messageId — a re-sent request indexes nothing twice (the cluster answers 409, read as
 * delivered) — into an index named with the event's date (`signal-events-{yyyy.MM.dd}`) or a
 * data stream; the answer read item by item (a document the mapping refuses dead-lettered
 * naming the field, the others indexed; a rejected item retried as a rate limit); an API key,
 * a user and password, or an IAM access key (Amazon OpenSearch Service, signed when sent); person
 * deletions forwarded as a `_delete_by_query` with the ids in the body. See README.md.
 *
 * @example
 * // config: { url: 'https://my-deployment.es.us-central1.gcp.cloud.es.io', index: 'signal-events-{yyyy.MM.dd}', api_key: '…' }
 * elasticsearch.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://my-deployment.es.us-central1.gcp.cloud.es.io/_bulk',
 * //    headers: { authorization: 'ApiKey …', 'content-type': 'application/x-ndjson' },
 * //    body: '{"create":{"_index":"signal-events-2026.11.30","_id":"…"}}\n{"@timestamp":"2026-11-30T11:59:58.250Z","message_id":"m-1","type":"track",…}\n',
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'elasticsearch',
  name: 'Elasticsearch / OpenSearch',
  category: 'cloud_storage',
  description: 'Indexes every event as a document in your Elasticsearch or OpenSearch cluster (Elastic Cloud, Amazon OpenSearch Service — with IAM request signing — or self-managed) through the _bulk API, for search and Kibana dashboards: one index a day (or a data stream), each event created under an id derived from its messageId so a re-sent request indexes nothing twice, the answer read document by document, contact information left out unless the config keeps it, and person deletions forwarded as a _delete_by_query.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateElasticsearchConfig,
  configWarnings: (config) => elasticsearchConfigWarnings(config),
  variants: {
    default: { description: 'Every event as one document: @timestamp, message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, received_at, sent_at, and properties, traits and context as objects (contact information left out unless config.contact_info keeps it).', blueprint: 'elasticsearch/default.yaml' },
    retail: { description: 'The default document, and for shop events an order object Kibana can chart without scripting: order.id, order.revenue, order.currency and order.product_ids for orders, product.id, product.price and product.category for products (from Segment\'s e-commerce spec).', blueprint: 'elasticsearch/retail.yaml' },
  },
  vendorFields: {
    '@timestamp': { required: true, description: 'date: when the event happened (the event\'s timestamp, corrected for the client\'s clock); data streams require it, and the index name\'s date is read from it.' },
    message_id: { required: true, description: 'keyword: the event\'s messageId (the document\'s _id derives from it).' },
    type: { required: true, description: 'keyword: track, page, screen, identify, group or alias.' },
    event: { required: false, description: 'keyword: a track event\'s name.' },
    name: { required: false, description: 'keyword: a page\'s or screen\'s name.' },
    user_id: { required: false, description: 'keyword: the userId (placeholders such as "undefined" left out); person deletions look for it.' },
    anonymous_id: { required: false, description: 'keyword: the anonymousId (the _dfdid visitor id from browsers); person deletions look for it.' },
    group_id: { required: false, description: 'keyword: a group call\'s groupId.' },
    previous_id: { required: false, description: 'keyword: an alias call\'s previousId.' },
    received_at: { required: false, description: 'date: when Signal received the event.' },
    sent_at: { required: false, description: 'date: when the client sent it.' },
    properties: { required: false, description: 'object (or flattened): the event\'s properties.' },
    traits: { required: false, description: 'object (or flattened): an identify\'s (or group\'s) traits.' },
    context: { required: false, description: 'object: the event\'s context (page, campaign, user agent, locale, library, consent…; the IP only with config.contact_info).' },
  },
  // The cluster is the customer's own storage, like a database of theirs: no third party
  // receives the events, so no consent category is recommended (see the README: gate it by
  // consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not a cluster limit: a cluster that cannot keep up answers 429 per document
  // (es_rejected_execution_exception), which slows the integration down.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_DOCUMENTS, maxBytes: MAX_BYTES },
  map: (payload, _event, ctx) => eventDocument(payload, ctx),
  send: bulkRequests,
  // The bulk API's documented answer to an accepted request (two documents created).
  successAnswer: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: {
      took: 30, errors: false,
      items: [
        { create: { _index: 'signal-events-2026.11.30', _id: 'a', _version: 1, result: 'created', _shards: { total: 2, successful: 1, failed: 0 }, status: 201, _seq_no: 0, _primary_term: 1 } },
        { create: { _index: 'signal-events-2026.11.30', _id: 'b', _version: 1, result: 'created', _shards: { total: 2, successful: 1, failed: 0 }, status: 201, _seq_no: 1, _primary_term: 1 } },
      ],
    },
  },
  classify: (response, request, ctx) => classifyBulk(response, request, ctx),
  // Amazon OpenSearch Service with IAM: bulk and deletion requests signed (SigV4) as they are sent.
  sign: signRequest,
  forgetPerson: elasticsearchForgetPerson,
});
