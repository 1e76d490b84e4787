// The archive record of the blueprint variants (default, retail): the SDK's archive record
// (core/sdk/archive-objects.ts), shared with the other object storage plugins. Whatever the
// blueprint maps, no contact information is written in clear: email and phone go under
// `customer` as SHA-256 of their normalised form, every other field loses what names or looks
// like contact information, and URLs lose their query string and fragment. The `raw` variant
// is the stored event itself and is left as it is.
import { ARCHIVE_RAW_VARIANT, archiveRecord, archiveUrlsWithoutQueries, hashArchiveCustomerField } from '../../core/sdk/index.ts';

/** The variant that archives the canonical event unchanged. */
export const RAW_VARIANT = ARCHIVE_RAW_VARIANT;
export { archiveRecord };
/** See the SDK's `hashArchiveCustomerField`. */
export const hashCustomerField = hashArchiveCustomerField;
/** See the SDK's `archiveUrlsWithoutQueries`. */
export const withoutQueries = archiveUrlsWithoutQueries;
