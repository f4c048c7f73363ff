/**
 * Whose start journal entry is whose (issue 23), through the real Pulumi CLI: an entry is resumed only by the
 * stack instance that wrote it (provider/stack-instance.ts), never by another backend's stack of the same
 * project and stack name, nor by a stack recreated under the same name; and a stack written before the
 * StackInstance existed upgrades in place.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import {
  createE2eStack,
  type E2eStack,
  MESSY,
  operationResources,
  stackInstances,
  waitSteps,
} from "../support/e2e-stack";
import { spawnEmulator } from "../support/emulator-process";
import { repoRoot } from "../support/repo";

const UP = ["up", "--yes", "--non-interactive", "--skip-preview"];
const DESTROY = ["destroy", "--yes", "--non-interactive", "--skip-preview"];
/** Ten-minute operations that every cancel stops (no lost races: what is counted here is who cancels what). */
const LONG = ["--duration-ms", "600000", "--cancel-latency-ms", "300", ...(MESSY ? ["--cancel-lose-rate", "0"] : [])];
const RUNNING = ["INITIALIZING", "PROCESSING", "FINALIZING"];
const EXPORT = { kind: "FirestoreExport" as const, name: "nightly", args: { outputUriPrefix: "gs://bkt/nightly" } };

async function startedOperation(e: E2eStack): Promise<string> {
  const [start, ...more] = operationResources(await e.exportState());
  assert.equal(more.length, 0, "one start step");
  return start.id as string;
}

async function exportPosts(e: E2eStack): Promise<number> {
  return (await e.requests()).filter((r) => r.endpoint === "exportDocuments" && r.status === 200).length;
}

async function cancelsOf(e: E2eStack, operation: string): Promise<number> {
  return (await e.requests()).filter((r) => r.endpoint === "operations.cancel" && r.operation === operation).length;
}

async function stateOf(e: E2eStack, operation: string): Promise<string> {
  return (await e.admin("GET", `/v1/${operation}`)).metadata.operationState;
}

