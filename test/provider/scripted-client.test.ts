/**
 * The scripted client's own guarantee, which every verdict test leans on: a test fails when its script was not used
 * up, or when the code made a call the script did not answer, even if the code swallowed that call's error. Run in
 * a child `node --test`, since the failures shown here are the point.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";

const HARNESS = require.resolve("../support/scripted-client");

/** Each case a test of its own in the child; the name says the outcome expected. */
const CHILD_TESTS = `
const { describe, test } = require("node:test");
const { scriptedClient, operationJson, NAME } = require(${JSON.stringify(HARNESS)});
test("fails: an answer scripted and never taken", () => {
  scriptedClient({ get: [operationJson("PROCESSING")] });
});
test("fails: a call with no answer, its error swallowed", async () => {
  const s = scriptedClient({});
  await s.client.get(NAME).catch(() => undefined);
});
describe("nested", () => {
  test("fails: one of two scripts in a test left over", async () => {
    const used = scriptedClient({ cancel: [{}] });
    await used.client.cancel(NAME);
    scriptedClient({ getDatabase: [{}] });
  });
});
test("passes: every answer taken", async () => {
  const s = scriptedClient({ cancel: [{}], get: [operationJson("CANCELLED")] });
  await s.client.cancel(NAME);
  await s.client.get(NAME);
});
test("passes: no script, no call", () => {
  scriptedClient({});
});
`;

test("a scripted answer left unused, or a call left unanswered, fails the test that made the script", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "scripted-client-"));
  try {
    const file = path.join(dir, "cases.test.js");
    writeFileSync(file, CHILD_TESTS);
    // Without NODE_TEST_CONTEXT, which would make the child report to this runner instead of printing TAP.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawnSync(process.execPath, ["--test", "--test-reporter=tap", file], { encoding: "utf8", env });
    const outcome = (name: string) =>
      child.stdout.match(new RegExp(`^\\s*(ok|not ok) \\d+ - ${name.replace(/[()]/g, "\\$&")}$`, "m"))?.[1];
    for (const name of [
      "fails: an answer scripted and never taken",
      "fails: a call with no answer, its error swallowed",
      "fails: one of two scripts in a test left over",
    ]) {
      assert.equal(outcome(name), "not ok", `${name}\n${child.stdout}`);
    }
    for (const name of ["passes: every answer taken", "passes: no script, no call"]) {
      assert.equal(outcome(name), "ok", `${name}\n${child.stdout}`);
    }
    assert.match(child.stdout, /get x1 scripted but never called/);
    assert.match(child.stdout, /unscripted get/);
    assert.match(child.stdout, /getDatabase x1 scripted but never called/);
    assert.notEqual(child.status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
