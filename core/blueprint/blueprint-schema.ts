/**
 * The JSON Schema of the blueprint format (draft-07). `blueprints/blueprint.schema.json` is
 * this object written out for editors by `node core/blueprint/write-schema.ts` (a test keeps
 * the two equal); point your editor's YAML language server at it. The compiler checks more
 * than the schema can say (paths, filters, transforms, parameters) and reports it with the
 * same positions.
 */

const transformStep = {
  description: 'A transform name, or a one-key object with its argument, e.g. {truncate: 100}.',
  anyOf: [{ type: 'string' }, { type: 'object', minProperties: 1, maxProperties: 1 }],
};

const mappingRow = {
  type: 'object',
  description: 'One vendor field: where its value comes from (source, value or template), how it is transformed, and what happens when it is missing.',
  required: ['target'],
  additionalProperties: false,
  properties: {
    target: { type: 'string', description: 'Vendor path, e.g. event_properties.page_url or user_properties.$set.email.' },
    source: {
      description: 'Path on the canonical event (or parameters.<name>), e.g. properties.revenue, properties.products[].price; or a list of paths, the first with a value wins.',
      anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }],
    },
    value: { description: 'A static value.' },
    template: { type: 'string', description: 'Text with {{path}} placeholders, e.g. "{{properties.order_id}}-{{context.page.path}}".' },
    transforms: { type: 'array', items: transformStep },
    default: { description: 'Used when the source is missing, null or empty.' },
    required: { type: 'boolean', description: 'A missing value (after transforms and default) dead-letters the event with the reason.' },
    when: { type: 'string', description: 'A filter: the row applies only to events matching it.' },
    exclude: { type: 'array', items: { type: 'string' }, description: 'With an object source: keys to leave out.' },
    each: { type: 'array', description: 'With a list-of-objects source: rows applied to each element (their sources are relative to the element).', items: { $ref: '#/definitions/row' } },
  },
};

const operation = {
  type: 'object',
  description: 'One operation: set, rename, remove, hash or drop.',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    set: { $ref: '#/definitions/row' },
    rename: { type: 'object', required: ['from', 'to'], additionalProperties: false, properties: { from: { type: 'string' }, to: { type: 'string' } } },
    remove: { type: 'string' },
    hash: {
      description: 'A path whose value is replaced by its normalised SHA-256, or {path, default_country_code?, kind?}.',
      anyOf: [
        { type: 'string' },
        {
          type: 'object',
          required: ['path'],
          additionalProperties: false,
          properties: {
            path: { type: 'string' },
            default_country_code: { type: ['string', 'integer'], description: 'Country calling code for national phone numbers, e.g. 44.' },
            kind: { type: 'string', enum: ['auto', 'email', 'phone', 'text', 'raw'], description: 'Force one normalisation (default auto).' },
          },
        },
      ],
    },
    drop: { type: 'string', description: 'A filter: matching events are dropped.' },
  },
};

export const BLUEPRINT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://signal.dev/schemas/blueprint.schema.json',
  title: 'Signal blueprint',
  description: 'A V2 schema mapping: parameters, global mappings, per-event handlers and defaults.',
  type: 'object',
  additionalProperties: false,
  definitions: { row: mappingRow, operation },
  properties: {
    version: { type: 'integer', enum: [2] },
    description: { type: 'string' },
    parameters: {
      type: 'object',
      description: 'Credentials and settings bound to the integration config: name → {config: field, default?, required?} or a fixed value.',
      additionalProperties: {
        anyOf: [
          { type: 'object', required: ['config'], additionalProperties: false, properties: { config: { type: 'string' }, default: {}, required: { type: 'boolean' } } },
          { type: ['string', 'number', 'boolean'] },
        ],
      },
    },
    event_name_target: { type: 'string', description: 'The vendor field that receives the vendor event name (e.g. event_type).' },
    global: {
      description: 'Mappings applied to every event: a list of rows, or {mappings: [rows]}.',
      anyOf: [
        { type: 'array', items: { $ref: '#/definitions/row' } },
        { type: 'object', additionalProperties: false, required: ['mappings'], properties: { mappings: { type: 'array', items: { $ref: '#/definitions/row' } } } },
      ],
    },
    events: {
      type: 'object',
      description: 'Handlers keyed by name; each takes the canonical events named in `names` (default: its key).',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          names: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Track event names (e.g. view_item and Product Viewed) or the types page, identify, screen, group, alias.' },
          event_name: { type: 'string', description: 'The vendor event name (written to event_name_target).' },
          filter: { type: 'string', description: 'Only events matching this filter are sent; others are dropped.' },
          mappings: { type: 'array', items: { $ref: '#/definitions/row' } },
          enrichments: { type: 'array', items: { $ref: '#/definitions/row' }, description: 'Rows applied after the mappings (derived and static fields).' },
          transforms: { type: 'array', items: { $ref: '#/definitions/operation' }, description: 'Operations on the vendor event after mapping (set, rename, remove, hash).' },
        },
      },
    },
    defaults: {
      type: 'object',
      additionalProperties: false,
      required: ['action'],
      properties: {
        action: { type: 'string', enum: ['pass_through', 'drop', 'map'], description: 'What happens to events no handler takes.' },
        filter: { type: 'string', description: 'pass_through or map: only events no handler takes that match this filter are sent; the others are dropped (e.g. known users only: userId exists).' },
        properties_target: { type: 'string', description: 'pass_through: where the event properties go (e.g. event_properties).' },
        mappings: { type: 'array', items: { $ref: '#/definitions/row' } },
      },
    },
  },
} as const;
