// An answer to PutRecords or PutRecordBatch cut short. The core keeps only the first 64 KB of
// an answer's body, and AWS's answer to a full request is often longer: 500 Firehose results
// carry a RecordId of a few hundred characters each (well over 64 KB), 500 Kinesis results
// about 110 bytes each when written and more when refused (their ErrorMessage names the shard,
// stream and account). Such a body is no complete JSON, yet what arrived says a lot: the
// failure count comes first, and the results that came whole are those of the first records,
// in order. Without this, a request AWS wrote would read as "no answer" and be sent again on
// every try, writing its records again each time.

/** What a cut answer says: the failure count (when it came) and the results that came whole, in order. */
export interface CutAnswer {
  failedCount?: number;
  results: Array<Record<string, unknown>>;
}

/**
 * Reads the start of a PutRecords (`FailedRecordCount`, `Records`) or PutRecordBatch
 * (`FailedPutCount`, `RequestResponses`) answer: undefined when it is not one.
 *
 * @example
 * readCutAnswer('{"FailedRecordCount":0,"Records":[{"SequenceNumber":"4962","ShardId":"shardId-000000000000"},{"Sequ', 'FailedRecordCount', 'Records');
 * // { failedCount: 0, results: [{ SequenceNumber: '4962', ShardId: 'shardId-000000000000' }] }
 */
export function readCutAnswer(body: string, countKey: string, listKey: string): CutAnswer | undefined {
  const text = body.trimStart();
  if (!text.startsWith('{')) return undefined;
  const list = new RegExp(`"${listKey}"\\s*:\\s*\\[`).exec(text);
  if (!list) return undefined;
  // The count before the list is the top-level one (no result carries that key).
  const count = new RegExp(`"${countKey}"\\s*:\\s*(\\d+)`).exec(text.slice(0, list.index));
  const results: Array<Record<string, unknown>> = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = list.index + list[0].length; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth < 0) return undefined;
      if (depth === 0) {
        let result: unknown;
        try {
          result = JSON.parse(text.slice(start, i + 1));
        } catch {
          return undefined;
        }
        if (result === null || typeof result !== 'object' || Array.isArray(result)) return undefined;
        results.push(result as Record<string, unknown>);
      }
    } else if (c === ']' && depth === 0) break;
  }
  return { ...(count ? { failedCount: Number(count[1]) } : {}), results };
}
