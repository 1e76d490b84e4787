// The access token exchange of the config's service account key at Google's OAuth 2.0 token
// endpoint (the RFC 7523 JWT bearer grant: an assertion signed with the key, built by the SDK),
// for Cloud Storage's read/write scope, the narrowest one that uploads objects. Google answers
// `access_token` and `expires_in` (an hour); the core keeps it, and renews it on a 401.
import {
  googleServiceAccountTokenRequest, parseGoogleServiceAccountKey, PermanentError, readOAuthTokenAnswer,
  type AccessTokenExchange, type IssuedAccessToken, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { text } from './config.ts';

/** Cloud Storage's OAuth scope for reading and writing objects (objects.insert needs it, or full_control). */
export const STORAGE_SCOPE = 'https://www.googleapis.com/auth/devstorage.read_write';

/**
 * The token request: the service account's assertion for the storage scope, signed with
 * `ctx.now`. A key that cannot be read (refused at install, so only a hand-edited revision) is
 * a PermanentError naming the field.
 *
 * @example
 * gcsTokenRequest(ctx);
 * // { method: 'POST', url: 'https://oauth2.googleapis.com/token', body: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=…', eventIds: [] }
 */
export function gcsTokenRequest(ctx: PluginContext): RequestDescriptor {
  const key = parseGoogleServiceAccountKey(text(ctx.config.service_account_key));
  if (typeof key === 'string') throw new PermanentError(`config.service_account_key ${key}: store the whole JSON key file in a new revision`);
  return googleServiceAccountTokenRequest(key, [STORAGE_SCOPE], ctx.now);
}

/**
 * Reads the token endpoint's answer: the SDK's reading of RFC 6749 answers (2xx: the token and
 * its lifetime; 408, 429 and 5xx retried), with a refused assertion said in Google's terms.
 *
 * @example
 * readGcsTokenAnswer({ status: 200, headers: {}, body: '…', json: { access_token: 'ya29.c…', expires_in: 3599 } });
 * // { accessToken: 'ya29.c…', expiresInSeconds: 3599 }
 */
export function readGcsTokenAnswer(response: VendorResponse): IssuedAccessToken {
  return readOAuthTokenAnswer(response, {
    refused: ({ status, code, said }) => {
      const answered = `HTTP ${status}, ${said}`;
      if (code === 'invalid_scope') return `Google refused the Cloud Storage scope (${answered}): check that the Cloud Storage API is enabled in the service account's project, then replay the dead letters`;
      return `Google refused the service account's assertion (${answered}): the key in config.service_account_key was deleted or disabled, or its service account or project was. Create a new JSON key (Google Cloud console > IAM & Admin > Service accounts > the account > Keys > Add key), store it in a new revision, then replay the dead letters`;
    },
  });
}

/** The core's token exchange, for deliveries (person deletions are not forwarded to the bucket). */
export const gcsAccessToken: AccessTokenExchange = {
  usedBy: ['delivery'],
  enabled: (config) => text(config.service_account_key) !== undefined,
  request: gcsTokenRequest,
  read: readGcsTokenAnswer,
};
