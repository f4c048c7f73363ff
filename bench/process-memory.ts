import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/** Memory figures from /proc (Linux), in KiB; undefined once the process is gone or elsewhere. */
export function statusKib(pid: number, field: "VmHWM" | "VmRSS"): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Peak resident set size so far (VmHWM). */
export function peakRssKib(pid: number): number | undefined {
  return statusKib(pid, "VmHWM");
}

/** /proc/PID/stat fields after the command name (which may hold spaces and parentheses): [0] is field 3. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

let clockTicksPerSecond: number | undefined;

/** CPU time (user + system) the process has used so far, in ms. */
export function cpuMs(pid: number): number | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  // utime and stime are fields 14 and 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

/** Every live descendant of `root` (children, grandchildren, ...). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length && out.length < 10_000) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * Samples the peak RSS and the CPU time used of our own descendant processes whose command line a classifier
 * labels (e.g. the dynamic provider started by the Pulumi engine). CPU time counts from the first sample for a
 * process already running then (the emulator), from its start otherwise. Short-lived processes are caught only
 * if they live longer than the interval, and their last interval is missed; fine for processes living seconds.
 */
export class DescendantPeakSampler {
  private readonly peaks = new Map<number, { label: string; kib: number; cpuFromMs: number; cpuLastMs: number }>();
  private first = true;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly classify: (cmdline: string) => string | undefined,
    private readonly intervalMs = 100,
    private readonly root = process.pid,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /**
   * Per label: peak KiB (the largest single process), how many processes had that label, and the CPU ms they
   * used while sampled (all of them together).
   */
  stop(): Map<string, { peakKib: number; processes: number; cpuMs: number }> {
    if (this.timer) {
      clearInterval(this.timer);
      this.sample();
    }
    this.timer = undefined;
    const out = new Map<string, { peakKib: number; processes: number; cpuMs: number }>();
    for (const { label, kib, cpuFromMs, cpuLastMs } of this.peaks.values()) {
      const seen = out.get(label);
      out.set(label, {
        peakKib: Math.max(seen?.peakKib ?? 0, kib),
        processes: (seen?.processes ?? 0) + 1,
        cpuMs: (seen?.cpuMs ?? 0) + (cpuLastMs - cpuFromMs),
      });
    }
    return out;
  }

  private sample(): void {
    for (const pid of descendants(this.root)) {
      const known = this.peaks.get(pid);
      const label = known?.label ?? this.classify(cmdline(pid));
      if (label === undefined) continue;
      const kib = peakRssKib(pid);
      const cpu = cpuMs(pid);
      if (kib === undefined || cpu === undefined) continue;
      this.peaks.set(pid, {
        label,
        kib: Math.max(known?.kib ?? 0, kib),
        cpuFromMs: known?.cpuFromMs ?? (this.first ? cpu : 0),
        cpuLastMs: cpu,
      });
    }
    this.first = false;
  }
}
