import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventContext } from './canonical-event.ts';
import { presentContext, withoutNullFields } from './present-fields.ts';

test('withoutNullFields drops null fields in a copy; an object without one is returned as it is', () => {
  const sent = { url: 'https://shop.example/', referrer: null, title: '' };
  assert.deepEqual(withoutNullFields(sent), { url: 'https://shop.example/', title: '' }, 'an empty string is a value');
  assert.deepEqual(sent, { url: 'https://shop.example/', referrer: null, title: '' }, 'the input is not changed');
  const clean = { url: 'https://shop.example/', count: 0, on: false };
  assert.equal(withoutNullFields(clean), clean, 'no copy when nothing is null');
});

test('presentContext drops the envelope\'s nulls: the context\'s fields and page, campaign, library, consent fields (not Segment\'s consent nulls)', () => {
  const context = {
    ip: null, locale: 'en-GB', device: null,
    page: { url: 'https://shop.example/?gclid=abc', referrer: null, title: null },
    campaign: { source: 'google', term: null },
    library: { name: 'analytics-python', version: null },
    consent: { analytics: true, marketing: null, destinationPreferences: null, defaultDestinationBehavior: null },
    traits: { plan: null, email: 'jane@example.com' },
  } as unknown as EventContext;
  assert.deepEqual(presentContext(context), {
    locale: 'en-GB',
    page: { url: 'https://shop.example/?gclid=abc' },
    campaign: { source: 'google' },
    library: { name: 'analytics-python' },
    consent: { analytics: true, destinationPreferences: null, defaultDestinationBehavior: null },
    traits: { plan: null, email: 'jane@example.com' },
  });
  assert.equal((context.page as Record<string, unknown>).referrer, null, 'the sent context is not changed (a batch\'s is shared)');
});

test('presentContext: a null context is none; a context without null is the same object; nulls deeper than the envelope stay', () => {
  assert.equal(presentContext(null), undefined);
  assert.equal(presentContext(undefined), undefined);
  const clean: EventContext = { locale: 'en-GB', page: { url: 'https://a.example/' }, traits: { plan: 'pro' } };
  assert.equal(presentContext(clean), clean);
  const deep = { consent: { iab: { tcString: 'CP' }, google: { ad_storage: 'denied' } }, app: { build: null } } as unknown as EventContext;
  assert.equal(presentContext(deep), deep, 'only the envelope\'s levels are read');
});
