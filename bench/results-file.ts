import * as fs from "node:fs";
import type { Provenance } from "./machine";
import { BENCHMARK_NAMES, type BenchmarkName } from "./options";

const HEADER = `# Benchmark results

Written by \`npm run bench\` (see [docs/performance.md](../docs/performance.md) for what each figure means and how to reproduce it).
Each section says when, where and in which mode it was measured: \`--only\` replaces just its own sections.
Machines are shared and noisy, so compare the ratios against the baseline measured in the same run, not raw
numbers across runs.
`;

const begin = (name: BenchmarkName) => `<!-- bench:${name} -->`;
const end = (name: BenchmarkName) => `<!-- /bench:${name} -->`;

export interface SectionInfo {
  name: BenchmarkName;
  title: string;
  body: string;
  mode: string;
  elapsedMs: number;
  provenance: Provenance;
}

export function renderSection(s: SectionInfo): string {
  const p = s.provenance;
  return [
    begin(s.name),
    `## ${s.name}: ${s.title}`,
    "",
    `_Measured ${p.date}, ${s.mode} mode, in ${(s.elapsedMs / 1000).toFixed(0)} s; commit ${p.commit}; ${p.machine}; ` +
      `Node ${p.node}; load average at the start ${p.loadAverage}. Reproduce: \`${reproduceCommand(s.name, s.mode)}\`._`,
    "",
    s.body.trim(),
    end(s.name),
  ].join("\n");
}

/** The command that measures a section again in the same mode ("full" is the default, so no flag). */
function reproduceCommand(name: BenchmarkName, mode: string): string {
  const flags = mode
    .split(" + ")
    .filter((m) => m !== "full")
    .map((m) => ` --${m}`)
    .join("");
  return `npm run bench -- --only ${name}${flags}`;
}

/** The report with `sections` replaced and every other section kept as it was, in the canonical order. */
export function mergeResults(previous: string | undefined, sections: Map<BenchmarkName, string>): string {
  const parts = BENCHMARK_NAMES.map((name) => {
    const fresh = sections.get(name);
    if (fresh) return fresh;
    const start = previous?.indexOf(begin(name)) ?? -1;
    const stop = previous?.indexOf(end(name)) ?? -1;
    if (previous && start >= 0 && stop > start) return previous.slice(start, stop + end(name).length);
    return `${begin(name)}\n## ${name}\n\n_Not measured yet: \`npm run bench -- --only ${name}\`._\n${end(name)}`;
  });
  return `${HEADER}\n${parts.join("\n\n")}\n`;
}

export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
