import { PLUGIN_NAME } from "../plugin/config-keys";
import { LONG_OPERATIONS_PROMPT_CANCELS, withBenchEmulator } from "./bench-emulator";
import { type BenchStack, createBenchStack } from "./bench-stack";
import type { Benchmark } from "./benchmark";
import type { EmulatorAdmin } from "./emulator-admin";
import { table } from "./markdown";
import { type Cycle, DESTROY, EXPORT_TYPE, med, ratioRow, timesRow, totalOf, UP } from "./stack-overhead";
import { formatBytes, formatMiB, formatMs, formatRatio, median } from "./stats";

/** The stack size issue 25 asks the plugin's cost at; --quick deploys fewer (a smoke run, as stack-overhead's). */
const COUNT = 10;
const QUICK_COUNT = 2;

type Mode = "dynamic" | "plugin";
const MODES: readonly Mode[] = ["dynamic", "plugin"];

/** The process that runs our provider code in each mode, as bench-stack.ts's roleOf names it. */
const PROVIDER_ROLE: Record<Mode, string> = { dynamic: "dynamic provider", plugin: "plugin" };
const CPU_ROLES = ["engine", "language host", "program", "provider process", "emulator"] as const;
const PLUGIN_EXPORT_TYPE = `${PLUGIN_NAME}:index:FirestoreExport`;

/** What a deployment of N resources holds, from `pulumi stack export` while they exist. */
interface StateSize {
  /** State entries of the declared resources (not the stack, not the provider resources). */
  resourceEntries: number;
  /** Their compact JSON. */
  resourceBytes: number;
  /** The stack and the provider resources: paid once per stack, whatever N. */
  fixedBytes: number;
  /** The whole deployment's compact JSON. */
  deploymentBytes: number;
}

