/**
 * The declarations users write first, through the commands they run every day (issue 23: refresh of a resource
 * declared with defaults failed, and the suite always set `timeouts`). One stack, through the real Pulumi CLI
 * against the emulator, holds each of the four resources declared
 * - with only its required inputs (every default: waitFor "started"),
 * - with only `waitFor: "done"` added (the README's usage, the guarded bulk delete; no `timeouts`),
 * - with every optional input set,
 * and goes through preview, up, refresh, up --refresh, preview --refresh, preview --diff and destroy --refresh.
 * Each command must exit 0, plan no change where none is due, and start nothing: the emulator's request log counts
 * every start POST and cancel. Operations run for ten minutes unless the test finishes them (the emulator's
 * control API): those of `waitFor: "done"` resources as the up waits for them, the others run until the destroy
 * cancels them.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createE2eStack,
  type DeclaredResource,
  type E2eStack,
  operationResources,
  waitSteps,
} from "../support/e2e-stack";
import { START_ENDPOINTS } from "../support/emulator-client";
import { type PulumiResult, plannedChanges } from "../support/pulumi-cli";

const DB = "projects/demo-project/databases/(default)";
/** The emulator's operations: long enough that only the test or a cancel ends one. */
const EMULATOR_ARGS = ["--duration-ms", "600000", "--cancel-latency-ms", "200"];

interface EmulatorOperation {
  name: string;
  kind: string;
  done: boolean;
  request?: { outputUriPrefix?: string; inputUriPrefix?: string; collectionIds?: string[] };
}

