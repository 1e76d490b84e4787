// The access token exchange of the config's service account key (the SDK's
// googleServiceAccountExchange) for the Pub/Sub scope, which covers publishing. One token
// serves deliveries and deletion notices alike.
import { googleServiceAccountExchange } from '../../core/sdk/index.ts';

/** Pub/Sub's OAuth scope ("View and manage Pub/Sub topics and subscriptions"): the narrowest one publish takes. */
export const PUBSUB_SCOPE = 'https://www.googleapis.com/auth/pubsub';

/** The core's token exchange, for deliveries and deletion notices alike. */
export const pubSubAccessToken = googleServiceAccountExchange({ usedBy: ['delivery', 'forgetPerson'], api: 'Cloud Pub/Sub', scopes: () => [PUBSUB_SCOPE] });

/** The token request: the service account's assertion for the Pub/Sub scope, signed with `ctx.now`. */
export const pubSubTokenRequest = pubSubAccessToken.request;
/** The token endpoint's answer, a refused assertion or scope said in Google's terms. */
export const readPubSubTokenAnswer = pubSubAccessToken.read;