interface ModeCycle extends Cycle {
  state: StateSize;
  apiRequests: number;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const isFixed = (type: string) => type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");

/**
 * The deployment's sizes, after checking that the mode took effect: plugin mode holds exactly `count` custom
 * resources of the plugin's type and nothing of the dynamic provider's; dynamic mode `count` start steps and no
 * provider of the plugin.
 */
// biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
function stateSize(mode: Mode, state: any, count: number): StateSize {
  const deployment = state.deployment ?? {};
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  const resources: any[] = deployment.resources ?? [];
  const text = JSON.stringify(deployment);
  const declared = resources.filter((r) => !isFixed(String(r.type)));
  if (mode === "plugin") {
    const served = declared.filter(
      (r) =>
        r.type === PLUGIN_EXPORT_TYPE && r.custom && String(r.provider).includes(`pulumi:providers:${PLUGIN_NAME}`),
    );
    if (served.length !== count || declared.length !== count || text.includes("pulumi-nodejs")) {
      throw new Error(`plugin mode did not take effect: ${declared.map((r) => r.type).join(", ")}`);
    }
  } else if (
    text.includes(`pulumi:providers:${PLUGIN_NAME}`) ||
    declared.filter((r) => r.type === EXPORT_TYPE).length !== count
  ) {
    throw new Error(`dynamic mode did not take effect: ${declared.map((r) => r.type).join(", ")}`);
  }
  return {
    resourceEntries: declared.length,
    resourceBytes: declared.reduce((sum, r) => sum + bytes(r), 0),
    fixedBytes: resources.filter((r) => isFixed(String(r.type))).reduce((sum, r) => sum + bytes(r), 0),
    deploymentBytes: Buffer.byteLength(text),
  };
}

/** One up + destroy of `count` exports; counts the admin API requests and checks that destroy ended them all. */
async function cycle(mode: Mode, stack: BenchStack, admin: EmulatorAdmin, count: number): Promise<ModeCycle> {
  await stack.setCount(count);
  await admin.newRequests();
  const up = await stack.timed(UP);
  const state = stateSize(mode, await stack.exportState(), count); // a file read between the timed commands
  const destroy = await stack.timed(DESTROY);
  const log = await admin.newRequests();
  const stillRunning = (await admin.operations()).filter((op) => !op.done).length;
  if (stillRunning) throw new Error(`${mode} mode: ${stillRunning} exports still running after destroy`);
  const foreign = [...up.cpuMs.keys(), ...destroy.cpuMs.keys()].find(
    (role) => role === PROVIDER_ROLE[mode === "plugin" ? "dynamic" : "plugin"],
  );
  if (foreign) throw new Error(`${mode} mode started a ${foreign} process`);
  const apiRequests = log.filter((e) => e.endpoint && e.endpoint !== "token").length;
  return { up, destroy, state, apiRequests };
}

type Phase = "up" | "destroy" | "up + destroy";

/** CPU ms of a role over a phase; "provider process" is the mode's provider role. */
function cpuOf(mode: Mode, c: ModeCycle, phase: Phase, role: (typeof CPU_ROLES)[number]): number {
  const name = role === "provider process" ? PROVIDER_ROLE[mode] : role;
  const up = c.up.cpuMs.get(name) ?? 0;
  const destroy = c.destroy.cpuMs.get(name) ?? 0;
  return phase === "up" ? up : phase === "destroy" ? destroy : up + destroy;
}

function cpuRows(runs: Record<Mode, ModeCycle[]>): string[][] {
  const rows: string[][] = [];
  for (const phase of ["up", "destroy", "up + destroy"] as const) {
    const medians = (mode: Mode) => {
      const perRole = CPU_ROLES.map((role) => median(runs[mode].map((c) => cpuOf(mode, c, phase, role))));
      const total = median(runs[mode].map((c) => CPU_ROLES.reduce((s, role) => s + cpuOf(mode, c, phase, role), 0)));
      return [...perRole, total];
    };
    const dynamic = medians("dynamic");
    const plugin = medians("plugin");
    rows.push(
      [`dynamic: ${phase}`, ...dynamic.map(formatMs)],
      [`plugin: ${phase}`, ...plugin.map(formatMs)],
      [
        `**plugin / dynamic: ${phase}**`,
        ...plugin.map((ms, i) => {
          const ratio = formatRatio(ms / (dynamic[i] as number));
          return i === plugin.length - 1 ? `**${ratio}**` : ratio;
        }),
      ],
    );
  }
  return rows;
}

export const pluginOverhead: Benchmark = {
  name: "plugin-overhead",
  title: "pulumi up + destroy of FirestoreExports through the real CLI: plugin mode vs dynamic mode",
  async run(options, progress) {
    const repetitions = options.quick ? 1 : 3;
    const count = options.quick ? QUICK_COUNT : COUNT;
    return withBenchEmulator(LONG_OPERATIONS_PROMPT_CANCELS, async (emulator) => {
      const stacks: BenchStack[] = [];
      try {
        const { admin } = emulator;
        const dynamic = await createBenchStack("exports", emulator);
        stacks.push(dynamic);
        const plugin = await createBenchStack("plugin", emulator);
        stacks.push(plugin);
        const stackOf: Record<Mode, BenchStack> = { dynamic, plugin };
        const runs: Record<Mode, ModeCycle[]> = { dynamic: [], plugin: [] };
        if (!options.quick) {
          // The first deploy of a run pays cold disk caches and Node's compile cache: one untimed cycle per mode.
          for (const mode of MODES) {
            progress(`N=${count}, warm-up: ${mode} mode`);
            await cycle(mode, stackOf[mode], admin, count);
          }
        }
        for (let rep = 0; rep < repetitions; rep++) {
          // Alternate which mode goes first, so that neither always runs on a cooler (or hotter) machine.
          for (const mode of rep % 2 ? [...MODES].reverse() : MODES) {
            progress(`N=${count}, repetition ${rep + 1}/${repetitions}: ${mode} mode`);
            runs[mode].push(await cycle(mode, stackOf[mode], admin, count));
          }
        }

        const providerPeak = (mode: Mode) => (c: ModeCycle) =>
          Math.max(c.up.peakKib.get(PROVIDER_ROLE[mode]) ?? 0, c.destroy.peakKib.get(PROVIDER_ROLE[mode]) ?? 0);
        const peak = (mode: Mode) => median(runs[mode].map(providerPeak(mode)));
        const requests = (mode: Mode) => median(runs[mode].map((c) => c.apiRequests)) / count;
        const modeRow = (mode: Mode) => [
          ...timesRow(mode, runs[mode]),
          runs[mode].map((c) => formatMs(totalOf(c))).join(", "),
          formatMiB(peak(mode) || undefined),
          requests(mode).toFixed(1),
        ];
        const wallRows = [
          modeRow("dynamic"),
          modeRow("plugin"),
          [
            ...ratioRow("**plugin / dynamic**", runs.plugin, runs.dynamic),
            "",
            formatRatio(peak("plugin") / peak("dynamic")),
            formatRatio(requests("plugin") / requests("dynamic")),
          ],
        ];
        // State sizes are the same every cycle (same resources, same outputs but for ids and times): the median.
        const size = (mode: Mode, f: (s: StateSize) => number) => median(runs[mode].map((c) => f(c.state)));
        const sizeRow = (mode: Mode) => [
          mode,
          (size(mode, (s) => s.resourceEntries) / count).toFixed(0),
          formatBytes(size(mode, (s) => s.resourceBytes) / count),
          formatBytes(size(mode, (s) => s.fixedBytes)),
          formatBytes(size(mode, (s) => s.deploymentBytes) / count),
        ];
        const sizeRatio = (f: (s: StateSize) => number) => formatRatio(size("plugin", f) / size("dynamic", f));
        const sizeRows = [
          sizeRow("dynamic"),
          sizeRow("plugin"),
          [
            "**plugin / dynamic**",
            "",
            `**${sizeRatio((s) => s.resourceBytes)}**`,
            sizeRatio((s) => s.fixedBytes),
            sizeRatio((s) => s.deploymentBytes),
          ],
        ];
        const total = formatRatio(med(runs.plugin, totalOf) / med(runs.dynamic, totalOf));
        return [
          `The same program, N=${count} \`FirestoreExport\`s, in two stacks: **dynamic mode** (\`pulumi-firestore-operations\`, ` +
            "served by the dynamic provider host) and **plugin mode** (`pulumi-firestore-operations/plugin`, served by " +
            "the provider plugin `pulumi-resource-firestore-operations`, found through `plugins.providers` in " +
            "Pulumi.yaml). A cycle is `pulumi up --skip-preview` then `pulumi destroy --skip-preview` (default " +
            `parallelism), ${repetitions} cycle(s) per mode, interleaved (alternating which goes first)` +
            (options.quick ? "" : " after one untimed warm-up cycle of each") +
            "; medians. " +
            "One emulator serves both, with operations that run for hours and cancels that land at once (so destroy " +
            "takes the real get → cancel → get path without waiting). **Baseline**: dynamic mode, in the same run.",
          "",
          table(
            [
              "mode",
              "up",
              "destroy",
              "up + destroy",
              "up + destroy per cycle",
              "provider process peak RSS",
              "API requests / resource",
            ],
            wallRows,
          ),
          "",
          `**Plugin / dynamic, up + destroy at N=${count}**: ${total} (wall time; ratios per phase above). Peak RSS ` +
            "is the largest provider process seen: the dynamic provider host (`cmd/dynamic-provider`) in dynamic " +
            "mode, the plugin in plugin mode (sampled every 100 ms from /proc).",
          "",
          "CPU time of each process role (user + system from /proc, sampled every 100 ms, so a process's last 100 ms " +
            "may be missed; medians of the same cycles). The provider process is the dynamic provider host in dynamic " +
            "mode and the plugin in plugin mode; neither mode starts the other's:",
          "",
          table(["mode: phase", ...CPU_ROLES, "total"], cpuRows(runs)),
          "",
          "State in `pulumi stack export` while the resources exist (compact JSON): per resource, the entries of the " +
            "declared resources (dynamic mode: each FirestoreExport is a component, its stack-instance step and its " +
            "start step, each step carrying a `__provider` module; plugin mode: one custom resource); once per stack, the stack and the provider " +
            "resources (the plugin's holds its `firestore-operations:*` config):",
          "",
          table(
            [
              "mode",
              "entries / resource",
              "bytes / resource",
              "stack + providers (once)",
              `whole deployment / ${count}`,
            ],
            sizeRows,
          ),
        ].join("\n");
      } finally {
        for (const stack of stacks) stack.remove();
      }
    });
  },
};
