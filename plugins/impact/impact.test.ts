import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import impact from './index.ts';
import { moneyOf, quantityOf } from './amounts.ts';
import { classifyImpact, said } from './classify.ts';
import { CLICK_ID_COOKIE, clickIdOf, cookieValue, eventClickId, landingClickId } from './click-id.ts';
import { authorizationOf, eventTypeFor, eventTypeOf, validateImpactConfig } from './config.ts';
import { eventDateText, orderIdOf, toImpactConversion } from './conversion.ts';
import { customerEmailOf, customerIdOf } from './customer.ts';
import { lineItemsOf } from './line-items.ts';
import { conversionRequest, formBody, requestsFor } from './requests.ts';
import { readSubmission, SUBMISSION_REPORT } from './submission-report.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const SID = 'IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1';
const TOKEN = 't0k5Lr3GciUAqR0JNj1CzxKE2XTEmK5i';
const CLICK = 'SKhRQaSXwxyOUQ:wUx0Mo36FUkiXxtxVUQTEzY0';
const NEWER = 'Ux1UxSQRfxyIW4IWW-SKw0Z3UkAQWxV6zRn0';
const CONFIG: Record<string, JsonValue> = { account_sid: SID, auth_token: TOKEN, campaign_id: 1000, event_types: { 'Order Completed': '12345', 'Signed Up': 'SIGNUP', 'page:Pricing': '23456' } };
const BASIC = `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`;
const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

const ctx = (config: Record<string, JsonValue> = CONFIG, warnings: string[] = []): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}, body = json === undefined ? '' : JSON.stringify(json)): VendorResponse => ({ status, body, headers, ...(json === undefined ? {} : { json }) });
const POST: RequestDescriptor = { method: 'POST', url: `https://api.impact.com/Advertisers/${SID}/Conversions`, headers: {}, body: 'CampaignId=1000', eventIds: ['m-1'] };
const whole = (result: Classification) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number; throttled?: boolean };

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-123', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.123Z', receivedAt: '2026-12-01T11:00:00.456Z',
  properties: {
    order_id: 'ORD-1', subtotal: 44.98, revenue: 49.98, tax: 4, shipping: 5.5, discount: 5, coupon: '10OFF-FORGE', currency: 'usd',
    products: [{ product_id: 'SKU-1', sku: '12345', name: 'Anvil', category: 'Anvils', price: 10, quantity: 2 }, { product_id: '55555', name: 'Hammer', category: 'Hammers', price: 6.99 }],
  },
  traits: {},
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/thanks' }, cookies: { [CLICK_ID_COOKIE]: CLICK }, traits: { email: ' Jane@Example.com ' } },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/impact/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toImpactConversion(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
  return { payload, warnings, blueprintWarnings: mapped.warnings };
};

test('config: credentials, program and Event Types required; the Auth Token secret; every field titled, described, with examples', () => {
  const validate = createConfigAjv().compile(impact.config);
  assert.equal(validate(CONFIG), true);
  assert.equal(validate({ ...CONFIG, check_submissions: true }), true);
  for (const field of ['account_sid', 'auth_token', 'campaign_id', 'event_types']) {
    const { [field]: _missing, ...rest } = CONFIG;
    assert.equal(validate(rest), false, `${field} is required`);
  }
  assert.equal(validate({ ...CONFIG, campaign_id: '1000' }), false, 'a number, not text');
  assert.equal(validate({ ...CONFIG, campaign_id: 0 }), false);
  assert.equal(validate({ ...CONFIG, event_types: { 'Order Completed': 12345 } }), false, 'Event Types are text');
  assert.equal(validate({ ...CONFIG, event_types: { 'Order Completed': '' } }), false);
  assert.deepEqual(Object.entries(impact.config.properties).filter(([, f]) => f.secret === true).map(([k]) => k), ['auth_token']);
  for (const [key, field] of Object.entries(impact.config.properties)) {
    assert.ok(field.title && field.description && Array.isArray(field.examples) && field.examples.length > 0, `${key} has a title, description and examples`);
    assert.equal(validate({ ...CONFIG, [key]: field.examples![0] }), true, `${key}'s example is valid`);
  }
});

