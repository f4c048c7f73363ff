import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { SETTINGS } from "../../client/settings";
import { PLUGIN_CONFIG_KEYS } from "../../plugin/config-keys";
import { globalPackageDir, PLUGIN_NAME, pluginInstallArgs, projectPluginEntry } from "../support/plugin-project";
import { repoRoot } from "../support/repo";

const readDoc = (file: string) => fs.readFileSync(path.join(repoRoot(), "docs", file), "utf8");
const doc = () => readDoc("plugin-install.md");

test("docs/plugin-mode.md's configuration names every setting, read under the plugin's namespace", () => {
  const text = readDoc("plugin-mode.md");
  const section = text.slice(
    text.indexOf("## Configuration"),
    text.indexOf("\n## ", text.indexOf("## Configuration") + 1),
  );
  assert.ok(section.includes(`\`${PLUGIN_NAME}:<setting>\``), "the keys' shape");
  for (const [setting, key] of Object.entries(PLUGIN_CONFIG_KEYS)) {
    assert.equal(key, `${PLUGIN_NAME}:${setting}`);
    assert.ok(section.includes(`\`${setting}\``), setting);
  }
  assert.equal(Object.keys(PLUGIN_CONFIG_KEYS).length, SETTINGS.length);
});

test("docs/plugin-install.md gives the plugins.providers entry and the plugin install command the tests run", () => {
  const { name, path: entryPath } = projectPluginEntry();
  assert.ok(doc().includes(`    - name: ${name}\n      path: ${entryPath}\n`), "the plugins.providers entry");
  const folder = `"$DIR/${path.relative("/prefix", globalPackageDir("/prefix"))}"`;
  const install = `pulumi ${pluginInstallArgs('"$VERSION"', folder).join(" ")}`;
  assert.ok(doc().includes(install), install);
});
