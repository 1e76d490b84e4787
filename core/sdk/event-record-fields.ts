import type { VendorField } from './types.ts';

/**
 * The fields of an event record as the stream plugins' default blueprints map it (snake_case,
 * properties, traits and context whole), for `vendorFields`: a plugin spreads them and overrides
 * what it says more of (Kinesis, Kafka, EventBridge, Event Hubs).
 *
 * @example
 * vendorFields: { ...EVENT_RECORD_FIELDS, event: { required: false, description: 'A track event\'s name (also its detail-type by default).' } },
 */
export const EVENT_RECORD_FIELDS: Readonly<Record<string, VendorField>> = Object.freeze({
  message_id: { required: true, description: 'The event\'s messageId: deduplicate on it when reading (a retried record may come twice).' },
  type: { required: true, description: 'track, page, screen, identify, group or alias.' },
  event: { required: false, description: 'A track event\'s name.' },
  name: { required: false, description: 'A page\'s or screen\'s name.' },
  user_id: { required: false },
  anonymous_id: { required: false },
  group_id: { required: false },
  previous_id: { required: false },
  timestamp: { required: true, description: 'When the event happened (ISO 8601, UTC).' },
  received_at: { required: true, description: 'When Signal received it (ISO 8601, UTC).' },
  sent_at: { required: false },
  properties: { required: false },
  traits: { required: false },
  context: { required: false },
});
