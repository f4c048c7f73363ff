import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { waitFor } from "../support/emulator-client";
import {
  createPluginProject,
  type LoggedRequest,
  PLUGIN_NAME,
  type PluginProject,
  pluginResources,
} from "../support/plugin-project";

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
/** What the tests allow the emulator to take to report what they wait for: far more than any timeline here. */
const LIVE_WAIT_MS = 60_000;
/** How long the CLI may take to end after one SIGINT during a wait (the promise). */
const CTRL_C_EXIT_MS = 10_000;

const exportStarts = (log: LoggedRequest[]) => log.filter((r) => r.endpoint === "exportDocuments" && r.status === 200);

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
    // Until the emulator reports work the stack has not stored (tidy: the estimate comes after a tenth of it).
    await waitFor(
      () => p.admin("GET", `/v1/${stored.id}`),
      // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
      (op: any) => Number(op.metadata?.progressDocuments?.estimatedWork ?? 0) > 0,
      LIVE_WAIT_MS,
    );
    const refresh = await p.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview"]);
    const [refreshed] = pluginResources(p.readState(), "FirestoreExport");
    assert.equal(refreshed.id, stored.id);
    assert.ok(
      Number(refreshed.outputs.documentsCompleted) > Number(stored.outputs.documentsCompleted ?? 0),
      `the refresh stored newer progress: ${refreshed.outputs.documentsCompleted} after ${stored.outputs.documentsCompleted}`,
    );
    const shortId = stored.id.slice(stored.id.lastIndexOf("/") + 1);
    assert.match(refresh.stdout, new RegExp(`backup: ${shortId}: PROCESSING [\\d,]+/[\\d,]+ documents`));
  });

  test("a changed input replaces: the old export is cancelled and over before the new one starts", async () => {
    const [old] = pluginResources(p.readState(), "FirestoreExport");
    p.writeProject(program({ backup: { outputUriPrefix: "gs://bkt/yaml", collectionIds: ["orders"] } }));
    const up = await p.pulumi(UP);
    assert.match(up.stdout, /replaced/);
    const [replacement] = pluginResources(p.readState(), "FirestoreExport");
    assert.notEqual(replacement.id, old.id);
    const log = await p.requests();
    const cancel = log.find((r) => r.endpoint === "operations.cancel" && r.operation === old.id);
    const start = exportStarts(log).find((r) => r.operation === replacement.id);
    assert.ok(cancel && start && cancel.seq < start.seq, "the old one's cancel came before the new one's start");
    const oldOp = await p.admin("GET", `/v1/${old.id}`);
    const newOp = await p.admin("GET", `/v1/${replacement.id}`);
    assert.equal(oldOp.metadata.operationState, "CANCELLED");
    assert.ok(
      Date.parse(oldOp.metadata.endTime) <= Date.parse(newOp.metadata.startTime),
      `the old one ended (${oldOp.metadata.endTime}) before the new one started (${newOp.metadata.startTime})`,
    );
    assert.equal(exportStarts(log).length, 2, "two exports in all: the first and its replacement");
  });

  test("destroy cancels the running export and waits until it is CANCELLED", async () => {
    const [resource] = pluginResources(p.readState(), "FirestoreExport");
    const destroy = await p.pulumi(["destroy", "--yes", "--non-interactive", "--skip-preview"]);
    assert.match(destroy.stdout, /CANCELLED/);
    const op = await p.admin("GET", `/v1/${resource.id}`);
    assert.equal(op.metadata.operationState, "CANCELLED", "over when destroy returned");
    assert.equal(pluginResources(p.readState(), "FirestoreExport").length, 0);
  });

  test('waitFor "done" and one SIGINT: the CLI ends soon, the export stays recorded, the rerun waits for it', async (t) => {
    // Long enough to interrupt the wait, short enough for the rerun to wait it out.
    const patched = await fetch(`${p.emulator.url}/emulator/v1/behaviour`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ operationDurationMs: 20_000 }),
    });
    assert.equal(patched.status, 200);
    p.writeProject(program({ waiter: { outputUriPrefix: "gs://bkt/yaml-wait", waitFor: "done" } }));
    const since = Math.max(0, ...(await p.requests()).map((r) => r.seq));
    const running = p.startPulumi(UP);
    // Interrupt only once the wait is polling the started export.
    const started = await waitFor(
      async () => {
        const log = (await p.requests()).filter((r) => r.seq > since);
        const op = exportStarts(log)[0]?.operation;
        const polls = log.filter((r) => r.endpoint === "operations.get" && r.operation === op).length;
        return { op, polls };
      },
      ({ polls }) => polls >= 2,
      LIVE_WAIT_MS,
    );
    const signalledAt = Date.now();
    running.child.kill("SIGINT"); // the CLI alone, as a terminal's Ctrl-C: plugins have process groups of their own
    const interrupted = await running.result;
    const tookMs = Date.now() - signalledAt;
    t.diagnostic(`the CLI ended ${tookMs} ms after the SIGINT`);
    assert.ok(tookMs <= CTRL_C_EXIT_MS, `the CLI ended ${tookMs} ms after the SIGINT`);
    assert.notEqual(interrupted.code, 0, "the update says it was interrupted");

    const [recorded] = pluginResources(p.readState(), "FirestoreExport");
    assert.equal(recorded?.id, started.op, "the started export is in state");
    assert.ok((recorded.initErrors ?? []).length > 0, "with an initialization error: the wait did not finish");
    const live = await p.admin("GET", `/v1/${started.op}`);
    assert.equal(live.done ?? false, false, "the export runs on: Ctrl-C stops the wait, not the operation");
    assert.ok(
      !(await p.requests()).some((r) => r.endpoint === "operations.cancel" && r.operation === started.op),
      "no cancel was sent",
    );

    const rerun = await p.pulumi(UP, { timeoutMs: 2 * 60_000 });
    const [finished] = pluginResources(p.readState(), "FirestoreExport");
    assert.equal(finished.id, started.op, "the rerun kept the same export");
    assert.equal(finished.outputs.state, "SUCCESSFUL", "and waited until it was done");
    assert.deepEqual(finished.initErrors ?? [], [], "the initialization error is gone");
    assert.deepEqual(
      exportStarts((await p.requests()).filter((r) => r.seq > since)).map((r) => r.operation),
      [started.op],
      "the rerun started nothing",
    );
    assert.doesNotMatch(rerun.stdout, /replaced|\+ 1 created/);
  });
});
