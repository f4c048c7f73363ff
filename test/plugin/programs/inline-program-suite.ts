/**
 * The plugin-mode steps every Automation API inline program goes through (python.e2e.test.ts, go.e2e.test.ts):
 * bad input, up, refresh, a changed input, destroy, and `waitFor: "done"` with one SIGINT to the CLI, then the
 * rerun. One stack and one driver process for all of them (each Pulumi run costs a CPU-second or more), through
 * the real Pulumi CLI against the emulator, the plugin on PATH from `npm install -g` of the packed package, in a
 * folder outside the repo. The program declares one export, `nightly`, from the stack config keys
 * `<project>:outputUriPrefix` and `<project>:waitFor`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { waitFor } from "../../support/emulator-client";
import {
  createPluginProject,
  type LoggedRequest,
  type PluginProject,
  pluginResources,
} from "../../support/plugin-project";
import { type AutomationDriver, cliProcesses, type DriverLaunch, startDriver } from "./automation-driver";

/** What the tests allow the emulator to take to report what they wait for: far more than any timeline here. */
const LIVE_WAIT_MS = 60_000;
/** How long the CLI may take to end after one SIGINT during a wait (the promise). */
const CTRL_C_EXIT_MS = 10_000;
/** Installing the SDKs, or building the Go program on a machine that never did: minutes when the caches are cold. */
const SETUP_TIMEOUT_MS = 15 * 60_000;
/** Operations run two minutes unless cancelled or finished by the test (the estimate comes after a tenth). */
const EMULATOR_ARGS = ["--duration-ms", "120000", "--cancel-latency-ms", "300"];

const exportStarts = (log: LoggedRequest[]) => log.filter((r) => r.endpoint === "exportDocuments" && r.status === 200);
const startPosts = (log: LoggedRequest[]) =>
  log.filter(
    (r) =>
      r.method === "POST" && ["exportDocuments", "importDocuments", "bulkDeleteDocuments"].includes(r.endpoint ?? ""),
  );

export interface InlineProgramLanguage {
  /** As the test names say it: "Python", "Go". */
  name: string;
  /** The Pulumi project's name: the stack config keys' namespace. */
  projectName: string;
  /** Installs what the program needs for this project and says how to start it. */
  prepare(project: PluginProject, projectName: string): Promise<DriverLaunch>;
}

