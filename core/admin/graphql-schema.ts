/**
 * The admin GraphQL schema. Every type and field is described, so GraphiQL's docs explorer is
 * the API reference.
 */
export const adminTypeDefs = /* GraphQL */ `
  "Any JSON value."
  scalar JSON

  "A source of events, identified by its key (the write key of Segment/RudderStack SDKs)."
  type Pipeline {
    id: ID!
    name: String!
    enabled: Boolean!
    "Its own deduplication window in hours (0: off); null: SIGNAL_DEDUP_WINDOW_HOURS."
    dedupWindowHours: Int
    createdAt: String!
    "Active keys, by prefix only: a key is shown in full once, when created."
    keys: [PipelineKey!]!
    "Integrations assigned to this pipeline."
    integrations: [PipelineIntegration!]!
  }

  type PipelineKey {
    id: ID!
    prefix: String!
    createdAt: String!
    "When this key stops working (set by a rotation with a grace period)."
    expiresAt: String
  }

  "A pipeline with its new key. The key is not retrievable later: store it now."
  type PipelineWithKey {
    pipeline: Pipeline!
    key: String!
  }

  "An org-level integration definition, e.g. 'Meta CAPI Production'."
  type IntegrationTemplate {
    id: ID!
    name: String!
    vendor: String!
    createdAt: String!
    "Immutable configuration snapshots, v1 first."
    revisions: [IntegrationRevision!]!
    latestRevision: IntegrationRevision!
    "Pipelines this template is assigned to, each pinned at a revision."
    assignments: [PipelineIntegration!]!
  }

  "Advice about an integration's config: the field and what to do."
  type ConfigWarning {
    field: String!
    message: String!
  }

  "An immutable configuration snapshot. Secret fields come back masked as ********."
  type IntegrationRevision {
    id: ID!
    templateId: ID!
    version: Int!
    variant: String!
    config: JSON!
    consentCategories: [String!]!
    "Consent categories that look mistyped (a case, or a letter or two, off a category events usually carry): such an integration would skip every event."
    consentWarnings: [String!]!
    "The plugin's advice about this config as of now, e.g. an API version the vendor is about to stop serving (the config still works; it will not for long)."
    configWarnings: [ConfigWarning!]!
    "The YAML mapping blueprint this revision delivers with (null for code-mapped variants)."
    blueprint: String
    "Delivery settings: rateLimit {rps, burst, daily} and retry {attempts, baseSeconds, capSeconds}."
    settings: JSON!
    deliveryMode: String!
    note: String
    createdAt: String!
  }

  "A template pinned at a revision, assigned to a pipeline. Its id names its delivery queue."
  type PipelineIntegration {
    id: ID!
    pipelineId: ID!
    templateId: ID!
    revisionId: ID!
    revisionVersion: Int!
    enabled: Boolean!
    createdAt: String!
    updatedAt: String!
    template: IntegrationTemplate!
  }

  type InstallResult {
    template: IntegrationTemplate!
    revision: IntegrationRevision!
    "Present when a pipelineId was given."
    assignment: PipelineIntegration
  }

  "A vendor plugin as the Integration Library shows it."
  type CatalogEntry {
    id: ID!
    name: String!
    category: String!
    description: String!
    logo: String!
    version: String!
    variants: [CatalogVariant!]!
    configFields: [CatalogConfigField!]!
    "Consent categories the vendor's documentation recommends; an install applies them only when it passes them as consentCategories."
    consentCategories: [String!]!
    rateLimit: JSON!
    batch: JSON!
    vendorFields: [CatalogVendorField!]!
  }

  type CatalogVariant {
    key: String!
    description: String!
    blueprint: String
  }

  type CatalogConfigField {
    key: String!
    "string, number, integer, boolean, object, array, select or secret."
    type: String!
    title: String!
    description: String
    required: Boolean!
    secret: Boolean!
    options: [CatalogOption!]
    default: JSON
    "Valid sample values, e.g. acme for a tenant subdomain (none for secrets)."
    examples: [JSON]!
  }

  type CatalogOption {
    value: JSON!
    label: String!
  }

  type CatalogVendorField {
    name: String!
    required: Boolean!
    description: String
  }

  "An event as the collect endpoint stored it."
  type StoredEvent {
    id: ID!
    pipelineId: ID!
    messageId: String!
    type: String!
    receivedAt: String!
    payload: JSON!
    "True when the pipeline stage held this copy back as a repeat of an earlier one with the same messageId (deduplication): stored, delivered nowhere."
    duplicate: Boolean!
  }

  type Query {
    pipelines: [Pipeline!]!
    pipeline(id: ID!): Pipeline
    "Integration templates with their revisions and assignments."
    integrations(vendor: String, pipelineId: ID): [IntegrationTemplate!]!
    integration(id: ID!): IntegrationTemplate
    "The loaded vendor plugins."
    catalog(category: String): [CatalogEntry!]!
    "The latest events a pipeline received, newest first (1 to 500)."
    recentEvents(pipelineId: ID!, limit: Int = 50): [StoredEvent!]!
  }

  input InstallIntegrationInput {
    vendor: String!
    "Defaults to the vendor's default variant."
    variant: String
    name: String!
    config: JSON!
    "The categories every event must have granted. Absent or []: every event is delivered regardless of consent (the spec's rule); the catalog lists the vendor's recommended ones."
    consentCategories: [String!]
    "Assign revision v1 to this pipeline at once."
    pipelineId: ID
    enabled: Boolean
    deliveryMode: String
    "Overrides: { rateLimit: { rps, burst, daily }, retry: { attempts, baseSeconds, capSeconds } }."
    settings: JSON
    "A blueprint YAML to use instead of the variant's."
    blueprint: String
  }

  input CreateRevisionInput {
    templateId: ID!
    "Changes over the previous revision: a field set to null is removed; a secret left as ******** is kept."
    config: JSON
    variant: String
    consentCategories: [String!]
    blueprint: String
    settings: JSON
    note: String
  }

  input AssignRevisionInput {
    pipelineId: ID!
    templateId: ID!
    "Defaults to the latest revision."
    revisionId: ID
    enabled: Boolean
  }

  type Mutation {
    "Creates a pipeline; the answer holds its key, shown this once."
    createPipeline(name: String!): PipelineWithKey!
    "Issues a new key; old keys stop working after graceSeconds (0 = at once)."
    rotatePipelineKey(id: ID!, graceSeconds: Int = 0): PipelineWithKey!
    setPipelineEnabled(id: ID!, enabled: Boolean!): Pipeline!
    renamePipeline(id: ID!, name: String!): Pipeline!
    "Sets the pipeline's own deduplication window in whole hours (0 to 720; 0: off); null: back to SIGNAL_DEDUP_WINDOW_HOURS. Worker nodes see it within 2 s."
    setPipelineDeduplication(id: ID!, windowHours: Int): Pipeline!
    "Erases the identify traits remembered for a person of the pipeline (userId, anonymousId or both; a privacy request) and returns how many entries went; with an anonymousId, also what pages could read of the visitor from partner profiles (GET /v1/enrich). Stored events, dead letters and the delivery log keep theirs until their retention."
    forgetPersonTraits(pipelineId: ID!, userId: String, anonymousId: String): Int!
    "Deletes a disabled pipeline: its keys, its integration assignments (their queues, with any events waiting in them), their replays and its transformations. An enabled one is a 409: disable it first, so its key answers 401. Stored events and dead letters stay until their retention."
    deletePipeline(id: ID!): Boolean!
    "Installs a vendor from the catalog: a template with revision v1 (and an assignment when pipelineId is given)."
    installIntegration(input: InstallIntegrationInput!): InstallResult!
    "Makes a new immutable revision; assignments keep their pinned revision until reassigned."
    createRevision(input: CreateRevisionInput!): IntegrationRevision!
    "Assigns (or re-pins) a template's revision on a pipeline."
    assignRevision(input: AssignRevisionInput!): PipelineIntegration!
    setIntegrationEnabled(id: ID!, enabled: Boolean!): PipelineIntegration!
    "Removes an integration from a pipeline (its queue goes with it)."
    unassignIntegration(id: ID!): Boolean!
    "Deletes an integration (template) with its revisions and assignments. A 409 while any pipeline has it enabled: disable or unassign it there first."
    deleteIntegration(id: ID!): Boolean!
  }
`;
