import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTestArguments } from './test-arguments.ts';

test('files and name filters, with = or a space, each as often as wanted', () => {
  assert.deepEqual(parseTestArguments([]), { files: [], testNamePatterns: [], testSkipPatterns: [] });
  assert.deepEqual(
    parseTestArguments(['test/a.test.ts', '--test-name-pattern=Retry', '--test-name-pattern', '/dead letter/i', 'core/b.test.ts', '--test-skip-pattern=slow']),
    { files: ['test/a.test.ts', 'core/b.test.ts'], testNamePatterns: ['Retry', '/dead letter/i'], testSkipPatterns: ['slow'] },
  );
});

test('an unknown option, a missing value or a bad regular expression is named', () => {
  assert.deepEqual(parseTestArguments(['--test-name-patern=x']), { problem: 'unknown option --test-name-patern (files and --test-name-pattern, --test-skip-pattern are taken)' });
  assert.deepEqual(parseTestArguments(['--test-skip-pattern']), { problem: '--test-skip-pattern needs a regular expression' });
  assert.deepEqual(parseTestArguments(['--test-name-pattern=']), { problem: '--test-name-pattern needs a regular expression' });
  const bad = parseTestArguments(['--test-name-pattern=(']);
  assert.ok('problem' in bad && /^--test-name-pattern=\( is not a regular expression: /.test(bad.problem), JSON.stringify(bad));
  const badFlags = parseTestArguments(['--test-name-pattern=/a/q']);
  assert.ok('problem' in badFlags && /is not a regular expression/.test(badFlags.problem), JSON.stringify(badFlags));
});
