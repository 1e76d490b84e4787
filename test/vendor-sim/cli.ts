// Runs the vendor simulator standalone, printing every request and the answer it got:
// `npm run vendor-sim -- --port 9000 --answer 'POST /2/httpapi=500'` (`--help` lists the flags).
// Point Signal at it with SIGNAL_VENDOR_REDIRECTS=https://api2.amplitude.com=http://127.0.0.1:9000
import { reply, startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from './vendor-sim.ts';

export const usage = `Usage: npm run vendor-sim -- [flags]

Stands in for vendor APIs: prints each request (time, method, path and query, the answer's
status, then the body) and answers as told. Routes are exact: METHOD /path, without query
or wildcards. Unscripted routes answer 200 {"code":200}.

  --port N                     listen on 127.0.0.1:N (default 9000; 0 picks a free port)
  --answer 'METHOD /path=A'    the route's answer from now on (repeatable), e.g.
                                 --answer 'POST /2/httpapi=500'
                                 --answer 'POST /2/httpapi=400:{"error":"bad"}'
  --script 'METHOD /path=A,A'  answers used once each, in order, then the route's answer
                               (repeatable), e.g. --script 'POST /2/httpapi=429:retry=2,500,200'
  --headers                    also print each request's headers, as received: credentials
                               (authorization, api keys, signatures) are shown in full
  --help                       this text

An answer A is one of:
  STATUS                      e.g. 500; the body is {"code":STATUS}
  STATUS:JSON                 e.g. 400:{"error":"bad"}; a JSON string ("text") is sent as text
  STATUS:retry=SECONDS[:JSON] with a Retry-After header; a 429 without it has Retry-After: 1
  hang                        never answers (the caller times out)
  reset                       drops the connection (a network error)`;

/** A flag the CLI cannot use: the message names the flag and the expected form. */
export class FlagError extends Error {}

export interface CliOptions {
  port: number;
  /** From `--answer`: each route's default answer (a later one for the same route wins). */
  answers: Array<{ method: string; path: string; answer: ScriptedResponse }>;
  /** From `--script`: answers consumed in order before the route's default. */
  scripts: Array<{ method: string; path: string; answers: ScriptedResponse[] }>;
  headers: boolean;
  help: boolean;
}

const answerForm = `STATUS, STATUS:JSON, STATUS:retry=SECONDS[:JSON], hang or reset`;

/** Parses one answer (`500`, `400:{"error":"bad"}`, `429:retry=2`, `hang`, `reset`); throws a FlagError. */
function parseAnswer(text: string, flag: string): ScriptedResponse {
  if (text === 'hang') return reply.hang();
  if (text === 'reset') return reply.reset();
  const match = /^(\d{3})(?::retry=(\d+))?(?::(.*))?$/s.exec(text);
  const status = Number(match?.[1]);
  if (!match || status < 100 || status > 599) throw new FlagError(`${flag}: '${text}' is not an answer; expected ${answerForm}, with STATUS 100-599`);
  let body: unknown = { code: status };
  if (match[3] !== undefined) {
    try {
      body = JSON.parse(match[3]);
    } catch {
      throw new FlagError(`${flag}: the body in '${text}' is not JSON; expected STATUS:JSON, e.g. 400:{"error":"bad"}`);
    }
  }
  const retry = match[2] ?? (status === 429 ? '1' : undefined);
  return retry === undefined ? { status, body } : { status, body, headers: { 'retry-after': retry } };
}

/** Splits `429,400:{"a":1,"b":2},200` at the commas outside JSON values. */
function splitAnswers(text: string): string[] {
  const parts = [''];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      if (char === '\\') parts[parts.length - 1] += text[i++];
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === ',' && depth === 0) {
      parts.push('');
      continue;
    }
    parts[parts.length - 1] += text[i] ?? '';
  }
  return parts;
}

/** Splits `METHOD /path=REST` into its route and the rest; throws a FlagError naming `flag` and `form`. */
function parseRoute(text: string, flag: string, form: string): { method: string; path: string; rest: string } {
  const match = /^([A-Za-z]+) (\/[^\s?=*]*)=(.*)$/s.exec(text);
  if (!match) throw new FlagError(`${flag}: '${text}' should be '${form}' with an exact route (no query, no wildcards), e.g. 'POST /2/httpapi=500'`);
  return { method: match[1]!.toUpperCase(), path: match[2]!, rest: match[3]! };
}

