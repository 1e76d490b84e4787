// A group call as the values of Attio's Assert a company record, PUT /v2/objects/companies/records
// with `matching_attribute=domains`: Attio updates the company holding the domain, or creates
// one. The values: `domains` (the company's domain, which the match needs: traits.domain, else
// the host of traits.website), `name`, and the traits the config maps (company_attributes).
import type { JsonObject, JsonValue, PluginContext } from '../../core/sdk/index.ts';
import { mappedAttributes } from './attribute-values.ts';
import { companyAttributesOf } from './config.ts';

/** A domain name: labels of letters, digits and hyphens, with a dot between them and a top-level label of letters. */
const DOMAIN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * A company's domain from a domain or website trait: lower-cased, without a scheme, path, port
 * or leading `www.`; undefined when it is none.
 *
 * @example
 * domainOf('https://www.Acme.com/pricing'); // 'acme.com'
 * domainOf('acme');                         // undefined
 */
export function domainOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const host = value.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/[/?#].*$/, '').replace(/:\d+$/, '').replace(/^www\./, '').replace(/\.$/, '');
  return DOMAIN.test(host) ? host : undefined;
}

/**
 * The values of an Assert a company record for a group call, or null when it gives no domain
 * (Attio matches companies by domain here; such a call is not sent, said with ctx.warn).
 *
 * @example
 * companyValues({ domain: 'acme.com', companyName: 'Acme', traits: { industry: 'Software' } }, ctx({ company_attributes: { industry: 'categories' } }));
 * // { domains: ['acme.com'], name: 'Acme', categories: 'Software' }
 */
export function companyValues(payload: JsonObject, ctx: PluginContext): JsonObject | null {
  const domain = domainOf(payload.domain) ?? domainOf(payload.website);
  if (domain === undefined) {
    const given = payload.domain ?? payload.website;
    ctx.warn?.(`not sent to Attio: the group call gives no company domain (traits.domain or traits.website${given === undefined ? '' : `; ${JSON.stringify(given)} is none`}), and Attio matches companies by domain`);
    return null;
  }
  const values: JsonObject = { domains: [domain] };
  const name = typeof payload.companyName === 'string' ? payload.companyName.trim() : '';
  if (name !== '') values.name = name;
  return { ...values, ...mappedAttributes(payload.traits, companyAttributesOf(ctx.config), ctx) };
}
