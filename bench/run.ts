/** `npm run bench`: runs the selected benchmarks, updates bench/RESULTS.md and prints what it measured. */
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../test/support/repo";
import type { Benchmark } from "./benchmark";
import { cancelLag } from "./cancel-lag";
import { deadlineOvershoot } from "./deadline-overshoot";
import { destroyScale } from "./destroy-scale";
import { emulatorLoad } from "./emulator-load";
import { emulatorPersistence } from "./emulator-persistence";
import { emulatorRequestLog } from "./emulator-request-log";
import { provenance } from "./machine";
import { type BenchmarkName, parseBenchOptions, USAGE } from "./options";
import { pluginOverhead } from "./plugin-overhead";
import { quotaStarts } from "./quota-starts";
import { mergeResults, readIfExists, renderSection } from "./results-file";
import { retryStorm } from "./retry-storm";
import { stackOverhead } from "./stack-overhead";

const BENCHMARKS: Record<BenchmarkName, Benchmark> = {
  "emulator-load": emulatorLoad,
  "emulator-request-log": emulatorRequestLog,
  "emulator-persistence": emulatorPersistence,
  "cancel-lag": cancelLag,
  "stack-overhead": stackOverhead,
  "plugin-overhead": pluginOverhead,
  "destroy-scale": destroyScale,
  "deadline-overshoot": deadlineOvershoot,
  "retry-storm": retryStorm,
  "quota-starts": quotaStarts,
};

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  const mode = [options.quick ? "quick" : "full", ...(options.long ? ["long"] : [])].join(" + ");
  const sections = new Map<BenchmarkName, string>();
  let failed = 0;
  for (const name of options.selected) {
    const benchmark = BENCHMARKS[name];
    const started = Date.now();
    const progress = (line: string) =>
      console.error(`[bench ${name} +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
    const measuredAt = provenance();
    let body: string;
    try {
      progress("start");
      body = await benchmark.run(options, progress);
    } catch (error) {
      failed++;
      body = `**The benchmark failed**:\n\n\`\`\`\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\`\`\``;
      progress(`failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    sections.set(
      name,
      renderSection({
        name,
        title: benchmark.title,
        body,
        mode,
        elapsedMs: Date.now() - started,
        provenance: measuredAt,
      }),
    );
    progress("done");
  }
  if (options.write) {
    const file = path.join(repoRoot(), "bench", "RESULTS.md");
    fs.writeFileSync(file, mergeResults(readIfExists(file), sections));
    console.error(`[bench] updated ${path.relative(process.cwd(), file)}`);
  }
  console.log([...sections.values()].join("\n\n"));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
