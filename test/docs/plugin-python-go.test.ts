import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../support/repo";

/**
 * docs/plugin-python-go.md shows programs: they are the ones the plugin-mode tests run (test/plugin/programs), so
 * that what users copy is what runs.
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
});
