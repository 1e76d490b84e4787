// Requests whose size is known only once they are built (an SQL statement and its parameters, a
// body of bindings): one request for some events when it fits the vendor's limits, else the
// events halved, in order, until each request fits. An event whose request alone does not fit
// can be sent in no request: it is refused with a PermanentError saying why, which the core
// dead-letters alone while the batch's other events are sent.
import { PermanentError } from './errors.ts';
import type { MappedEvent, RequestDescriptor } from './types.ts';

/** How the requests are made and measured: `build` one for some events; whether it `fits`; why a single event's does not (`tooLarge`). */
export interface HalvedRequestsOptions {
  build: (events: MappedEvent[]) => RequestDescriptor;
  fits: (request: RequestDescriptor, events: MappedEvent[]) => boolean;
  tooLarge: (request: RequestDescriptor) => string;
}

/**
 * The requests for some events, each one that fits (see the file's comment): every event once,
 * in order. Throws a PermanentError (`tooLarge`'s words) for an event whose request alone does
 * not fit.
 *
 * @example
 * requestsHalvedToFit(batch.slice(0, 100), {
 *   build: (events) => insertRequest(events, ctx, table),
 *   fits: (request) => Buffer.byteLength(JSON.stringify(request.body)) <= 1_000_000,
 *   tooLarge: (request) => `the row is ${Buffer.byteLength(JSON.stringify(request.body))} bytes, more than a request takes`,
 * });
 * // [request of events 1–50, request of events 51–100] when the hundred do not fit one
 */
export function requestsHalvedToFit(events: MappedEvent[], options: HalvedRequestsOptions): RequestDescriptor[] {
  const request = options.build(events);
  if (options.fits(request, events)) return [request];
  if (events.length === 1) throw new PermanentError(options.tooLarge(request));
  const half = Math.ceil(events.length / 2);
  return [...requestsHalvedToFit(events.slice(0, half), options), ...requestsHalvedToFit(events.slice(half), options)];
}
