/**
 * Optimizely Feature Experimentation: conversion events to Optimizely's Event API (POST
 * https://logx.optimizely.com/v1/events, or eu.logx.optimizely.com), so that experiments'
 * metrics count conversions tracked through Signal; person deletions as subject access
 * requests through Optimizely's REST API when enabled.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/optimizely' }
 * // install config
 * { "account_id": "12345678", "project_id": "23456789", "event_ids": { "purchase": "20286250031" }, "event_keys": { "Order Completed": "purchase" } }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyOptimizely } from './classify.ts';
import { CONFIG_SCHEMA, validateOptimizelyConfig } from './config.ts';
import { fitConversion } from './conversion.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validateOptimizelyConfig };

export default definePlugin({
  id: 'optimizely',
  name: 'Optimizely Feature Experimentation',
  category: 'analytics',
  description: 'Conversion events to Optimizely\'s Event API (POST https://logx.optimizely.com/v1/events, or eu.logx.optimizely.com by config.region or the datafile\'s region; no credential; up to 500 visitors and 3 MB a request), so that Feature Experimentation experiments count conversions tracked through Signal: each track event whose Optimizely event key (its name, or config.event_keys) has an entity id (config.event_ids or the pasted datafile) goes as a visitor\'s snapshot event with enrich_decisions, its timestamp in ms, a uuid from its messageId, revenue in cents, value and its properties as tags; the visitor id is the userId, else the anonymousId (configurable); remembered traits with an attribute id as attributes (never contact information), the user agent as $opt_user_agent for bot filtering; events without an entity id or visitor id are skipped with the reason; identify, page and screen calls are not sent; person deletions as subject access requests (fullstack_id) with a personal access token when enabled.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateOptimizelyConfig,
  variants: {
    default: { description: 'Track events as conversions of the Optimizely event with the same key (or config.event_keys), revenue (Order Completed\'s revenue, else total) in cents, value, properties as tags; identify, page and screen calls not sent.', blueprint: 'optimizely/default.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'The Signal event\'s name: the Optimizely event key, unless config.event_keys maps it to another.' },
    user_id: { required: false, description: 'The userId: the visitor_id by default (config.visitor_id).' },
    anonymous_id: { required: false, description: 'The anonymousId: the visitor_id when there is no userId (or first, by config.visitor_id).' },
    timestamp: { required: true, description: 'When it happened, ms since the epoch (the 13-digit timestamp Optimizely takes).' },
    revenue: { required: false, description: 'Revenue in currency units, sent as revenue: an integer of cents.' },
    value: { required: false, description: 'A number for numeric metrics, sent as value.' },
    tags: { required: false, description: 'The event\'s properties, sent as event tags (strings, numbers, booleans), without contact information, revenue and value.' },
    user_agent: { required: false, description: 'The visitor\'s user agent, sent as the reserved attribute $opt_user_agent for Optimizely\'s bot filtering (config.send_user_agent).' },
    traits: { required: false, description: 'The person\'s traits; those with an attribute id (config.attribute_ids or the datafile) are sent as visitor attributes.' },
  },
  // Experiment metrics: how visitors respond to variations.
  consent: ['analytics'],
  // Optimizely documents no rate limit for the Event API (its SDKs send batches every second or
  // so from every server): a moderate pace of large batches is far above a site's conversions.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // Optimizely: "If the API returns with a 204 response code, … the Optimizely logging service
  // has received and persisted the payload."
  successAnswer: { status: 204, headers: {}, body: '' },
  map: (payload, event, ctx) => fitConversion(payload, event, ctx, ctx.warn),
  send: buildRequests,
  classify: classifyOptimizely,
  forgetPerson,
});
