import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { PLUGIN_CONFIG_KEYS } from "../../plugin/config-keys";
import { globalPackageDir, PLUGIN_NAME, pluginInstallArgs, projectPluginEntry } from "../support/plugin-project";
import { repoRoot } from "../support/repo";

const doc = () => fs.readFileSync(path.join(repoRoot(), "docs", "plugin-install.md"), "utf8");

test("docs/plugin-install.md names every config key of the plugin, and no other", () => {
  const section = doc().slice(doc().indexOf("## Configuration"));
  const keys = [...section.matchAll(new RegExp(`\`(${PLUGIN_NAME}:\\w+)\``, "g"))].map((m) => m[1]);
  assert.deepEqual([...new Set(keys)].sort(), Object.values(PLUGIN_CONFIG_KEYS).sort());
});

test("docs/plugin-install.md gives the plugins.providers entry and the plugin install command the tests run", () => {
  const { name, path: entryPath } = projectPluginEntry();
  assert.ok(doc().includes(`    - name: ${name}\n      path: ${entryPath}\n`), "the plugins.providers entry");
  const folder = `"$DIR/${path.relative("/prefix", globalPackageDir("/prefix"))}"`;
  const install = `pulumi ${pluginInstallArgs('"$VERSION"', folder).join(" ")}`;
  assert.ok(doc().includes(install), install);
});
