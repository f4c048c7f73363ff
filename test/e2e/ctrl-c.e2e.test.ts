import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { createE2eStack, type E2eStack, operationResources, waitSteps } from "../support/e2e-stack";
import { finishOncePolled } from "../support/emulator-client";
import { followAdviceAfterKill } from "../support/killed-cli";
import { killProcessesIn } from "../support/orphans";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ctrl-C during a `waitFor: "done"` wait, typed into a real terminal (tmux): the terminal's SIGINT reaches the
 * Pulumi CLI, never the dynamic provider (its own process group). The first Ctrl-C makes the engine wait for the
 * steps in flight; the second terminates it, and the engine kills the provider. Either way the operation is
 * recorded once, and the next `pulumi up` finishes the job.
 */
describe("Ctrl-C in a terminal during a wait", { concurrency: true }, () => {
  /** A stack and a tmux server of its own for each test, so the tests are independent and run side by side. */
  async function terminalStack(name: string) {
    // Operations run for minutes: each ends when the test finishes it, never before the test acts.
    const e = await createE2eStack(["--duration-ms", "600000"]);
    const socket = `firestore-ops-ctrl-c-${process.pid}-${name}`;
    const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
    const screen = () => tmux("capture-pane", "-p", "-J", "-t", "ctrl-c", "-S", "-200");
    const dispose = async () => {
      try {
        tmux("kill-server");
      } catch {
        // no session left
      }
      await e.dispose();
    };
    return { e, tmux, screen, dispose };
  }
  type TerminalStack = Awaited<ReturnType<typeof terminalStack>>;

  /**
   * Runs `pulumi up` in a tmux pane with the stack's environment and presses Ctrl-C `presses` times during the
   * wait; with `finishAfterPresses`, the export then ends (the test finishes it), for a wait that goes on.
   * Resolves with the exit code once `pulumi up` ends.
   */
  async function upInTerminal(
    { e, tmux, screen }: TerminalStack,
    generation: number,
    presses: number,
    { finishAfterPresses = false } = {},
  ): Promise<{ code: number; during: string; screen: string }> {
    await e.declare([
      {
        kind: "FirestoreExport",
        name: "x",
        args: { outputUriPrefix: `gs://bkt/ctrl-c-${generation}`, waitFor: "done" },
      },
    ]);
    const dir = path.dirname(e.stack.programDir);
    const exitFile = path.join(dir, `exit-${generation}`);
    const script = path.join(dir, `up-${generation}.sh`);
    const exports = Object.entries(e.stack.env)
      .filter(([key, value]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && value !== undefined)
      .map(([key, value]) => `export ${key}=${shellQuote(value as string)}`);
    fs.writeFileSync(
      script,
      `${exports.join("\n")}\ncd ${shellQuote(e.stack.programDir)}\npulumi up --yes --skip-preview\necho $? > ${shellQuote(exitFile)}\n# Keep the pane (and its screen) whatever Ctrl-C arrives after pulumi ended.\ntrap "" INT\nsleep 600\n`,
    );
    const since = (await e.requests()).at(-1)?.seq ?? 0;
    tmux("new-session", "-d", "-s", "ctrl-c", "-x", "300", "-y", "60", `bash ${shellQuote(script)}`);
    try {
      // Press only once the wait step is polling: the operation started and the start step returned.
      let waiting = false;
      let started: string | undefined;
      for (let i = 0; i < 1200 && !waiting; i++) {
        const log = (await e.requests()).filter((r) => r.seq > since);
        // The wait step's own polls of the new operation (a replace also reads the old one, in diff).
        started = log.find((r) => r.endpoint === "exportDocuments" && r.status === 200)?.operation;
        waiting =
          started !== undefined &&
          log.filter((r) => r.endpoint === "operations.get" && r.operation === started).length >= 2;
        if (!waiting) await sleep(50);
      }
      assert.ok(waiting, "the wait step was polling when Ctrl-C was pressed");
      let during = "";
      for (let press = 0; press < presses; press++) {
        tmux("send-keys", "-t", "ctrl-c", "C-c");
        await sleep(1_500);
        if (press === 0) {
          // On a busy machine the answer can take longer than 1.5 s to show: give it up to 10 s more (the
          // assertions still read this screen).
          for (let i = 0; i < 100 && !/Ctrl-C cannot stop this wait/.test(screen()); i++) await sleep(100);
          during = screen();
        }
      }
      if (finishAfterPresses) {
        const finished = await e.control("POST", `${started}:finish`, { state: "SUCCESSFUL" });
        assert.equal(finished.state, "SUCCESSFUL", `the emulator finished the export: ${JSON.stringify(finished)}`);
      }
      for (let i = 0; i < 1200 && !fs.existsSync(exitFile); i++) await sleep(100);
      assert.ok(fs.existsSync(exitFile), `pulumi up ended:\n${screen()}`);
      return { code: Number(fs.readFileSync(exitFile, "utf8").trim()), during, screen: screen() };
    } finally {
      try {
        tmux("kill-session", "-t", "ctrl-c");
      } catch {
        // the session is gone already
      }
      killProcessesIn(e.stack.programDir); // a terminated engine leaves its plugins, as on a user's machine
    }
  }

  async function exportsFor(e: E2eStack, generation: number): Promise<{ name: string; done: boolean }[]> {
    const ops = (await e.control("GET", "operations")).operations as {
      name: string;
      done: boolean;
      request: { outputUriPrefix?: string };
    }[];
    return ops.filter((op) => op.request.outputUriPrefix === `gs://bkt/ctrl-c-${generation}`);
  }

  test("the first Ctrl-C: the wait goes on to the end, the hint says why, and the operation is in state once", async () => {
    const terminal = await terminalStack("first");
    const { e } = terminal;
    try {
      const { code, during, screen: shown } = await upInTerminal(terminal, 1, 1, { finishAfterPresses: true });
      assert.match(during, /\^C received; cancelling/, `the CLI received the Ctrl-C:\n${during}`);
      assert.match(
        during,
        /Ctrl-C cannot stop this wait; a second Ctrl-C is safe/,
        `the hint was on screen:\n${during}`,
      );
      assert.match(shown, /finished: SUCCESSFUL/, "the wait went on until the operation finished");
      assert.notEqual(code, 0, "the update reports that it was cancelled");
      const ops = await exportsFor(e, 1);
      assert.equal(ops.length, 1, "one operation");
      const state = await e.exportState();
      assert.deepEqual(
        operationResources(state).map((r) => r.id),
        ops.map((op) => op.name),
        "and it is in state",
      );
      assert.equal(waitSteps(state)[0]?.outputs.state, "SUCCESSFUL", "the wait step finished and was recorded");
      await e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview", "--expect-no-changes"]);
    } finally {
      await terminal.dispose();
    }
  });

  test("the second Ctrl-C terminates; the operation stays recorded and the next up waits for it again", async () => {
    const terminal = await terminalStack("second");
    const { e } = terminal;
    try {
      const { code, screen: shown } = await upInTerminal(terminal, 2, 2);
      assert.match(shown, /\^C received; terminating/, `the CLI terminated:\n${shown}`);
      assert.notEqual(code, 0);
      const [op] = await exportsFor(e, 2);
      assert.ok(op && !op.done, "the export runs on");
      const stateAfterKill = await e.exportState();
      assert.deepEqual(
        operationResources(stateAfterKill).map((r) => r.id),
        [op.name],
        "the start step was checkpointed before the wait",
      );
      // What the troubleshooting page asks for after a terminated run.
      await followAdviceAfterKill(e.stack.stateDir, async (args) => {
        const { code, stdout, stderr } = await e.stack.pulumi(args);
        return { code, output: stdout + stderr };
      });
      const cursor = (await e.requests()).at(-1)?.seq ?? 0;
      const rerun = e.pulumi(["up", "--yes", "--non-interactive", "--skip-preview"]);
      await finishOncePolled(e, op.name, cursor);
      const up = await rerun;
      assert.match(up.stdout, /finished: SUCCESSFUL/, "the rerun waited for the same operation");
      const ops = await exportsFor(e, 2);
      assert.deepEqual(
        ops.map((o) => o.name),
        [op.name],
        "no second operation",
      );
      assert.equal(waitSteps(await e.exportState())[0]?.outputs.state, "SUCCESSFUL");
    } finally {
      await terminal.dispose();
    }
  });
});

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}
