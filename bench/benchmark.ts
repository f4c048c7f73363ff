import type { BenchmarkName, BenchOptions } from "./options";

/** One benchmark: runs, then returns its section of RESULTS.md (Markdown, without the heading). */
export interface Benchmark {
  name: BenchmarkName;
  title: string;
  run(options: BenchOptions, progress: (line: string) => void): Promise<string>;
}
