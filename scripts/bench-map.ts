// `npm run bench:map`: events per second on one core through a compiled blueprint with about
// 40 global mappings and a dozen handlers (an Amplitude-like mapping).
import { compileBlueprint } from '../core/blueprint/compile-blueprint.ts';
import { SAMPLE_EVENTS } from '../core/blueprint/sample-events.ts';

const globalRows = [
  '{ source: userId, target: user_id }',
  '{ source: anonymousId, target: device_id }',
  '{ source: timestamp, target: time, transforms: [to_unix_ms] }',
  '{ source: messageId, target: insert_id }',
  '{ source: context.ip, target: ip }',
  '{ value: Web, target: platform }',
  '{ template: "{{context.library.name}}/{{context.library.version}}", target: library }',
  '{ source: context.locale, target: language }',
  '{ source: context.userAgent, target: event_properties.user_agent }',
  '{ source: context.page.url, target: event_properties.page_url }',
  '{ source: context.page.path, target: event_properties.page_path }',
  '{ source: context.page.title, target: event_properties.page_title }',
  '{ source: context.page.referrer, target: event_properties.page_referrer }',
  '{ source: context.page.search, target: event_properties.page_search }',
  '{ source: context.campaign.name, target: event_properties.utm_campaign }',
  '{ source: context.campaign.source, target: event_properties.utm_source }',
  '{ source: context.campaign.medium, target: event_properties.utm_medium }',
  '{ source: context.campaign.term, target: event_properties.utm_term }',
  '{ source: context.campaign.content, target: event_properties.utm_content }',
  '{ source: context.consent.analytics, target: event_properties.consent_analytics, transforms: [to_boolean] }',
  '{ source: context.consent.marketing, target: event_properties.consent_marketing, transforms: [to_boolean] }',
  '{ source: traits.email, target: user_properties.email_sha256, transforms: [sha256] }',
  '{ source: traits.plan, target: user_properties.plan }',
  '{ source: traits.company, target: user_properties.company }',
  '{ source: context.traits.country, target: country }',
  '{ source: context.traits.city, target: city }',
  '{ source: receivedAt, target: event_properties.received_at, transforms: [to_unix_seconds] }',
  '{ source: properties.currency, target: event_properties.currency, transforms: [currency] }',
  '{ source: properties.revenue, target: revenue, transforms: [to_number] }',
  '{ source: properties.order_id, target: event_properties.order_id, transforms: [to_string] }',
  '{ source: properties.product_id, target: event_properties.product_id }',
  '{ source: properties.name, target: event_properties.product_name, transforms: [{ truncate: 100 }] }',
  '{ source: properties.category, target: event_properties.category, transforms: [lowercase] }',
  '{ source: properties.price, target: price, transforms: [{ round: 2 }] }',
  '{ source: properties.quantity, target: quantity, transforms: [to_int] }',
  '{ source: properties.query, target: event_properties.search_query, transforms: [trim] }',
  '{ source: context.cookies.FTrack, target: event_properties.ft_cookie }',
  '{ source: partner_attrs.amperity.Persona, target: user_properties.persona }',
  '{ source: groupId, target: groups.company }',
  '{ value: signal, target: event_properties.source, when: "context.library exists" }',
];
const handler = (name: string, names: string[], vendor: string, extra: string[]) => `  ${name}:
    names: [${names.map((n) => JSON.stringify(n)).join(', ')}]
    event_name: ${JSON.stringify(vendor)}
    mappings:
${extra.map((row) => `      - ${row}`).join('\n')}`;
const yaml = `version: 2
event_name_target: event_type
global:
${globalRows.map((row) => `  - ${row}`).join('\n')}
events:
${[
  handler('page', ['page'], 'Page Viewed', ['{ source: properties.title, target: event_properties.title }']),
  handler('identify', ['identify'], '$identify', ['{ source: traits, target: user_properties.$set }']),
  handler('product_viewed', ['view_item', 'Product Viewed'], 'Product Viewed', ['{ source: properties, target: event_properties.product, exclude: [currency] }']),
  handler('product_added', ['add_to_cart', 'Product Added'], 'Product Added', ['{ source: properties.quantity, target: event_properties.quantity, transforms: [to_int] }']),
  handler('product_removed', ['remove_from_cart', 'Product Removed'], 'Product Removed', ['{ source: properties.product_id, target: event_properties.removed }']),
  handler('checkout', ['begin_checkout', 'Checkout Started'], 'Checkout Started', ['{ source: properties.value, target: event_properties.cart_value, transforms: [to_number] }']),
  handler('order', ['purchase', 'Order Completed'], 'Order Completed', ['{ source: properties.total, target: revenue, transforms: [to_number] }', "{ source: 'properties.products[].product_id', target: event_properties.product_ids }", '{ source: properties.products, target: products, each: [{ source: product_id, target: productId }, { source: price, target: price }, { source: quantity, target: quantity }] }']),
  handler('search', ['search', 'Products Searched'], 'Products Searched', ['{ source: properties.query, target: event_properties.query }']),
  handler('signup', ['sign_up', 'Signed Up'], 'Signed Up', ['{ source: properties.method, target: event_properties.method }']),
  handler('lead', ['generate_lead', 'Lead Generated'], 'Lead Generated', ['{ source: properties.value, target: revenue, transforms: [to_number] }']),
  handler('login', ['login', 'Logged In'], 'Logged In', ['{ source: properties.method, target: event_properties.method }']),
  handler('share', ['share', 'Content Shared'], 'Content Shared', ['{ source: properties.content_type, target: event_properties.content_type }']),
].join('\n')}
defaults:
  action: pass_through
  properties_target: event_properties
`;

const blueprint = compileBlueprint(yaml, { file: 'bench.yaml' });
const events = SAMPLE_EVENTS;
// Warm up the JIT, then measure.
for (let i = 0; i < 50_000; i++) blueprint.mapEvent(events[i % events.length]!);
const N = Number(process.env.BENCH_MAP_EVENTS ?? 500_000);
const started = process.hrtime.bigint();
let mapped = 0;
for (let i = 0; i < N; i++) if (blueprint.mapEvent(events[i % events.length]!).vendorEvent) mapped++;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`Blueprint: ${globalRows.length} global mappings, ${blueprint.handlers.length} handlers; ${events.length} sample event kinds`);
console.log(`${N} events in ${seconds.toFixed(2)} s on one core → ${Math.round(N / seconds).toLocaleString('en')} events/s (${mapped} mapped; target ≥ 100,000)`);
