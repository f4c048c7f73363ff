import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { WATCH_TIMEOUT_DEFAULT } from "../../cli/commands/watch";
import { SETTING_ENVIRONMENT, SETTINGS } from "../../client/settings";
import { DEV_TOKEN } from "../../emulator/auth";
import { DEFAULT_COMPACT_AFTER_BYTES } from "../../emulator/durable-state";
import { PULUMI_CONFIG_KEYS } from "../../provider/config-keys";
import { repoRoot } from "../support/repo";

/** The facts the README and docs/ repeat in prose, checked against the code that holds them. */

function readDoc(relative: string): string {
  return fs.readFileSync(path.join(repoRoot(), relative), "utf8");
}

/** The body of the `## TITLE` section of a Markdown text, up to the next heading of level 2. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  assert.notEqual(start, -1, `no "## ${title}" section`);
  const body = markdown.slice(start + title.length + 5);
  const end = body.search(/^## /m);
  return end === -1 ? body : body.slice(0, end);
}

/** The rows of the first Markdown table in `text` whose header starts with `header`, as cells. */
function tableRows(text: string, header: string[]): string[][] {
  const lines = text.split("\n").map((line) => line.trim());
  const cells = (line: string) =>
    line
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim());
  const at = lines.findIndex((line) => line.startsWith("|") && header.every((h, i) => cells(line)[i] === h));
  assert.notEqual(at, -1, `no table with the columns ${header.join(", ")}`);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(cells(line));
  }
  return rows;
}

/** The `code` spans of a cell, in order. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
}

describe("the README's Configuration table is the settings the code reads", () => {
  const rows = tableRows(section(readDoc("README.md"), "Configuration"), ["Key", "Environment"]);
  const documented = new Map(rows.map((row) => [codeSpans(row[0] as string), codeSpans(row[1] as string)] as const));

  test("one row per setting, each naming exactly one stack config key", () => {
    assert.equal(rows.length, SETTINGS.length, "rows");
    for (const [keys] of documented) assert.equal(keys.length, 1, `a row names one key, got ${keys.join(", ")}`);
    assert.deepEqual(
      [...documented.keys()].map(([key]) => key).sort(),
      SETTINGS.map((setting) => PULUMI_CONFIG_KEYS[setting]).sort(),
    );
  });

  test("each key lists exactly its environment variables, in the order they are read", () => {
    const byKey = new Map([...documented].map(([[key], variables]) => [key, variables]));
    for (const setting of SETTINGS) {
      const key = PULUMI_CONFIG_KEYS[setting];
      assert.deepEqual(byKey.get(key), [...SETTING_ENVIRONMENT[setting]], key);
    }
  });
});

test("no page of docs/ repeats the table: they link to the README's", () => {
  const docs = fs.readdirSync(path.join(repoRoot(), "docs")).filter((file) => file.endsWith(".md"));
  assert.ok(docs.includes("configuration.md"), "docs/ was read");
  for (const file of docs) {
    assert.doesNotMatch(readDoc(`docs/${file}`), /^\|\s*Key\s*\|\s*Environment\s*\|/m, file);
  }
});

describe("docs state the code's defaults", () => {
  test("`firestore-ops watch NAME [--timeout D]` shows watch's default timeout wherever it is written", () => {
    const shown = ["README.md", "docs/cli.md"].flatMap((file) =>
      [...readDoc(file).matchAll(/firestore-ops watch +NAME \[--timeout ([^\]\s]+)\]/g)].map((m) => ({
        file,
        timeout: m[1],
      })),
    );
    assert.ok(shown.length > 0, "the synopsis of watch is in README.md or docs/cli.md");
    for (const { file, timeout } of shown) assert.equal(timeout, WATCH_TIMEOUT_DEFAULT, file);
  });

  test("docs/emulator.md gives the emulator's journal threshold and dev token as the code has them", () => {
    const emulatorDoc = readDoc("docs/emulator.md");
    const threshold = /outgrows both (\d+) MiB\s+\(`--compact-after-bytes`\)/.exec(emulatorDoc)?.[1];
    assert.equal(Number(threshold) * 1024 * 1024, DEFAULT_COMPACT_AFTER_BYTES, "--compact-after-bytes");
    assert.ok(emulatorDoc.includes(`static dev token \`${DEV_TOKEN}\``), "the dev token");
  });
});
