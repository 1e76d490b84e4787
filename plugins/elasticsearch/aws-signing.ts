// Amazon OpenSearch Service with IAM authentication: each request (bulk or deletion) signed with
// AWS Signature Version 4 at the moment it is sent (the core calls `sign` after the rate
// limiter's wait), by the SDK's signAwsRequest, under the signing name `es` — or `aoss` for an
// OpenSearch Serverless collection's endpoint. The Region is read from the endpoint's host
// (`search-shop-abc123.eu-west-1.es.amazonaws.com`), or given in aws_region for a custom domain.
// The body's SHA-256 travels in `x-amz-content-sha256`, which OpenSearch Serverless requires.
// The SDK signs the path encoded once more, as AWS does for every service but S3: a deletion's
// `signal-events-*` is signed as `signal-events-%2A`.
import { sha256Hex, signAwsRequest, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { awsCredentialsOf, awsScopeOf, signsWithAws } from './config.ts';

/**
 * The request signed for AWS when the config gives an access key; as it is otherwise. Throws
 * (the core dead-letters the request's events with the message) when no Region can be had.
 *
 * @example
 * signRequest(request, ctx); // + x-amz-content-sha256, x-amz-date and Authorization: AWS4-HMAC-SHA256 Credential=AKIA…/<day>/eu-west-1/es/aws4_request, …
 */
export function signRequest(request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  if (!signsWithAws(ctx.config)) return request;
  const { region, service } = awsScopeOf(ctx.config);
  if (region === undefined) throw new Error('the endpoint is not an Amazon OpenSearch Service host (<domain>.<region>.es.amazonaws.com): set config.aws_region to the domain\'s Region to sign for it');
  const body = request.body === undefined ? '' : typeof request.body === 'string' || request.body instanceof Uint8Array ? request.body : JSON.stringify(request.body);
  const withHash: RequestDescriptor = { ...request, headers: { ...request.headers, 'x-amz-content-sha256': sha256Hex(body) } };
  return signAwsRequest(withHash, { region, service, credentials: awsCredentialsOf(ctx.config), now: ctx.now });
}
