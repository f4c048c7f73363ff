import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/repo";

// Examples are what users copy: each must type-check against the package's public API (and @pulumi/gcp).
const examples = fs
  .readdirSync(path.join(repoRoot(), "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

test("there are examples to check", () => {
  assert.ok(examples.length >= 5, examples.join(", "));
});

for (const example of examples) {
  test(`examples/${example} type-checks`, () => {
    const dir = path.join(repoRoot(), "examples", example);
    for (const file of ["package.json", "tsconfig.json", "index.ts"]) {
      assert.ok(fs.existsSync(path.join(dir, file)), `${example}/${file} exists`);
    }
    // The quick start's project file is the root Pulumi.yaml, which points here.
    const project = example === "quickstart" ? path.join(repoRoot(), "Pulumi.yaml") : path.join(dir, "Pulumi.yaml");
    assert.ok(fs.existsSync(project), `${project} exists`);
    if (example === "quickstart") assert.match(fs.readFileSync(project, "utf8"), /^main: examples\/quickstart\/$/m);
    const tsc = path.join(repoRoot(), "node_modules", "typescript", "bin", "tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.json"), "--noEmit"], {
      encoding: "utf8",
    });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  });
}
