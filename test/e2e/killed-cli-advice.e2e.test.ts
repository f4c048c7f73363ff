/**
 * The troubleshooting page's advice after a killed `pulumi` run, on the file backend, as followAdviceAfterKill
 * (which the kill tests use) applies it: an empty `.attrs` file left by the kill makes every command fail with
 * `failed to load checkpoint: EOF`, and deleting it is the fix.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { emptyMetadataFiles, followAdviceAfterKill } from "../support/killed-cli";
import { pulumiEnv, runPulumi } from "../support/pulumi-cli";
import { repoRoot } from "../support/repo";

test("an empty .attrs file left by a kill: failed to load checkpoint: EOF, until the advice deletes it", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "killed-cli-advice-"));
  try {
    const stateDir = path.join(root, "state");
    const cwd = path.join(root, "project");
    fs.mkdirSync(cwd);
    // A YAML project: stack init and cancel never start its language host.
    fs.writeFileSync(path.join(cwd, "Pulumi.yaml"), "name: killed-cli-advice\nruntime: yaml\n");
    const env = pulumiEnv(stateDir);
    const pulumi = async (args: string[]) => {
      const { code, stdout, stderr } = await runPulumi(args, { cwd, env });
      return { code, output: stdout + stderr };
    };
    assert.equal((await pulumi(["stack", "init", "dev", "--non-interactive"])).code, 0);
    const attrs = path.join(stateDir, ".pulumi", "stacks", "killed-cli-advice", "dev.json.attrs");
    assert.ok(fs.statSync(attrs).size > 0, "Pulumi wrote the stack file's .attrs");
    fs.truncateSync(attrs); // what a kill between its create and its write leaves
    assert.deepEqual(emptyMetadataFiles(stateDir), [attrs]);

    const broken = await pulumi(["cancel", "--yes", "--non-interactive"]);
    assert.notEqual(broken.code, 0);
    assert.match(broken.output, /failed to load checkpoint: EOF/);

    assert.equal(await followAdviceAfterKill(stateDir, pulumi), "rm dev.json.attrs (empty)");
    const fixed = await pulumi(["cancel", "--yes", "--non-interactive"]);
    assert.equal(fixed.code, 0, fixed.output);
    assert.equal((await pulumi(["stack", "ls"])).code, 0);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("the troubleshooting page gives that advice", () => {
  const page = fs.readFileSync(path.join(repoRoot(), "docs", "troubleshooting.md"), "utf8");
  assert.match(page, /failed to load checkpoint: EOF/);
  assert.match(page, /\.json\.attrs/);
});
