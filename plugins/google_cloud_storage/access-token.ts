// The access token exchange of the config's service account key (the SDK's
// googleServiceAccountExchange) for Cloud Storage's read/write scope, the narrowest one that
// uploads objects; for deliveries only (person deletions are not forwarded to the bucket).
import { googleServiceAccountExchange } from '../../core/sdk/index.ts';

/** Cloud Storage's OAuth scope for reading and writing objects (objects.insert needs it, or full_control). */
export const STORAGE_SCOPE = 'https://www.googleapis.com/auth/devstorage.read_write';

/** The core's token exchange, for deliveries. */
export const gcsAccessToken = googleServiceAccountExchange({ usedBy: ['delivery'], api: 'Cloud Storage', scopes: () => [STORAGE_SCOPE] });

/** The token request: the service account's assertion for the storage scope, signed with `ctx.now`. */
export const gcsTokenRequest = gcsAccessToken.request;
/** The token endpoint's answer, a refused assertion or scope said in Google's terms. */
export const readGcsTokenAnswer = gcsAccessToken.read;
