/**
 * The plugin SDK: the only module a vendor plugin imports.
 *
 * - the contract's types (`PluginDefinition`, `PluginContext`, `MappedEvent`, `RequestDescriptor`, …);
 * - `definePlugin(def)`: validates the declarative object and returns it frozen;
 * - `validatePluginDefinition(def, source?)`: the same checks, as a list of problems;
 * - `RetryableError`, `PermanentError`: what a classifier throws to retry or dead-letter;
 * - `defaultClassify(response)`: 2xx delivered, 408/429/5xx retried, other 4xx dead-lettered;
 * - `defaultForgetRead(response)`: the same reading of an answer to a forwarded person deletion;
 * - helpers: `splitBatch` (batch limits), `requestsHalvedToFit` (requests measured once built, halved until each fits), `nameBasedUuid` (a stable UUID from a messageId: RFC 9562 versions 3, 5 and 8), `EVENT_TABLE_COLUMNS` (the warehouse plugins' event table) with `warehouseRow` (an event's row of it, by a `WarehouseRowDialect`) and `eventRowsOfPerson` (a person's rows in it, for a deletion), `excerpt` (a vendor's words cut to fit a reason), `cutText` (text cut to a limit in UTF-16 units, never through a surrogate pair), `instantText` (a time for a message, never a RangeError), `utcTimeText` (a time as a table's time column takes it), `parseRetryAfter`, `responseHeader` (an answer's header whatever its case), `createConfigAjv`,
 *   `transientRetry` (a 429, 5xx or 408 as the retry, throttled for the 429, after Retry-After), `isWebPage` (a 2xx that is a proxy's HTML page, not the vendor's answer), the visitor's own IP and User-Agent as analytics vendors count visitors by them (`visitorIp`, `visitorUserAgent`, `userAgentHeaderText`), `configText` (an optional config field's text, blank as none), `configApiKey` (the API key as a header takes it), `eventNamesSchema` (the config field mapping Signal events to the vendor's names for them), `escapeRegExp` (text a RegExp matches as written),
 *   `isJsonObject` (an object, not null nor an array: a mapped value narrowed to `JsonObject`),
 *   the readers of mapped values `readText`, `readDecimal` (else a PermanentError naming the vendor and field) and `readWholeNumber`, the egress
 *   rules `isPrivateAddress`, `allowListMatcher`, `literalHostProblem`, `embeddedIPv4`,
 *   `compileGetter` (a blueprint source path such as `context.page.path`, compiled into a reader),
 *   `pastedSecretProblem` (a secret pasted with an authorization scheme such as `Bearer ` or with white space, said naming its field), `productsValue` (an order's value from its products' price × quantity),
 *   `isConsentGranted` (the consent gate's reading of categories, e.g. marketing consent before a subscription),
 *   `isRememberedOnly` (a mapped email or phone that only the remembered `context.traits` gave: never one to subscribe),
 *   `removeContactInfo` (a pass-through event's properties without contact information, at
 *   any depth), `recordWithoutContactInfo` (a whole event or table row without it: URLs without
 *   queries, no IP, ids that are emails or phones left out; with `withoutQueries`, `isContactInfo`, and
 *   `EVENT_VALUE_CHECKED_FIELDS`, an event's fields read by value alone), `normalizePhoneNumber` (E.164 by the default country's numbering plan),
 *   `isEmailAddress` and `isStrictEmailAddress` (text shaped as one email address; the strict one refuses lists and brackets),
 *   a mapped record's identity as contact APIs take it (`mappedEmail`, `mappedUserId`, `isSendableEmail`: the vendor named in their refusals), and
 *   `customerInfo` (a vendor's hashed and clear customer information fields, declared once),
 *   a configured list of named paths into the event for a row of the customer's own table (`eventPathMappings`:
 *   defaults, checks and warnings worded as the vendor's; `eventPathSource`, `eventPathValue`, `cellValueOf`: the values read;
 *   `valueAtEventPath`: one path's value as it is, compiled once),
 *   the kinds of record a map hook fits (`recordKinds`: the payload's kind checked, naming the vendor) and the call types a plugin
 *   never sends, with why (`neverSentTypes`),
 *   with the shared readings of places and dates (`countryCodeOf`, `stateCodeOfName`,
 *   `birthDateYmd`, `lettersOnly`), AWS Signature Version 4 for the plugins of AWS services
 *   (`signAwsRequest` for a `sign` hook, `signRequest`, `uriEncode`, `sha256Hex`), and Google's: the click id cookies and readers every plugin
 *   sending Google conversions shares (`GOOGLE_CLICK_ID_COOKIES`, `googleClickId`, …) and the
 *   normalisation Google hashes user data after (`normalizeGoogleEmail`, `normalizeGoogleConversionEmail`,
 *   `normalizeGoogleName`, …), Consent Mode's ad signals as an event gives them
 *   (`googleConsentStatus`), and the credential of a Google API called as a user or a service
 *   account: its config checks and token exchange (`googleCredentialProblems`, `googleCredentialExchange`), and Google's JSON
 *   error answer, read defensively (`readGoogleErrorAnswer`, `googleErrorDetails`);
 * - Google Ads accounts and conversion actions as configs give them (`googleAdsCustomerId`,
 *   `conversionActionId`, `conversionActionKeys`, `conversionActionFor`);
 * - AWS: `signAwsRequest` (Signature V4, for a `sign` hook), `awsJsonError` and the AWS SDKs'
 *   classes of error codes, `awsRegionProblem`, `awsCredentialsOf`, `awsCredentialProblems`,
 *   `awsSessionTokenWarnings`;
 * - archives of events in object storage (Amazon S3, Google Cloud Storage, Azure Blob Storage):
 *   `archiveRecord` (no contact information in clear), hourly `dt=/hour=` partitions, object
 *   names fixed by their events (`archiveObjectKey`), NDJSON bodies gzipped by default
 *   (`archiveBody`), `archiveObjects` and `archiveObjectsOf`, the shared config fields
 *   (`archiveConfigFieldSchemas`, within `ARCHIVE_OBJECT_BOUNDS`);
 * - OAuth 2.0 token requests for an `accessToken` exchange (`oauthRefreshTokenRequest`,
 *   `oauthClientCredentialsRequest`, `googleServiceAccountTokenRequest` with
 *   `parseGoogleServiceAccountKey`) and the reading of their answers (`readOAuthTokenAnswer`),
 *   or a Google service account key's whole exchange (`googleServiceAccountExchange`).
 *
 * @example
 * import { definePlugin, defaultClassify, PermanentError, type PluginDefinition } from '../../core/sdk/index.ts';
 */
