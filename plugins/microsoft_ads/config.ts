// The integration's config: the UET tag the events belong to and its Conversions API token,
// and how phone numbers without a country code are read. Checked by its JSON Schema, and by
// validateMicrosoftAdsConfig for what a schema cannot say.
import { pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/**
 * A UET tag ID: digits (`187012345`), as Microsoft Advertising shows it and the tag's `ti` carries
 * it. Checked by validateMicrosoftAdsConfig, not by a schema pattern, so a wrong value is told in
 * words ("ti=187012345" copied from the tag's code) rather than as a regular expression.
 */
export const TAG_ID = /^[0-9]{4,20}$/;

/** The config's JSON Schema: the tag and its token required, the token secret (encrypted at rest, masked, redacted). */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['tag_id', 'api_token'],
  properties: {
    tag_id: {
      type: 'string', title: 'UET Tag ID',
      description: 'The ID of the UET tag whose conversion goals the events count for (digits): Microsoft Advertising > Tools > UET tags, or the `ti` of the tag\'s code. Use the tag the site\'s UET JavaScript uses, so Microsoft deduplicates the events both send.',
      minLength: 1, examples: ['187012345'],
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
 * Config problems the schema cannot see: a tag ID that is not digits (`ti=187012345` copied from
 * the tag's code), a token pasted with its `Bearer ` prefix or with white space (Microsoft would
 * refuse every request with a 401), or the tag ID given as the token.
 *
 * @example
 * validateMicrosoftAdsConfig({ tag_id: 'ti=187012345', api_token: '3f2a…' });
 * // [{ field: 'tag_id', message: 'is "ti=187012345": a UET tag ID is digits only, e.g. 187012345 (give 187012345 alone) — …' }]
 * validateMicrosoftAdsConfig({ tag_id: '187012345', api_token: 'Bearer 3f2a…' });
 * // [{ field: 'api_token', message: 'starts with "Bearer ": give the token alone, Signal adds the prefix' }]
 */
export function validateMicrosoftAdsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.tag_id === 'string' && !TAG_ID.test(config.tag_id)) {
    const digits = /^\D*?(\d{4,20})\D*$/.exec(config.tag_id)?.[1];
    const hint = digits !== undefined ? ` (give ${digits} alone)` : '';
    problems.push({ field: 'tag_id', message: `is ${JSON.stringify(config.tag_id)}: a UET tag ID is digits only, e.g. 187012345${hint} — Microsoft Advertising > Tools > UET tag, or the ti of the tag's code` });
  }
  const token = typeof config.api_token === 'string' ? config.api_token : undefined;
  if (token !== undefined) {
    const pasted = pastedSecretProblem('api_token', token, 'token', { schemeHint: 'Signal adds the prefix', spaceHint: 'as Copy Token gives it' });
    if (pasted) problems.push(pasted);
    if (token.trim() === String(config.tag_id ?? '').trim()) {
      problems.push({ field: 'api_token', message: 'is the UET tag ID again: copy the tag\'s Conversions API token (UET tag > Set up tagging > Use Conversions API > Copy Token)' });
    }
  }
  return problems;
}
