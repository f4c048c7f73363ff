import { runPulumi } from "../test/support/pulumi-cli";
import { type BenchStack, withExportsStack } from "./bench-stack";
import type { Benchmark } from "./benchmark";
import { table } from "./markdown";
import { formatMiB, formatMs, formatRatio, verdict } from "./stats";

const CANCEL_LATENCY_MS = 5_000;
const GOAL_FACTOR = 1.5;

interface Scenario {
  label: string;
  cancelLatencyMs: number;
  /** undefined: the CLI's default. */
  parallel: number | undefined;
}

/** The CLI's default --parallel on this machine, as its help states it. */
async function defaultParallelism(stack: BenchStack): Promise<string> {
  const help = await runPulumi(["destroy", "--help"], { cwd: stack.stack.programDir, env: stack.env });
  return /--parallel int32 .*\(default (\d+)\)/.exec(help.stdout)?.[1] ?? "unknown";
}

export const destroyScale: Benchmark = {
  name: "destroy-scale",
  title: "Destroying many in-flight exports at once",
  async run(options, progress) {
    const count = options.quick ? 4 : 100;
    return withExportsStack(["--duration-ms", String(6 * 3600_000)], count, async (stack, admin) => {
      const defaultParallel = await defaultParallelism(stack);
      const scenarios: Scenario[] = [
        { label: "baseline: cancels land at once", cancelLatencyMs: 0, parallel: undefined },
        {
          label: `cancel latency ${CANCEL_LATENCY_MS / 1000} s`,
          cancelLatencyMs: CANCEL_LATENCY_MS,
          parallel: undefined,
        },
        { label: "baseline: cancels land at once", cancelLatencyMs: 0, parallel: count },
        { label: `cancel latency ${CANCEL_LATENCY_MS / 1000} s`, cancelLatencyMs: CANCEL_LATENCY_MS, parallel: count },
      ];
      const rows: (string | number)[][] = [];
      // Per --parallel: the baseline run with the same setting.
      const baselineMs = new Map<number | undefined, number>();
      const goals: string[] = [];
      for (const scenario of scenarios) {
        progress(`${scenario.label}, --parallel ${scenario.parallel ?? `default (${defaultParallel})`}: up`);
        // The per-minute export limit would refuse most creates: the limits apply from the destroy on.
        await admin.setBehaviour({ cancelLatencyMs: scenario.cancelLatencyMs, limits: { enabled: false } });
        await stack.timed(["up", "--yes", "--non-interactive", "--skip-preview"]);
        const running = (await admin.operations()).filter((op) => !op.done).length;
        if (running !== count) throw new Error(`expected ${count} exports in flight before destroy, found ${running}`);
        await admin.setBehaviour({ limits: { enabled: true } });
        await admin.newRequests();
        progress(`${scenario.label}: destroy`);
        const destroy = await stack.timed([
          "destroy",
          "--yes",
          "--non-interactive",
          "--skip-preview",
          ...(scenario.parallel === undefined ? [] : ["--parallel", String(scenario.parallel)]),
        ]);
        const log = await admin.newRequests();
        const admins = log.filter((e) => e.endpoint && e.endpoint !== "token");
        const of = (endpoint: string) => admins.filter((e) => e.endpoint === endpoint).length;
        const leftRunning = (await admin.operations()).filter((op) => !op.done).length;
        if (leftRunning) throw new Error(`${leftRunning} exports still running after destroy`);
        if (scenario.cancelLatencyMs === 0) baselineMs.set(scenario.parallel, destroy.wallMs);
        const baseline = baselineMs.get(scenario.parallel) ?? Number.NaN;
        const overMs = destroy.wallMs - baseline;
        rows.push([
          scenario.label,
          scenario.parallel ?? `default (${defaultParallel})`,
          formatMs(destroy.wallMs),
          scenario.cancelLatencyMs ? formatMs(overMs) : "",
          scenario.cancelLatencyMs ? formatRatio(destroy.wallMs / baseline) : "",
          admins.length,
          `${of("operations.get")} / ${of("operations.cancel")}`,
          admins.filter((e) => e.status === 429).length,
          admins.filter((e) => e.status >= 400 && e.status !== 429).length,
          formatMiB(destroy.peakKib.get("dynamic provider")),
        ]);
        if (scenario.cancelLatencyMs) {
          goals.push(
            `--parallel ${scenario.parallel ?? `default (${defaultParallel})`}: ${formatMs(destroy.wallMs)} → ` +
              `${verdict(destroy.wallMs < GOAL_FACTOR * CANCEL_LATENCY_MS)} ` +
              `(without the CLI's own overhead, ${formatMs(overMs)} → ${verdict(overMs < GOAL_FACTOR * CANCEL_LATENCY_MS)})`,
          );
        }
      }
      return [
        `\`pulumi destroy --skip-preview\` of ${count} FirestoreExport resources whose exports are all in flight, ` +
          "created with the emulator's export limits off, then destroyed with them on (50 concurrent, 20 a minute; " +
          "they apply to export and import POSTs only, so a destroy should never see a 429). Each baseline destroys " +
          "the same stack with cancels that land at once, with the same --parallel: the CLI's, the program's and " +
          "the provider's own cost. `PULUMI_PARALLEL=N` in the environment sets the same default as `--parallel N`.",
        "",
        table(
          [
            "scenario",
            "--parallel",
            "destroy wall",
            "minus baseline",
            "vs baseline",
            "API requests",
            "GET / cancel",
            "429s",
            "other errors",
            "dynamic provider peak RSS",
          ],
          rows,
        ),
        "",
        `**Goal** (wall < ${GOAL_FACTOR} × ${CANCEL_LATENCY_MS / 1000} s = ${formatMs(GOAL_FACTOR * CANCEL_LATENCY_MS)}, ` +
          `i.e. the cancels wait in parallel): ${goals.join("; ")}.`,
      ].join("\n");
    });
  },
};
