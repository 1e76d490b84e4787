// The integration's config: the UET tag the events belong to and its Conversions API token,
// and how phone numbers without a country code are read. Checked by its JSON Schema, and by
// validateMicrosoftAdsConfig for what a schema cannot say.
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';

/** A UET tag ID: digits (`187012345`), as Microsoft Advertising shows it and the tag's `ti` carries it. */
export const TAG_ID_PATTERN = '^[0-9]{4,20}$';

/** The config's JSON Schema: the tag and its token required, the token secret (encrypted at rest, masked, redacted). */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['tag_id', 'api_token'],
  properties: {
    tag_id: {
      type: 'string', title: 'UET Tag ID',
      description: 'The ID of the UET tag whose conversion goals the events count for (digits): Microsoft Advertising > Tools > UET tags, or the `ti` of the tag\'s code. Use the tag the site\'s UET JavaScript uses, so Microsoft deduplicates the events both send.',
      pattern: TAG_ID_PATTERN, examples: ['187012345'],
    },
    api_token: {
      type: 'string', title: 'Conversions API Token',
      description: 'The UET tag\'s Conversions API token: Microsoft Advertising > UET tag (pencil icon) > Save and next > Set up tagging > Use Conversions API > Copy Token, or the Campaign Management API\'s UetTagAuthKey/Query. The account must have Conversions API access.',
      secret: true, minLength: 8, maxLength: 2048,
    },
    default_country_code: {
      type: 'string', title: 'Default Country Code',
      description: 'Country calling code (digits, e.g. 44) for phone numbers written without one (07700 900123). Without it such numbers are left out: Microsoft matches phones in E.164, with their country code.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['44'],
    },
  },
};

/**
 * Config problems the schema cannot see: a token pasted with its `Bearer ` prefix or with white
 * space (Microsoft would refuse every request with a 401), or the tag ID given as the token.
 *
 * @example
 * validateMicrosoftAdsConfig({ tag_id: '187012345', api_token: 'Bearer 3f2a…' });
 * // [{ field: 'api_token', message: 'starts with "Bearer ": give the token alone, Signal adds the prefix' }]
 */
export function validateMicrosoftAdsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const token = typeof config.api_token === 'string' ? config.api_token : undefined;
  if (token !== undefined) {
    if (/^bearer\s/i.test(token.trim())) problems.push({ field: 'api_token', message: 'starts with "Bearer ": give the token alone, Signal adds the prefix' });
    else if (/\s/.test(token)) problems.push({ field: 'api_token', message: 'holds white space (copied with a line break or a space?): give the token alone, as Copy Token gives it' });
    if (token.trim() === String(config.tag_id ?? '').trim()) {
      problems.push({ field: 'api_token', message: 'is the UET tag ID again: copy the tag\'s Conversions API token (UET tag > Set up tagging > Use Conversions API > Copy Token)' });
    }
  }
  return problems;
}
