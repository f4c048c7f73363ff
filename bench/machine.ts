import { execFileSync } from "node:child_process";
import * as os from "node:os";
import { repoRoot } from "../test/support/repo";

/** Where and when figures were measured: benchmark numbers mean little without it. */
export interface Provenance {
  date: string;
  machine: string;
  node: string;
  commit: string;
  loadAverage: string;
}

export function provenance(): Provenance {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim().replace(/\s+/g, " ") ?? "unknown CPU";
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: `${os.hostname()}: ${cpus.length} × ${model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}`,
    node: process.version,
    commit: gitCommit(),
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

function gitCommit(): string {
  try {
    const git = (args: string[]) => execFileSync("git", args, { cwd: repoRoot(), encoding: "utf8" }).trim();
    const sha = git(["rev-parse", "--short", "HEAD"]);
    // Others edit the tree while benchmarks run: say so rather than pretend the commit is what ran.
    return git(["status", "--porcelain"]) ? `${sha} + uncommitted changes` : sha;
  } catch {
    return "unknown (not a git checkout)";
  }
}
