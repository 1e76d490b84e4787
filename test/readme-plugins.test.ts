import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const pluginIds = readdirSync(new URL('plugins/', root), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

// "Document every plugin": a plugin added without its README row, or without its own README,
// fails here rather than in a reader's hands.
test('the README has a row for every plugin, linking the plugin\'s own README, which exists', () => {
  assert.ok(pluginIds.length > 0);
  for (const id of pluginIds) {
    assert.ok(readme.includes(`(\`${id}\`)`), `README names the plugin (\`${id}\`) in the plugins table`);
    assert.ok(readme.includes(`](plugins/${id}/README.md)`), `README links plugins/${id}/README.md`);
    assert.ok(existsSync(new URL(`plugins/${id}/README.md`, root)), `plugins/${id}/README.md exists`);
  }
});

test('plugin.config.ts loads every plugin folder', () => {
  const loaded = readFileSync(new URL('plugin.config.ts', root), 'utf8');
  for (const id of pluginIds) assert.ok(loaded.includes(`'./plugins/${id}'`), `plugin.config.ts loads plugins/${id}`);
});