test('config: problems the schema cannot see, each naming its field', () => {
  assert.deepEqual(validateImpactConfig(CONFIG), []);
  const problems = (config: Record<string, JsonValue>) => validateImpactConfig({ ...CONFIG, ...config });
  assert.deepEqual(problems({ account_sid: 'IRyMQ iCNtwrt' }), [{ field: 'account_sid', message: 'is "IRyMQ iCNtwrt": an Account SID is letters and digits only, as impact.com shows it under Settings > API (e.g. IRyMQiCNtwrt1804207G3t8Pn6NyzfyDw1)' }]);
  assert.deepEqual(problems({ auth_token: `Basic ${TOKEN}` }), [{ field: 'auth_token', message: 'starts with "Basic ": give the Auth Token alone, Signal builds the HTTP Basic header with the Account SID' }]);
  assert.deepEqual(problems({ auth_token: `${TOKEN}\n x` }).map((p) => p.field), ['auth_token']);
  assert.match(problems({ auth_token: SID })[0]!.message, /is the Account SID again/);
  assert.deepEqual(problems({ event_types: {} }), [{ field: 'event_types', message: 'name at least one Signal event and the impact.com Event Type it is reported as, e.g. {"Order Completed": "12345"} (Settings > Event Types: the Event Type\'s Id, or its Code)' }]);
  assert.deepEqual(problems({ event_types: { 'Order Completed ': '12345' } }), [{ field: 'event_types', message: 'has "Order Completed " with white space around it: Signal event names are matched exactly' }]);
  assert.deepEqual(problems({ event_types: { ' ': '12345' } }).map((p) => p.message), ['has an empty Signal event name: name the track event (e.g. "Order Completed"), or page / page:<name> for page calls']);
  assert.match(problems({ event_types: { 'Page: Pricing': '12345' } })[0]!.message, /^has "Page: Pricing": a page call of a name is page:<its name>/);
  assert.deepEqual(problems({ event_types: { 'Order Completed': '0' } }), [{ field: 'event_types', message: 'gives "0" for "Order Completed": an Event Type is its Id (digits above 0, e.g. 12345) or its Code (text, e.g. SALE), as impact.com shows them under Settings > Event Types' }]);
  assert.deepEqual(validateImpactConfig({ event_types: 'x' }), [], 'not an object: the schema says so');
});

test('Event Types: digits are an Id (EventTypeId), other text a Code (EventTypeCode); looked up by track name, page:<name>, then page', () => {
  assert.deepEqual(eventTypeOf('12345'), { EventTypeId: '12345' });
  assert.deepEqual(eventTypeOf(' 12345 '), { EventTypeId: '12345' });
  assert.deepEqual(eventTypeOf(12345), { EventTypeId: '12345' });
  assert.deepEqual(eventTypeOf('ORDER PLACED'), { EventTypeCode: 'ORDER PLACED' });
  for (const none of ['', '0', 'x'.repeat(129), null, undefined, -3]) assert.equal(eventTypeOf(none), undefined, String(none));
  const config = { event_types: { page: 'PAGE', 'page:Pricing': '23456', 'Order Completed': '12345' } };
  assert.deepEqual(eventTypeFor({ type: 'page', name: 'Pricing' } as CanonicalEvent, config), { EventTypeId: '23456' });
  assert.deepEqual(eventTypeFor({ type: 'page', name: 'Home' } as CanonicalEvent, config), { EventTypeCode: 'PAGE' });
  assert.equal(eventTypeFor({ type: 'track', event: 'toString' } as CanonicalEvent, config), undefined, 'own keys only');
  assert.equal(eventTypeFor({ type: 'identify' } as CanonicalEvent, config), undefined);
});

test('click ids: case-sensitive URL-safe text of up to 64 characters; placeholders, macros and the bare name are none', () => {
  assert.equal(clickIdOf(` ${CLICK} `), CLICK);
  assert.equal(clickIdOf('1234567'), '1234567', 'the implementation guide\'s own example: no shortest length is documented');
  for (const none of ['{clickid}', '{irclickid}', 'irclickid', 'IRCLICKID', 'undefined', 'null', '', 'x'.repeat(65), 'has space in it and long', 42, null]) assert.equal(clickIdOf(none), undefined, String(none));
  assert.equal(cookieValue(CLICK), CLICK);
  assert.equal(cookieValue('x'.repeat(65)), '', 'longer than a ClickId: no cookie');
  const landing = (url: string) => landingClickId({ type: 'track', event: 'x', context: { page: { url } } } as unknown as CanonicalEvent);
  assert.equal(landing(`https://shop.example.com/p?irclickid=${encodeURIComponent(NEWER)}&utm_source=impact`), NEWER);
  assert.equal(landing(`https://shop.example.com/p?irclickid=${encodeURIComponent(CLICK)}`), CLICK, 'the colon, URL-encoded, read back');
  assert.equal(landing('https://shop.example.com/p?IRCLICKID=abcdefgh1234'), undefined, 'the parameter is case-sensitive');
  assert.equal(landing('https://shop.example.com/p?clickid=abcdefgh1234'), undefined, 'only irclickid');
  const withBoth = event({ context: { page: { url: `https://shop.example.com/?irclickid=${NEWER}` }, cookies: { [CLICK_ID_COOKIE]: CLICK } } } as Partial<CanonicalEvent>);
  assert.equal(eventClickId(withBoth, 'mapped-click-id-1'), NEWER, 'the landing URL first');
  assert.equal(eventClickId(event(), 'mapped-click-id-1'), CLICK, 'then the cookie');
  assert.equal(eventClickId(event({ context: {} } as Partial<CanonicalEvent>), 'mapped-click-id-1'), 'mapped-click-id-1', 'then the mapped one');
});

