import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { compileTrackingPlan, trackingPlanProblem, withViolations, type TrackingPlan } from './tracking-plan.ts';

const PLAN = `
description: The web shop's events
unplanned: block
violations: flag
events:
  Order Completed:
    description: A checkout went through
    properties:
      required: [order_id, total, currency]
      properties:
        order_id: { type: string }
        total: { type: number, minimum: 0 }
        currency: { type: string, pattern: '^[A-Z]{3}$' }
        products: { type: array, items: { required: [sku], properties: { sku: { type: string } } } }
  Product Viewed:
identify:
  traits:
    properties:
      email: { type: string, format: email }
page:
  properties:
    required: [url]
`;

const event = (fields: Partial<CanonicalEvent>): CanonicalEvent => ({
  type: 'track', messageId: 'm1', anonymousId: 'a1', timestamp: '2026-12-01T00:00:00.000Z', receivedAt: '2026-12-01T00:00:00.000Z', context: {}, ...fields,
} as CanonicalEvent);

const plan = (): TrackingPlan => compileTrackingPlan(PLAN)!;

test('a planned event that fits passes; one without a schema passes whatever its properties', () => {
  assert.deepEqual(plan().eventNames, ['Order Completed', 'Product Viewed']);
  assert.deepEqual(plan().check(event({ event: 'Order Completed', properties: { order_id: 'A1', total: 10, currency: 'EUR', products: [{ sku: 'X' }] } })), { action: 'pass', violations: [] });
  assert.deepEqual(plan().check(event({ event: 'Product Viewed', properties: { anything: [1, 2] } })), { action: 'pass', violations: [] });
});

test('a planned event that does not fit: each field named with what was expected, as the plan\'s `violations` says', () => {
  const verdict = plan().check(event({ event: 'Order Completed', properties: { order_id: 7, total: -1, currency: 'euro', products: [{}] } }));
  assert.equal(verdict.action, 'flag');
  assert.equal(verdict.kind, 'invalid');
  assert.deepEqual(verdict.violations, [
    { field: 'properties.order_id', message: 'must be a string' },
    { field: 'properties.total', message: 'must be >= 0' },
    { field: 'properties.currency', message: 'must match pattern "^[A-Z]{3}$"' },
    { field: 'properties.products[0].sku', message: 'is required' },
  ]);
  assert.deepEqual(plan().check(event({ event: 'Order Completed' })).violations.map((v) => v.field), ['properties.order_id', 'properties.total', 'properties.currency'], 'no properties at all: each required one is missing');
});

test('an unplanned track event, identify traits and page properties follow the plan', () => {
  assert.deepEqual(plan().check(event({ event: 'Coupon Entered' })), { action: 'block', kind: 'unplanned', violations: [{ field: 'event', message: '"Coupon Entered" is not in the tracking plan' }] });
  assert.deepEqual(plan().check(event({ type: 'identify', traits: { email: 'not an email' } })).violations, [{ field: 'traits.email', message: 'must be a valid email' }]);
  assert.equal(plan().check(event({ type: 'identify', traits: { email: 'jane@example.com' } })).action, 'pass');
  assert.deepEqual(plan().check(event({ type: 'page', properties: {} })).violations, [{ field: 'properties.url', message: 'is required' }]);
});

test('defaults: unplanned and invalid events are flagged; allow lets them through unmarked', () => {
  const lenient = compileTrackingPlan('events:\n  Signed Up:\n    properties: { required: [plan] }\n')!;
  assert.deepEqual([lenient.unplanned, lenient.violations], ['flag', 'flag']);
  assert.equal(lenient.check(event({ event: 'Other' })).action, 'flag');
  const open = compileTrackingPlan('unplanned: allow\nviolations: allow\nevents:\n  Signed Up:\n    properties: { required: [plan] }\n')!;
  assert.equal(open.check(event({ event: 'Other' })).action, 'pass');
  assert.equal(open.check(event({ event: 'Signed Up' })).action, 'pass');
  assert.equal(compileTrackingPlan('  \n'), undefined, 'an empty source is no plan');
});

test('at most 10 violations are kept for one event', () => {
  const many = compileTrackingPlan(`events:\n  Big:\n    properties:\n      required: [${Array.from({ length: 15 }, (_, i) => `p${i}`).join(', ')}]\n`)!;
  assert.equal(many.check(event({ event: 'Big', properties: {} })).violations.length, 10);
});

test('a plan that is wrong is refused with line, column and path', () => {
  const cases: Array<[string, RegExp]> = [
    ['events: [a, b]\n', /^line 1, column 9: events: must be a mapping from each track event's name to its entry$/],
    ['unplanned: drop\n', /^line 1, column 12: unplanned: must be one of: allow, flag, block$/],
    ['evnts: {}\n', /^line 1, column 1: evnts: unknown key "evnts": a tracking plan has description, unplanned, violations, events, identify, page$/],
    ['events:\n  Order Completed:\n    properties:\n      requried: [total]\n', /^line 4, column 7: events\.Order Completed\.properties: is not a valid JSON Schema: unknown keyword: "requried"/],
    ['events:\n  Order Completed:\n    props: {}\n', /^line 3, column 5: events\.Order Completed\.props: unknown key "props": an entry has properties and description$/],
    ['events:\n  Order Completed:\n    properties: { type: string }\n', /events\.Order Completed\.properties\.type: must be object/],
    ['identify:\n  traits: [email]\n', /identify\.traits: must be a JSON Schema/],
    ['events:\n  " Padded":\n', /an event name is matched exactly/],
    ['events: {a: [\n', /^line \d+, column \d+: YAML: /],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => compileTrackingPlan(source), (error: unknown) => {
      const problem = trackingPlanProblem(error);
      assert.ok(problem, `a positioned error for ${JSON.stringify(source)}: ${String(error)}`);
      assert.equal(problem.field, 'source');
      assert.match(problem.message, message);
      return true;
    });
  }
});

test('withViolations: a flagged event carries them in context.violations; the plan alone writes them', () => {
  const original = event({ event: 'Other', context: { ip: '203.0.113.1' } as CanonicalEvent['context'] });
  const flagged = withViolations(original, { action: 'flag', kind: 'unplanned', violations: [{ field: 'event', message: '"Other" is not in the tracking plan' }] });
  assert.deepEqual((flagged.context as Record<string, unknown>).violations, [{ type: 'unplanned', field: 'event', message: '"Other" is not in the tracking plan' }]);
  assert.deepEqual(original.context, { ip: '203.0.113.1' }, 'the stored event is not changed');
  const forged = event({ context: { violations: ['sent by the client'] } as unknown as CanonicalEvent['context'] });
  assert.deepEqual(withViolations(forged, { action: 'pass', violations: [] }).context, {});
  const clean = event({});
  assert.equal(withViolations(clean, { action: 'pass', violations: [] }), clean, 'nothing to change: the same object (it then travels by id)');
});