describe("everyday commands over every kind of declaration, through the real Pulumi CLI", () => {
  let e: E2eStack;
  before(async () => {
    e = await createE2eStack(EMULATOR_ARGS);
  });
  after(async () => {
    await e?.dispose();
  });

  async function operations(): Promise<EmulatorOperation[]> {
    return (await e.control("GET", "operations")).operations;
  }

  async function finish(name: string): Promise<void> {
    const phase = await e.control("POST", `${name}:finish`, { state: "SUCCESSFUL" });
    assert.equal(phase?.state, "SUCCESSFUL", `finished ${name}: ${JSON.stringify(phase)}`);
  }

  /** An export started outside the stack (the Admin API with the dev token), finished or left running. */
  async function exportOutside(outputUriPrefix: string, finished: boolean): Promise<string> {
    const started = await e.admin("POST", `/v1/${DB}:exportDocuments`, { outputUriPrefix });
    assert.match(started?.name ?? JSON.stringify(started), /\/operations\//);
    if (finished) await finish(started.name);
    return started.name;
  }

  /**
   * Runs pulumi while finishing, as they appear, the operations `finishable` picks: the wait steps of
   * `waitFor: "done"` resources then end, and the others keep running.
   */
  async function runFinishing(
    args: string[],
    finishable: (op: EmulatorOperation) => boolean,
  ): Promise<{ result: PulumiResult; finished: string[] }> {
    const finished: string[] = [];
    let running = true;
    const run = e.pulumi(args).finally(() => {
      running = false;
    });
    while (running) {
      for (const op of await operations()) {
        if (!op.done && !finished.includes(op.name) && finishable(op)) {
          await finish(op.name);
          finished.push(op.name);
        }
      }
      await Promise.race([run.catch(() => undefined), sleep(200)]);
    }
    return { result: await run, finished };
  }

  async function starts(): Promise<{ endpoint?: string; operation?: string }[]> {
    return (await e.requests()).filter((r) => START_ENDPOINTS.includes(r.endpoint ?? "") && r.status === 200);
  }

  async function startPostCount(): Promise<number> {
    return (await e.requests()).filter((r) => START_ENDPOINTS.includes(r.endpoint ?? "") && r.method === "POST").length;
  }

  test("preview, up, refresh, up --refresh, preview --refresh, preview --diff, destroy --refresh", async () => {
    // Outside the stack: the folder the imports read (a finished export), the operations the adopting resources take.
    const source = "gs://bkt/source";
    const sourceMin = "gs://bkt/source-min";
    await exportOutside(source, true);
    await exportOutside(sourceMin, true);
    const adoptRunning = await exportOutside("gs://bkt/adopt-min", false);
    const adoptWaited = await exportOutside("gs://bkt/adopt-all", false);
    await e.control("DELETE", "requests");

    const snapshot = new Date(Date.now() - 5 * 60_000);
    snapshot.setUTCSeconds(0, 0);
    const settings = {
      project: "demo-project",
      database: "(default)",
      waitFor: "done",
      timeouts: { create: "10m", delete: "5m" },
      onCancelLost: "warn",
    };
    const declared: DeclaredResource[] = [
      // Only what each requires.
      { kind: "FirestoreExport", name: "export-min", args: { outputUriPrefix: "gs://bkt/min" } },
      { kind: "FirestoreImport", name: "import-min", args: { inputUriPrefix: sourceMin } },
      { kind: "FirestoreBulkDelete", name: "bulk-min", args: { collectionIds: ["users"] } },
      { kind: "FirestoreOperation", name: "adopt-min", args: { operationName: adoptRunning } },
      // waitFor: "done" and nothing else.
      { kind: "FirestoreExport", name: "export-done", args: { outputUriPrefix: "gs://bkt/done", waitFor: "done" } },
      { kind: "FirestoreImport", name: "import-done", args: { inputUriPrefix: source, waitFor: "done" } },
      { kind: "FirestoreBulkDelete", name: "bulk-done", args: { collectionIds: ["orders"], waitFor: "done" } },
      // Every optional input.
      {
        kind: "FirestoreExport",
        name: "export-all",
        args: {
          outputUriPrefix: "gs://bkt/all",
          collectionIds: ["users", "orders"],
          namespaceIds: ["tenant-a"],
          snapshotTime: snapshot.toISOString().replace(".000Z", "Z"),
          ...settings,
        },
      },
      {
        kind: "FirestoreImport",
        name: "import-all",
        args: { inputUriPrefix: source, collectionIds: ["users"], namespaceIds: ["tenant-a"], ...settings },
      },
      {
        kind: "FirestoreBulkDelete",
        name: "bulk-all",
        args: { collectionIds: ["logs"], namespaceIds: ["tenant-a"], ...settings, onCancelLost: "fail" },
      },
      { kind: "FirestoreOperation", name: "adopt-all", args: { operationName: adoptWaited, ...settings } },
    ];
    const waited = declared.filter((d) => d.args.waitFor === "done").map((d) => d.name);
    const running = declared.filter((d) => d.args.waitFor !== "done").map((d) => d.name);
    // The operations of resources that do not wait keep running: the destroy must cancel them.
    const keepsRunning = (op: EmulatorOperation): boolean =>
      op.name === adoptRunning ||
      (op.kind === "export" && op.request?.outputUriPrefix === "gs://bkt/min") ||
      (op.kind === "import" && op.request?.inputUriPrefix === sourceMin) ||
      (op.kind === "bulkDelete" && JSON.stringify(op.request?.collectionIds) === '["users"]');
    await e.declare(declared);

    // preview: plans every resource, starts nothing.
    const preview = await e.pulumi(["preview", "--non-interactive"]);
    for (const name of declared.map((d) => d.name)) assert.match(preview.stdout, new RegExp(`\\+ .*${name}`));
    assert.equal(await startPostCount(), 0, "preview started nothing");

    // up: each of the nine start steps starts its operation once; the waited ones end before up does.
    const up = await runFinishing(["up", "--yes", "--non-interactive", "--skip-preview"], (op) => !keepsRunning(op));
    assert.equal(up.finished.length, 7, `the seven waited-for operations were finished: ${up.finished.join(", ")}`);
    const started = await starts();
    assert.equal(started.length, 9, `one start per export, import and bulk delete: ${JSON.stringify(started)}`);
    assert.equal(await startPostCount(), 9, "no start was sent twice");
    const state = await e.exportState();
    const byName = new Map(operationResources(state).map((r) => [r.urn.slice(r.urn.lastIndexOf("::") + 2), r]));
    assert.deepEqual([...byName.keys()].sort(), declared.map((d) => d.name).sort(), "one start step per resource");
    assert.deepEqual(
      waitSteps(state)
        .map((r) => r.urn.slice(r.urn.lastIndexOf("::") + 2))
        .sort(),
      [...waited].sort(),
      "one wait step per waitFor: done resource",
    );
    for (const name of waited) {
      const wait = waitSteps(state).find((r) => r.urn.endsWith(`::${name}`));
      assert.equal(wait.outputs.state, "SUCCESSFUL", `${name} waited until done`);
    }
    assert.equal(byName.get("adopt-min")?.id, adoptRunning);
    assert.equal(byName.get("adopt-all")?.id, adoptWaited);
    // The summary parser the checks below rely on sees changes where there are some: each component, its
    // StackInstance, its start step and its wait step (if any), and the stack.
    assert.deepEqual(
      plannedChanges(up.result),
      [`${3 * declared.length + waited.length + 1} created`],
      up.result.stdout,
    );

    // refresh: reads every operation, fails none, starts nothing.
    const refresh = await e.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"]);
    assert.doesNotMatch(`${refresh.stdout}${refresh.stderr}`, /Unexpected struct type/);
    assert.equal(await startPostCount(), 9, "refresh started nothing");

    // up --refresh (the nightly CI command): no change at all; nothing started.
    const upRefresh = await e.pulumi(["up", "--refresh", "--yes", "--non-interactive", "--skip-preview"]);
    assert.deepEqual(plannedChanges(upRefresh), [], `up --refresh changed nothing:\n${upRefresh.stdout}`);
    assert.equal(await startPostCount(), 9, "up --refresh started nothing");

    // preview --refresh and preview --diff: no change planned.
    const previewRefresh = await e.pulumi(["preview", "--refresh", "--non-interactive"]);
    assert.deepEqual(plannedChanges(previewRefresh), [], `preview --refresh plans nothing:\n${previewRefresh.stdout}`);
    const previewDiff = await e.pulumi(["preview", "--diff", "--non-interactive"]);
    assert.deepEqual(plannedChanges(previewDiff), [], `preview --diff plans nothing:\n${previewDiff.stdout}`);
    assert.equal(await startPostCount(), 9, "previews started nothing");

    // destroy --refresh: a cancel for each operation still running, each awaited; the state ends empty.
    const stillRunning = (await operations()).filter((op) => !op.done).map((op) => op.name);
    assert.equal(stillRunning.length, running.length, `running: ${stillRunning.join(", ")}`);
    await e.pulumi(["destroy", "--refresh", "--yes", "--non-interactive", "--skip-preview"]);
    const cancels = (await e.requests()).filter((r) => r.endpoint === "operations.cancel");
    assert.deepEqual(cancels.map((r) => r.operation).sort(), [...stillRunning].sort(), "one cancel per running one");
    const ended = await operations();
    for (const name of stillRunning) {
      const op = ended.find((o) => o.name === name);
      assert.equal(op?.done, true, `${name} is over when destroy returns`);
    }
    const after = await e.exportState();
    assert.deepEqual(
      (after.deployment?.resources ?? []).map((r: { urn: string }) => r.urn),
      [],
      "nothing is left in the stack",
    );
    assert.equal(await startPostCount(), 9, "destroy started nothing");
  });

  test("protect on a waitFor: done resource: destroy names the step holding the operation; its command works", async () => {
    const protectedExport: DeclaredResource = {
      kind: "FirestoreExport",
      name: "guarded",
      args: { outputUriPrefix: "gs://bkt/guarded", waitFor: "done" },
      options: { protect: true },
    };
    await e.declare([protectedExport]);
    const up = await runFinishing(
      ["up", "--yes", "--non-interactive", "--skip-preview"],
      (op) => op.request?.outputUriPrefix === "gs://bkt/guarded",
    );
    assert.equal(up.finished.length, 1, "the guarded export ran and was waited for");

    const refused = await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"], 1);
    const said = refused.stdout.replace(/\s+/g, " ");
    const command = /`(pulumi state unprotect '([^']+)')`/.exec(said);
    assert.ok(command, `the engine names a command:\n${refused.stdout}`);
    const urn = command[2] as string;
    // What the user declared: FirestoreExport "guarded", and the step of it that holds the operation.
    assert.match(
      urn,
      /::firestore-operations:index:FirestoreExport\$pulumi-nodejs:dynamic\/firestore-operations:FirestoreExport::guarded$/,
    );
    assert.doesNotMatch(said, /OperationWait::guarded" cannot be deleted/, "not a step the user never declared");
    const kept = operationResources(await e.exportState());
    assert.deepEqual(
      kept.map((r) => [r.urn, r.protect]),
      [[urn, true]],
      "the operation stays recorded while protected",
    );

    // The command the error gives is all it takes.
    await e.pulumi(["state", "unprotect", urn, "--yes"]);
    await e.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
    assert.deepEqual((await e.exportState()).deployment?.resources ?? [], [], "nothing is left in the stack");
  });
});
