import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { assertUuid } from '../services/pipelines.ts';
import { parseDeadLetterFilter, type DeadLetterFilter } from './dead-letters.ts';
import type { DeliveryAdmin } from './delivery-admin.ts';

interface ExportQuery {
  ids?: string[];
  message_id?: string;
  reason_contains?: string;
  since?: string;
  until?: string;
}

const exportQuerystring = {
  type: 'object',
  // A misspelt criterion (`reasonContains`) would otherwise be ignored and export everything.
  additionalProperties: false,
  properties: {
    ids: { type: 'array', items: { type: 'string' }, description: 'Dead letter ids: repeated (`ids=1&ids=2`) or comma-separated (`ids=1,2`).' },
    message_id: { type: 'string' },
    reason_contains: { type: 'string', description: 'Case-insensitive part of the reason.' },
    since: { type: 'string', description: 'ISO 8601: dead-lettered at or after.' },
    until: { type: 'string', description: 'ISO 8601: dead-lettered before.' },
  },
} as const;

const SNAKE_CASE = { ids: 'ids', messageId: 'message_id', reasonContains: 'reason_contains', since: 'since', until: 'until' } as const;

/** The GraphQL filter's criteria under REST's snake_case names, checked the same way. */
function toFilter(query: ExportQuery): DeadLetterFilter {
  return parseDeadLetterFilter({
    ids: query.ids?.flatMap((value) => value.split(',')).map((id) => id.trim()),
    messageId: query.message_id,
    reasonContains: query.reason_contains,
    since: query.since,
    until: query.until,
  }, (key) => SNAKE_CASE[key]);
}

/**
 * The delivery engine's REST admin routes: `GET /v1/admin/integrations/{id}/dead-letters/export`
 * streams a pipeline integration's dead letters as NDJSON, oldest first, read from PostgreSQL a
 * page at a time as the client takes them, so any number is exported in bounded memory. Behind
 * the admin token like every admin route.
 *
 * @example
 * await app.register(deliveryRestRoutes, { admin: deliveryAdmin });
 * // curl -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8084/v1/admin/integrations/$ID/dead-letters/export?reason_contains=401" > dead.ndjson
 */
export async function deliveryRestRoutes(app: FastifyInstance, deps: { admin: DeliveryAdmin }): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: ExportQuery }>('/v1/admin/integrations/:id/dead-letters/export', {
    schema: { querystring: exportQuerystring },
    // Fastify's automatic HEAD would read the whole export only to discard it.
    exposeHeadRoute: false,
  }, async (request, reply) => {
    const { id } = request.params;
    assertUuid(id, 'id');
    // Checked before the first byte: a wrong id or filter is a JSON error with its status.
    const pages = await deps.admin.exportStream(id, toFilter(request.query));
    // One page buffered at a time: the next is read once the socket has taken this one.
    const body = Readable.from(pages, { objectMode: true, highWaterMark: 1 });
    return reply
      .type('application/x-ndjson')
      .header('content-disposition', `attachment; filename="dead-letters-${id}.ndjson"`)
      .send(body);
  });
}
