import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { DEV_TOKEN } from "../../emulator/index";
import { createE2eStack, type E2eStack, operationResources } from "../support/e2e-stack";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import { killProcessesIn } from "../support/orphans";
import { pulumiBinDir } from "../support/pulumi-cli";
import { repoRoot } from "../support/repo";

interface LogEntry {
  seq: number;
  endpoint?: string;
  status: number;
  operation?: string;
  method: string;
}

type Point = (log: LogEntry[]) => boolean;

const count = (log: LogEntry[], endpoint: string, ok = true) =>
  log.filter((r) => r.endpoint === endpoint && (!ok || r.status === 200)).length;

/**
 * SIGKILL the Pulumi CLI (and, separately, the emulator) at chosen points of create, replace and delete — points
 * read from the emulator's request log, not from sleeps — then recover as the README says and run the command
 * again. The stack must converge with no orphan and no duplicate.
 */
describe("kill points: SIGKILL at each step, then the documented recovery", () => {
  let e: E2eStack;
  let dataDir: string;
  let port: string;
  let emulator: EmulatorProcess;
  const outcomes: string[] = [];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kill-points-emulator-"));
    e = await createE2eStack(["--data-dir", dataDir, "--duration-ms", "600000", "--cancel-latency-ms", "800"]);
    emulator = e.emulator;
    port = new URL(emulator.url).port;
  });
  after(async () => {
    console.log(`kill points:\n  ${outcomes.join("\n  ")}`);
    if (e)
      console.log(`orphaned plugin processes of the killed CLIs, now killed: ${killProcessesIn(e.stack.programDir)}`);
    await emulator?.kill();
    await e?.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts `pulumi args`, watches the emulator's log, and SIGKILLs the CLI's process group at the point. */
  async function killCliAt(args: string[], point: Point): Promise<boolean> {
    const since = (await e.requests()).at(-1)?.seq ?? 0;
    const child = spawn(path.join(pulumiBinDir(e.stack.env), "pulumi"), args, {
      cwd: e.stack.programDir,
      env: e.stack.env,
      stdio: "ignore",
      detached: true,
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 60_000;
    let killed = false;
    while (Date.now() < deadline && child.exitCode === null) {
      const log = (await e.requests()).filter((r) => r.seq > since);
      if (point(log)) {
        process.kill(-(child.pid as number), "SIGKILL");
        killed = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (!killed && child.exitCode === null) process.kill(-(child.pid as number), "SIGKILL");
    await exited;
    return killed;
  }

  /**
   * The README's recovery: release the killed run's lock (`pulumi cancel`), clear pending creates (dynamic
   * resources cannot be imported, so `--import-pending-creates` does not help), then cancel with firestore-ops
   * every running operation the stack does not record, and run the command again.
   */
  async function recover(): Promise<string> {
    const notes: string[] = [];
    const locks = path.join(e.stack.stateDir, ".pulumi", "locks");
    if (fs.existsSync(locks) && fs.readdirSync(locks, { recursive: true }).some((f) => String(f).endsWith(".json"))) {
      await e.pulumi(["cancel", "--yes", "--non-interactive"]);
      notes.push("lock released");
    }
    const pending = ((await e.exportState()).deployment?.pending_operations ?? []) as { type: string }[];
    for (const item of pending.filter((p) => p.type !== "creating"))
      notes.push(`pending ${item.type} left to the next run`);
    const creates = pending.filter((p) => p.type === "creating").length;
    if (creates) {
      await e.pulumi(["refresh", "--yes", "--non-interactive", "--skip-preview", "--clear-pending-creates"]);
      notes.push(`${creates} pending create(s) cleared`);
    }
    // A create in flight when the CLI died is not always journaled as pending: any running operation that the
    // stack does not record is a leftover of the killed run. Cancel it and wait, with firestore-ops.
    const recorded = new Set(operationResources(await e.exportState()).map((r) => r.id));
    const all = (await e.control("GET", "operations")).operations as { name: string; done: boolean }[];
    for (const leftover of all.filter((op) => !op.done && !recorded.has(op.name))) {
      const cancel = spawnSync(
        process.execPath,
        [
          path.join(repoRoot(), "dist/cli/main.js"),
          "cancel",
          leftover.name,
          "--wait",
          "--endpoint",
          `${e.emulator.url}/v1/`,
        ],
        { encoding: "utf8", env: { ...process.env, GOOGLE_OAUTH_ACCESS_TOKEN: DEV_TOKEN } },
      );
      assert.equal(cancel.status, 0, cancel.stdout + cancel.stderr);
      notes.push("leftover cancelled with firestore-ops");
    }
    return notes.join(", ") || "nothing pending";
  }

  async function rerun(args: string[]): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await e.stack.pulumi(args);
      if (result.code === 0) return;
      await recover();
    }
    assert.fail(`pulumi ${args.join(" ")} did not converge`);
  }

  /** No operation running outside the state; at most one operation per resource name and prefix generation. */
  async function assertConverged(label: string): Promise<void> {
    const state = await e.exportState();
    const inState = new Set(operationResources(state).map((r) => r.id));
    const ops = (await e.control("GET", "operations")).operations as {
      name: string;
      done: boolean;
      request: { outputUriPrefix?: string };
    }[];
    const orphans = ops.filter((op) => !op.done && !inState.has(op.name));
    assert.deepEqual(
      orphans.map((o) => o.name),
      [],
      `${label}: no orphan`,
    );
    const live = ops.filter((op) => !op.done);
    const prefixes = live.map((op) => op.request.outputUriPrefix);
    assert.equal(new Set(prefixes).size, prefixes.length, `${label}: no duplicate running for one resource`);
    assert.equal((state.deployment?.pending_operations ?? []).length, 0, `${label}: nothing pending`);
  }

  const declare = (generation: number, waitFor: "started" | "done" = "started") =>
    e.declare([
      {
        kind: "FirestoreExport",
        name: "x",
        args: { outputUriPrefix: `gs://bkt/x-${generation}`, waitFor, timeouts: { create: "20s" } },
      },
      { kind: "FirestoreExport", name: "y", args: { outputUriPrefix: "gs://bkt/y" } },
    ]);

  const up = ["up", "--yes", "--non-interactive", "--skip-preview"];
  const destroy = ["destroy", "--yes", "--non-interactive", "--skip-preview"];
  const refresh = ["refresh", "--yes", "--non-interactive", "--skip-preview"];
  let generation = 0;
  /** Preconditions, so that each command really performs the step killed. */
  const fresh = async (waitFor: "started" | "done" = "started") => {
    await rerun(destroy);
    await declare(++generation, waitFor);
  };
  const deployed = async () => {
    await fresh();
    await rerun(up);
  };
  const replacing = async () => {
    await deployed();
    await declare(++generation);
  };

  const cliPoints: { label: string; setup: () => Promise<void>; args: string[]; point: Point; waitFor?: "done" }[] = [
    { label: "create: after the token request", setup: fresh, args: up, point: (log) => count(log, "token") >= 1 },
    {
      label: "create: right after the first export POST was acknowledged",
      setup: fresh,
      args: up,
      point: (log) => count(log, "exportDocuments") >= 1,
    },
    { label: "create: after both POSTs", setup: fresh, args: up, point: (log) => count(log, "exportDocuments") >= 2 },
    {
      label: "create (waitFor done): while polling",
      setup: () => fresh("done"),
      args: up,
      point: (log) => count(log, "operations.get") >= 2,
      waitFor: "done",
    },
    {
      label: "replace: after the old operation's cancel",
      setup: replacing,
      args: up,
      point: (log) => count(log, "operations.cancel") >= 1,
    },
    {
      label: "replace: while waiting for the old one to end",
      setup: replacing,
      args: up,
      point: (log) => count(log, "operations.cancel") >= 1 && count(log, "operations.get") >= 3,
    },
    {
      label: "replace: after the new operation's POST",
      setup: replacing,
      args: up,
      point: (log) => count(log, "exportDocuments") >= 1,
    },
    {
      label: "refresh: after a GET",
      setup: deployed,
      args: refresh,
      point: (log) => count(log, "operations.get") >= 1,
    },
    {
      label: "delete: after the cancel",
      setup: deployed,
      args: destroy,
      point: (log) => count(log, "operations.cancel") >= 1,
    },
    {
      // Delete sends the cancel first: its first GET is the read right after the cancel.
      label: "delete: after the GET that follows the cancel",
      setup: deployed,
      args: destroy,
      point: (log) => count(log, "operations.get") >= 1,
    },
    {
      label: "delete: while waiting for CANCELLED",
      setup: deployed,
      args: destroy,
      point: (log) => count(log, "operations.cancel") >= 1 && count(log, "operations.get") >= 3,
    },
  ];

  for (const { label, setup, args, point, waitFor } of cliPoints) {
    test(`CLI killed at ${label}`, async () => {
      // A waited-for create must be able to finish once the command runs again.
      await e.control("PATCH", "behaviour", { operationDurationMs: waitFor === "done" ? 3_000 : 600_000 });
      await setup();
      const killed = await killCliAt(args, point);
      const recovery = await recover();
      await rerun(args);
      await assertConverged(label);
      outcomes.push(`${label}: ${killed ? "killed" : "finished before the point"}; recovery: ${recovery}`);
      assert.ok(killed, "the kill point was reached");
    });
  }

  test("emulator killed right after acknowledging an export, restarted from --data-dir", async () => {
    await fresh();
    const since = (await e.requests()).at(-1)?.seq ?? 0;
    const run = e.stack.pulumi(up);
    for (let i = 0; i < 3000; i++) {
      const log = (await e.requests()).filter((r) => r.seq > since);
      if (count(log, "exportDocuments") >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await emulator.kill("SIGKILL");
    emulator = await spawnEmulator([
      "--port",
      port,
      "--auth",
      "oauth",
      "--data-dir",
      dataDir,
      "--duration-ms",
      "600000",
      "--cancel-latency-ms",
      "800",
    ]);
    Object.assign(e.emulator, emulator);
    const result = await run;
    if (result.code !== 0) {
      await recover();
      await rerun(up);
    }
    await assertConverged("emulator killed after an export POST");
    await rerun(destroy);
    await assertConverged("destroy after the emulator restart");
    outcomes.push(`emulator killed after an export POST: first run exit ${result.code}`);
  });
});
