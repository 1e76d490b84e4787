import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWebPage } from './web-page.ts';

test('isWebPage: an HTML document, whatever its case and leading white space', () => {
  for (const body of ['<!DOCTYPE html><html></html>', '  \n<!doctype html>', '<html lang="en">', '<HTML>', '<head><title>Portal</title></head>', '<body>Sign in</body>']) {
    assert.equal(isWebPage(body), true, body);
  }
});

test('isWebPage: an API\'s answers are none', () => {
  for (const body of ['', 'ok', '{"branch_view_enabled":false}', '"ok"', '<?xml version="1.0"?><response/>', '<htmlish/>', 'see <html>', undefined]) {
    assert.equal(isWebPage(body), false, String(body));
  }
});
