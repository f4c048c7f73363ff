import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, test } from "node:test";
import { createE2eStack, type E2eStack, MESSY, operationResources, waitSteps } from "../support/e2e-stack";
import { repoRoot } from "../support/repo";

const DB = "projects/demo-project/databases/(default)";
/** Running states: the messy profile (FIRESTORE_OPS_E2E_PROFILE=messy) starts in INITIALIZING. */
const RUNNING = MESSY ? ["INITIALIZING", "PROCESSING", "FINALIZING"] : ["PROCESSING"];
/**
 * Stacks of 10-minute operations: a cancel that loses the race (messy) would make destroy wait them out, so those
 * keep every cancel (lost races are covered by lifecycle.e2e.test.ts and the provider tests).
 */
const LONG = ["--duration-ms", "600000", "--cancel-latency-ms", "300", ...(MESSY ? ["--cancel-lose-rate", "0"] : [])];

/** Runs `body` on a stack and an emulator of its own, disposed afterwards. */
async function withStack(emulatorArgs: string[], body: (e: E2eStack) => Promise<void>): Promise<void> {
  const e = await createE2eStack(emulatorArgs);
  try {
    await body(e);
  } finally {
    await e.dispose();
  }
}

describe("end to end: waitFor done, initialization failures, adoption", { concurrency: true }, () => {
  const SHORT = ["--duration-ms", "1500", "--cancel-latency-ms", "500"];

  test('waitFor "done": up returns once the export finished', () =>
    withStack(SHORT, async (e) => {
      await e.declare([
        { kind: "FirestoreExport", name: "done", args: { outputUriPrefix: "gs://bkt/done", waitFor: "done" } },
      ]);
      const up = await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]);
      assert.match(up.stdout, /finished: SUCCESSFUL/);
      const state = await e.exportState();
      const [start] = operationResources(state);
      const [wait] = waitSteps(state);
      // The start step recorded the operation before anything waited; the wait step holds the end.
      assert.ok(RUNNING.includes(start.outputs.state), start.outputs.state);
      assert.equal(wait.id, start.id);
      assert.equal(wait.outputs.state, "SUCCESSFUL");
      assert.equal(wait.outputs.progressPercent, 100);
      assert.ok(wait.dependencies.includes(start.urn), "the wait step depends on the start step");
      // What dependents see: the component's outputs come from the wait step.
      const outputs = state.deployment.resources.find(
        (r: { type: string }) => r.type === "pulumi:pulumi:Stack",
      ).outputs;
      assert.equal(outputs.operations.done.state, "SUCCESSFUL");
      assert.equal(outputs.operations.done.done, true);
      await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
    }));

  test("an initialization failure keeps the operation in state; the next destroy cancels it", () =>
    withStack(SHORT, async (e) => {
      await e.control("PATCH", "behaviour", { operationDurationMs: 600_000, ...(MESSY ? { cancelLoseRate: 0 } : {}) });
      await e.declare([
        {
          kind: "FirestoreExport",
          name: "slow",
          args: { outputUriPrefix: "gs://bkt/slow", waitFor: "done", timeouts: { create: "3s" } },
        },
      ]);
      const up = await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"], 1);
      assert.match(up.stdout + up.stderr, /Timed out after 3s waiting for the operation to finish/);
      const state = await e.exportState();
      const [resource] = operationResources(state);
      assert.ok(resource, "the operation we started is in state");
      assert.equal(resource.initErrors, undefined, "the start step succeeded");
      assert.deepEqual(waitSteps(state)[0]?.initErrors?.length, 1, "the wait step failed, and is kept");
      assert.ok(RUNNING.includes((await e.admin("GET", `/v1/${resource.id}`)).metadata.operationState));
      const destroy = await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
      assert.match(destroy.stdout, /CANCELLED after/);
      assert.equal((await e.admin("GET", `/v1/${resource.id}`)).metadata.operationState, "CANCELLED");
      const posts = (await e.requests()).filter((r) => r.endpoint === "exportDocuments" && r.operation === resource.id);
      assert.equal(posts.length, 1, "never started twice");
    }));

  // The index build must still run when destroy cancels it: 10-minute operations, and no lost cancel race.
  test("adopting an operation started elsewhere (an index build); destroy cancels it", () =>
    withStack(LONG, async (e) => {
      const index = await e.admin("POST", `/v1/${DB}/collectionGroups/users/indexes`, {
        // Two fields: Google refuses a composite index of one.
        fields: [
          { fieldPath: "age", order: "ASCENDING" },
          { fieldPath: "name", order: "DESCENDING" },
        ],
      });
      assert.match(index?.name ?? JSON.stringify(index), /\/operations\//);
      await e.declare([{ kind: "FirestoreOperation", name: "adopted", args: { operationName: index.name } }]);
      await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]);
      const [resource] = operationResources(await e.exportState());
      assert.equal(resource.id, index.name);
      assert.equal(resource.outputs.operationType, "IndexOperationMetadata");
      await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
      assert.equal((await e.admin("GET", `/v1/${index.name}`)).metadata.state, "CANCELLED");
    }));
});

