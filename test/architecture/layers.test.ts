import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../support/repo";

/**
 * Who may import whom (docs/architecture.md): the client knows nothing of Pulumi, the CLI uses the client and never
 * the Pulumi adapter, the benchmarks reach the provider only as its host does (provider/runtime), and the emulator
 * plays the server without our client's help.
 */
const RULES: { folder: string; forbidden: RegExp[] }[] = [
  { folder: "client", forbidden: [/^@pulumi\//, /^\.\.\/(provider|cli|emulator|bench)\//] },
  { folder: "provider", forbidden: [/^\.\.\/(plugin|cli|emulator|bench)\//] },
  { folder: "plugin", forbidden: [/^\.\.\/(cli|emulator|bench)\//] },
  { folder: "cli", forbidden: [/^@pulumi\//, /^\.\.\/(\.\.\/)?(provider|emulator|bench)\//] },
  { folder: "bench", forbidden: [/^\.\.\/provider\/(?!runtime$)/] },
  { folder: "emulator", forbidden: [/^@pulumi\//, /^\.\.\/(client|provider|cli|bench)\//] },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    const file = path.join(entry.parentPath, entry.name);
    return entry.isFile() && file.endsWith(".ts") ? [file] : [];
  });
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*|^import\s+)"([^"]+)"/gm)].map(
    (m) => m[1] as string,
  );
}

for (const { folder, forbidden } of RULES) {
  test(`${folder}/ imports nothing it must not (${forbidden.map(String).join(", ")})`, () => {
    const files = sourceFiles(path.join(repoRoot(), folder));
    const specifiers = files.flatMap((file) =>
      importsOf(fs.readFileSync(file, "utf8")).map((spec) => ({ file, spec })),
    );
    assert.ok(files.length > 2 && specifiers.length > files.length, `the scan reads ${folder}/ and finds its imports`);
    const broken = specifiers
      .filter(({ spec }) => forbidden.some((rule) => rule.test(spec)))
      .map(({ file, spec }) => `${path.relative(repoRoot(), file)} imports ${spec}`);
    assert.deepEqual(broken, []);
  });
}

test("the rules catch what they forbid", () => {
  assert.deepEqual(
    importsOf('import type * as pulumi from "@pulumi/pulumi";\nconst x = require("../provider/kinds");'),
    ["@pulumi/pulumi", "../provider/kinds"],
  );
  const cli = RULES.find((rule) => rule.folder === "cli")?.forbidden ?? [];
  assert.ok(cli.some((rule) => rule.test("../../provider/kinds")));
  assert.ok(!cli.some((rule) => rule.test("../../client/kinds")));
  const bench = RULES.find((rule) => rule.folder === "bench")?.forbidden ?? [];
  assert.ok(bench.some((rule) => rule.test("../provider/operations-provider")));
  assert.ok(!bench.some((rule) => rule.test("../provider/runtime")));
});
