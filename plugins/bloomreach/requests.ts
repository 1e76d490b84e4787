// The requests the Tracking API documents for batches, built here and performed by the core:
// `POST {API base}/track/v2/projects/{projectToken}/batch` with `{ "commands": [ … ] }`, up to 50
// commands a request ("You can send up to 50 commands in a batch comprising of multiple update
// customer properties and add event for one or more customers at once"), HTTP Basic with the
// API key ID and secret. A mapped event's commands (an order's purchase and purchase_item
// events) always travel in one request; the request's memo says which event each command is
// of, so the answer's per-command results settle each event. Each command carries the optional
// `command_id` the batch route documents ("Identification of command will be returned in
// response with success status. Used to match errors with the original command"): its position
// in the request, as Bloomreach's own Magento connector matches results by it.
import type { JsonObject, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { commandsOf } from './commands.ts';
import { headersOf, optionsOf } from './config.ts';
import { MAX_COMMANDS } from './purchase-items.ts';

/**
 * Most bytes of one request's body. Bloomreach documents no size for a batch, only 800 KB for
 * one customer update; 1 MB keeps a full batch of ordinary events in one request, and a 413 is
 * sent again in halves.
 */
export const MAX_BYTES = 1_000_000;
/** `{"commands":[]}`. */
const ENVELOPE_BYTES = 16;
/** `,"command_id":"49"`: what a command's id adds at most. */
const COMMAND_ID_BYTES = 18;

/** The request's note for the classifier: the id of the event each command (by position, which is also its `command_id`) is of. */
export interface BatchMemo {
  commandEvents: string[];
}

/**
 * The batch URL of a project.
 *
 * @example
 * batchUrlOf({ project_token: 'c178a8c8-5cea-11e8-aa8c-ac1f6b000000' }); // 'https://api.exponea.com/track/v2/projects/c178a8c8-5cea-11e8-aa8c-ac1f6b000000/batch'
 */
export function batchUrlOf(config: PluginContext['config']): string {
  const { apiBase, projectToken } = optionsOf(config);
  if (apiBase === undefined) throw new Error('config.custom_api_base is not a usable https:// API Base URL: set it (Project settings > Access management > API), then replay');
  return `${apiBase}/track/v2/projects/${encodeURIComponent(projectToken)}/batch`;
}

interface Draft {
  commands: JsonObject[];
  eventIds: string[];
  commandEvents: string[];
  bytes: number;
}

const emptyDraft = (): Draft => ({ commands: [], eventIds: [], commandEvents: [], bytes: ENVELOPE_BYTES });

/**
 * A command as sent: its `command_id` is its position in the request, which Bloomreach returns
 * with the command's result.
 *
 * @example
 * withCommandId({ name: 'customers', data: {} }, 0); // { name: 'customers', command_id: '0', data: {} }
 */
export function withCommandId(command: JsonObject, position: number): JsonObject {
  return { name: command.name ?? null, command_id: String(position), data: command.data ?? null };
}

/**
 * Batch requests for mapped events (see fitCommands), in the batch's order: each at most 50
 * commands and `MAX_BYTES`, an event's commands together in one, every event in exactly one
 * (one larger than a request alone still gets one: Bloomreach's answer decides its fate); each
 * command with its position in the request as `command_id`.
 *
 * @example
 * buildRequests([identify, order], ctx);
 * // [{ method: 'POST', url: 'https://api.exponea.com/track/v2/projects/…/batch', body: { commands: [{ name: 'customers', command_id: '0', data }, { name: 'customers/events', command_id: '1', data }, …] }, eventIds: ['m-1', 'm-2'], memo: { commandEvents: ['m-1', 'm-2', 'm-2'] } }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = batchUrlOf(ctx.config);
  const headers = headersOf(ctx.config);
  const drafts: Draft[] = [];
  let draft = emptyDraft();
  for (const mapped of batch) {
    const commands = commandsOf(mapped.payload);
    // The map hook gives every event its commands; without them there is nothing to send, and
    // the core dead-letters the event this names (it builds halves until one event is left).
    if (commands.length === 0) throw new Error(`event ${mapped.id} holds no Bloomreach command to send`);
    const bytes = commands.reduce((sum, command) => sum + Buffer.byteLength(JSON.stringify(command)) + COMMAND_ID_BYTES + 1, 0);
    if (draft.commands.length > 0 && (draft.commands.length + commands.length > MAX_COMMANDS || draft.bytes + bytes > MAX_BYTES)) {
      drafts.push(draft);
      draft = emptyDraft();
    }
    draft.commands.push(...commands);
    draft.eventIds.push(mapped.id);
    draft.commandEvents.push(...commands.map(() => mapped.id));
    draft.bytes += bytes;
  }
  if (draft.commands.length > 0) drafts.push(draft);
  return drafts.map((d) => ({
    method: 'POST' as const, url, headers: { ...headers },
    body: { commands: d.commands.map(withCommandId) },
    eventIds: d.eventIds,
    memo: { commandEvents: d.commandEvents },
  }));
}
