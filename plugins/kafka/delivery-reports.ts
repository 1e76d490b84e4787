// Kafka REST's answers. Produce Records answers a stream of JSON objects (Concatenated JSON), one
// delivery report per record sent, in the order sent: `{ "error_code": 200, "cluster_id",
// "topic_name", "partition_id", "offset", "timestamp", "key"?, "value"? }` for a record appended,
// `{ "error_code": <code>, "message" }` for one refused. A request refused as a whole answers one
// such error object with an HTTP error status. Error codes are an HTTP status (400, 413, 429…) or
// one followed by a sub-code: 40101 (authentication), 40301 (authorization), 40401 (topic not
// found), 40403 (unknown topic or partition), 42901 (throttling quota), 50002 (a Kafka error),
// 50003 (a retriable Kafka error), 50302 (broker not available), 429001… (the REST layer's rate
// limits).

/** One delivery report, or an error object: its code and message as far as they came. */
export interface DeliveryReport {
  errorCode?: number;
  message: string;
  /** Where the record went (a report of success): `topic_name`, `partition_id`, `offset`. */
  topic?: string;
  partition?: number;
  offset?: number;
}

/** Text cut to a length that reads well in a message, white space collapsed. */
const shortText = (value: string, max = 300) => value.replace(/\s+/g, ' ').trim().slice(0, max);

/**
 * The HTTP status an error code stands for: the code itself, or its first three digits
 * (40403 → 404, 429001 → 429, 50302 → 503).
 *
 * @example
 * statusOfCode(40101); // 401
 * statusOfCode(200);   // 200
 */
export function statusOfCode(code: number): number {
  let status = Math.trunc(Math.abs(code));
  while (status >= 1000) status = Math.trunc(status / 10);
  return status;
}

/** A report read from a parsed object. */
function reportOf(object: Record<string, unknown>): DeliveryReport {
  const code = object.error_code;
  const said = typeof object.message === 'string' ? object.message : typeof object.error === 'string' ? object.error : '';
  return {
    ...(typeof code === 'number' && Number.isFinite(code) ? { errorCode: code } : typeof code === 'string' && /^\d+$/.test(code) ? { errorCode: Number(code) } : {}),
    message: shortText(said),
    ...(typeof object.topic_name === 'string' ? { topic: object.topic_name } : {}),
    ...(typeof object.partition_id === 'number' ? { partition: object.partition_id } : {}),
    ...(typeof object.offset === 'number' ? { offset: object.offset } : {}),
  };
}

/**
 * The top-level JSON objects of a body, in order, as far as they came whole: Kafka REST streams
 * its reports one after the other (white space between them, or none), and the core keeps only
 * the start of a long answer. Undefined when the body does not start as a JSON object (a proxy's
 * HTML page, an empty body); a report cut short, or text after the objects, ends the reading.
 *
 * @example
 * readObjects('{"error_code":200,"offset":1}\n{"error_code":429,"message":"Request rate limit exceeded"}{"error_c');
 * // [{ error_code: 200, offset: 1 }, { error_code: 429, message: 'Request rate limit exceeded' }]
 */
export function readObjects(body: string): Array<Record<string, unknown>> | undefined {
  const objects: Array<Record<string, unknown>> = [];
  let i = 0;
  for (;;) {
    while (i < body.length && /\s/.test(body[i]!)) i++;
    if (i >= body.length || body[i] !== '{') break;
    const end = objectEnd(body, i);
    if (end === undefined) break;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.slice(i, end + 1));
    } catch {
      break;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) break;
    objects.push(parsed as Record<string, unknown>);
    i = end + 1;
  }
  return objects.length === 0 && !body.trimStart().startsWith('{') ? undefined : objects;
}

/** The index of the `}` closing the object that starts at `start`, or undefined when it does not come. */
function objectEnd(body: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i : undefined;
      if (depth < 0) return undefined;
    }
  }
  return undefined;
}

/**
 * The delivery reports of an answer, in order (see `readObjects`); undefined when it is no
 * Kafka REST answer.
 *
 * @example
 * readReports('{"error_code":200,"cluster_id":"lkc-abc123","topic_name":"signal-events","partition_id":0,"offset":42}');
 * // [{ errorCode: 200, message: '', topic: 'signal-events', partition: 0, offset: 42 }]
 */
export function readReports(body: string): DeliveryReport[] | undefined {
  return readObjects(body)?.map(reportOf);
}

/**
 * The error object of an answer refused as a whole: its code and message, or the start of the
 * body when it is none (a proxy's page).
 *
 * @example
 * errorOf('{"error_code":40401,"message":"This server does not host this topic-partition."}');
 * // { errorCode: 40401, message: 'This server does not host this topic-partition.' }
 */
export function errorOf(body: string): DeliveryReport {
  const [first] = readObjects(body) ?? [];
  return first === undefined ? { message: shortText(body.replace(/<[^>]*>/g, ' '), 200) } : reportOf(first);
}
