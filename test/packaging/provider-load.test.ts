import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/repo";

// The emulator and the CLI ship in the same package, but a provider user loads neither: the provider's entry
// points (the program's import, and what the dynamic provider host requires) must not pull them in.
const ONLY_FOR_TOOLS = [
  /[\\/]dist[\\/]emulator[\\/]/,
  /[\\/]dist[\\/]cli[\\/]/,
  /[\\/]node_modules[\\/]pure-rand[\\/]/,
  /[\\/]node_modules[\\/]yaml[\\/]/,
];

for (const entry of ["dist/provider/index.js", "dist/provider/runtime.js"]) {
  test(`${entry} loads no module that only the emulator or the CLI needs`, () => {
    const script = `
      require(${JSON.stringify(path.join(repoRoot(), entry))});
      require(${JSON.stringify(path.join(repoRoot(), entry))}).providerFor?.("export");
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    const loaded = JSON.parse(result.stdout) as string[];
    const provider = loaded.filter((file) => file.startsWith(path.join(repoRoot(), "dist", "provider", path.sep)));
    assert.ok(provider.length > 1, `the check sees the modules the entry point loads: ${provider.join(", ")}`);
    assert.deepEqual(
      loaded.filter((file) => ONLY_FOR_TOOLS.some((pattern) => pattern.test(file))),
      [],
    );
  });
}
