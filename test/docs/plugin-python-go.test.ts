import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { PLUGIN_CONFIG_KEYS } from "../../plugin/config-keys";
import { repoRoot } from "../support/repo";

/**
 * docs/plugin-python-go.md repeats facts: its programs are the ones the plugin-mode tests run
 * (test/plugin/programs), its configuration table is the plugin's config keys and their secrecy in schema.json.
 */

const read = (...parts: string[]) => fs.readFileSync(path.join(repoRoot(), ...parts), "utf8");
const doc = read("docs", "plugin-python-go.md");

/** The text of the fenced code block of `language` in the doc (there is one of each). */
function codeBlock(language: string): string {
  const blocks = [...doc.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm"))];
  assert.equal(blocks.length, 1, `one ${language} block`);
  return blocks[0]?.[1] as string;
}

const trimmed = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

/** `lines` appear in `source`, in this order (the tested program may do more, not less or otherwise). */
function assertInOrder(lines: string[], source: string, what: string): void {
  const sourceLines = trimmed(source);
  let at = 0;
  for (const line of lines) {
    const found = sourceLines.indexOf(line, at);
    assert.notEqual(found, -1, `${what}: "${line}" is not in the tested program (in this order)`);
    at = found + 1;
  }
}

describe("docs/plugin-python-go.md", () => {
  test("the Python program is the one the Python test runs", () => {
    const driver = read("test", "plugin", "programs", "python", "driver.py");
    const program = driver.slice(
      driver.indexOf("def program()"),
      driver.indexOf("\ndef ", driver.indexOf("def program()") + 1),
    );
    const lines = trimmed(codeBlock("python"));
    const imports = lines.filter((line) => line.startsWith("import "));
    assertInOrder(imports, driver, "imports");
    assertInOrder(
      lines.filter((line) => !imports.includes(line)),
      program,
      "program",
    );
  });

  test("the Go program is the one the Go test runs", () => {
    const main = read("test", "plugin", "programs", "go", "main.go");
    const start = main.indexOf("func program(ctx *pulumi.Context) error {");
    const program = main.slice(start, main.indexOf("\n}\n", start));
    const block = codeBlock("go");
    const body = block.slice(
      block.indexOf("pulumi.Run(func(ctx *pulumi.Context) error {\n") + 46,
      block.lastIndexOf("})"),
    );
    assert.match(body, /NewFirestoreExport/, "the doc's function body was found");
    assertInOrder(trimmed(body), program, "program");
    const imports = trimmed(block.slice(block.indexOf("import ("), block.indexOf(")\n")));
    assertInOrder(imports.slice(1), main, "imports");
  });

  test("the configuration table is the plugin's config keys, secret as schema.json says", () => {
    const schema = JSON.parse(read("schema.json")) as {
      config: { variables: Record<string, { secret?: boolean }> };
    };
    const rows = [...doc.matchAll(/^\| `(firestore-operations:\w+)` \| (yes)? ?\|$/gm)].map((m) => ({
      key: m[1] as string,
      secret: m[2] === "yes",
    }));
    assert.deepEqual(
      rows.map((row) => row.key),
      Object.values(PLUGIN_CONFIG_KEYS),
      "every key, in the settings' order",
    );
    for (const { key, secret } of rows) {
      const setting = key.slice("firestore-operations:".length);
      assert.equal(secret, schema.config.variables[setting]?.secret === true, `${key}: secret`);
    }
  });
});
