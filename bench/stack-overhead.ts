import { LONG_OPERATIONS_PROMPT_CANCELS, withBenchEmulator } from "./bench-emulator";
import { type BenchStack, createBenchStack, type TimedCommand } from "./bench-stack";
import type { Benchmark } from "./benchmark";
import { table } from "./markdown";
import { buildPreviousPackage } from "./previous-build";
import { formatBytes, formatMiB, formatMs, formatRatio, median, verdict } from "./stats";

const GOAL_RATIO = 1.15;
const UP = ["up", "--yes", "--non-interactive", "--skip-preview"];
const DESTROY = ["destroy", "--yes", "--non-interactive", "--skip-preview"];

interface Cycle {
  up: TimedCommand;
  destroy: TimedCommand;
}

/**
 * Bytes of `__provider` and of the whole resource, averaged per declared resource: the state entries of all the
 * given types (a FirestoreExport is a component and its start step) over the count of the first type.
 */
// biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
function sizePerResource(state: any, types: string[]): { provider: number; resource: number; count: number } {
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  const resources = (state.deployment?.resources ?? []).filter((r: any) => types.includes(String(r.type)));
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  const count = resources.filter((r: any) => r.type === types[0]).length;
  const bytes = (value: unknown) => Buffer.byteLength(typeof value === "string" ? value : JSON.stringify(value ?? ""));
  const total = (f: (r: unknown) => number) => resources.reduce((sum: number, r: unknown) => sum + f(r), 0);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
    provider: count ? total((r: any) => (r.inputs?.__provider ? bytes(r.inputs.__provider) : 0)) / count : 0,
    resource: count ? total((r) => bytes(r)) / count : 0,
    count,
  };
}

async function cycle(stack: BenchStack, count: number): Promise<Cycle> {
  await stack.setCount(count);
  const up = await stack.timed(UP);
  const destroy = await stack.timed(DESTROY);
  return { up, destroy };
}

const upOf = (c: Cycle) => c.up.wallMs;
const destroyOf = (c: Cycle) => c.destroy.wallMs;
const totalOf = (c: Cycle) => c.up.wallMs + c.destroy.wallMs;
const med = (cycles: Cycle[], f: (c: Cycle) => number) => median(cycles.map(f));

/** A table row: up, destroy and both, medians. */
function timesRow(label: string, cycles: Cycle[]): string[] {
  return [label, formatMs(med(cycles, upOf)), formatMs(med(cycles, destroyOf)), formatMs(med(cycles, totalOf))];
}

/** A table row: the ratios of two stacks' medians, for up, destroy and both. */
function ratioRow(label: string, over: Cycle[], under: Cycle[]): string[] {
  const ratio = (f: (c: Cycle) => number) => formatRatio(med(over, f) / med(under, f));
  return [label, ratio(upOf), ratio(destroyOf), `**${ratio(totalOf)}**`];
}

// The types users' state holds (as a user's tools read them: bench/ measures the package from outside).
const EXPORT_TYPE = "pulumi-nodejs:dynamic/firestore-operations:FirestoreExport";
const STACK_INSTANCE_TYPE = "pulumi-nodejs:dynamic/firestore-operations:StackInstance";

/** One FirestoreExport's inputs and outputs as the state holds them (without `__provider`), from a real deploy. */
async function stateTemplate(exports: BenchStack): Promise<string> {
  await exports.setCount(1);
  await exports.timed(UP);
  const state = await exports.exportState();
  await exports.timed(DESTROY);
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  const entry = state.deployment.resources.find((r: any) => r.type === EXPORT_TYPE);
  if (!entry) throw new Error("no FirestoreExport in the state");
  const strip = ({ __provider, ...rest }: Record<string, unknown>) => rest;
  return JSON.stringify({ inputs: strip(entry.inputs), outputs: strip(entry.outputs) }, null, 2);
}

