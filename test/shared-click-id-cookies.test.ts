// Two plugins may keep a vendor's click id in the same first-party cookie (google_ads,
// google_data_manager and campaign_manager_360 keep the gclid in Signal's _dfgclid; the first two
// gbraid and wbraid in _dfgbraid and _dfwbraid). Collect sets a cookie
// once per response, by the first declaration an enabled integration passes, so the
// declarations must agree — same parameter, lifetime and value — or which plugin is installed
// would change what the cookie holds. This checks every plugin plugin.config.ts loads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPlugins } from '../core/plugins/load-plugins.ts';

const registry = await loadPlugins();
const NOW = 1796032800123;

test('plugins that declare the same click id cookie declare it alike', () => {
  const byCookie = new Map<string, ReturnType<typeof registry.clickIds>>();
  for (const declared of registry.clickIds()) byCookie.set(declared.cookie, [...(byCookie.get(declared.cookie) ?? []), declared]);
  // A plugin may feed one cookie of its own from several parameters (Awin's _dfawchannel: the
  // network of the last paid click); a cookie is shared when two plugins declare it.
  const shared = [...byCookie].filter(([, all]) => new Set(all.map((d) => d.vendor)).size > 1);
  assert.deepEqual(shared.map(([cookie, all]) => [cookie, all.map((d) => d.vendor)]).filter(([cookie]) => String(cookie).startsWith('_df')), [['_dfgclid', ['google_ads', 'google_data_manager', 'campaign_manager_360']], ['_dfgbraid', ['google_ads', 'google_data_manager']], ['_dfwbraid', ['google_ads', 'google_data_manager']]]);
  for (const [cookie, [first, ...others]] of shared) {
    for (const other of others) {
      const view = (d: typeof first) => ({ param: d!.param, anyCase: d!.anyCase ?? false, padded: d!.padded ?? false, days: d!.days, value: d!.value ? d!.value('EAIaIQobChMIsample', NOW) : 'EAIaIQobChMIsample' });
      assert.deepEqual(view(other), view(first), `${cookie}: ${other.vendor} declares it as ${first!.vendor} does`);
    }
  }
});

test('a cookie a plugin reads for a click id is one it captures', () => {
  const captured = new Set(registry.cookieNames());
  for (const declared of registry.clickIds()) assert.ok(captured.has(declared.cookie), `${declared.vendor}: ${declared.cookie}`);
});
