import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import type { Endpoint } from "../../emulator/behaviour";
import type { RequestLogEntry } from "../../emulator/request-log";
import { createE2eStack, type E2eStack, operationResources } from "../support/e2e-stack";
import { type EmulatorProcess, spawnEmulator } from "../support/emulator-process";
import { followAdviceAfterKill } from "../support/killed-cli";
import { killProcessesIn } from "../support/orphans";
import { pulumiBinDir } from "../support/pulumi-cli";

interface EmulatedOperation {
  name: string;
  done: boolean;
  request: { outputUriPrefix?: string };
}

/** What the emulator must have answered by the kill. */
type Point = (log: RequestLogEntry[]) => boolean;

const up = ["up", "--yes", "--non-interactive", "--skip-preview"];
const destroy = ["destroy", "--yes", "--non-interactive", "--skip-preview"];
const refresh = ["refresh", "--yes", "--non-interactive", "--skip-preview"];

/**
 * Kill points run side by side, each on a stack and an emulator of its own: 2 at a time keeps a 2-core machine
 * busy without starving the polling that finds each point (FIRESTORE_OPS_KILL_POINT_CONCURRENCY overrides).
 */
const KILL_POINT_CONCURRENCY = Number(process.env.FIRESTORE_OPS_KILL_POINT_CONCURRENCY ?? 2);

const count = (log: RequestLogEntry[], endpoint: Endpoint) =>
  log.filter((r) => r.endpoint === endpoint && r.status === 200).length;

/**
 * SIGKILL the Pulumi CLI and all its plugin processes (and, once, the emulator) at chosen points of up, refresh
 * and destroy — points read from the emulator's request log, not from sleeps, each with the command held at its
 * next request so that it cannot finish before the kill lands — then do only what Pulumi's own
 * messages lead a user through (`pulumi cancel` for the lock, `pulumi refresh --clear-pending-creates` when it
 * reports pending creates) and run the command again. Nothing is cancelled by hand: after the rerun every
 * running operation must be in the stack's state, and every resource must have exactly one operation.
 */
