// The events:ingest requests of a batch. One request carries up to 2,000 events and up to ten
// destinations — one per conversion action its events are for, each event naming its own in
// `destinationReferences` — so a batch of orders and sign-ups goes in one request, not one per
// action (the Cloud project's quota is counted in requests: 300 a minute).
import { PermanentError, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { customerIdOf } from './config.ts';
import { actionOfEvent, consentStatus, destinationReference } from './ingest-event.ts';

/** The Data Manager API's origin. */
export const DATA_MANAGER_API = 'https://datamanager.googleapis.com';
/** `POST /v1/events:ingest` (IngestionService.IngestEvents). */
export const INGEST_URL = `${DATA_MANAGER_API}/v1/events:ingest`;
/** "At most 2000 Event resources can be sent in a single request." */
export const MAX_EVENTS = 2000;
/** "Maximum number of destinations allowed per request is 10" (ErrorReason TOO_MANY_DESTINATIONS). */
export const MAX_DESTINATIONS = 10;
/**
 * Google documents no byte limit for events:ingest; 2 MB holds a full request of ordinary
 * conversions (about 600 bytes each with identifiers), and a 413 splits the request anyway.
 */
export const MAX_BYTES = 2_000_000;

const bytesOf = (value: JsonValue) => Buffer.byteLength(JSON.stringify(value));

/**
 * The destination of a conversion action: the Google Ads account (`operatingAccount`), the
 * manager account the credential reaches it through (`loginAccount`, when configured), the
 * action's id (`productDestinationId`), referenced by its events.
 *
 * @example
 * destinationOf('6543210', { customer_id: '123-456-7890', login_customer_id: '987-654-3210' });
 * // { reference: 'action_6543210', operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' },
 * //   loginAccount: { accountType: 'GOOGLE_ADS', accountId: '9876543210' }, productDestinationId: '6543210' }
 */
export function destinationOf(actionId: string, config: Record<string, JsonValue>): JsonObject {
  const customerId = customerIdOf(config.customer_id);
  if (customerId === undefined) throw new PermanentError(`config.customer_id ${JSON.stringify(config.customer_id)} is not a Google Ads customer id (ten digits): fix it in a new revision`);
  const login = customerIdOf(config.login_customer_id);
  return {
    reference: destinationReference(actionId),
    operatingAccount: { accountType: 'GOOGLE_ADS', accountId: customerId },
    ...(login === undefined ? {} : { loginAccount: { accountType: 'GOOGLE_ADS', accountId: login } }),
    productDestinationId: actionId,
  };
}

/** The request-level consent of `config.default_ad_user_data` / `default_ad_personalization`, when set (an event's own wins). */
function defaultConsentOf(config: Record<string, JsonValue>): JsonObject | undefined {
  const consent: JsonObject = {};
  const adUserData = consentStatus(config.default_ad_user_data);
  const adPersonalization = consentStatus(config.default_ad_personalization);
  if (adUserData !== undefined) consent.adUserData = adUserData;
  if (adPersonalization !== undefined) consent.adPersonalization = adPersonalization;
  return Object.keys(consent).length > 0 ? consent : undefined;
}

/** The request headers: the access token (the core's exchange of the config's credential). */
function headersOf(ctx: PluginContext): Record<string, string> {
  if (typeof ctx.accessToken !== 'string' || ctx.accessToken === '') {
    throw new PermanentError('no access token was obtained for the config\'s credential (this Signal core does not exchange credentials for access tokens): upgrade Signal');
  }
  return { authorization: `Bearer ${ctx.accessToken}`, 'content-type': 'application/json' };
}

/** The conversion action a mapped event is for, or a PermanentError (the plugin's map always names one). */
function actionOfMapped(event: MappedEvent): string {
  const action = actionOfEvent(event.payload);
  if (action === undefined) throw new PermanentError(`event ${event.id} names no conversion action destination (destinationReferences): it was not fitted by this plugin`);
  return action;
}

/**
 * The IngestEventsRequest of up to 2,000 events of up to ten conversion actions: a destination
 * per action, `encoding: HEX` (the user identifiers are hex SHA-256), the default consent when
 * configured, `validateOnly` with `config.validate_only`.
 *
 * @example
 * ingestRequest([{ id: 'm-1', event, payload }], ctx);
 * // { method: 'POST', url: 'https://datamanager.googleapis.com/v1/events:ingest', headers: { authorization: 'Bearer …', … },
 * //   body: { destinations: [{ reference: 'action_6543210', … }], events: [payload], encoding: 'HEX' }, eventIds: ['m-1'] }
 */
export function ingestRequest(part: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  const actions = [...new Set(part.map(actionOfMapped))];
  const consent = defaultConsentOf(ctx.config);
  return {
    method: 'POST',
    url: INGEST_URL,
    headers: headersOf(ctx),
    body: {
      destinations: actions.map((action) => destinationOf(action, ctx.config)),
      events: part.map((e) => e.payload),
      ...(consent === undefined ? {} : { consent }),
      ...(ctx.config.validate_only === true ? { validateOnly: true } : {}),
      encoding: 'HEX',
    },
    eventIds: part.map((e) => e.id),
  };
}

/**
 * The requests of a batch, in the batch's order: a new request when the next event would make
 * 2,001 events, an eleventh conversion action or more than 2 MB (an event larger than that
 * alone gets a request of its own: Google's answer decides its fate).
 *
 * @example
 * sendEvents(batch, ctx); // one request per 2,000 events of up to ten actions
 */
export function sendEvents(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const envelope = bytesOf({ destinations: [], events: [], consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' }, validateOnly: true, encoding: 'HEX' });
  const parts: MappedEvent[][] = [];
  let current: MappedEvent[] = [];
  let actions = new Set<string>();
  let bytes = envelope;
  for (const event of batch) {
    const action = actionOfMapped(event);
    const size = bytesOf(event.payload) + 1;
    const newAction = !actions.has(action);
    const grows = size + (newAction ? bytesOf(destinationOf(action, ctx.config)) + 1 : 0);
    if (current.length > 0 && (current.length >= MAX_EVENTS || (newAction && actions.size >= MAX_DESTINATIONS) || bytes + grows > MAX_BYTES)) {
      parts.push(current);
      current = [];
      actions = new Set();
      bytes = envelope;
    }
    bytes += size + (actions.has(action) ? 0 : bytesOf(destinationOf(action, ctx.config)) + 1);
    actions.add(action);
    current.push(event);
  }
  if (current.length > 0) parts.push(current);
  return parts.map((part) => ingestRequest(part, ctx));
}
