import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { finishOncePolled } from "../support/emulator-client";
import { createPluginProject, PLUGIN_NAME, type PluginProject, pluginResources } from "../support/plugin-project";
import {
  assertDestroyCancelled,
  assertEndedSoonAfter,
  assertRefreshedProgress,
  assertReplacedInOrder,
  assertRunsOnUncancelled,
  exportStarts,
  lastSeq,
  waitForEstimate,
  waitUntilWaitPolls,
} from "./export-checks";

/** The YAML program: one resource per entry, `firestore-operations:index:FirestoreExport`. */
function program(exports: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const resources = Object.fromEntries(
    Object.entries(exports).map(([name, properties]) => [
      name,
      { type: `${PLUGIN_NAME}:index:FirestoreExport`, properties },
    ]),
  );
  return { name: "yaml-exports", runtime: "yaml", resources };
}

const UP = ["up", "--yes", "--non-interactive", "--skip-preview"];

// A sequence on purpose: one stack, each step starting from what the previous one left (a Pulumi run costs a
// CPU-second or more; the steps follow each other as a user's would).
describe("a YAML program in plugin mode, through the real Pulumi CLI", () => {
  let p: PluginProject;
  before(async () => {
    p = await createPluginProject({
      install: "project-path",
      project: program({}),
      emulatorArgs: ["--duration-ms", "60000", "--cancel-latency-ms", "1500"],
    });
  });
  after(async () => {
    await p?.dispose();
  });

  test("bad input: preview fails naming the field and the rule, and nothing starts", async () => {
    p.writeProject(program({ backup: { outputUriPrefix: "s3://bkt/yaml" } }));
    const preview = await p.pulumi(["preview", "--non-interactive"], { expectCode: 1 });
    assert.match(preview.stdout, /outputUriPrefix .*must be a Cloud Storage URI gs:\/\//);
    assert.deepEqual(exportStarts(await p.requests()), [], "nothing started");
    assert.equal(pluginResources(p.readState(), "FirestoreExport").length, 0);
  });

  test("up starts one export and records it", async () => {
    p.writeProject(program({ backup: { outputUriPrefix: "gs://bkt/yaml", collectionIds: ["users"] } }));
    await p.pulumi(UP);
    const [resource] = pluginResources(p.readState(), "FirestoreExport");
    assert.ok(resource, "the export is in state");
    assert.equal(resource.outputs.operationName, resource.id);
    assert.deepEqual(
      exportStarts(await p.requests()).map((r) => r.operation),
      [resource.id],
      "one export started: the one in state",
    );
  });

  test("refresh reads the progress and says it", async () => {
    const [stored] = pluginResources(p.readState(), "FirestoreExport");
    await waitForEstimate(p, stored.id);
    const refresh = await p.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"]);
    const [refreshed] = pluginResources(p.readState(), "FirestoreExport");
    assertRefreshedProgress(stored, refreshed, refresh.stdout, "backup");
  });

  test("a changed input replaces: the old export is cancelled and over before the new one starts", async () => {
    const [old] = pluginResources(p.readState(), "FirestoreExport");
    p.writeProject(program({ backup: { outputUriPrefix: "gs://bkt/yaml", collectionIds: ["orders"] } }));
    const up = await p.pulumi(UP);
    assert.match(up.stdout, /replaced/);
    const [replacement] = pluginResources(p.readState(), "FirestoreExport");
    await assertReplacedInOrder(p, old.id, replacement.id);
  });

  test("destroy cancels the running export and waits until it is CANCELLED", async () => {
    const [resource] = pluginResources(p.readState(), "FirestoreExport");
    const destroy = await p.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
    await assertDestroyCancelled(p, resource.id, destroy.stdout);
    assert.equal(pluginResources(p.readState(), "FirestoreExport").length, 0);
  });

  test('waitFor "done" and one SIGINT: the CLI ends soon, the export stays recorded, the rerun waits for it', async (t) => {
    // Runs until the test finishes it (finishOncePolled): no slow machine lets it end before the SIGINT.
    const patched = await p.control("PATCH", "behaviour", { operationDurationMs: 600_000 });
    assert.equal(patched.operationDurationMs, 600_000, "the behaviour took");
    p.writeProject(program({ waiter: { outputUriPrefix: "gs://bkt/yaml-wait", waitFor: "done" } }));
    const since = await lastSeq(p);
    const running = p.startPulumi(UP);
    // Interrupt only once the wait is polling the started export.
    const started = await waitUntilWaitPolls(p, since);
    const signalledAt = Date.now();
    running.child.kill("SIGINT"); // the CLI alone, as a terminal's Ctrl-C: plugins have process groups of their own
    const interrupted = await running.result;
    assertEndedSoonAfter(t, signalledAt);
    assert.notEqual(interrupted.code, 0, "the update says it was interrupted");

    const [recorded] = pluginResources(p.readState(), "FirestoreExport");
    assert.equal(recorded?.id, started, "the started export is in state");
    assert.ok((recorded.initErrors ?? []).length > 0, "with an initialization error: the wait did not finish");
    await assertRunsOnUncancelled(p, started);

    const cursor = await lastSeq(p);
    const rerunning = p.startPulumi(UP);
    await finishOncePolled(p, started as string, cursor);
    const rerun = await rerunning.result;
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    const [finished] = pluginResources(p.readState(), "FirestoreExport");
    assert.equal(finished.id, started, "the rerun kept the same export");
    assert.equal(finished.outputs.state, "SUCCESSFUL", "and waited until it was done");
    assert.deepEqual(finished.initErrors ?? [], [], "the initialization error is gone");
    assert.deepEqual(
      exportStarts((await p.requests()).filter((r) => r.seq > since)).map((r) => r.operation),
      [started],
      "the rerun started nothing",
    );
    assert.doesNotMatch(rerun.stdout, /replaced|\+ 1 created/);
  });
});
