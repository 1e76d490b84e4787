import { SignalError } from '../errors.ts';
import { PLUGIN_CATEGORIES, type JsonValue, type PluginDefinition } from '../sdk/types.ts';

export interface CatalogConfigField {
  key: string;
  type: string;
  title: string;
  description: string | null;
  required: boolean;
  secret: boolean;
  options: Array<{ value: JsonValue; label: string }> | null;
  default: JsonValue | null;
  examples: JsonValue[];
}

export interface CatalogEntry {
  id: string;
  name: string;
  category: string;
  description: string;
  logo: string;
  version: string;
  variants: Array<{ key: string; description: string; blueprint: string | null; pluginId: string }>;
  configFields: CatalogConfigField[];
  consentCategories: string[];
  rateLimit: { rps: number; burst: number; daily: number };
  batch: { maxEvents: number; maxBytes: number };
  vendorFields: Array<{ name: string; required: boolean; description: string | null }>;
}

/**
 * The catalog's view of a plugin: what the Integration Library shows (config fields with
 * labels, types, help text and select options; variants; defaults).
 *
 * @example
 * const entries = registry.list().map(toCatalogEntry);
 */
export function toCatalogEntry(plugin: PluginDefinition): CatalogEntry {
  const required = new Set(plugin.config.required ?? []);
  return {
    id: plugin.id,
    name: plugin.name,
    category: plugin.category,
    description: plugin.description,
    logo: plugin.logo,
    version: plugin.version,
    variants: Object.entries(plugin.variants).map(([key, variant]) => ({ key, description: variant.description, blueprint: variant.blueprint ?? null, pluginId: plugin.id })),
    configFields: Object.entries(plugin.config.properties).map(([key, field]) => ({
      key,
      // A secret object (a webhook's secret_headers) is an object to fill in, flagged secret.
      type: field.secret && field.type === 'string' ? 'secret' : field.enum ? 'select' : field.type,
      title: field.title,
      description: field.description ?? null,
      required: required.has(key),
      secret: field.secret === true,
      options: field.enum ? field.enum.map((value, i) => ({ value, label: field.enumLabels?.[i] ?? String(value) })) : null,
      default: field.default ?? null,
      // A secret's examples would show what a real one looks like: never listed.
      examples: field.secret ? [] : field.examples ?? [],
    })),
    consentCategories: plugin.consent,
    rateLimit: { rps: plugin.rateLimit.rps, burst: plugin.rateLimit.burst ?? plugin.rateLimit.rps * 2, daily: plugin.rateLimit.daily ?? 0 },
    batch: plugin.batch,
    vendorFields: Object.entries(plugin.vendorFields).map(([name, field]) => ({ name, required: field.required, description: field.description ?? null })),
  };
}

/**
 * Whether a plugin is in the catalog category asked for (any when none is): without regard to
 * case, as the Integration Library's filters read `Analytics` and the ids `analytics`.
 *
 * @example
 * inCategory({ category: 'analytics' } as PluginDefinition, 'Analytics'); // true
 */
export function inCategory(plugin: PluginDefinition, category: string | null | undefined): boolean {
  return !category || plugin.category.toLowerCase() === category.trim().toLowerCase();
}

/**
 * A 400 for a category no plugin can have (a typo would otherwise list nothing, as if the
 * catalog were empty); any case is accepted, as `inCategory` reads it.
 *
 * @example
 * assertCategory('advertsing'); // throws: category must be one of advertising, analytics, …
 */
export function assertCategory(category: string | null | undefined): void {
  if (!category || (PLUGIN_CATEGORIES as readonly string[]).includes(category.trim().toLowerCase())) return;
  const message = `must be one of ${PLUGIN_CATEGORIES.join(', ')}`;
  throw new SignalError('SIGNAL_VALIDATION_FAILED', `category ${message}, got ${JSON.stringify(category)}`, [{ field: 'category', message }]);
}
