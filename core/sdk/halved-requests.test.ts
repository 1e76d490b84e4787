import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestsHalvedToFit, type HalvedRequestsOptions } from './halved-requests.ts';
import type { MappedEvent, RequestDescriptor } from './types.ts';

// Only the id and payload are read: the canonical event is left out.
const events = (sizes: number[]): MappedEvent[] => sizes.map((size, index) => ({ id: `e-${index}`, payload: { size } }) as unknown as MappedEvent);
const sizeOf = (request: RequestDescriptor): number => (request.body as { size: number }).size;
/** A request whose "size" is its events' sizes added up; at most 10 fits. */
const options: HalvedRequestsOptions = {
  build: (batch) => ({ method: 'POST', url: 'https://vendor.example/insert', body: { size: batch.reduce((sum, event) => sum + Number(event.payload.size), 0) }, eventIds: batch.map((event) => event.id) }),
  fits: (request) => sizeOf(request) <= 10,
  tooLarge: (request) => `the row is ${sizeOf(request)} units, more than the 10 a request takes`,
};

test('requestsHalvedToFit: one request when it fits, else halves in order until each fits, every event once', () => {
  assert.deepEqual(requestsHalvedToFit(events([2, 3, 4]), options).map((request) => request.eventIds), [['e-0', 'e-1', 'e-2']]);
  assert.deepEqual(requestsHalvedToFit(events([4, 4, 4, 4, 4]), options).map((request) => request.eventIds), [['e-0', 'e-1'], ['e-2'], ['e-3', 'e-4']]);
  assert.deepEqual(requestsHalvedToFit(events([9, 1, 1, 1]), options).map((request) => request.eventIds), [['e-0', 'e-1'], ['e-2', 'e-3']]);
});

test('requestsHalvedToFit: fits may read the events (a count of values); a single event that does not fit refused with a PermanentError', () => {
  const fewEvents: HalvedRequestsOptions = { ...options, fits: (request, batch) => batch.length <= 2 && options.fits(request, batch) };
  assert.deepEqual(requestsHalvedToFit(events([1, 1, 1, 1]), fewEvents).map((request) => request.eventIds.length), [2, 2]);
  assert.throws(() => requestsHalvedToFit(events([1, 11, 1]), options), { name: 'PermanentError', message: 'the row is 11 units, more than the 10 a request takes' });
});
