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

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
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
 * Samples the peak RSS of our own descendant processes whose command line a classifier labels (e.g. the
 * dynamic provider started by the Pulumi engine). Short-lived processes are caught only if they live
 * longer than the interval, and growth in their last interval is missed; fine for processes living seconds.
 */
export class DescendantPeakSampler {
  private readonly peaks = new Map<number, { label: string; kib: number }>();
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

  /** Peak KiB per label (the largest single process), and how many processes had that label. */
  stop(): Map<string, { peakKib: number; processes: number }> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const out = new Map<string, { peakKib: number; processes: number }>();
    for (const { label, kib } of this.peaks.values()) {
      const seen = out.get(label);
      out.set(label, { peakKib: Math.max(seen?.peakKib ?? 0, kib), processes: (seen?.processes ?? 0) + 1 });
    }
    return out;
  }

  private sample(): void {
    for (const pid of descendants(this.root)) {
      const known = this.peaks.get(pid);
      const label = known?.label ?? this.classify(cmdline(pid));
      if (label === undefined) continue;
      const kib = peakRssKib(pid);
      if (kib !== undefined) this.peaks.set(pid, { label, kib: Math.max(known?.kib ?? 0, kib) });
    }
  }
}
