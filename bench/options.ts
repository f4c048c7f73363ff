import { parseArgs } from "node:util";

/** Benchmarks in the order they run (and appear in RESULTS.md). */
export const BENCHMARK_NAMES = [
  "emulator-load",
  "emulator-request-log",
  "emulator-persistence",
  "cancel-lag",
  "stack-overhead",
  "plugin-overhead",
  "destroy-scale",
  "deadline-overshoot",
  "retry-storm",
  "quota-starts",
] as const;
export type BenchmarkName = (typeof BENCHMARK_NAMES)[number];

export interface BenchOptions {
  /** The benchmarks to run, in the canonical order. */
  selected: BenchmarkName[];
  /** Smaller sizes and fewer repetitions: a smoke run, not figures to quote. */
  quick: boolean;
  /** Adds the slow cases (cancel latency 60 s). */
  long: boolean;
  /** Write RESULTS.md (only the sections that ran are replaced). */
  write: boolean;
  /** A git revision whose build stack-overhead also measures, in the same run. */
  previous?: string;
  /** stack-overhead's stack sizes, instead of its defaults. */
  sizes?: number[];
}

export const USAGE = `Usage: npm run bench -- [options]

  --only NAME[,NAME]   run only these: ${BENCHMARK_NAMES.join(", ")}
  --quick              smaller sizes and fewer runs (a smoke run)
  --long               also the slow cases (cancel latency 60 s)
  --no-write           print the report without updating bench/RESULTS.md
  --previous REV       stack-overhead also measures the package as built at git revision REV
  --sizes N[,N]        stack-overhead's stack sizes (default 1,10,100; --quick 2)
  --help`;

export function parseBenchOptions(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: "string", multiple: true },
      quick: { type: "boolean", default: false },
      long: { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
      previous: { type: "string" },
      sizes: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const requested = (values.only ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const name of requested) {
    if (!(BENCHMARK_NAMES as readonly string[]).includes(name)) {
      throw new TypeError(`unknown benchmark "${name}"; known: ${BENCHMARK_NAMES.join(", ")}`);
    }
  }
  return {
    selected: requested.length ? BENCHMARK_NAMES.filter((n) => requested.includes(n)) : [...BENCHMARK_NAMES],
    quick: values.quick ?? false,
    long: values.long ?? false,
    write: !values["no-write"],
    ...(values.previous ? { previous: values.previous } : {}),
    ...(values.sizes ? { sizes: parseSizes(values.sizes) } : {}),
  };
}

function parseSizes(text: string): number[] {
  const sizes = text.split(",").map((part) => Number(part.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1000)) {
    throw new TypeError(`--sizes: whole numbers from 1 to 1000, separated by commas; got "${text}"`);
  }
  return sizes;
}