describe("end to end: a stack created by an older build is destroyed by the current one", () => {
  test("the state holds only the shim; refresh and destroy run the package installed now", async () => {
    const e = await createE2eStack(LONG);
    const oldBuild = fs.mkdtempSync(path.join(os.tmpdir(), "old-build-"));
    try {
      // An "older build": a copy of the package whose delete cannot work. If destroy ran the code that created
      // the resource (instead of the package installed at destroy time), it would fail.
      fs.cpSync(path.join(repoRoot(), "dist"), path.join(oldBuild, "dist"), { recursive: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));
      fs.writeFileSync(path.join(oldBuild, "package.json"), JSON.stringify({ ...manifest, version: "0.0.1-old" }));
      fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(oldBuild, "node_modules"));
      const operationsProvider = path.join(oldBuild, "dist/provider/operations-provider.js");
      const source = fs.readFileSync(operationsProvider, "utf8");
      const broken = source.replace(
        "async delete(id, props) {",
        'async delete(id, props) { throw new Error("old build: delete is broken");',
      );
      assert.notEqual(broken, source, "the old build's delete was broken (the text replaced was found)");
      assert.equal(broken.split("old build: delete is broken").length, 2, "exactly one delete broken");
      fs.writeFileSync(operationsProvider, broken);
      const installed = path.join(e.stack.programDir, "node_modules", "pulumi-firestore-operations");
      fs.rmSync(installed);
      fs.symlinkSync(oldBuild, installed);

      await e.declare([{ kind: "FirestoreExport", name: "legacy", args: { outputUriPrefix: "gs://bkt/legacy" } }]);
      await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]);
      const [created] = operationResources(await e.exportState());
      const shim = String(created.inputs.__provider);
      assert.ok(Buffer.byteLength(shim) < 4096, `__provider is ${Buffer.byteLength(shim)} bytes`);
      assert.doesNotMatch(shim, /old build/, "no implementation in state");

      // Upgrade: the program folder now has the current package.
      fs.rmSync(installed);
      fs.symlinkSync(repoRoot(), installed);
      await e.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"]);
      const destroy = await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
      assert.match(destroy.stdout, /CANCELLED after/);
      assert.equal((await e.admin("GET", `/v1/${created.id}`)).metadata.operationState, "CANCELLED");
    } finally {
      await e.dispose();
      fs.rmSync(oldBuild, { recursive: true, force: true });
    }
  });
});

describe("end to end: stacks of release 0.1.0 keep working", { concurrency: true }, () => {
  /** Declares x (running) and d (waitFor done, finished), registered as 0.1.0 registered them. */
  async function legacyStack(): Promise<{ e: E2eStack; running: string; finished: string }> {
    const e = await createE2eStack(LONG);
    try {
      e.stack.setConfig({ shape: "0.1.0" });
      await e.declare([
        { kind: "FirestoreExport", name: "x", args: { outputUriPrefix: "gs://bkt/x", collectionIds: ["users"] } },
        { kind: "FirestoreExport", name: "d", args: { outputUriPrefix: "gs://bkt/d", waitFor: "done" } },
      ]);
      await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]);
      const legacy = operationResources(await e.exportState());
      assert.deepEqual(
        legacy.map((r: { urn: string }) => r.urn.split("::").slice(2).join("::")).sort(),
        [
          "pulumi-nodejs:dynamic/firestore-operations:FirestoreExport::d",
          "pulumi-nodejs:dynamic/firestore-operations:FirestoreExport::x",
        ],
        "the 0.1.0 shape: one dynamic resource per declared resource, under the stack",
      );
      const running = legacy.find((r: { urn: string }) => r.urn.endsWith("::x")).id;
      const finished = legacy.find((r: { urn: string }) => r.urn.endsWith("::d")).id;
      // 0.1.0 ran the wait inside create; the emulator's 10 min duration means d is done only if we finish it.
      await e.control("POST", `${finished}:finish`, { state: "SUCCESSFUL" });
      return { e, running, finished };
    } catch (error) {
      await e.dispose();
      throw error;
    }
  }

  test("up with this release adopts them: no new operation, no cancel; destroy then cancels the running one", async () => {
    const { e, running } = await legacyStack();
    try {
      e.stack.setConfig({ shape: undefined });
      const postsBefore = (await e.requests()).filter((r) => r.endpoint === "exportDocuments").length;
      const up = await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]);
      assert.doesNotMatch(up.stdout, /replaced|deleted/, up.stdout);
      const log = await e.requests();
      assert.equal(log.filter((r) => r.endpoint === "exportDocuments").length, postsBefore, "no new operation");
      assert.equal(log.filter((r) => r.endpoint === "operations.cancel").length, 0, "nothing cancelled");
      const state = await e.exportState();
      const starts = operationResources(state);
      assert.equal(starts.length, 2);
      const x = starts.find((r: { urn: string }) => r.urn.endsWith("::x"));
      assert.equal(x.id, running, "the same operation, now the start step of the component");
      assert.match(
        x.urn,
        /firestore-operations:index:FirestoreExport\$pulumi-nodejs:dynamic\/firestore-operations:FirestoreExport::x$/,
      );
      assert.equal(waitSteps(state).length, 1, "d gained its wait step");
      assert.ok(RUNNING.includes((await e.admin("GET", `/v1/${running}`)).metadata.operationState));
      const destroy = await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
      assert.match(destroy.stdout, /CANCELLED after/);
      assert.equal((await e.admin("GET", `/v1/${running}`)).metadata.operationState, "CANCELLED");
    } finally {
      await e.dispose();
    }
  });

  test("refresh and destroy of a 0.1.0 stack, before any up with this release", async () => {
    const { e, running } = await legacyStack();
    try {
      const refresh = await e.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"]);
      assert.match(
        refresh.stdout,
        new RegExp(`operation: .*(${RUNNING.join("|")})`),
        "refresh reads it with this release's provider",
      );
      assert.equal(operationResources(await e.exportState()).length, 2, "nothing dropped");
      const destroy = await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
      assert.match(destroy.stdout, /CANCELLED after/);
      assert.equal((await e.admin("GET", `/v1/${running}`)).metadata.operationState, "CANCELLED");
      assert.equal(operationResources(await e.exportState()).length, 0);
    } finally {
      await e.dispose();
    }
  });
});
