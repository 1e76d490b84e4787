// The integration's config: which app the events are of (its AppsFlyer app id and platform) and
// the key AppsFlyer gives for its server-to-server events API (the S2S key of api3; the legacy
// dev key of api2, which AppsFlyer deprecated in December 2023, is still taken), plus the
// optional V2 API token forwarding person deletions through AppsFlyer's OpenDSR API. Checked by
// its JSON Schema, and by validateAppsFlyerConfig for what a schema cannot say in words.
import { configText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The platforms an app id names: an iOS app (`id` + digits) or an Android app (a package name). */
export const PLATFORMS = ['ios', 'android'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The kinds of key: the S2S key (api3.appsflyer.com, current) or the legacy dev key (api2.appsflyer.com). */
export const KEY_TYPES = ['s2s_key', 'dev_key'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** An iOS app id as AppsFlyer's dashboard shows it: `id` and the App Store's digits. */
const IOS_APP_ID = /^id[0-9]{5,12}$/;
/** An Android package name: dot-separated Java identifiers, at least two parts. */
const ANDROID_PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['app_id', 'platform', 's2s_key'],
  properties: {
    app_id: {
      type: 'string', title: 'App ID',
      description: 'The app\'s id as the AppsFlyer dashboard shows it: for an iOS app "id" followed by its App Store digits (id123456789: without "id" AppsFlyer answers 200 OK but records nothing); for an Android app its package name (com.example.myapp). Goes in the URL: /inappevent/<app id>.',
      minLength: 1, maxLength: 200, examples: ['id123456789', 'com.example.myapp'],
    },
    platform: {
      type: 'string', title: 'Platform',
      description: 'The app\'s platform: decides which device ids are sent (iOS: idfa, idfv and att; Android: advertising_id, oaid, amazon_aid and aie) and the OpenDSR platform of deletions. One integration per app: install it twice for an app on both stores.',
      enum: [...PLATFORMS], enumLabels: ['iOS', 'Android'], examples: ['ios'],
    },
    s2s_key: {
      type: 'string', title: 'S2S key', secret: true,
      description: 'The key sent in the authentication header: the S2S key (AppsFlyer > Configuration > API tokens > S2S key, made by an admin) for the current api3 endpoint, or, with Key type set to "Dev key (legacy)", the app\'s dev key (App Settings > Dev key) for the deprecated api2 endpoint.',
      minLength: 1, maxLength: 500, examples: ['a1b2c3d4-0000-4000-8000-s2skey000001'],
    },
    key_type: {
      type: 'string', title: 'Key type',
      description: 'Which key S2S key holds: an S2S key, sent to https://api3.appsflyer.com (current), or a legacy dev key, sent to https://api2.appsflyer.com (deprecated by AppsFlyer in December 2023: move to an S2S key).',
      enum: [...KEY_TYPES], enumLabels: ['S2S key (api3, current)', 'Dev key (api2, legacy)'], default: 's2s_key', examples: ['s2s_key'],
    },
    api_token: {
      type: 'string', title: 'API token (V2) for deletions', secret: true,
      description: 'Optional: an AppsFlyer V2 API token (an admin finds it in Configuration > API tokens; the Pull API\'s). With it, person deletions are forwarded to AppsFlyer\'s OpenDSR API as erasure requests by customer user id (the userId). Leave empty to forward none.',
      maxLength: 2000, examples: ['eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0.example'],
    },
  },
};

/**
 * The app's platform (iOS unless the config says Android).
 *
 * @example
 * platformOf({ platform: 'android' }); // 'android'
 */
export function platformOf(config: Record<string, JsonValue>): Platform {
  return config.platform === 'android' ? 'android' : 'ios';
}

/**
 * The kind of key configured (the S2S key unless the config says dev key).
 *
 * @example
 * keyTypeOf({ key_type: 'dev_key' }); // 'dev_key'
 * keyTypeOf({}); // 's2s_key'
 */
export function keyTypeOf(config: Record<string, JsonValue>): KeyType {
  return config.key_type === 'dev_key' ? 'dev_key' : 's2s_key';
}

function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/**
 * Config problems the schema cannot say in words: an app id that does not fit the platform (an
 * iOS id without its "id" prefix, which AppsFlyer answers 200 OK without recording the event;
 * an Android package that is no package name), a key with white space inside.
 *
 * @example
 * validateAppsFlyerConfig({ app_id: '123456789', platform: 'ios', s2s_key: 'k' });
 * // [{ field: 'app_id', message: 'is "123456789": an iOS app id is "id" followed by the App Store digits (id123456789) …' }]
 */
export function validateAppsFlyerConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const appId = configText(config, 'app_id');
  const platform = platformOf(config);
  if (typeof config.app_id === 'string' && appId === undefined) problems.push({ field: 'app_id', message: 'is blank: give the app id as the AppsFlyer dashboard shows it (id123456789 for iOS, com.example.myapp for Android)' });
  if (appId !== undefined && platform === 'ios' && !IOS_APP_ID.test(appId)) {
    const hint = /^[0-9]+$/.test(appId) ? `: write id${appId} (without "id" AppsFlyer answers 200 OK and records nothing)` : '';
    problems.push({ field: 'app_id', message: `is ${shown(appId)}: an iOS app id is "id" followed by the App Store digits (id123456789)${hint}; for an Android app set platform to android` });
  }
  if (appId !== undefined && platform === 'android' && !ANDROID_PACKAGE.test(appId)) {
    problems.push({ field: 'app_id', message: `is ${shown(appId)}: an Android app id is the package name as in Google Play (com.example.myapp); for an iOS app set platform to ios` });
  }
  for (const field of ['s2s_key', 'api_token'] as const) {
    const value = config[field];
    if (typeof value !== 'string' || value === '') continue;
    if (value.trim() === '') problems.push({ field, message: 'is blank: paste the key AppsFlyer shows' });
    else if (/\s/.test(value.trim())) problems.push({ field, message: 'has white space inside: paste the key alone, as AppsFlyer shows it' });
  }
  return problems;
}

/**
 * Advice about a valid config: a legacy dev key goes to api2.appsflyer.com, which AppsFlyer
 * deprecated in December 2023.
 *
 * @example
 * appsFlyerConfigWarnings({ app_id: 'id1', platform: 'ios', s2s_key: 'k', key_type: 'dev_key' });
 * // [{ field: 'key_type', message: 'is the legacy dev key: …' }]
 */
export function appsFlyerConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  if (keyTypeOf(config) !== 'dev_key') return [];
  return [{ field: 'key_type', message: 'is the legacy dev key: events go to https://api2.appsflyer.com, which AppsFlyer deprecated in December 2023; create an S2S key (Configuration > API tokens) and set key_type to s2s_key' }];
}
