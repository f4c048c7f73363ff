import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { test } from "node:test";
import * as ts from "typescript";
import { repoRoot } from "../support/repo";

// setup.sh skips the build when its sources are unchanged: a file tsc compiles but setup.sh does not hash would
// leave dist/ stale after a change to it alone (as every file under client/ once did).
test("setup.sh's up-to-date check hashes every file tsc compiles", () => {
  const root = repoRoot();
  const listed = spawnSync("bash", [path.join(root, "scripts", "setup.sh"), "--list-sources"], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(listed.status, 0, listed.stderr);
  const hashed = new Set(listed.stdout.split("\n").filter(Boolean));
  const { config, error } = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
  assert.equal(error, undefined);
  const compiled = ts.parseJsonConfigFileContent(config, ts.sys, root).fileNames.map((f) => path.relative(root, f));
  assert.ok(
    compiled.some((f) => f.startsWith(`client${path.sep}`)),
    "tsc compiles client/",
  );
  assert.deepEqual(
    compiled.filter((f) => !hashed.has(f)),
    [],
  );
});