test('customer: the userId as CustomerId unless it is contact information; the email only as SHA-1', () => {
  assert.deepEqual(customerIdOf('user-123'), { value: 'user-123' });
  assert.deepEqual(customerIdOf(42), { value: '42' });
  assert.equal(customerIdOf('undefined'), undefined);
  assert.equal(customerIdOf('  '), undefined);
  assert.deepEqual(customerIdOf('jane@example.com'), { leftOut: 'CustomerId left out: the userId is an email address or phone number, and impact.com takes non-identifying customer ids only (plain text emails are not permitted)' });
  assert.ok(customerIdOf('+44 7700 900123') && 'leftOut' in customerIdOf('+44 7700 900123')!);
  assert.deepEqual(customerIdOf('u'.repeat(256)), { leftOut: 'CustomerId left out: 256 characters, more than impact.com\'s 255' });
  assert.deepEqual(customerEmailOf(' Jane@Example.com '), { value: sha1('jane@example.com') });
  assert.deepEqual(customerEmailOf(sha1('jane@example.com').toUpperCase()), { value: sha1('jane@example.com') }, 'a SHA-1 digest is not hashed twice');
  assert.deepEqual(customerEmailOf('jane at example'), { leftOut: 'CustomerEmail left out: the mapped value is not one email address (nor its SHA-1 digest)' });
  const sha256 = createHash('sha256').update('jane@example.com').digest('hex');
  assert.ok('leftOut' in customerEmailOf(sha256)!, 'a SHA-256 digest is not passed on: only the SHA-1 both of impact.com\'s documents accept is sent');
  assert.ok('leftOut' in customerEmailOf('a@example.com, b@example.com')!);
  assert.equal(customerEmailOf(''), undefined);
});