/**
 * Parses the standalone simulator's flags (`--flag value` or `--flag=value`); throws a
 * FlagError, whose message names the flag and the form it expects, on anything else.
 *
 * @example
 * parseFlags(['--port', '0', '--script', 'POST /2/httpapi=429:retry=2,500', '--answer', 'POST /2/httpapi=200']);
 * // { port: 0, headers: false, help: false,
 * //   scripts: [{ method: 'POST', path: '/2/httpapi', answers: [
 * //     { status: 429, body: { code: 429 }, headers: { 'retry-after': '2' } }, { status: 500, body: { code: 500 } }] }],
 * //   answers: [{ method: 'POST', path: '/2/httpapi', answer: { status: 200, body: { code: 200 } } }] }
 */
export function parseFlags(argv: string[]): CliOptions {
  const options: CliOptions = { port: 9000, answers: [], scripts: [], headers: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    const value = (form: string): string => {
      const text = equals > 0 ? arg.slice(equals + 1) : argv[++i];
      if (text === undefined) throw new FlagError(`${flag} needs a value: ${flag} ${form}`);
      return text;
    };
    if ((flag === '--headers' || flag === '--help') && equals > 0) throw new FlagError(`${flag} takes no value`);
    if (flag === '--headers') options.headers = true;
    else if (flag === '--help' || flag === '-h') options.help = true;
    else if (flag === '--port') {
      const text = value('N');
      if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new FlagError(`--port: '${text}' is not a port; expected an integer 0-65535`);
      options.port = Number(text);
    } else if (flag === '--answer') {
      const { method, path, rest } = parseRoute(value(`'METHOD /path=ANSWER'`), '--answer', 'METHOD /path=ANSWER');
      options.answers.push({ method, path, answer: parseAnswer(rest, '--answer') });
    } else if (flag === '--script') {
      const { method, path, rest } = parseRoute(value(`'METHOD /path=ANSWER,ANSWER,...'`), '--script', 'METHOD /path=ANSWER,ANSWER,...');
      options.scripts.push({ method, path, answers: splitAnswers(rest).map((part) => parseAnswer(part, '--script')) });
    } else throw new FlagError(`unknown flag '${arg}'; expected --port, --answer, --script, --headers or --help`);
  }
  return options;
}

/** One answer, briefly: `500 {"code":500}`, `429 {"code":429} retry-after 2`, `hang`, `reset`. */
export function describeAnswer(answer: ScriptedResponse): string {
  if ('hang' in answer) return 'hang';
  if ('destroy' in answer) return 'reset';
  const retry = answer.headers?.['retry-after'];
  return `${answer.status} ${JSON.stringify(answer.body)}${retry === undefined ? '' : ` retry-after ${retry}`}`;
}

/** The startup lines: the URL, then what each configured route answers, then every other route. */
function describeSetup(url: string, options: CliOptions): string[] {
  const routes = new Set([...options.scripts, ...options.answers].map((route) => `${route.method} ${route.path}`));
  const lines = [`vendor simulator listening on ${url}`];
  for (const route of routes) {
    const scripted = options.scripts.filter((s) => `${s.method} ${s.path}` === route).flatMap((s) => s.answers);
    const fallback = options.answers.findLast((a) => `${a.method} ${a.path}` === route)?.answer ?? reply.ok();
    lines.push(`  ${route}: ${[...scripted.map(describeAnswer), `${scripted.length ? 'then ' : ''}${describeAnswer(fallback)}`].join(', ')}`);
  }
  lines.push(`  ${routes.size ? 'every other route' : 'every route'}: ${describeAnswer(reply.ok())}`);
  return lines;
}

function print(request: RecordedRequest, answer: ScriptedResponse, headers: boolean): void {
  const query = request.queryPairs.length ? `?${new URLSearchParams(request.queryPairs)}` : '';
  const lines = [`${new Date(request.receivedAt).toISOString()} ${request.method} ${request.path}${query} -> ${'status' in answer ? answer.status : describeAnswer(answer)}`];
  if (headers) for (const [name, value] of Object.entries(request.headers)) lines.push(`  ${name}: ${value}`);
  if (request.body) lines.push(`  ${request.body.slice(0, 2000)}`);
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseFlags(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    console.error(`vendor-sim: ${error.message} (see --help)`);
    process.exitCode = 2;
    return;
  }
  if (options.help) return console.log(usage);
  let sim: VendorSim;
  try {
    sim = await startVendorSim({ port: options.port, record: 'count', onAnswer: (request, answer) => print(request, answer, options.headers) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(code === 'EADDRINUSE' ? `port ${options.port} is in use: choose another with --port` : `vendor-sim: cannot listen on port ${options.port}: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  for (const { method, path, answer } of options.answers) sim.setDefault(method, path, answer);
  for (const { method, path, answers } of options.scripts) sim.script(method, path, answers);
  console.log(describeSetup(sim.url, options).join('\n'));
}

if (import.meta.main) await main();
