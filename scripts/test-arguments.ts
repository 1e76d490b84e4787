export const TEST_USAGE = 'npm test -- [files…] [--test-name-pattern=<regexp>…] [--test-skip-pattern=<regexp>…]';

export interface TestArguments {
  files: string[];
  testNamePatterns: string[];
  testSkipPatterns: string[];
}

/**
 * What `npm test -- …` was given: the files to run (all when none) and the runner's name
 * filters, as `node --test` takes them (`=` or a space before the value, each as often as
 * wanted); or the problem, said for the user: an unknown option, a filter without a value or
 * one that is no regular expression (checked as Node reads it: `/body/flags`, or a bare body).
 *
 * @example
 * parseTestArguments(['test/delivery.test.ts', '--test-name-pattern=Retry-After']);
 * // { files: ['test/delivery.test.ts'], testNamePatterns: ['Retry-After'], testSkipPatterns: [] }
 */
export function parseTestArguments(args: readonly string[]): TestArguments | { problem: string } {
  const parsed: TestArguments = { files: [], testNamePatterns: [], testSkipPatterns: [] };
  const lists: Record<string, string[]> = { '--test-name-pattern': parsed.testNamePatterns, '--test-skip-pattern': parsed.testSkipPatterns };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      parsed.files.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const list = lists[name];
    if (!list) return { problem: `unknown option ${name} (files and ${Object.keys(lists).join(', ')} are taken)` };
    const value = equals === -1 ? args[++i] : arg.slice(equals + 1);
    if (value === undefined || value === '') return { problem: `${name} needs a regular expression` };
    const literal = /^\/(.*)\/([a-z]*)$/s.exec(value);
    try {
      new RegExp(literal ? literal[1]! : value, literal ? literal[2] : undefined);
    } catch (error) {
      return { problem: `${name}=${value} is not a regular expression: ${(error as Error).message}` };
    }
    list.push(value);
  }
  return parsed;
}
