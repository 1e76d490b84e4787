// Runs the conformance suite on every plugin plugin.config.ts lists, with its options.
import { generateKeyPairSync } from 'node:crypto';
import { loadPlugins } from '../../core/plugins/load-plugins.ts';
import { runConformance, sampleConfig } from './conformance.ts';

const registry = await loadPlugins();

/**
 * Configs the suite cannot make from the schemas' samples, so that every optional part is
 * checked too: GA4's deletions need a readable service account key (an RSA key, made here);
 * LinkedIn's and HubSpot's credential is one of two optional fields (a refresh token, or an
 * access token or service key), and so is Azure Event Hubs' (the four fields, or a connection
 * string: filled alike, they agree);
 * Google Ads' optional manager account, developer token and phone country are checked filled;
 * Google Data Manager's credential is one of two (its refresh token here, not a service account
 * key as well: a config gives one), its optional fields filled. X Ads' credential is one of two
 * too (the four OAuth 1.0a fields here, the harder path: with the pixel's token as well, the
 * token would be used), its optional fields filled. BigQuery's one credential is a service
 * account key (an RSA key, made here too), and so is Google Cloud Pub/Sub's. Snowflake's
 * credential is one of two: the key pair's
 * private key here (an RSA key, made here too), its optional fields filled.
 */
function configFor(id: string): Parameters<typeof runConformance>[1] {
  if (id === 'linkedin' || id === 'google_ads' || id === 'hubspot' || id === 'heap') return { config: sampleConfig(registry.get(id)!, { optional: true }) };
  if (id === 'linkedin' || id === 'google_ads' || id === 'hubspot' || id === 'azure_event_hubs') return { config: sampleConfig(registry.get(id)!, { optional: true }) };
  if (id === 'google_data_manager') {
    const { service_account_key: _key, ...config } = sampleConfig(registry.get(id)!, { optional: true });
    return { config: { ...config, refresh_token: '1//0g-conformance-refresh-token', client_secret: 'GOCSPX-conformance-secret' } };
  }
  if (id === 'x_ads') {
    const { pixel_access_token: _token, ...config } = sampleConfig(registry.get(id)!, { optional: true });
    return { config };
  }
  if (id === 'amazon_redshift') {
    // One place (a cluster or a workgroup) and one database sign-in (a user or a secret): the cluster with its user.
    const { workgroup_name: _workgroup, secret_arn: _secret, ...config } = sampleConfig(registry.get(id)!, { optional: true });
    return { config };
  }
  if (id !== 'ga4' && id !== 'bigquery' && id !== 'google_pubsub' && id !== 'snowflake') return {};
  const definition = registry.get(id)!;
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (id === 'snowflake') {
    const { programmatic_access_token: _token, private_key_passphrase: _passphrase, ...config } = sampleConfig(definition, { optional: true });
    return { config: { ...config, private_key: privateKey } };
  }
  const key = JSON.stringify({ type: 'service_account', client_email: 'signal@conformance.iam.gserviceaccount.com', private_key: privateKey, token_uri: 'https://oauth2.googleapis.com/token' });
  if (id === 'bigquery') return { config: { ...sampleConfig(definition, { optional: true }), service_account_key: key } };
  // Google Cloud Pub/Sub's deletion notices are opt-in: turned on, so the deletion checks run.
  if (id === 'google_pubsub') return { config: { ...sampleConfig(definition, { optional: true }), service_account_key: key, deletion_notices: true } };
  return { config: { ...sampleConfig(definition, { optional: true }), validate_only: false, service_account_key: key } };
}

for (const { definition, options } of registry.entries()) runConformance(definition, { pluginOptions: options, ...configFor(definition.id) });