describe("end to end: a start journal entry belongs to one stack instance", { concurrency: true }, () => {
  test("two backends, same project and stack name, one journal folder: B starts its own export, and B's destroy cancels only B's", async () => {
    const emulator = await spawnEmulator(["--auth", "oauth", ...LONG]);
    const journal = fs.mkdtempSync(path.join(os.tmpdir(), "shared-journal-"));
    const stacks: E2eStack[] = [];
    try {
      // Each stack has a state folder (PULUMI_BACKEND_URL) of its own; the journal folder is the runner's.
      for (let i = 0; i < 2; i++) {
        stacks.push(await createE2eStack([], { emulator, env: { FIRESTORE_OPS_STATE_DIR: journal } }));
      }
      const [a, b] = stacks as [E2eStack, E2eStack];
      assert.notEqual(a.stack.stateDir, b.stack.stateDir, "two backends");
      assert.equal(a.stack.stackName, b.stack.stackName, "one stack name (and one program, so one project)");
      await a.declare([EXPORT]);
      await b.declare([EXPORT]);

      await a.pulumi(UP);
      const ofA = await startedOperation(a);
      assert.ok(fs.readdirSync(path.join(journal, "starts")).length > 0, "A's entry is in the shared folder");
      const [instanceA] = stackInstances(await a.exportState());

      const upB = await b.pulumi(UP);
      const ofB = await startedOperation(b);
      assert.doesNotMatch(upB.stdout, /resuming/, upB.stdout);
      assert.notEqual(ofB, ofA, "B started an export of its own");
      assert.equal(await exportPosts(a), 2, "two POSTs: one per stack");
      const [instanceB] = stackInstances(await b.exportState());
      assert.notEqual(instanceB.id, instanceA.id, "each stack instance has its own id");
      assert.equal(
        operationResources(await b.exportState())[0].urn,
        operationResources(await a.exportState())[0].urn,
        "the same URN in both backends",
      );

      await b.pulumi(DESTROY);
      assert.equal(await stateOf(b, ofB), "CANCELLED");
      assert.equal(await cancelsOf(a, ofA), 0, "A's export was not cancelled");
      assert.ok(RUNNING.includes(await stateOf(a, ofA)), "and runs on");
      assert.equal(await startedOperation(a), ofA, "A's stack still holds it");

      await a.pulumi(DESTROY);
      assert.equal(await stateOf(a, ofA), "CANCELLED");
    } finally {
      for (const e of stacks) await e.dispose();
      await emulator.kill();
      fs.rmSync(journal, { recursive: true, force: true });
    }
  });

  test("pulumi stack rm --force, then a new stack of the same name: up starts a new export", async () => {
    const e = await createE2eStack(LONG);
    try {
      await e.declare([EXPORT]);
      await e.pulumi(UP);
      const old = await startedOperation(e);
      const journal = path.join(e.stack.env.FIRESTORE_OPS_STATE_DIR as string, "starts");
      assert.ok(fs.readdirSync(journal).length > 0, "the old stack's entry is still in the journal");

      // --force: the stack still has resources (its export runs on, which is what the user asked for).
      await e.pulumi(["stack", "rm", "--force", "--yes", "--non-interactive", "--preserve-config", e.stack.stackName]);
      await e.pulumi(["stack", "init", e.stack.stackName, "--non-interactive"]);
      const up = await e.pulumi(UP);
      const now = await startedOperation(e);
      assert.doesNotMatch(up.stdout, /resuming/, up.stdout);
      assert.notEqual(now, old, "a new export");
      assert.equal(await exportPosts(e), 2);
      assert.ok(RUNNING.includes(await stateOf(e, now)));

      await e.pulumi(DESTROY);
      assert.equal(await stateOf(e, now), "CANCELLED");
      assert.equal(await cancelsOf(e, old), 0, "the old stack's export is not this stack's to cancel");
    } finally {
      await e.dispose();
    }
  });

  test("a stack written before the StackInstance existed upgrades in place: no replace, no cancel, no new operation", async () => {
    // Operations end after 2 s, so that the waitFor "done" resource finishes within the up.
    const e = await createE2eStack(["--duration-ms", "2000", "--cancel-latency-ms", "300"]);
    const oldBuild = fs.mkdtempSync(path.join(os.tmpdir(), "pre-stack-instance-build-"));
    try {
      // The build of 57d10a9, as far as state can tell: this one with the component's StackInstance taken out
      // (the shim, the types and every other input are the same).
      fs.cpSync(path.join(repoRoot(), "dist"), path.join(oldBuild, "dist"), { recursive: true });
      fs.copyFileSync(path.join(repoRoot(), "package.json"), path.join(oldBuild, "package.json"));
      fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(oldBuild, "node_modules"));
      const component = path.join(oldBuild, "dist/provider/operation-resource.js");
      const source = fs.readFileSync(component, "utf8");
      const old = source
        .replace(/const stackInstance = new Step\([^;]*\);/, "const stackInstance = { id: undefined };")
        .replace("stackInstance: stackInstance.id, ", "");
      assert.equal(old.includes("STACK_INSTANCE_TYPE,"), false, "the StackInstance was taken out");
      assert.equal(old.includes("stackInstance.id"), false, "and the start step's input");
      fs.writeFileSync(component, old);
      const installed = path.join(e.stack.programDir, "node_modules", "pulumi-firestore-operations");
      fs.rmSync(installed);
      fs.symlinkSync(oldBuild, installed);

      await e.declare([
        EXPORT,
        { kind: "FirestoreExport", name: "done", args: { outputUriPrefix: "gs://bkt/done", waitFor: "done" } },
      ]);
      await e.pulumi(UP);
      const before = await e.exportState();
      assert.equal(stackInstances(before).length, 0, "the old shape: no StackInstance");
      const ids = operationResources(before)
        .map((r) => r.id as string)
        .sort();
      assert.equal(ids.length, 2);
      assert.equal(waitSteps(before).length, 1);
      const posts = await exportPosts(e);

      // Upgrade: the program folder now has the current package.
      fs.rmSync(installed);
      fs.symlinkSync(repoRoot(), installed);
      const preview = await e.pulumi(["preview", "--diff", "--non-interactive"]);
      assert.match(preview.stdout, /\+ 2 to create/, preview.stdout);
      assert.doesNotMatch(preview.stdout, /to (replace|delete|update)/, preview.stdout);
      const up = await e.pulumi(UP);
      assert.match(up.stdout, /2 created/, "the two StackInstances");
      assert.doesNotMatch(up.stdout, /\d+ (replaced|deleted|updated)/, up.stdout);
      const after = await e.exportState();
      assert.deepEqual(
        operationResources(after)
          .map((r) => r.id as string)
          .sort(),
        ids,
        "the same operations",
      );
      assert.equal(await exportPosts(e), posts, "no new operation");
      assert.equal((await e.requests()).filter((r) => r.endpoint === "operations.cancel").length, 0, "no cancel");
      const instances = stackInstances(after);
      assert.equal(instances.length, 2);
      for (const start of operationResources(after)) {
        assert.ok(
          instances.some((instance) => instance.id === start.inputs.stackInstance),
          `${start.urn} takes its StackInstance's id`,
        );
      }
      await e.pulumi(["preview", "--non-interactive", "--expect-no-changes"]);
    } finally {
      await e.dispose();
      fs.rmSync(oldBuild, { recursive: true, force: true });
    }
  });
});