export * from './types.ts';
export { definePlugin, PluginDefinitionError, pluginLabel } from './define-plugin.ts';
export { validatePluginDefinition, PLUGIN_ID_PATTERN, type DefinitionProblem } from './validate-plugin-definition.ts';
export { createConfigAjv } from './config-ajv.ts';
export { RetryableError, PermanentError } from './errors.ts';
export { defaultClassify } from './default-classify.ts';
export { responseHeader } from './response-header.ts';
export { excerpt } from './excerpt.ts';
export { cutText } from './cut-text.ts';
export { escapeRegExp } from './escape-regexp.ts';
export { transientRetry } from './transient-retry.ts';
export { isWebPage } from './web-page.ts';
export { configApiKey, configText, trimmedText } from './config-text.ts';
export { configSwitchProblem } from './config-switch.ts';
export { isJsonObject } from './json-object.ts';
export { defaultForgetRead } from './default-forget-read.ts';
export {
  googleServiceAccountTokenRequest, oauthClientCredentialsRequest, oauthRefreshTokenRequest, parseGoogleServiceAccountKey, readOAuthTokenAnswer,
  type ClientAuthentication, type GoogleServiceAccountKey, type OAuthRefusal, type TokenAnswerOptions,
} from './oauth.ts';
export { splitBatch } from './split-batch.ts';
export { requestsHalvedToFit, type HalvedRequestsOptions } from './halved-requests.ts';
export { gzipJson } from './gzip-json.ts';
export { conversionActionFor, conversionActionId, conversionActionKeys, googleAdsCustomerId } from './google-ads-accounts.ts';
export { instantText } from './instant-text.ts';
export { utcTimeText } from './utc-time-text.ts';
export { readDecimal, readInstantMs, readText, readWholeNumber } from './value-readers.ts';
export { productsValue, type ProductsValueAbout } from './products-value.ts';
export { removeContactInfo } from './contact-info.ts';
export { EVENT_RECORD_FIELDS } from './event-record-fields.ts';
export { EVENT_TABLE_COLUMNS } from './event-table-columns.ts';
export { eventRowsOfPerson, PLACEHOLDER_IDS_SKIPPED, type EventRowsOfPerson, type PersonIdColumn } from './event-rows-of-person.ts';
export { WITHOUT_CONTACT_INFO, warehouseRow, warehouseRowWithoutContactInfo, type WarehouseRowContext, type WarehouseRowDialect } from './warehouse-row.ts';
export { googleServiceAccountExchange, type GoogleServiceAccountExchange, type GoogleServiceAccountExchangeOptions } from './google-service-account-exchange.ts';
export { EVENT_VALUE_CHECKED_FIELDS, isContactInfo, recordWithoutContactInfo, withoutQueries, type ContactFreeOptions } from './contact-free.ts';
export { namesNoOne, usableId } from './placeholder-ids.ts';
export { clickIdText } from './click-id-text.ts';
export { EVENT_RECORD_ID_FIELDS, eventRecord, eventRecordWithoutContactInfo, hashedContactId, idAsRecorded, isContactValue } from './event-record.ts';
export { deletionEmails } from './deletion-emails.ts';
export { DELETION_NOTICE_TYPE, deletionNotice, deletionNoticeOutcome, NOTICE_NAMES_NO_ONE, noticedPerson, withoutReplayAdvice, type NoticedPerson } from './deletion-notice.ts';
export { nameBasedUuid, type NameBasedUuidOptions } from './name-based-uuid.ts';
export { pageUrlParamOf, urlParamOf, type PageUrlParamOptions } from './url-params.ts';
export {
  EVENT_PATH_ROOTS, eventPathMappings, pathAlternatives, type EventPathMapping, type EventPathMappings, type EventPathMappingsOptions,
} from './event-path-mappings.ts';
export { cellValueOf, eventPathSource, eventPathValue, valueAtEventPath } from './event-path-values.ts';
export { recordKinds, type RecordKinds } from './record-kinds.ts';
export { neverSentTypes } from './never-sent-types.ts';
export { eventMapKeyProblems, eventMapKeys, eventMapName, eventMapOf } from './event-maps.ts';
export { eventNamesSchema, type EventNamesSchemaOptions } from './event-names-schema.ts';
export { normalizePhoneNumber, type PhoneNumberOptions, type WithoutCountryCode } from './phone-number.ts';
export { isEmailAddress, isStrictEmailAddress, type EmailAddressOptions } from './email-address.ts';
export { isSendableEmail, mappedEmail, mappedEmailOrLeftOut, mappedUserId, MAX_EMAIL_ADDRESS_CHARS, type MappedUserIdOptions, type SendableEmailOptions } from './mapped-identity.ts';
export { birthDateYmd, countryCodeOf, lettersOnly, stateCodeOfName } from './customer-normalizers.ts';
export {
  GCLID_COOKIE, GOOGLE_CLICK_ID_COOKIES, GOOGLE_CLICK_ID_PARAMS, GOOGLE_TAG_GCLID_COOKIES, gclidOfCookie, googleClickId, googleClickIdFromUrl, googleClickIdOf,
  type GoogleClickIdParam,
} from './google-click-ids.ts';
export { normalizeGoogleConversionEmail, normalizeGoogleEmail, normalizeGoogleName, normalizeGooglePostalCode, normalizeGoogleRegionCode } from './google-user-data.ts';
export { googleConsentAnswer, googleConsentStatus, type GoogleConsentAnswer, type GoogleConsentSignal } from './google-consent.ts';
export {
  GOOGLE_TOKEN_URL, googleCredentialExchange, googleCredentialOf, googleCredentialProblems,
  type GoogleCredentialExchange, type GoogleCredentialExchangeOptions, type GoogleCredentialKind, type GoogleCredentialOptions,
} from './google-credentials.ts';
export { googleErrorDetails, readGoogleErrorAnswer, type GoogleErrorAnswer } from './google-error-answer.ts';
export { pastedSecretProblem, type PastedSecretOptions } from './pasted-secret.ts';
export { asText, customerInfo, type CustomerInfo, type CustomerInfoDigest, type CustomerInfoFields, type FieldNormalizer, type HashedShape } from './customer-info.ts';
export {
  ALGORITHM as AWS_SIGNATURE_ALGORITHM, amzDateOf, EMPTY_PAYLOAD_SHA256, sha256Hex, signAwsRequest, signingKey, signRequest, uriEncode,
  type AwsSigningOptions, type Credentials as AwsCredentials, type SignedRequest, type SigningInput,
} from './aws-signature-v4.ts';
export { canonicalPathOf } from './aws-signature-v4.ts';
export {
  AWS_CLOCK_SKEW_CODES, AWS_CREDENTIAL_CODES, AWS_EXPIRED_TOKEN_CODES, AWS_THROTTLING_CODES, AWS_TRANSIENT_CODES, awsJsonError, type AwsError,
} from './aws-errors.ts';
export {
  AWS_REGION_CODE, awsCredentialFieldSchemas, awsCredentialProblems, awsCredentialsOf, awsRegionProblem, awsSessionTokenWarnings,
  type AwsCredentialFieldOptions, type AwsCredentialFields, type AwsCredentialFieldSchemas,
} from './aws-config.ts';
export { allowListMatcher, embeddedIPv4, isPrivateAddress, literalHostProblem } from './egress.ts';
export { parseRetryAfter } from '../delivery/retry-policy.ts';
export { compileGetter } from '../blueprint/paths.ts';
export { isConsentGranted } from '../pipeline/consent-gate.ts';
export { isRememberedOnly } from './remembered-trait.ts';
export { gpcRestrictsProcessing, hasGpcOptOut, type GpcRule } from '../pipeline/gpc-rule.ts';
export { allowedPrivateTargets, privateTargetProblem, privateTargetsField, privateTargetsProblems, PRIVATE_TARGETS_FIELD } from './private-targets.ts';
export {
  ARCHIVE_COMPRESSIONS, ARCHIVE_OBJECT_BOUNDS, ARCHIVE_PARTITION_TIMES, ARCHIVE_RAW_VARIANT, archiveConfigFieldSchemas, ARCHIVE_VENDOR_FIELDS, archiveBody, archiveCompressionOf, archiveObjectKey, archiveObjects, archiveObjectsOf, archivePartitionInstant,
  archivePartitionOf, archivePrefixOf, archiveRecord, archiveUrlsWithoutQueries, GZIP_CONTENT_TYPE, hashArchiveCustomerField, NDJSON_CONTENT_TYPE,
  type ArchiveBody, type ArchiveCompression, type ArchiveObjectBounds, type ArchiveNormalizeOptions, type ArchiveObjectEvents, type ArchivePartitionTime,
} from './archive-objects.ts';
export { userAgentHeaderText, visitorIp, visitorUserAgent } from './visitor-headers.ts';