export function describeInlineProgram(language: InlineProgramLanguage): void {
  // A sequence on purpose: each step starts from the stack the previous one left, as a user's would.
  describe(`a ${language.name} inline program in plugin mode, through the real Pulumi CLI`, () => {
    let p: PluginProject;
    let driver: AutomationDriver;
    const prefix = `gs://bkt/${language.projectName}`;

    before(
      async () => {
        p = await createPluginProject({
          install: "npm-global",
          project: { name: language.projectName, runtime: language.name.toLowerCase() },
          emulatorArgs: EMULATOR_ARGS,
        });
        driver = startDriver(await language.prepare(p, language.projectName));
      },
      { timeout: SETUP_TIMEOUT_MS },
    );
    after(async () => {
      await driver?.close();
      await p?.dispose();
    });

    /** The program's inputs, as stack config (`undefined` leaves one out). */
    const declare = (inputs: { outputUriPrefix: string; waitFor?: string }) =>
      p.setConfig({
        [`${language.projectName}:outputUriPrefix`]: inputs.outputUriPrefix,
        [`${language.projectName}:waitFor`]: inputs.waitFor,
      });
    const exportsInState = () => pluginResources(p.readState(), "FirestoreExport");

    test("bad input: preview fails naming the field and the rule, and nothing starts", async () => {
      declare({ outputUriPrefix: `${prefix}/bad`, waitFor: "eventually" });
      const preview = await driver.run("preview");
      assert.equal(preview.ok, false, "the preview failed");
      assert.match(preview.error ?? "", /waitFor.*"started".*"done"/, "naming the field and what it may be");
      assert.deepEqual(startPosts(await p.requests()), [], "nothing started");
      assert.equal(exportsInState().length, 0);
    });

    test("up starts one export through the generated SDK and records it", async () => {
      declare({ outputUriPrefix: `${prefix}/a` });
      const up = await driver.expectOk("up");
      const [resource] = exportsInState();
      assert.ok(resource, "the export is in state, as a firestore-operations:index:FirestoreExport");
      assert.equal(resource.outputs.operationName, resource.id);
      assert.equal(up.outputs?.operationName, resource.id, "the program's output from the SDK's property");
      assert.deepEqual(
        exportStarts(await p.requests()).map((r) => r.operation),
        [resource.id],
        "one export started: the one in state",
      );
    });

    test("refresh reads the progress and says it", async () => {
      const [stored] = exportsInState();
      // Until the emulator reports work the stack has not stored (the estimate comes after a tenth of it).
      await waitFor(
        () => p.admin("GET", `/v1/${stored.id}`),
        // biome-ignore lint/suspicious/noExplicitAny: JSON from the wire.
        (op: any) => Number(op.metadata?.progressDocuments?.estimatedWork ?? 0) > 0,
        LIVE_WAIT_MS,
      );
      const refresh = await driver.expectOk("refresh");
      const [refreshed] = exportsInState();
      assert.equal(refreshed.id, stored.id);
      assert.ok(
        Number(refreshed.outputs.documentsCompleted) > Number(stored.outputs.documentsCompleted ?? 0),
        `the refresh stored newer progress: ${refreshed.outputs.documentsCompleted} after ${stored.outputs.documentsCompleted}`,
      );
      const shortId = stored.id.slice(stored.id.lastIndexOf("/") + 1);
      assert.match(refresh.stdout ?? "", new RegExp(`nightly: ${shortId}: PROCESSING [\\d,]+/[\\d,]+ documents`));
      assert.equal(exportStarts(await p.requests()).length, 1, "refresh started nothing");
    });

    test("a changed input replaces: the old export is cancelled and over before the new one starts", async () => {
      const [old] = exportsInState();
      declare({ outputUriPrefix: `${prefix}/b` });
      const up = await driver.expectOk("up");
      assert.match(up.stdout ?? "", /replaced/);
      const [replacement] = exportsInState();
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
      const [resource] = exportsInState();
      const destroy = await driver.expectOk("destroy");
      assert.match(destroy.stdout ?? "", /CANCELLED/);
      const op = await p.admin("GET", `/v1/${resource.id}`);
      assert.equal(op.metadata.operationState, "CANCELLED", "over when destroy returned");
      assert.equal(exportsInState().length, 0);
    });

    test('waitFor "done" and one SIGINT to the CLI: it ends soon, the export stays recorded, the rerun waits for it', async (t) => {
      declare({ outputUriPrefix: `${prefix}/wait`, waitFor: "done" });
      const since = Math.max(0, ...(await p.requests()).map((r) => r.seq));
      const running = driver.run("up");
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
      const clis = cliProcesses(driver.pid);
      assert.equal(clis.length, 1, `one pulumi process runs under the ${language.name} program: ${clis}`);
      const signalledAt = Date.now();
      // The CLI alone, as a terminal's Ctrl-C reaches it: the engine's plugins run in process groups of their own.
      process.kill(clis[0] as number, "SIGINT");
      const interrupted = await running;
      const tookMs = Date.now() - signalledAt;
      t.diagnostic(`the CLI ended ${tookMs} ms after the SIGINT`);
      assert.ok(tookMs <= CTRL_C_EXIT_MS, `the CLI ended ${tookMs} ms after the SIGINT`);
      assert.equal(interrupted.ok, false, "the update says it was interrupted");
      assert.match(interrupted.error ?? "", /Stopped waiting for .*\(Ctrl-C\)/, "and why");

      const [recorded] = exportsInState();
      assert.equal(recorded?.id, started.op, "the started export is in state");
      const live = await p.admin("GET", `/v1/${started.op}`);
      assert.equal(live.done ?? false, false, "the export runs on: Ctrl-C stops the wait, not the operation");
      assert.ok(
        !(await p.requests()).some((r) => r.endpoint === "operations.cancel" && r.operation === started.op),
        "no cancel was sent",
      );

      // The rerun: once it polls the export again, the export finishes; the rerun must have waited for that.
      const cursor = Math.max(0, ...(await p.requests()).map((r) => r.seq));
      const rerun = driver.run("up");
      await waitFor(
        async () =>
          (await p.requests()).filter(
            (r) => r.seq > cursor && r.endpoint === "operations.get" && r.operation === started.op,
          ).length,
        (polls) => polls >= 1,
        LIVE_WAIT_MS,
      );
      const finish = await fetch(`${p.emulator.url}/emulator/v1/${started.op}:finish`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ state: "SUCCESSFUL" }),
      });
      assert.equal(finish.status, 200, "the emulator finished the export");
      const reran = await rerun;
      assert.ok(reran.ok, `the rerun succeeded:\n${reran.error}`);
      const [finished] = exportsInState();
      assert.equal(finished.id, started.op, "the rerun kept the same export");
      assert.equal(finished.outputs.state, "SUCCESSFUL", "and waited until it was done");
      assert.equal(reran.outputs?.state, "SUCCESSFUL", "the program's output says so too");
      assert.deepEqual(
        startPosts((await p.requests()).filter((r) => r.seq > since)).map((r) => r.operation),
        [started.op],
        "the rerun started nothing",
      );
    });
  });
}
