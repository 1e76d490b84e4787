import type { CanonicalEvent, JsonObject, JsonValue } from '../collect/canonical-event.ts';
import type { CompiledBlueprint } from './compile-blueprint.ts';
import { SAMPLE_EVENTS } from './sample-events.ts';
import type { EventTransformation } from './transformations.ts';

/** What one event would become: the dry run of the transformations and the blueprint. */
export interface PreviewEntry {
  messageId: string;
  /** The canonical name handlers match on (`Order Completed`, `page`). */
  name: string;
  /** The event after the transformations (the input when there are none); null when dropped there. */
  transformed: CanonicalEvent | null;
  vendorEvent: JsonObject | null;
  eventName: string | null;
  /** The handler that took it (`defaults` for none); null when a transformation dropped it. */
  handler: string | null;
  dropped: 'transformation' | 'filter' | 'default_drop' | null;
  /** With `dropped`: why, in words (which handler, which filter or drop rule). */
  dropReason: string | null;
  warnings: string[];
  errors: string[];
}

export interface PreviewOptions {
  /** Applied first, as the pipeline stage does (e.g. composeTransformations(org, pipeline)). */
  transformation?: EventTransformation;
  /** Parameter overrides by name, as for mapEvent. */
  params?: Record<string, JsonValue>;
}

/**
 * Dry-runs events through (optional) transformations and a compiled blueprint and reports, per
 * event, the vendor event, warnings and errors. Pure: sends nothing, changes nothing, never
 * throws for an event. Without events, the sample events of the common canonical events.
 *
 * @example
 * const blueprint = compileBlueprint(yamlText, { config });
 * previewBlueprint(blueprint); // [{ messageId: 'conf-page-1', vendorEvent: { event_type: 'Page Viewed', … }, warnings: [], errors: [] }, …]
 */
export function previewBlueprint(compiled: CompiledBlueprint, events: readonly CanonicalEvent[] = SAMPLE_EVENTS, options: PreviewOptions = {}): PreviewEntry[] {
  return events.map((input) => {
    const name = input.type === 'track' ? (input.event ?? 'track') : input.type;
    const base = { messageId: input.messageId, name };
    let event: CanonicalEvent = input;
    const warnings: string[] = [];
    if (options.transformation) {
      const result = options.transformation(input);
      warnings.push(...result.warnings);
      if (result.event === null) {
        return { ...base, transformed: null, vendorEvent: null, eventName: null, handler: null, dropped: 'transformation', dropReason: 'the transformations dropped it', warnings, errors: [] };
      }
      event = result.event;
    }
    const outcome = compiled.mapEvent(event, options.params);
    return {
      ...base,
      transformed: event,
      vendorEvent: outcome.vendorEvent,
      eventName: outcome.eventName ?? null,
      handler: outcome.handler,
      dropped: outcome.dropped ?? null,
      dropReason: outcome.dropReason ?? null,
      warnings: [...warnings, ...outcome.warnings],
      errors: outcome.errors,
    };
  });
}
