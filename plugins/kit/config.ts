// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateKitConfig), and the settings the mapping, the requests and the deletions
// read from it. Kit's API v4 takes an API key of the account (Settings > Developer > API keys)
// in the `X-Kit-Api-Key` header (Kit: "API Authentication").
import { eventMapKeyProblems, eventMapOf, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** A Kit id (tag, subscriber): a whole number, as Kit's API types them (`integer`). */
const KIT_ID = /^[1-9][0-9]{0,14}$/;
/**
 * A Kit custom field's key as its API names one (`last_name`, keyed by "the custom field's key",
 * Kit derives it from the label): no white space. Kit documents no stricter form.
 */
const FIELD_KEY = /^[^\s]{1,255}$/;
/** Kit: "We support creating/updating a maximum of 140 custom fields at a time." */
export const MAX_CUSTOM_FIELDS = 140;

/** The integration's config as the catalog shows it; `validateKitConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'A v4 API key of your Kit account (Settings > Developer > API keys > Add a new key), sent as the X-Kit-Api-Key header. Give Signal its own key, which you can revoke alone. V3 keys do not work with API v4.',
      minLength: 8, maxLength: 256, examples: ['kit_0d5f3f526b7e4a539c335a3c1f7e2b41'],
    },
    custom_fields: {
      type: 'object', title: 'Custom Fields',
      description: 'Identify traits sent as the subscriber\'s custom field values: trait name (a dot path such as address.city for a nested one) → the custom field\'s key in Kit (e.g. {"last_name": "last_name", "plan": "plan"}; Subscribers > a subscriber > the field, or GET /v4/custom_fields). Each field must exist in Kit: Kit ignores keys it does not know (its answer lists them as warnings; formerly it refused them). Values go as text. Traits not listed are not sent.',
      additionalProperties: { type: 'string' },
      examples: [{ last_name: 'last_name', plan: 'plan', 'company.name': 'company' }],
    },
    event_tags: {
      type: 'object', title: 'Event Tags',
      description: 'Track events that tag the person\'s subscriber: Signal event name → the id of a Kit tag (a whole number: Subscribers > Tags, the tag\'s id in its URL, or GET /v4/tags), e.g. {"Signed Up": 4120}. Kit has no custom events for an API key, so a tag is what a track call can set; tags can start Kit automations. Track events not listed are not sent.',
      // Whole numbers, or their text: validateKitConfig says what is wrong with one (a tag's name
      // given for its id), naming the field, which a schema's type error would not.
      examples: [{ 'Signed Up': 4120, 'Trial Started': 4121 }],
    },
    unsubscribe_on_deletion: {
      type: 'boolean', title: 'Unsubscribe On Person Deletion',
      description: 'Kit\'s API has no way to delete a subscriber. On: a person deletion (deletePerson) unsubscribes the subscriber of each email Signal knew the person by (GET /v4/subscribers?email_address=…, then POST /v4/subscribers/{id}/unsubscribe), so Kit sends them no more email — their data stays in Kit until you delete them there (Subscribers > the subscriber > Delete). Off (the default): deletions are not forwarded.',
      default: false,
    },
  },
};

/**
 * The config's trait → custom field key pairs, well-formed ones only, in the config's order.
 *
 * @example
 * customFieldsOf({ custom_fields: { last_name: 'last_name', bad: 'two words' } }); // [['last_name', 'last_name']]
 */
export function customFieldsOf(config: Record<string, JsonValue>): Array<[string, string]> {
  return Object.entries(eventMapOf(config.custom_fields))
    .filter((entry): entry is [string, string] => entry[0].trim() !== '' && typeof entry[1] === 'string' && FIELD_KEY.test(entry[1].trim()))
    .map(([trait, key]) => [trait.trim(), key.trim()]);
}

/** A config value as a Kit id, or undefined when it is none. */
function kitIdOf(value: JsonValue | undefined): number | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return KIT_ID.test(text) ? Number(text) : undefined;
}

/**
 * The tag id the config gives a track event's name, or undefined (the event is then not sent).
 * Names are matched exactly, as Signal's event maps are.
 *
 * @example
 * tagIdOf({ event_tags: { 'Signed Up': 4120 } }, 'Signed Up');  // 4120
 * tagIdOf({ event_tags: { 'Signed Up': '4120' } }, 'Signed Up'); // 4120
 * tagIdOf({ event_tags: { 'Signed Up': 4120 } }, 'Logged In');  // undefined
 */
export function tagIdOf(config: Record<string, JsonValue>, eventName: string | undefined): number | undefined {
  if (eventName === undefined) return undefined;
  const tags = eventMapOf(config.event_tags);
  return Object.hasOwn(tags, eventName) ? kitIdOf(tags[eventName]) : undefined;
}

/**
 * Checks beyond the schema, each naming its field: a key pasted with a scheme or white space,
 * a custom field given by its label (with spaces) rather than its key, a tag given by its name
 * rather than its id, event names with white space around them or written as page calls
 * (never sent to Kit). Messages never repeat the key.
 *
 * @example
 * validateKitConfig({ api_key: 'kit_0d5f3f52', event_tags: { 'Signed Up': 'Customers' } });
 * // [{ field: 'event_tags', message: 'tags "Signed Up" with "Customers", which is no Kit tag id: give the tag\'s id (a whole number such as 4120, …), not its name' }]
 */
export function validateKitConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_key === 'string') {
    const pasted = pastedSecretProblem('api_key', config.api_key.trim(), 'Kit API key', { schemeHint: 'Signal sends it as the X-Kit-Api-Key header itself', spaceHint: 'as Settings > Developer shows it' });
    if (pasted) problems.push(pasted);
  }
  const customFields = Object.entries(eventMapOf(config.custom_fields));
  if (customFields.length > MAX_CUSTOM_FIELDS) problems.push({ field: 'custom_fields', message: `maps ${customFields.length} traits: Kit takes at most ${MAX_CUSTOM_FIELDS} custom fields in one request` });
  for (const [trait, key] of customFields) {
    if (trait.trim() === '') problems.push({ field: 'custom_fields', message: 'has an empty trait name: name the identify trait (e.g. "last_name")' });
    else if (typeof key !== 'string' || !FIELD_KEY.test(key.trim())) {
      problems.push({ field: 'custom_fields', message: `maps the trait ${JSON.stringify(trait)} to ${JSON.stringify(key)}, which is no Kit custom field key: give the field's key (e.g. "last_name", no spaces; GET /v4/custom_fields lists them), not its label` });
    }
  }
  // Page keys: Kit receives no page calls at all, so that is said below rather than how to spell one.
  problems.push(...eventMapKeyProblems(config.event_tags, 'event_tags').filter((problem) => !problem.message.includes('a page call of a name')));
  for (const [name, id] of Object.entries(eventMapOf(config.event_tags))) {
    if (/^page(:|$)/i.test(name.trim())) {
      problems.push({ field: 'event_tags', message: `has ${JSON.stringify(name)}: page calls are never sent to Kit; name track events only (e.g. "Signed Up")` });
    } else if (kitIdOf(id) === undefined) {
      problems.push({ field: 'event_tags', message: `tags ${JSON.stringify(name)} with ${JSON.stringify(id)}, which is no Kit tag id: give the tag's id (a whole number such as 4120: Subscribers > Tags, the id in the tag's URL, or GET /v4/tags), not its name` });
    }
  }
  return problems;
}
