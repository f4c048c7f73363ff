import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { repoRoot } from "./repo";

/** The emulator's real CLI in a process of its own, as users run it. */
export interface EmulatorProcess {
  url: string;
  child: ChildProcess;
  /** Output the emulator printed, for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `cli`: the emulator's script, by default the repo's build (an installed package's bin, to test what users get). */
export async function spawnEmulator(
  args: string[],
  cli = path.join(repoRoot(), "dist/emulator/cli.js"),
): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [cli, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^Firestore Admin emulator listening on (http:\/\/\S+)$/m.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.once("exit", (code) => reject(new Error(`emulator exited early (${code}): ${out}`)));
  });
  let killed = false;
  // A test then fails on a refused or dropped connection: this says why, where the emulator's output is kept.
  child.once("exit", (code, signal) => {
    if (!killed) console.error(`emulator at ${url} exited unasked (${signal ?? code}); its output:\n${out}`);
  });
  return {
    url,
    child,
    output: () => out,
    kill: (signal = "SIGKILL") =>
      new Promise((resolve) => {
        killed = true;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}