export const stackOverhead: Benchmark = {
  name: "stack-overhead",
  title: "pulumi up + destroy through the real CLI: FirestoreExport vs a no-op dynamic resource",
  async run(options, progress) {
    const sizes = options.sizes ?? (options.quick ? [2] : [1, 10, 100]);
    const repetitions = options.quick ? 1 : 3;
    return withBenchEmulator(LONG_OPERATIONS_PROMPT_CANCELS, async (emulator) => {
      const stacks: BenchStack[] = [];
      const previousBuild = options.previous ? buildPreviousPackage(options.previous) : undefined;
      try {
        const { admin } = emulator;
        const noop = await createBenchStack("noop");
        stacks.push(noop);
        const exports = await createBenchStack("exports", emulator);
        stacks.push(exports);
        const previous = previousBuild ? await createBenchStack("exports", emulator, {}, previousBuild.dir) : undefined;
        if (previous) stacks.push(previous);
        progress("a FirestoreExport's state, as the template of the shaped no-ops");
        const template = { "template.json": await stateTemplate(exports) };
        const shaped = await createBenchStack("shaped", undefined, template);
        stacks.push(shaped);
        const graph = await createBenchStack("graph", undefined, template);
        stacks.push(graph);

        const rows: (string | number)[][] = [];
        const goals: string[] = [];
        let sizeRows: (string | number)[][] = [];
        let shapeRows: (string | number)[][] = [];
        let cpuRows: (string | number)[][] = [];
        for (const count of sizes) {
          const runs = { noop: [] as Cycle[], exports: [] as Cycle[], previous: [] as Cycle[] };
          const requestsPerResource: number[] = [];
          const order: ("noop" | "exports" | "previous")[] = previous
            ? ["noop", "exports", "previous"]
            : ["noop", "exports"];
          for (let rep = 0; rep < repetitions; rep++) {
            // Alternate which stack goes first, so none always runs on a cooler (or hotter) machine.
            for (const which of rep % 2 ? [...order].reverse() : order) {
              progress(`N=${count}, repetition ${rep + 1}/${repetitions}: ${which}`);
              if (which === "exports") await admin.newRequests();
              const stack = which === "noop" ? noop : which === "exports" ? exports : (previous as BenchStack);
              runs[which].push(await cycle(stack, count));
              if (which === "exports") {
                const log = await admin.newRequests();
                requestsPerResource.push(log.filter((e) => e.endpoint && e.endpoint !== "token").length / count);
                const stillRunning = (await admin.operations()).filter((op) => !op.done).length;
                if (stillRunning) throw new Error(`${stillRunning} exports still running after destroy`);
              }
            }
          }
          if (count === sizes[sizes.length - 1]) {
            // Deploy once more, untimed, to measure what a resource costs in state.
            progress(`N=${count}: state sizes`);
            const sizesOf = async (stack: BenchStack, types: string[]) => {
              await stack.setCount(count);
              await stack.timed(UP);
              const size = sizePerResource(await stack.exportState(), types);
              await stack.timed(DESTROY);
              return size;
            };
            const noopSize = await sizesOf(noop, ["pulumi-nodejs:dynamic/bench:Noop"]);
            const shapedSize = await sizesOf(shaped, ["pulumi-nodejs:dynamic/bench:Shaped"]);
            const graphSize = await sizesOf(graph, [
              "pulumi-nodejs:dynamic/bench:Shaped",
              "bench:index:Graph",
              "pulumi-nodejs:dynamic/bench:StackInstance",
            ]);
            const exportSize = await sizesOf(exports, [
              EXPORT_TYPE,
              "firestore-operations:index:FirestoreExport",
              STACK_INSTANCE_TYPE,
            ]);
            const shapedRuns: Cycle[] = [];
            const graphRuns: Cycle[] = [];
            for (let rep = 0; rep < repetitions; rep++) {
              for (const [label, stack, into] of [
                ["shaped no-op", shaped, shapedRuns],
                ["shaped no-op in the resource graph", graph, graphRuns],
              ] as const) {
                progress(`N=${count}, repetition ${rep + 1}/${repetitions}: ${label}`);
                into.push(await cycle(stack, count));
              }
            }
            const roles = ["engine", "language host", "program", "dynamic provider", "emulator"];
            const cpuOf = (c: Cycle, role: string) => (c.up.cpuMs.get(role) ?? 0) + (c.destroy.cpuMs.get(role) ?? 0);
            const cpuRow = (label: string, cycles: Cycle[]) => [
              label,
              ...roles.map((role) => formatMs(median(cycles.map((c) => cpuOf(c, role))))),
              formatMs(median(cycles.map((c) => roles.reduce((sum, role) => sum + cpuOf(c, role), 0)))),
            ];
            cpuRows = [
              cpuRow("no-op", runs.noop),
              cpuRow("no-op shaped like FirestoreExport", shapedRuns),
              cpuRow("the same in FirestoreExport's resource graph", graphRuns),
              cpuRow("FirestoreExport", runs.exports),
            ];
            shapeRows = [
              timesRow("no-op", runs.noop),
              timesRow("no-op shaped like FirestoreExport", shapedRuns),
              timesRow("the same in FirestoreExport's resource graph", graphRuns),
              timesRow("FirestoreExport", runs.exports),
              ratioRow("**shaped / no-op**: what the inputs and outputs cost Pulumi", shapedRuns, runs.noop),
              ratioRow(
                "**graph / shaped**: what the component and the StackInstance cost Pulumi",
                graphRuns,
                shapedRuns,
              ),
              ratioRow("**FirestoreExport / graph**: what our provider's work costs", runs.exports, graphRuns),
            ];
            sizeRows = [
              [
                "no-op dynamic resource",
                noopSize.count,
                formatBytes(noopSize.provider),
                formatBytes(noopSize.resource),
              ],
              [
                "no-op shaped like FirestoreExport",
                shapedSize.count,
                formatBytes(shapedSize.provider),
                formatBytes(shapedSize.resource),
              ],
              [
                "the same in FirestoreExport's resource graph",
                graphSize.count,
                formatBytes(graphSize.provider),
                formatBytes(graphSize.resource),
              ],
              ["FirestoreExport", exportSize.count, formatBytes(exportSize.provider), formatBytes(exportSize.resource)],
              [
                "**ratio**",
                "",
                formatRatio(exportSize.provider / noopSize.provider),
                formatRatio(exportSize.resource / noopSize.resource),
              ],
            ];
          }
          const providerPeak = (c: Cycle) =>
            Math.max(c.up.peakKib.get("dynamic provider") ?? 0, c.destroy.peakKib.get("dynamic provider") ?? 0);
          const ratio = med(runs.exports, totalOf) / med(runs.noop, totalOf);
          rows.push(
            [`${count}`, ...timesRow("no-op", runs.noop), formatMiB(med(runs.noop, providerPeak) || undefined), ""],
            [
              `${count}`,
              ...timesRow("FirestoreExport", runs.exports),
              formatMiB(med(runs.exports, providerPeak) || undefined),
              median(requestsPerResource).toFixed(1),
            ],
            [
              `${count}`,
              ...ratioRow("**ratio**", runs.exports, runs.noop),
              formatRatio(med(runs.exports, providerPeak) / med(runs.noop, providerPeak)),
              "",
            ],
          );
          if (previous) {
            rows.push(
              [
                `${count}`,
                ...timesRow(`FirestoreExport at ${options.previous}`, runs.previous),
                formatMiB(med(runs.previous, providerPeak) || undefined),
                "",
              ],
              [
                `${count}`,
                ...ratioRow(`**this build / ${options.previous}**`, runs.exports, runs.previous),
                formatRatio(med(runs.exports, providerPeak) / med(runs.previous, providerPeak)),
                "",
              ],
            );
            goals.push(
              `N=${count}, this build / ${options.previous}: ${formatRatio(med(runs.exports, totalOf) / med(runs.previous, totalOf))}`,
            );
          }
          goals.push(`N=${count}: ${formatRatio(ratio)}${count === 100 ? ` → ${verdict(ratio < GOAL_RATIO)}` : ""}`);
        }
        return [
          `\`pulumi up --skip-preview\` then \`pulumi destroy --skip-preview\` (default parallelism) of N resources, ` +
            `median of ${repetitions} cycle(s) per size. FirestoreExport against the emulator with operations that run ` +
            "for hours and cancels that land at once (so destroy takes the real get → cancel → get path without " +
            "waiting); the baseline is the same program shape with a no-op inline dynamic provider. Peak RSS is the " +
            "largest `cmd/dynamic-provider` node process seen (sampled every 100 ms from /proc). Requests per resource " +
            "count every admin API call the emulator logged during the up + destroy.",
          "",
          table(
            ["N", "stack", "up", "destroy", "up + destroy", "dynamic provider peak RSS", "API requests / resource"],
            rows,
          ),
          "",
          `**Goal** (FirestoreExport / no-op, up + destroy, at N=100: < ${GOAL_RATIO}): ${goals.join("; ")}` +
            (sizes.includes(100) ? "." : " (N=100 runs only without --quick)."),
          "",
          `Size in \`pulumi stack export\` at N=${sizes[sizes.length - 1]} (average per declared resource, with the ` +
            "component and StackInstance it registers; `__provider` is the provider modules the dynamic provider " +
            "host loads, the whole resource is their JSON in the deployment):",
          "",
          table(["resource", "count", "`__provider`", "whole resource"], sizeRows),
          "",
          `Where the gap comes from, at N=${sizes[sizes.length - 1]} (medians of ${repetitions} cycle(s)): the ` +
            "shaped no-op checks, creates and registers exactly the inputs and outputs of a real FirestoreExport " +
            "(taken from its state before the run) but does nothing, so it separates what carrying that data costs " +
            "the engine, the SDK and the checkpoint writes from what our provider's requests and code cost; the " +
            "graph no-op registers it as the package does (a component holding a StackInstance and the step that " +
            "takes its id, with the 0.1.0 alias), three resources per export, which separates what the resource " +
            "graph costs Pulumi from what our provider's requests and code cost.",
          "",
          table(["stack", "up", "destroy", "up + destroy"], shapeRows),
          "",
          "CPU time of each process role over up + destroy (medians of the same cycles; user + system from " +
            "/proc, sampled every 100 ms, so a process's last 100 ms may be missed). The machine has 2 cores, so " +
            "the emulator's work competes with the engine's:",
          "",
          table(["stack", "engine", "language host", "program", "dynamic provider", "emulator", "total"], cpuRows),
        ].join("\n");
      } finally {
        for (const stack of stacks) stack.remove();
        previousBuild?.remove();
      }
    });
  },
};

// For plugin-overhead, which measures cycles the same way. A list, not `export const`: compiled to CommonJS,
// an exported const is read as `exports.NAME`, and run() has a local named `exports`.
export { type Cycle, DESTROY, EXPORT_TYPE, med, ratioRow, timesRow, totalOf, UP };
