/**
 * A program of another language run as an Automation API inline program (programs/python/driver.py,
 * programs/go/main.go): one long-lived process per stack that takes a command per line on stdin and answers each
 * with one JSON line on stdout, so that the interpreter, the SDK and the stack selection are paid for once, not per
 * command. The Automation API runs the Pulumi CLI as its child process; `cliProcess` finds it, to signal it alone
 * as a terminal's Ctrl-C reaches the CLI.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createInterface } from "node:readline";

export type DriverCommand = "preview" | "up" | "refresh" | "destroy";

export interface DriverReply {
  command: DriverCommand;
  ok: boolean;
  /** The CLI's stdout (on success). */
  stdout?: string;
  /** The stack's outputs after an `up`. */
  outputs?: Record<string, unknown>;
  /** The CLI's failure, with its exit code, stdout and stderr (on failure). */
  error?: string;
}

export interface DriverLaunch {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface AutomationDriver {
  readonly pid: number;
  /** Runs one command; resolves with its reply (a failed CLI run is a reply with `ok: false`, not a rejection). */
  run(command: DriverCommand): Promise<DriverReply>;
  /** Like `run`, but throws with the whole output unless the command succeeded. */
  expectOk(command: DriverCommand): Promise<DriverReply>;
  /** Everything the driver wrote to stderr so far: the CLI's progress output as it came. */
  stderr(): string;
  /** Ends the driver (stdin closed, then SIGKILL if it lingers). */
  close(): Promise<void>;
}

export function startDriver(launch: DriverLaunch): AutomationDriver {
  const child: ChildProcessWithoutNullStreams = spawn(launch.command, launch.args, {
    cwd: launch.cwd,
    env: launch.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const onParentExit = () => child.kill("SIGKILL");
  process.once("exit", onParentExit);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const replies: DriverReply[] = [];
  let waiting: ((reply: DriverReply) => void) | undefined;
  createInterface({ input: child.stdout }).on("line", (line) => {
    const reply = JSON.parse(line) as DriverReply;
    if (waiting) {
      const resolve = waiting;
      waiting = undefined;
      resolve(reply);
    } else replies.push(reply);
  });
  if (child.pid === undefined) throw new Error(`could not start ${launch.command}`);
  const pid = child.pid;

  const run = (command: DriverCommand): Promise<DriverReply> => {
    if (waiting) throw new Error("one command at a time");
    const queued = replies.shift();
    if (queued) throw new Error(`an unexpected reply: ${JSON.stringify(queued)}`);
    const reply = new Promise<DriverReply>((resolve, reject) => {
      waiting = resolve;
      exited.then((code) => reject(new Error(`the driver exited (${code}) during ${command}:\n${stderr}`)));
    });
    child.stdin.write(`${JSON.stringify({ command })}\n`);
    return reply;
  };
  return {
    pid,
    run,
    expectOk: async (command) => {
      const reply = await run(command);
      if (!reply.ok) throw new Error(`${command} failed:\n${reply.error}\n--- driver stderr\n${stderr}`);
      return reply;
    },
    stderr: () => stderr,
    close: async () => {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      process.removeListener("exit", onParentExit);
    },
  };
}

/** A process as /proc/<pid>/stat gives it: its command name (truncated to 15 characters) and its parent. */
interface ProcessEntry {
  pid: number;
  ppid: number;
  name: string;
  state: string;
}

function readProcess(pid: number): ProcessEntry | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // gone
  }
  // "<pid> (<name>) <state> <ppid> ...": the name may hold spaces and parentheses, so split at the last ")".
  const close = stat.lastIndexOf(")");
  const [state, ppid] = stat.slice(close + 2).split(" ");
  return { pid, ppid: Number(ppid), name: stat.slice(stat.indexOf("(") + 1, close), state: state ?? "" };
}

/** The live `pulumi` processes whose parent is `parent` (the Automation API's CLI runs; Linux's /proc). */
export function cliProcesses(parent: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((p): p is ProcessEntry => p !== undefined && p.ppid === parent && p.name === "pulumi" && p.state !== "Z")
    .map((p) => p.pid);
}

/** Whether the process still runs (a zombie, ended but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  const entry = readProcess(pid);
  return entry !== undefined && entry.state !== "Z";
}
