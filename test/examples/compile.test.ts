import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/repo";

// Examples are what users copy: each must be complete and type-check against the package's public API (and
// @pulumi/gcp). Offline and in place; test/e2e/examples.e2e.test.ts copies, installs and runs them.
const examples = fs
  .readdirSync(path.join(repoRoot(), "examples"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

test("there are examples to check", () => {
  assert.ok(examples.length >= 5, examples.join(", "));
});

const root = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));

test("the quick start's root Pulumi.yaml points at examples/quickstart", () => {
  assert.match(fs.readFileSync(path.join(repoRoot(), "Pulumi.yaml"), "utf8"), /^main: examples\/quickstart\/$/m);
});

for (const example of examples) {
  const dir = path.join(repoRoot(), "examples", example);

  // A copied example gets nothing from the repo: its package.json must name all it imports, and TypeScript
  // (without it Pulumi falls back to its bundled TypeScript 3.8, which rejects the tsconfig's ES2022).
  test(`examples/${example} declares everything it needs`, () => {
    for (const file of ["package.json", "tsconfig.json", "index.ts", "Pulumi.yaml"]) {
      assert.ok(fs.existsSync(path.join(dir, file)), `${example}/${file} exists`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const declared = { ...manifest.dependencies, ...manifest.devDependencies };
    assert.equal(manifest.dependencies["pulumi-firestore-operations"], `^${root.version}`);
    assert.equal(manifest.dependencies["@pulumi/pulumi"], root.dependencies["@pulumi/pulumi"]);
    assert.ok(declared.typescript && declared["@types/node"], JSON.stringify(declared));
    const imports = [...fs.readFileSync(path.join(dir, "index.ts"), "utf8").matchAll(/from "([^".][^"]*)"/g)];
    for (const [, specifier] of imports) {
      const name = (specifier as string)
        .split("/")
        .slice(0, (specifier as string).startsWith("@") ? 2 : 1)
        .join("/");
      if (!name.startsWith("node:")) assert.ok(declared[name], `${example} imports ${name} without declaring it`);
    }
  });

  test(`examples/${example} type-checks`, () => {
    const tsc = path.join(repoRoot(), "node_modules", "typescript", "bin", "tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.json"), "--noEmit"], {
      encoding: "utf8",
    });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  });
}

// The end-to-end fixture runs transpile-only under Pulumi (test/support/e2e-stack.ts), so it is type-checked here,
// once, in place (the repo's node_modules has @pulumi/pulumi and the package under its name).
test("the end-to-end fixture program (test/e2e/fixtures/operations-stack) type-checks", () => {
  const tsc = path.join(repoRoot(), "node_modules", "typescript", "bin", "tsc");
  const tsconfig = path.join(repoRoot(), "test", "e2e", "fixtures", "operations-stack", "tsconfig.json");
  const result = spawnSync(process.execPath, [tsc, "-p", tsconfig, "--noEmit"], { encoding: "utf8" });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
});
