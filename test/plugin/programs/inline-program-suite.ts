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
import { finishOncePolled } from "../../support/emulator-client";
import {
  createPluginProject,
  type LoggedRequest,
  type PluginProject,
  pluginResources,
} from "../../support/plugin-project";
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
} from "../export-checks";
import { type AutomationDriver, cliProcesses, type DriverLaunch, startDriver } from "./automation-driver";

/** Installing the SDKs, or building the Go program on a machine that never did: minutes when the caches are cold. */
const SETUP_TIMEOUT_MS = 15 * 60_000;
/** Operations run two minutes unless cancelled or finished by the test (the estimate comes after a tenth). */
const EMULATOR_ARGS = ["--duration-ms", "120000", "--cancel-latency-ms", "300"];

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
      await waitForEstimate(p, stored.id);
      const refresh = await driver.expectOk("refresh");
      const [refreshed] = exportsInState();
      assertRefreshedProgress(stored, refreshed, refresh.stdout ?? "", "nightly");
      assert.equal(exportStarts(await p.requests()).length, 1, "refresh started nothing");
    });

    test("a changed input replaces: the old export is cancelled and over before the new one starts", async () => {
      const [old] = exportsInState();
      declare({ outputUriPrefix: `${prefix}/b` });
      const up = await driver.expectOk("up");
      assert.match(up.stdout ?? "", /replaced/);
      const [replacement] = exportsInState();
      await assertReplacedInOrder(p, old.id, replacement.id);
    });

    test("destroy cancels the running export and waits until it is CANCELLED", async () => {
      const [resource] = exportsInState();
      const destroy = await driver.expectOk("destroy");
      await assertDestroyCancelled(p, resource.id, destroy.stdout ?? "");
      assert.equal(exportsInState().length, 0);
    });

    test('waitFor "done" and one SIGINT to the CLI: it ends soon, the export stays recorded, the rerun waits for it', async (t) => {
      declare({ outputUriPrefix: `${prefix}/wait`, waitFor: "done" });
      const since = await lastSeq(p);
      const running = driver.run("up");
      // Interrupt only once the wait is polling the started export.
      const started = await waitUntilWaitPolls(p, since);
      const clis = cliProcesses(driver.pid);
      assert.equal(clis.length, 1, `one pulumi process runs under the ${language.name} program: ${clis}`);
      const signalledAt = Date.now();
      // The CLI alone, as a terminal's Ctrl-C reaches it: the engine's plugins run in process groups of their own.
      process.kill(clis[0] as number, "SIGINT");
      const interrupted = await running;
      assertEndedSoonAfter(t, signalledAt);
      assert.equal(interrupted.ok, false, "the update says it was interrupted");
      assert.match(interrupted.error ?? "", /Stopped waiting for .*\(Ctrl-C\)/, "and why");

      const [recorded] = exportsInState();
      assert.equal(recorded?.id, started, "the started export is in state");
      await assertRunsOnUncancelled(p, started);

      // The rerun: once it polls the export again, the export finishes; the rerun must have waited for that.
      const cursor = await lastSeq(p);
      const rerun = driver.run("up");
      await finishOncePolled(p, started as string, cursor);
      const reran = await rerun;
      assert.ok(reran.ok, `the rerun succeeded:\n${reran.error}`);
      const [finished] = exportsInState();
      assert.equal(finished.id, started, "the rerun kept the same export");
      assert.equal(finished.outputs.state, "SUCCESSFUL", "and waited until it was done");
      assert.equal(reran.outputs?.state, "SUCCESSFUL", "the program's output says so too");
      assert.deepEqual(
        startPosts((await p.requests()).filter((r) => r.seq > since)).map((r) => r.operation),
        [started],
        "the rerun started nothing",
      );
    });
  });
}
