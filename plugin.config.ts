// The vendor plugins Signal loads at start, in this order. Each entry is a local folder
// (relative to this file; its index.ts) or an npm package name, with optional options handed
// to the plugin's functions as `ctx.options` (JSON values only). A duplicate id, an
// incompatible `signal` range or an invalid definition stops start-up naming the plugin and
// the field. Check a new plugin first: `npm run conformance -- ./plugins/<name>`.
import type { PluginEntry } from './core/plugins/load-plugins.ts';

const plugins: PluginEntry[] = [
  { plugin: './plugins/webhook' },
  { plugin: './plugins/amplitude' },
  { plugin: './plugins/videoamp' },
  { plugin: './plugins/flashtalking' },
  { plugin: './plugins/amperity' },
  { plugin: './plugins/meta_capi' },
  { plugin: './plugins/ga4' },
  { plugin: './plugins/tiktok' },
  { plugin: './plugins/pinterest' },
  { plugin: './plugins/mixpanel' },
  { plugin: './plugins/snapchat' },
  { plugin: './plugins/amazon_s3' },
  { plugin: './plugins/braze' },
  { plugin: './plugins/linkedin' },
  { plugin: './plugins/customerio' },
  { plugin: './plugins/reddit' },
  { plugin: './plugins/klaviyo' },
  { plugin: './plugins/google_ads' },
  { plugin: './plugins/google_data_manager' },
  { plugin: './plugins/microsoft_ads' },
  { plugin: './plugins/posthog' },
  { plugin: './plugins/hubspot' },
  { plugin: './plugins/x_ads' },
  { plugin: './plugins/the_trade_desk' },
  { plugin: './plugins/bigquery' },
  { plugin: './plugins/iterable' },
  { plugin: './plugins/mailchimp' },
  { plugin: './plugins/intercom' },
  { plugin: './plugins/segment' },
  { plugin: './plugins/slack' },
  { plugin: './plugins/google_pubsub' },
  { plugin: './plugins/brevo' },
  { plugin: './plugins/amazon_kinesis' },
  { plugin: './plugins/clickhouse' },
  { plugin: './plugins/snowflake' },
  { plugin: './plugins/attentive' },
  { plugin: './plugins/kafka' },
  { plugin: './plugins/heap' },
  { plugin: './plugins/amazon_eventbridge' },
  { plugin: './plugins/azure_event_hubs' },
  { plugin: './plugins/elasticsearch' },
  { plugin: './plugins/criteo' },
  { plugin: './plugins/splunk' },
  { plugin: './plugins/salesforce_marketing_cloud' },
  { plugin: './plugins/amazon_redshift' },
  { plugin: './plugins/adjust' },
  { plugin: './plugins/databricks' },
  { plugin: './plugins/google_cloud_storage' },
];

export default plugins;
