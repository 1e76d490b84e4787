import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { isRoutedTo } from './destination-routing.ts';

const withIntegrations = (integrations: CanonicalEvent['integrations']) =>
  ({ type: 'track', messageId: 'm', timestamp: '', receivedAt: '', context: {}, ...(integrations === undefined ? {} : { integrations }) }) as CanonicalEvent;
const amplitude = ['Amplitude EU', 'Amplitude', 'amplitude'];

test('no integrations object, or All alone, sends everywhere unless All is false', () => {
  assert.equal(isRoutedTo(withIntegrations(undefined), amplitude), true);
  assert.equal(isRoutedTo(withIntegrations({}), amplitude), true);
  assert.equal(isRoutedTo(withIntegrations({ All: true }), amplitude), true);
  assert.equal(isRoutedTo(withIntegrations({ All: false }), amplitude), false);
});

test('a named destination overrides All, by template name, plugin name or plugin id, in any case', () => {
  assert.equal(isRoutedTo(withIntegrations({ All: false, Amplitude: true }), amplitude), true);
  assert.equal(isRoutedTo(withIntegrations({ All: false, 'amplitude eu': true }), amplitude), true);
  assert.equal(isRoutedTo(withIntegrations({ All: false, AMPLITUDE: { session_id: 1 } }), amplitude), true, 'an object of options turns it on');
  assert.equal(isRoutedTo(withIntegrations({ Amplitude: false }), amplitude), false);
  assert.equal(isRoutedTo(withIntegrations({ All: true, amplitude: false }), amplitude), false);
  assert.equal(isRoutedTo(withIntegrations({ Mixpanel: false }), amplitude), true, 'other destinations do not matter');
  assert.equal(isRoutedTo(withIntegrations({ All: false, Mixpanel: true }), amplitude), false);
});

test('the most specific name wins: the template name over the plugin name', () => {
  assert.equal(isRoutedTo(withIntegrations({ Amplitude: false, 'Amplitude EU': true }), amplitude), true);
  assert.equal(isRoutedTo(withIntegrations({ Amplitude: true, 'Amplitude EU': false }), amplitude), false);
});

test('only false turns a destination off', () => {
  assert.equal(isRoutedTo(withIntegrations({ Amplitude: null }), amplitude), true);
  assert.equal(isRoutedTo(withIntegrations({ All: 'no', Amplitude: 0 }), amplitude), true);
});
