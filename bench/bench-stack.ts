import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PLUGIN_CONFIG_KEYS, PLUGIN_NAME } from "../plugin/config-keys";
import { PULUMI_CONFIG_KEYS } from "../provider/runtime";
import { createTempStack, type PulumiResult, runPulumi, type TempStack } from "../test/support/pulumi-cli";
import { repoRoot } from "../test/support/repo";
import { withBenchEmulator } from "./bench-emulator";
import type { EmulatorAdmin } from "./emulator-admin";
import { DescendantPeakSampler } from "./process-memory";
import { type StackProgram, writeStackProgram } from "./stack-programs";

/** One timed Pulumi command: wall time, and the peak RSS and CPU time of the processes involved, by role. */
export interface TimedCommand {
  wallMs: number;
  result: PulumiResult;
  /** Peak KiB of the largest process per role: "dynamic provider", "plugin", "program", "engine", "emulator". */
  peakKib: Map<string, number>;
  /** CPU ms used during the command per role (all processes of the role together). */
  cpuMs: Map<string, number>;
}

export interface BenchStack {
  stack: TempStack;
  /** The environment every command of this stack runs with. */
  env: NodeJS.ProcessEnv;
  setCount(count: number): Promise<void>;
  /** Runs pulumi, timing it; throws with the whole output unless it exits 0. */
  timed(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<TimedCommand>;
  // biome-ignore lint/suspicious/noExplicitAny: the state file's JSON.
  exportState(): Promise<any>;
  remove(): void;
}

const COMMAND_TIMEOUT_MS = 15 * 60_000;

/** The processes a Pulumi command starts, named by what they are. */
function roleOf(cmdline: string): string | undefined {
  if (cmdline.includes("cmd/dynamic-provider")) return "dynamic provider";
  if (cmdline.includes(PLUGIN_EXECUTABLE)) return "plugin";
  if (cmdline.includes("emulator/cli.js")) return "emulator";
  if (cmdline.includes("pulumi-language-nodejs")) return "language host";
  if (/@pulumi\/pulumi\/cmd\/run/.test(cmdline)) return "program";
  if (/(^|\/)pulumi(\s|$)/.test(cmdline)) return "engine";
  return undefined;
}

/**
 * The stack's environment with this checkout's dynamic provider host first on PATH. The shared tool folder's
 * `pulumi-resource-pulumi-nodejs` is a symlink that another checkout's setup may repoint (or break) while a
 * benchmark runs; the benchmark must measure this checkout's provider either way.
 */
function pinDynamicProviderHost(stack: TempStack): NodeJS.ProcessEnv {
  const bin = path.join(path.dirname(stack.programDir), "bin");
  fs.mkdirSync(bin, { recursive: true });
  const host = "pulumi-resource-pulumi-nodejs";
  fs.symlinkSync(path.join(repoRoot(), "node_modules", "@pulumi", "pulumi", host), path.join(bin, host));
  return { ...stack.env, PATH: `${bin}${path.delimiter}${stack.env.PATH ?? ""}` };
}

/** The provider plugin's executable, as the engine starts it (`node <package>/pulumi-resource-firestore-operations`). */
const PLUGIN_EXECUTABLE = `pulumi-resource-${PLUGIN_NAME}`;

/**
 * A temporary stack of one of the benchmark programs, with the real CLI; for `exports` and `plugin`, configured
 * for the emulator at `emulatorUrl` with OAuth credentials (as test/support/e2e-stack.ts does), under the config
 * keys of the provider that serves the program: `gcp:*` for the dynamic provider, the plugin's own namespace for
 * the plugin (the engine hands a plugin no other keys).
 */
export async function createBenchStack(
  program: StackProgram,
  emulator?: { url: string; credentialsFile: string },
  files: Record<string, string> = {},
  /** The package the program installs: this checkout, or another build (see previous-build.ts). */
  packageDir: string = repoRoot(),
): Promise<BenchStack> {
  const source = fs.mkdtempSync(path.join(os.tmpdir(), `bench-program-${program}-`));
  let stack: TempStack;
  try {
    writeStackProgram(program, source, files);
    stack = await createTempStack({
      fixtureDir: source,
      links: { "pulumi-firestore-operations": packageDir },
    });
  } finally {
    fs.rmSync(source, { recursive: true, force: true });
  }
  const env = pinDynamicProviderHost(stack);
  const checked = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<PulumiResult> => {
    const result = await runPulumi(args, {
      cwd: stack.programDir,
      env: { ...env, ...extraEnv },
      timeoutMs: COMMAND_TIMEOUT_MS,
    });
    if (result.code !== 0) {
      throw new Error(
        `pulumi ${args.join(" ")} exited ${result.code}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`,
      );
    }
    return result;
  };
  if (emulator) {
    const keys = program === "plugin" ? PLUGIN_CONFIG_KEYS : PULUMI_CONFIG_KEYS;
    stack.setConfig({
      [keys.project]: "demo-project",
      [keys.credentials]: emulator.credentialsFile,
      [keys.endpoint]: `${emulator.url}/v1/`,
    });
  }
  return {
    stack,
    env,
    setCount: async (count) => stack.setConfig({ count: String(count) }),
    async timed(args, extraEnv) {
      const sampler = new DescendantPeakSampler(roleOf);
      sampler.start();
      const started = Date.now();
      try {
        const result = await checked(args, extraEnv);
        const wallMs = Date.now() - started;
        const peaks = sampler.stop();
        return {
          wallMs,
          result,
          peakKib: new Map([...peaks].map(([role, p]) => [role, p.peakKib])),
          cpuMs: new Map([...peaks].map(([role, p]) => [role, p.cpuMs])),
        };
      } finally {
        sampler.stop(); // also when pulumi failed
      }
    },
    exportState: async () => stack.readState(),
    remove: () => stack.remove(),
  };
}

/**
 * The `exports` program with `count` resources, against an emulator of its own (OAuth credentials, `emulatorArgs`
 * added), for `body`; the stack, the emulator and the credentials are removed after it, whatever it did.
 */
export async function withExportsStack<T>(
  emulatorArgs: string[],
  count: number,
  body: (stack: BenchStack, admin: EmulatorAdmin) => Promise<T>,
): Promise<T> {
  return withBenchEmulator(emulatorArgs, async (emulator) => {
    const stack = await createBenchStack("exports", emulator);
    try {
      await stack.setCount(count);
      return await body(stack, emulator.admin);
    } finally {
      stack.remove();
    }
  });
}
