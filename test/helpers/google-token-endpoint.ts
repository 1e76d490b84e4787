// Google's OAuth token endpoint as the service-account plugins' end-to-end tests simulate it:
// a JWT-bearer assertion from the expected service account gets a fresh access token, any
// other is refused as Google refuses a key it does not know.
import type { RecordedRequest, ScriptedResponse } from '../vendor-sim/vendor-sim.ts';

/**
 * A vendor-sim handler for `POST …/token`: answers an assertion whose `iss` is `serviceAccount`
 * with `ya29.<prefix>-<n>`, pushed onto `issued` (so the vendor's simulated API can accept only
 * those), else `400 invalid_grant`.
 *
 * @example
 * const issued: string[] = [];
 * sim.setDefault('POST', TOKEN_PATH, googleTokenEndpoint(SA_EMAIL, 'sheets-token', issued));
 */
export function googleTokenEndpoint(serviceAccount: string, prefix: string, issued: string[]): (request: RecordedRequest) => ScriptedResponse {
  return (request) => {
    const assertion = new URLSearchParams(request.body).get('assertion') ?? '';
    let issuer: unknown;
    try {
      issuer = (JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()) as { iss?: unknown }).iss;
    } catch {
      issuer = undefined;
    }
    if (issuer !== serviceAccount) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } };
    const token = `ya29.${prefix}-${issued.length + 1}`;
    issued.push(token);
    return { status: 200, body: { access_token: token, expires_in: 3599, token_type: 'Bearer' } };
  };
}
