import * as fs from "node:fs";

/**
 * SIGKILLs every process whose working directory is `dir` and returns how many. A SIGKILLed Pulumi CLI
 * leaves its plugins (language host, dynamic provider host) running, in process groups of their own, waiting
 * for an engine that is gone; they run in the program's folder, which is how we find them. Linux only
 * (/proc); elsewhere it does nothing.
 */
export function killProcessesIn(dir: string): number {
  let target: string;
  let pids: string[];
  try {
    target = fs.realpathSync(dir);
    pids = fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return 0;
  }
  let killed = 0;
  for (const pid of pids) {
    try {
      if (Number(pid) === process.pid || fs.readlinkSync(`/proc/${pid}/cwd`) !== target) continue;
      process.kill(Number(pid), "SIGKILL");
      killed++;
    } catch {
      // Gone already, or not ours to inspect.
    }
  }
  return killed;
}