describe("kill points: SIGKILL at each step, then the rerun Pulumi asks for", {
  concurrency: KILL_POINT_CONCURRENCY,
}, () => {
  const outcomes: string[] = [];
  after(() => {
    console.log(`kill points (operations per resource, unrecorded running operations):\n  ${outcomes.join("\n  ")}`);
  });

  /**
   * Each kill point gets a stack and an emulator (with its --data-dir) of its own, so that what one point leaves
   * behind can neither hide nor cause another's orphans, and the points can run side by side.
   */
  async function killPointStack() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kill-points-emulator-"));
    let e: E2eStack;
    try {
      e = await createE2eStack(["--data-dir", dataDir, "--duration-ms", "600000", "--cancel-latency-ms", "800"]);
    } catch (error) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
    let emulator: EmulatorProcess = e.emulator;
    const port = new URL(emulator.url).port;
    const faultsInjected = async (): Promise<number> => (await e.control("GET", "stats")).faultsInjected;
    /**
     * Starts `pulumi args`, watches the emulator's log, and SIGKILLs the CLI's process group once the point is
     * reached and the emulator holds a request of the command (so the command is still running).
     */
    async function killCliAt(args: string[], point: Point): Promise<boolean> {
      const since = (await e.requests()).at(-1)?.seq ?? 0;
      const heldBefore = await faultsInjected();
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
        if (point(log) && (await faultsInjected()) > heldBefore) {
          process.kill(-(child.pid as number), "SIGKILL");
          killed = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (!killed && child.exitCode === null) process.kill(-(child.pid as number), "SIGKILL");
      await exited;
      // The plugins run in process groups of their own: a killed CLI leaves them; a dead machine would not.
      killProcessesIn(e.stack.programDir);
      return killed;
    }

    /** What docs/troubleshooting.md asks for after a killed run (Pulumi's own messages, and an empty `.attrs`). */
    function followPulumisAdvice(): Promise<string> {
      return followAdviceAfterKill(e.stack.stateDir, async (args) => {
        const { code, stdout, stderr } = await e.stack.pulumi(args);
        return { code, output: stdout + stderr };
      });
    }

    async function rerun(args: string[]): Promise<void> {
      let last = "";
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await e.stack.pulumi(args);
        if (result.code === 0) return;
        last = result.stdout + result.stderr;
        await followPulumisAdvice();
      }
      assert.fail(`pulumi ${args.join(" ")} did not converge:\n${last}`);
    }

    async function operations(): Promise<EmulatedOperation[]> {
      return (await e.control("GET", "operations")).operations as EmulatedOperation[];
    }

    /**
     * The two counts the promise is about: running operations the state does not record (must be 0), and
     * operations started for each declared resource of this generation (must be 1 each; 0 after a destroy
     * that ran before the start).
     */
    async function counts(): Promise<{ unrecorded: string[]; perResource: Record<string, number>; running: number }> {
      const state = await e.exportState();
      const inState = new Set(operationResources(state).map((r) => r.id));
      const ops = await operations();
      const perResource: Record<string, number> = {};
      for (const resource of ["x", "y"]) {
        perResource[resource] = ops.filter((op) => op.request.outputUriPrefix === prefix(resource)).length;
      }
      assert.equal((state.deployment?.pending_operations ?? []).length, 0, "nothing pending");
      return {
        unrecorded: ops.filter((op) => !op.done && !inState.has(op.name)).map((op) => op.name),
        perResource,
        running: ops.filter((op) => !op.done).length,
      };
    }

    let generation = 0;
    const prefix = (resource: string) => `gs://bkt/${resource}-${generation}`;
    const exports = (waitFor: "started" | "done") =>
      ["x", "y"].map((name) => ({
        kind: "FirestoreExport" as const,
        name,
        args: { outputUriPrefix: prefix(name), ...(name === "x" ? { waitFor, timeouts: { create: "30s" } } : {}) },
      }));
    const declare = (waitFor: "started" | "done" = "started") => e.declare(exports(waitFor));
    /** x and y, and a bulk delete that waits for both: the command goes on after their starts. */
    const declareWithBarrier = () =>
      e.declare([
        ...exports("started"),
        {
          kind: "FirestoreBulkDelete",
          name: "barrier",
          args: { collectionIds: ["barrier"] },
          options: { dependsOn: ["x", "y"] },
        },
      ]);
    /** Preconditions, so that each command really performs the step killed. */
    const fresh = async (waitFor: "started" | "done" = "started") => {
      // A new stack has nothing to destroy; one that ran a generation destroys it first.
      if (generation > 0) await rerun(destroy);
      generation++;
      await declare(waitFor);
    };
    const deployed = async () => {
      await fresh();
      await rerun(up);
    };
    const replacing = async () => {
      await deployed();
      generation++;
      await declare();
    };
    const dispose = async () => {
      console.log(`plugin processes of the killed CLIs, now killed: ${killProcessesIn(e.stack.programDir)}`);
      await emulator.kill();
      await e.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
    const restartEmulator = async () => {
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
    };
    return {
      e,
      killCliAt,
      followPulumisAdvice,
      rerun,
      counts,
      prefix,
      fresh,
      declareWithBarrier,
      deployed,
      replacing,
      dispose,
      restartEmulator,
    };
  }
  type KillPointStack = Awaited<ReturnType<typeof killPointStack>>;

  const noFaults = { faults: { rate: 0 } };

  /**
   * The request a command is held at while it is killed: the first `after` requests to `endpoint` pass, the next
   * ones wait a minute ("slow": not acted on, as the killed client goes away; "commit-then-slow": acted on, the
   * answer held back).
   */
  interface Hold {
    endpoint: Endpoint;
    after?: number;
    kind?: "slow" | "commit-then-slow";
  }
  const holding = ({ endpoint, after = 0, kind = "slow" }: Hold) => ({
    faults: { rate: 1, kinds: [kind], endpoints: [endpoint], slowMs: 60_000, passFirst: after },
  });

  interface KillPoint {
    label: string;
    setup: (k: KillPointStack) => Promise<void>;
    args: string[];
    point: Point;
    /** Where the killed command is held (faults reset before the rerun). */
    held: Hold;
    /** The program also declares a bulk delete that depends on both exports (declareWithBarrier). */
    barrier?: true;
    /** The rerun destroys: afterwards nothing may run at all. */
    destroys?: boolean;
    /** How long operations run (default 10 minutes: they are still running when the command is killed). */
    operationDurationMs?: number;
  }

  /** Where a command is killed, and what it meets there; the command and its setup come from `killPointsOf`. */
  type Moment = Omit<KillPoint, "setup" | "args" | "destroys">;

  /** The kill points of one command: each prepared by the same setup, its label prefixed with `command`. */
  const killPointsOf = (
    command: string,
    run: Pick<KillPoint, "setup" | "args" | "destroys">,
    moments: Moment[],
  ): KillPoint[] => moments.map((moment) => ({ ...run, ...moment, label: `${command}: ${moment.label}` }));

  /** A start POST the server has acted on, its answer held back. */
  const startPostInFlight: Omit<Moment, "label"> = {
    held: { endpoint: "exportDocuments", kind: "commit-then-slow" },
    point: (log) => log.some((r) => r.endpoint === "exportDocuments" && r.fault === "commit-then-slow"),
  };

  const points: KillPoint[] = [
    ...killPointsOf("create", { setup: (k) => k.fresh(), args: up }, [
      {
        label: "after the token request",
        held: { endpoint: "exportDocuments" },
        point: (log) => count(log, "token") >= 1,
      },
      { label: "a start POST in flight (the server started it, the answer had not arrived)", ...startPostInFlight },
      {
        label: "right after the first start POST was answered",
        held: { endpoint: "exportDocuments", after: 1 },
        point: (log) => count(log, "exportDocuments") >= 1,
      },
      {
        label: "after both start POSTs, while the program goes on",
        barrier: true,
        held: { endpoint: "bulkDeleteDocuments" },
        point: (log) => count(log, "exportDocuments") >= 2,
      },
    ]),
    ...killPointsOf('create (waitFor "done")', { setup: (k) => k.fresh("done"), args: up }, [
      {
        label: "while the wait step polls",
        // Long enough to be killed while it waits, short enough for the rerun's wait to see it end.
        operationDurationMs: 8_000,
        held: { endpoint: "operations.get", after: 3 },
        point: (log) => count(log, "exportDocuments") >= 2 && count(log, "operations.get") >= 3,
      },
    ]),
    ...killPointsOf("replace", { setup: (k) => k.replacing(), args: up }, [
      {
        label: "after the old operation's cancel",
        held: { endpoint: "operations.get" },
        point: (log) => count(log, "operations.cancel") >= 1,
      },
      {
        label: "while waiting for the old one to end",
        held: { endpoint: "operations.get", after: 3 },
        point: (log) => count(log, "operations.cancel") >= 1 && count(log, "operations.get") >= 3,
      },
      { label: "the new start POST in flight", ...startPostInFlight },
      {
        label: "after the first new operation's POST",
        held: { endpoint: "exportDocuments", after: 1 },
        point: (log) => count(log, "exportDocuments") >= 1,
      },
    ]),
    ...killPointsOf("refresh", { setup: (k) => k.deployed(), args: refresh }, [
      {
        label: "after the first GET",
        held: { endpoint: "operations.get", after: 1 },
        point: (log) => count(log, "operations.get") >= 1,
      },
    ]),
    ...killPointsOf("delete", { setup: (k) => k.deployed(), args: destroy, destroys: true }, [
      {
        label: "after the cancel",
        held: { endpoint: "operations.get" },
        point: (log) => count(log, "operations.cancel") >= 1,
      },
      // Delete sends the cancel first: its first GET is the read right after the cancel.
      {
        label: "after the GET that follows the cancel",
        held: { endpoint: "operations.get", after: 1 },
        point: (log) => count(log, "operations.get") >= 1,
      },
      {
        label: "while waiting for CANCELLED",
        held: { endpoint: "operations.get", after: 4 },
        point: (log) => count(log, "operations.cancel") >= 2 && count(log, "operations.get") >= 4,
      },
    ]),
  ];

  for (const { label, setup, args, point, held, barrier, destroys, operationDurationMs = 600_000 } of points) {
    test(`CLI killed at ${label}`, async () => {
      const k = await killPointStack();
      try {
        const { e } = k;
        await e.control("PATCH", "behaviour", { operationDurationMs, ...noFaults });
        await setup(k);
        if (barrier) await k.declareWithBarrier();
        await e.control("PATCH", "behaviour", holding(held));
        const killed = await k.killCliAt(args, point);
        assert.ok(killed, `the kill point was reached, the command held at ${held.endpoint}`);
        await e.control("PATCH", "behaviour", noFaults);
        const advice = await k.followPulumisAdvice();
        await k.rerun(args);
        const { unrecorded, perResource, running } = await k.counts();
        outcomes.push(
          `${label}: x ${perResource.x}, y ${perResource.y}; unrecorded ${unrecorded.length}; after: ${advice}, then the rerun`,
        );
        assert.deepEqual(unrecorded, [], "no running operation outside the stack's state");
        assert.deepEqual(perResource, { x: 1, y: 1 }, "one operation per resource");
        if (destroys) assert.equal(running, 0, "nothing left running after destroy");
        else {
          const recorded = operationResources(await e.exportState())
            .map((r) => r.outputs.outputUriPrefix)
            .filter((prefix) => prefix !== undefined);
          assert.deepEqual(recorded.sort(), [k.prefix("x"), k.prefix("y")], "and that operation is the one in state");
        }
      } finally {
        await k.dispose();
      }
    });
  }

  test("emulator killed right after acknowledging an export, restarted from --data-dir", async () => {
    const k = await killPointStack();
    try {
      const { e } = k;
      await e.control("PATCH", "behaviour", { operationDurationMs: 600_000, ...noFaults });
      await k.fresh();
      const since = (await e.requests()).at(-1)?.seq ?? 0;
      const run = e.stack.pulumi(up);
      let acknowledged = false;
      for (let i = 0; i < 3000 && !acknowledged; i++) {
        acknowledged =
          count(
            (await e.requests()).filter((r) => r.seq > since),
            "exportDocuments",
          ) >= 1;
        if (!acknowledged) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.ok(acknowledged, "the emulator acknowledged an export before it was killed");
      await k.restartEmulator();
      const result = await run;
      if (result.code !== 0) {
        await k.followPulumisAdvice();
        await k.rerun(up);
      }
      const { unrecorded, perResource } = await k.counts();
      outcomes.push(
        `emulator killed after an export POST (first run exit ${result.code}): x ${perResource.x}, y ${perResource.y}; unrecorded ${unrecorded.length}`,
      );
      assert.deepEqual(unrecorded, []);
      assert.deepEqual(perResource, { x: 1, y: 1 });
      await k.rerun(destroy);
      assert.equal((await k.counts()).running, 0, "nothing left running after destroy");
    } finally {
      await k.dispose();
    }
  });
});
