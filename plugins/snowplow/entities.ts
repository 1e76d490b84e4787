// The context entities Signal attaches to an event: only Snowplow's own documented ones, and
// only when the event carries every field their schema requires. Today that is the mobile
// trackers' device entity (mobile_context) for events of a mobile app. Consent and campaign
// are not sent as entities: Snowplow has no entity for consent categories (its consent
// schemas record consent documents a visitor accepted), and its campaign attribution
// enrichment reads the campaign from the page URL's utm_ parameters, which `url` carries.
import { isJsonObject, readText, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { MOBILE_CONTEXT_SCHEMA } from './protocol.ts';

/** A context object of the event (`context.os`), or an empty one. */
function part(event: CanonicalEvent, key: string): JsonObject {
  const context = event.context as JsonValue | undefined;
  const value = isJsonObject(context) ? context[key] : undefined;
  return isJsonObject(value) ? value : {};
}

/**
 * The mobile_context entity of an app's event (Segment's mobile SDKs' `context.os`,
 * `context.device`, `context.network`), or undefined when one of the fields the schema
 * requires (osType, osVersion, deviceManufacturer, deviceModel) is missing. Advertising ids are
 * not sent: the integration's consent is analytics.
 *
 * @example
 * mobileContextOf(event); // { schema: 'iglu:com.snowplowanalytics.snowplow/mobile_context/jsonschema/1-0-1', data: { osType: 'iOS', osVersion: '17.4', deviceManufacturer: 'Apple', deviceModel: 'iPhone15,2' } }
 */
export function mobileContextOf(event: CanonicalEvent): JsonObject | undefined {
  const os = part(event, 'os');
  const device = part(event, 'device');
  const network = part(event, 'network');
  const osType = readText(os.name);
  const osVersion = readText(os.version);
  const deviceManufacturer = readText(device.manufacturer);
  const deviceModel = readText(device.model);
  if (osType === undefined || osVersion === undefined || deviceManufacturer === undefined || deviceModel === undefined) return undefined;
  const data: JsonObject = { osType, osVersion, deviceManufacturer, deviceModel };
  const carrier = readText(network.carrier);
  if (carrier !== undefined) data.carrier = carrier;
  if (network.wifi === true) data.networkType = 'wifi';
  else if (network.cellular === true) data.networkType = 'mobile';
  return { schema: MOBILE_CONTEXT_SCHEMA, data };
}

/**
 * The entities attached to an event (none for most events).
 *
 * @example
 * entitiesOf(webEvent); // []
 */
export function entitiesOf(event: CanonicalEvent): JsonObject[] {
  const mobile = mobileContextOf(event);
  return mobile === undefined ? [] : [mobile];
}