test('mapping: the order as impact.com\'s conversion — program, Event Type, date, order id, attribution keys, SHA-1 email, items', () => {
  const { payload, warnings } = mapThrough(event());
  assert.deepEqual(payload, {
    CampaignId: '1000', EventTypeId: '12345', EventDate: '2026-12-01T11:00:00Z', OrderId: 'ORD-1', ClickId: CLICK, CustomerId: 'user-123',
    CustomerEmail: sha1('jane@example.com'), OrderPromoCode: '10OFF-FORGE', CurrencyCode: 'USD', OrderDiscount: '5', OrderShipping: '5.5', OrderTax: '4',
    ItemSku1: '12345', ItemName1: 'Anvil', ItemCategory1: 'Anvils', ItemQuantity1: '2', ItemPrice1: '10',
    ItemSku2: '55555', ItemName2: 'Hammer', ItemCategory2: 'Hammers', ItemQuantity2: '1', ItemPrice2: '6.99',
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(Object.keys(payload!).slice(0, 4), ['CampaignId', 'EventTypeId', 'EventDate', 'OrderId'], 'in the order impact.com\'s submission example writes them');
});

test('mapping: an order without items sends its Amount (pre-tax, pre-shipping, after discounts), and no discount', () => {
  const { payload, warnings } = mapThrough(event({ properties: { order_id: 'ORD-2', subtotal: 44.985, revenue: 49.98, discount: 5, currency: 'EUR' } }));
  assert.deepEqual(payload, { CampaignId: '1000', EventTypeId: '12345', EventDate: '2026-12-01T11:00:00Z', OrderId: 'ORD-2', ClickId: CLICK, CustomerId: 'user-123', CustomerEmail: sha1('jane@example.com'), CurrencyCode: 'EUR', Amount: '44.99' });
  assert.deepEqual(warnings, ['OrderDiscount left out: the conversion has no items, and its Amount is after discounts already (impact.com would subtract the discount again)']);
  assert.equal(mapThrough(event({ properties: { order_id: 'ORD-3', revenue: 20 } })).payload?.Amount, '20', 'revenue when there is no subtotal');
});

test('mapping: items impact.com cannot take are left out, saying why; none left, the Amount goes instead', () => {
  const products: JsonValue[] = [
    { name: 'No SKU', price: 1 }, { sku: 'S-2', price: 3, quantity: 0 }, { sku: 'S-3', name: 'Free', quantity: 1 },
    { sku: 'S-4', price: -2 }, { sku: 'S-5', name: 'No category', price: 2.5, quantity: 3 },
  ];
  const { payload, warnings, blueprintWarnings } = mapThrough(event({ properties: { order_id: 'ORD-4', subtotal: 7.5, discount: 1, products } }));
  assert.equal(blueprintWarnings.length, 1, 'the product without a SKU: left out by the blueprint (its sku row is required)');
  assert.deepEqual(Object.fromEntries(Object.entries(payload!).filter(([k]) => k.startsWith('Item') || k === 'Amount' || k === 'OrderDiscount')), {
    OrderDiscount: '1', ItemSku1: 'S-5', ItemName1: 'No category', ItemQuantity1: '3', ItemPrice1: '2.5',
  });
  assert.deepEqual(warnings, [
    'item S-2 left out: quantity 0 is not a whole number of 1 or more',
    'item S-3 left out: no price (impact.com needs ItemPrice or ItemSubTotal with item-level details)',
    'item S-4 left out: price -2: impact.com takes amounts of 0 or more',
    'ItemCategory1 not sent: S-5 has no category (impact.com asks for one with item-level details, unless a product catalog gives it)',
  ]);
  assert.equal(mapThrough(event({ properties: { order_id: 'ORD-5', subtotal: 7.5, products: [{ name: 'x' }] } })).payload?.Amount, '7.5');
  const lines = lineItemsOf([{ sku: 'S-9', subtotal: 19.98, quantity: 2 }, 'SKU-7', { sku: 'y'.repeat(256), price: 1 }]);
  assert.deepEqual(lines.fields, { ItemSku1: 'S-9', ItemQuantity1: '2', ItemSubTotal1: '19.98' }, 'a line total when no unit price is mapped');
  assert.deepEqual(lines.warnings.slice(1), ['items[1] left out: not a product object', 'items[2] left out: its SKU has 256 characters, more than impact.com\'s 255']);
  assert.deepEqual(lineItemsOf({ sku: 'S-1' }), { fields: {}, count: 0, warnings: [] });
});

test('mapping: amounts rounded to cents; negative or exponent-only left out; text that is no number dead-letters naming the field', () => {
  assert.deepEqual(moneyOf(74.969, 'Amount'), { value: '74.97' });
  assert.deepEqual(moneyOf(1.005, 'Amount'), { value: '1.01' });
  assert.deepEqual(moneyOf('0', 'Amount'), { value: '0' });
  assert.deepEqual(moneyOf(-5, 'Amount'), { leftOut: 'Amount -5 left out: impact.com takes amounts of 0 or more' });
  assert.deepEqual(moneyOf(1e21, 'Amount'), { leftOut: 'Amount 1e+21 left out: it can only be written with an exponent, not as the decimal impact.com takes' });
  assert.equal(moneyOf(null, 'Amount'), undefined);
  assert.throws(() => moneyOf('12,50', 'Amount'), (error: Error) => error instanceof PermanentError && /impact\.com takes Amount as a number/.test(error.message));
  assert.equal(quantityOf(undefined), 1);
  assert.equal(quantityOf('2'), 2);
  assert.equal(quantityOf(2.7), 2);
  assert.equal(quantityOf(-1), undefined);
  const { payload, warnings } = mapThrough(event({ properties: { order_id: 'ORD-6', subtotal: -3 } }));
  assert.equal(payload?.Amount, undefined);
  assert.deepEqual(warnings, ['Amount -3 left out: impact.com takes amounts of 0 or more']);
});

test('mapping: other events only when config.event_types names them, by Id or Code; the messageId as OrderId when they have none', () => {
  const signedUp = event({ event: 'Signed Up', messageId: 'msg-signup-1', properties: {} });
  assert.deepEqual(mapThrough(signedUp).payload, {
    CampaignId: '1000', EventTypeCode: 'SIGNUP', EventDate: '2026-12-01T11:00:00Z', OrderId: 'msg-signup-1', ClickId: CLICK, CustomerId: 'user-123', CustomerEmail: sha1('jane@example.com'),
  });
  const skipped = mapThrough(event({ event: 'Demo Requested', properties: { value: 50 } }));
  assert.equal(skipped.payload, null);
  assert.deepEqual(skipped.warnings, ['"Demo Requested" not sent to impact.com: no Event Type for it (name it in config.event_types, e.g. {"Demo Requested": "12345"})']);
  const named = mapThrough(event({ event: 'Demo Requested', properties: { value: 50, currency: 'gbp', lead_id: 'L-9' } }), { ...CONFIG, event_types: { 'Demo Requested': '777' } });
  assert.deepEqual(named.payload, { CampaignId: '1000', EventTypeId: '777', EventDate: '2026-12-01T11:00:00Z', OrderId: 'L-9', ClickId: CLICK, CustomerId: 'user-123', CustomerEmail: sha1('jane@example.com'), CurrencyCode: 'GBP', Amount: '50' });
  const pricing = event({ type: 'page', event: undefined, name: 'Pricing', properties: {} } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(pricing).payload?.EventTypeId, '23456');
  assert.deepEqual(mapThrough(event({ type: 'page', event: undefined, name: 'Home', properties: {} } as Partial<CanonicalEvent>)).warnings, ['the page call not sent to impact.com: no Event Type for it (name it in config.event_types, e.g. {"page": "12345"})']);
  for (const type of ['identify', 'group', 'alias', 'screen']) {
    assert.equal(blueprint.mapEvent(event({ type, event: undefined } as Partial<CanonicalEvent>)).vendorEvent, null, `${type} is no conversion`);
  }
});

test('mapping: an event needs an attribution key — a click id, a CustomerId or a promo code; without one it is not sent, saying why', () => {
  const anonymous = { userId: undefined, context: { traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>;
  const none = mapThrough(event({ ...anonymous, properties: { order_id: 'ORD-7', subtotal: 10 } }));
  assert.equal(none.payload, null);
  assert.deepEqual(none.warnings, ['"Order Completed" not sent to impact.com: no attribution key — no click id (the landing URL\'s irclickid, kept in the _dfirclickid cookie), no CustomerId (a userId that is no email or phone) and no promo code; impact.com needs at least one']);
  const promo = mapThrough(event({ ...anonymous, properties: { order_id: 'ORD-8', subtotal: 10, coupon: 'PARTNER10' } })).payload;
  assert.equal(promo?.OrderPromoCode, 'PARTNER10');
  assert.equal(promo?.ClickId, undefined);
  const byCustomer = mapThrough(event({ context: {}, properties: { order_id: 'ORD-9', subtotal: 10 } } as Partial<CanonicalEvent>)).payload;
  assert.equal(byCustomer?.CustomerId, 'user-123', 'no click id: sent by CustomerId, as impact.com documents it an attribution key');
  const emailUser = mapThrough(event({ userId: 'jane@example.com', context: {}, properties: { order_id: 'ORD-10' } } as Partial<CanonicalEvent>));
  assert.equal(emailUser.payload, null, 'an email userId is no CustomerId, and nothing else attributes the event');
  assert.deepEqual(emailUser.warnings[0], 'CustomerId left out: the userId is an email address or phone number, and impact.com takes non-identifying customer ids only (plain text emails are not permitted)');
  const landing = event({ userId: undefined, context: { page: { url: `https://shop.example.com/?irclickid=${NEWER}` } } } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(landing).payload?.ClickId, NEWER, 'the landing URL\'s click id, on the landing event itself');
});

test('mapping: the OrderId — mapped, else the messageId (its SHA-1 past 64 characters); a mapped one past 64 dead-letters', () => {
  assert.equal(orderIdOf(' ORD-1 ', event()), 'ORD-1');
  assert.equal(orderIdOf(1234, event()), '1234');
  assert.equal(orderIdOf(undefined, event({ messageId: 'm-42' })), 'm-42');
  const long = 'm'.repeat(65);
  assert.equal(orderIdOf(undefined, event({ messageId: long })), sha1(long));
  assert.throws(() => orderIdOf('o'.repeat(65), event()), (error: Error) => error instanceof PermanentError && /OrderId of up to 64 characters; the blueprint mapped one of 65/.test(error.message));
  assert.equal(eventDateText(Date.parse('2026-12-01T11:00:00.999Z')), '2026-12-01T11:00:00Z');
  const noTimestamp = toImpactConversion({ OrderId: 'X' }, event({ timestamp: undefined, receivedAt: '2026-12-01T10:59:00.000Z' } as Partial<CanonicalEvent>), ctx());
  assert.equal(noTimestamp?.EventDate, '2026-12-01T10:59:00Z', 'the receipt time when the event has no timestamp');
});

test('mapping: a custom blueprint\'s unknown fields and odd values are left out, saying so; an unreadable currency dead-letters in the blueprint', () => {
  const warnings: string[] = [];
  const conversion = toImpactConversion({ OrderId: 'X', CurrencyCode: 'EURO', IpAddress: '203.0.113.42', CustomerStatus: 'New', CustomProfileId: 'df_visitor1' }, event({ userId: undefined, context: {} } as Partial<CanonicalEvent>), ctx(CONFIG, warnings));
  assert.deepEqual(conversion, { CampaignId: '1000', EventTypeId: '12345', EventDate: '2026-12-01T11:00:00Z', OrderId: 'X', CustomProfileId: 'df_visitor1', CustomerStatus: 'New' });
  assert.deepEqual(warnings, ['IpAddress left out: not a field this plugin sends to impact.com', 'CurrencyCode "EURO" left out: not a three-letter ISO 4217 code (impact.com then uses the account\'s default currency)']);
  const dollar = blueprint.mapEvent(event({ properties: { order_id: 'ORD-11', subtotal: 5, currency: '$' } }));
  assert.match(dollar.errors[0] ?? '', /CurrencyCode is required but currency: "\$"/);
});

const mapped = (id: string, payload: JsonObject): MappedEvent => ({ id, event: event(), payload });

test('requests: one form-encoded POST a conversion to /Advertisers/{AccountSID}/Conversions, HTTP Basic, JSON answers asked for', () => {
  const payload = mapThrough(event()).payload!;
  const request = conversionRequest(mapped('m-1', payload), ctx());
  assert.deepEqual(request, {
    method: 'POST',
    url: `https://api.impact.com/Advertisers/${SID}/Conversions`,
    headers: { authorization: BASIC, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: `CampaignId=1000&EventTypeId=12345&EventDate=2026-12-01T11%3A00%3A00Z&OrderId=ORD-1&ClickId=SKhRQaSXwxyOUQ%3AwUx0Mo36FUkiXxtxVUQTEzY0&CustomerId=user-123&CustomerEmail=${sha1('jane@example.com')}&OrderPromoCode=10OFF-FORGE&CurrencyCode=USD&OrderDiscount=5&OrderShipping=5.5&OrderTax=4&ItemSku1=12345&ItemName1=Anvil&ItemCategory1=Anvils&ItemQuantity1=2&ItemPrice1=10&ItemSku2=55555&ItemName2=Hammer&ItemCategory2=Hammers&ItemQuantity2=1&ItemPrice2=6.99`,
    eventIds: ['m-1'],
  });
  assert.equal(authorizationOf(CONFIG), BASIC);
  assert.equal(formBody({ OrderId: 'ORD 1', Name: 'Caf\u00e9 & co', Skip: null }), 'OrderId=ORD+1&Name=Caf%C3%A9+%26+co', 'UTF-8 URL-encoded');
  const many = Array.from({ length: 100 }, (_, n) => mapped(`m-${n}`, payload));
  assert.deepEqual(requestsFor(many, ctx()).map((r) => r.eventIds), many.map((m) => [m.id]), 'every conversion once, in order');
});

test('classify: a queued (or OK) 2xx delivered; a 2xx saying ERROR dead-lettered; 429 throttled after Retry-After or X-RateLimit-Reset; 5xx and 408 retried', () => {
  assert.deepEqual(classifyImpact(answer(200, { Status: 'QUEUED', QueuedUri: `/Advertisers/${SID}/APISubmissions/A-1234` }), POST, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyImpact(answer(200, { Status: 'OK', Uri: `/Advertisers/${SID}/Actions/1` }), POST, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyImpact(answer(201, undefined), POST, ctx()), { status: 'delivered' });
  assert.match(whole(classifyImpact(answer(200, { Status: 'ERROR', Message: 'Validation Failed' }), POST, ctx())).reason!, /^impact\.com refused the conversion \(HTTP 200, Status ERROR: Validation Failed\)/);
  assert.deepEqual(classifyImpact(answer(429, { Status: 'ERROR', Message: 'Too Many Requests' }, { 'Retry-After': '700' }), POST, ctx()), { status: 'retry', reason: 'impact.com rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 700_000, throttled: true });
  assert.equal(whole(classifyImpact(answer(429, undefined, { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '120' }), POST, ctx())).retryAfterMs, 120_000, 'seconds until the reset');
  assert.equal(whole(classifyImpact(answer(429, undefined, { 'X-RateLimit-Reset': String(NOW / 1000 + 90) }), POST, ctx())).retryAfterMs, 90_000, 'an epoch time, as the reference\'s example writes it');
  assert.deepEqual(classifyImpact(answer(429), POST, ctx()), { status: 'retry', reason: 'impact.com rate limit reached (HTTP 429: (no body))', throttled: true });
  assert.deepEqual(classifyImpact(answer(503, undefined, { 'retry-after': '2' }, 'Service Unavailable'), POST, ctx()), { status: 'retry', reason: 'impact.com HTTP 503: Service Unavailable', retryAfterMs: 2000 });
  assert.equal(whole(classifyImpact(answer(500, undefined, {}, '<html>\n oops</html>'), POST, ctx())).reason, 'impact.com HTTP 500: <html> oops</html>');
  assert.equal(whole(classifyImpact(answer(408), POST, ctx())).status, 'retry');
});

test('classify: a refused conversion dead-lettered with impact.com\'s Message and Errors, naming the config field or mapping to check', () => {
  const validation = { Status: 'ERROR', Message: 'Validation Failed', Errors: [{ Field: 'CampaignId', Message: 'Not a numeric value' }, { Field: 'EventDate', Message: 'Invalid date' }] };
  assert.equal(said(answer(400, validation)), 'Validation Failed — CampaignId: Not a numeric value; EventDate: Invalid date');
  assert.deepEqual(classifyImpact(answer(400, validation), POST, ctx()), {
    status: 'dead_letter',
    reason: 'impact.com refused the conversion (HTTP 400: Validation Failed — CampaignId: Not a numeric value; EventDate: Invalid date): check config.campaign_id and the mapping of EventDate (the blueprint)',
  });
  assert.match(whole(classifyImpact(answer(400, { Status: 'ERROR', Message: 'Invalid EventTypeId', Errors: [{ Field: 'ActionTrackerId', Message: 'not found' }] }), POST, ctx())).reason!, /check config\.event_types$/);
  // The Brand API v14 OpenAPI writes its 400 answer in lower case, with a level.
  const v14 = { Status: 'ERROR', errors: [{ field: 'OrderId', level: 'ERROR', message: 'OrderId is required' }, { field: 'EventTypeCode', level: 'ERROR', message: 'Unknown code' }] };
  assert.deepEqual(classifyImpact(answer(400, v14), POST, ctx()), {
    status: 'dead_letter',
    reason: 'impact.com refused the conversion (HTTP 400: OrderId: OrderId is required; EventTypeCode: Unknown code): check config.event_types and the mapping of OrderId (the blueprint)',
  });
  assert.match(whole(classifyImpact(answer(400, { Status: 'ERROR', Message: 'Missing attribution key' }), POST, ctx())).reason!, /check config\.campaign_id, config\.event_types and the mapped fields/);
  assert.equal(whole(classifyImpact(answer(402, { Status: 'ERROR', Message: 'Request failed' }), POST, ctx())).status, 'dead_letter');
  const unauthorized = whole(classifyImpact(answer(401, { Status: 'ERROR', Message: 'Unauthorized' }), POST, ctx()));
  assert.equal(unauthorized.status, 'dead_letter');
  assert.match(unauthorized.reason!, /^impact\.com refused the credentials \(HTTP 401: Unauthorized\): check config\.account_sid and config\.auth_token/);
  assert.match(whole(classifyImpact(answer(403, { Status: 'ERROR', Message: 'Forbidden' }), POST, ctx())).reason!, /Read-Only pair/);
  assert.match(whole(classifyImpact(answer(404, undefined, {}, '<ImpactRadiusResponse><Status>ERROR</Status></ImpactRadiusResponse>'), POST, ctx())).reason!, /^impact\.com HTTP 404 \(<ImpactRadiusResponse>.*check config\.account_sid/);
  assert.deepEqual(classifyImpact(answer(409, undefined, {}, 'conflict'), POST, ctx()), { status: 'dead_letter', reason: 'impact.com HTTP 409: conflict' });
});

test('submission reports: asked only with check_submissions, by the QueuedUri\'s BatchId; Complete with an ErrorType is a failure, said in words', () => {
  const queued = answer(200, { Status: 'QUEUED', QueuedUri: `/Advertisers/${SID}/APISubmissions/A-1234bcd5-6789-0123-e45f-6g789hijklm0` });
  assert.equal(SUBMISSION_REPORT.receipt(queued, POST, ctx()), undefined, 'off by default');
  const checking = ctx({ ...CONFIG, check_submissions: true });
  assert.equal(SUBMISSION_REPORT.receipt(queued, POST, checking), 'A-1234bcd5-6789-0123-e45f-6g789hijklm0');
  assert.equal(SUBMISSION_REPORT.receipt(answer(200, { Status: 'OK' }), POST, checking), undefined);
  assert.deepEqual(SUBMISSION_REPORT.request('A-1234', checking), {
    method: 'GET', url: `https://api.impact.com/Advertisers/${SID}/APISubmissions/A-1234`, headers: { authorization: BASIC, accept: 'application/json' }, eventIds: [],
  });
  assert.deepEqual(readSubmission({ BatchId: 'A-1', Status: 'Queued' }), { pending: true, message: 'impact.com has not processed the conversion (submission A-1) yet (Status Queued)' });
  assert.equal('pending' in readSubmission({ Status: 'In Progress' }), true);
  assert.equal('pending' in readSubmission(undefined), true);
  assert.deepEqual(readSubmission({ BatchId: 'A-1', Status: 'Complete', ErrorType: '' }), { done: true, failed: 0, message: 'impact.com processed the conversion (submission A-1) without errors' });
  // The submissions OpenAPI's example: ErrorReason 'CONTRACT_NOT_FOUND RESTRICTED_PROMOCODE'.
  assert.deepEqual(readSubmission({ BatchId: 'A-2', Status: 'Complete', ErrorType: 'Contract Error', ErrorReason: 'CONTRACT_NOT_FOUND RESTRICTED_PROMOCODE' }), {
    done: true, failed: 1, message: 'impact.com processed the conversion (submission A-2) with an error: Contract Error (CONTRACT_NOT_FOUND, RESTRICTED_PROMOCODE)',
  });
  assert.equal(readSubmission({ Status: 'Complete', ErrorType: 'Contract Error', ErrorList: ['CONTRACT_NOT_FOUND'], ErrorReason: null }).message, 'impact.com processed the conversion with an error: Contract Error (CONTRACT_NOT_FOUND)', 'another Error field, a list');
  assert.deepEqual(readSubmission({ BatchId: 'A-3', Status: 'Complete', ErrorType: 'Validation', ErrorReason: 'CONV_DUPLICATE' }), {
    done: true, failed: 0, message: 'impact.com has the conversion (submission A-3) already: Validation (CONV_DUPLICATE) — a conversion of the same OrderId and Event Type was recorded before (a retry after a lost answer, or the same order sent twice)',
  });
  assert.equal((readSubmission({ Status: 'Complete', ErrorType: 'Contract Error', ErrorReason: 'CONV_DUPLICATE CONTRACT_NOT_FOUND' }) as { failed: number }).failed, 1, 'a duplicate with another reason still fails');
  assert.deepEqual(readSubmission({ Status: 'Complete', ErrorType: 'Validation' }), { done: true, failed: 1, message: 'impact.com processed the conversion with an error: Validation' });
});

test('definition: advertising consent, the irclickid kept 30 days in _dfirclickid, impact.com\'s queued answer, no deletion API', () => {
  assert.equal(impact.id, 'impact');
  assert.equal(impact.category, 'advertising');
  assert.deepEqual(impact.consent, ['advertising']);
  assert.deepEqual(impact.clickIds?.map(({ value: _value, ...declared }) => declared), [{ param: 'irclickid', cookie: '_dfirclickid', days: 30 }]);
  assert.equal(impact.clickIds?.[0]?.value?.(CLICK, NOW), CLICK);
  assert.deepEqual(impact.cookies, ['_dfirclickid']);
  assert.equal(impact.forgetPerson, undefined);
  assert.deepEqual(impact.batch, { maxEvents: 100, maxBytes: 1_000_000 });
  assert.deepEqual(impact.classify!(answer(200, impact.successAnswer!.body), POST, ctx()), { status: 'delivered' });
  assert.equal(impact.processingReport?.afterSeconds, 300);
});
